package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"storefront/internal/account"
)

// TestSignedInShoppersGetTheirAddressesBack: an address entered at checkout is saved to the account, offered
// (and filled in) at the next checkout, listed on the account page and deletable there only by its owner.
func TestSignedInShoppersGetTheirAddressesBack(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	shop.mustUser("repeat@example.com", account.RoleShopper)
	c := shop.client()
	c.signIn("repeat@example.com")
	item, _ := shop.buyableProduct(t, "/de-de", "")
	if res := c.post("/de-de/cart/items", url.Values{"variant": {fmt.Sprint(item.ID)}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add: %d", res.Status)
	}
	form := url.Values{"email": {"repeat@example.com"}, "phone": {"+49 30 1234567"}, "name": {"Rita Repeat"},
		"line1": {"Unter den Linden 1"}, "city": {"Berlin"}, "postal_code": {"10117"}, "country": {"DE"},
		"service": {"economy"}, "remember": {"1"}}
	if res := c.post("/de-de/checkout", form); res.Status != http.StatusSeeOther {
		t.Fatalf("address step: %d", res.Status)
	}
	u, _ := shop.app.accounts.UserByEmail(context.Background(), "repeat@example.com")
	addrs, _ := shop.app.accounts.Addresses(context.Background(), u.ID)
	if len(addrs) != 1 || addrs[0].PostalCode != "10117" {
		t.Fatalf("saved addresses: %+v", addrs)
	}
	// A fresh checkout (the draft is gone after an order; here: another cart) offers and fills it in.
	_, _ = shop.pool.Exec(context.Background(), `DELETE FROM checkout_drafts`)
	page := c.get("/de-de/checkout").Body
	if !strings.Contains(page, "Unter den Linden 1") || !strings.Contains(page, fmt.Sprintf("?use=%d", addrs[0].ID)) {
		t.Error("the saved address is not offered at checkout")
	}
	if !strings.Contains(c.get("/de-de/account").Body, "Unter den Linden 1") {
		t.Error("the account page does not list the address")
	}
	other := shop.client()
	shop.mustUser("other@example.com", account.RoleShopper)
	other.signIn("other@example.com")
	if res := other.post(fmt.Sprintf("/de-de/account/addresses/%d/delete", addrs[0].ID), nil); res.Status != http.StatusNotFound {
		t.Errorf("another user deleted the address: %d", res.Status)
	}
	if res := c.post(fmt.Sprintf("/de-de/account/addresses/%d/delete", addrs[0].ID), nil); res.Status != http.StatusSeeOther {
		t.Errorf("owner delete: %d", res.Status)
	}
	if addrs, _ := shop.app.accounts.Addresses(context.Background(), u.ID); len(addrs) != 0 {
		t.Error("the address is still there")
	}
}
