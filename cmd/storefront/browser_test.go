package main

import (
	"strings"
	"testing"

	"storefront/internal/account"
	"storefront/internal/platform/browsertest"
)

// TestBrowserSignInPerRole signs in as each role in headless Chromium: staff land in the back office and see
// only their sections; a shopper signs in on the storefront and is refused the back office.
func TestBrowserSignInPerRole(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	for _, role := range account.Roles {
		shop.mustUser(string(role)+"@example.com", role)
	}
	for _, role := range account.Roles {
		t.Run(string(role), func(t *testing.T) {
			b := browsertest.New(t, shop.URL, browsertest.Options{})
			email := string(role) + "@example.com"
			if role == account.RoleShopper {
				b.Visit("/en-us/account/signin")
			} else {
				b.Visit("/admin")
				if !strings.Contains(b.Location(), "/admin/signin") {
					t.Fatalf("anonymous visit to /admin ended at %s", b.Location())
				}
			}
			b.Fill("#f-email", email)
			b.Fill("#f-password", testPassword)
			b.Submit("main form button[type=submit]")
			if role == account.RoleShopper {
				if !strings.HasSuffix(b.Location(), "/en-us/account") {
					t.Fatalf("shopper ended at %s", b.Location())
				}
				b.Visit("/admin")
				if got := b.Text("h1"); got != "Access denied" {
					t.Fatalf("shopper at /admin sees %q", got)
				}
				return
			}
			if !strings.HasSuffix(b.Location(), "/admin") {
				t.Fatalf("%s ended at %s", role, b.Location())
			}
			nav := b.Text(".admin-nav nav")
			if strings.Contains(nav, "Users") != (role == account.RoleAdmin) {
				t.Errorf("%s sees navigation %q", role, nav)
			}
			b.Screenshot("dashboard")
		})
	}
}
