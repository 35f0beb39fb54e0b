package site

import (
	"net/http"
	"strings"

	"storefront/internal/account"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
)

// chrome builds the storefront frame for a request in its locale.
func (s *Site) chrome(w http.ResponseWriter, r *http.Request) ui.Chrome {
	loc := intl.FromContext(r.Context())
	css, js, icon := assets()
	c := ui.Chrome{
		Lang: loc.BCP47(), Dir: loc.Dir(),
		ShopName: loc.T("site.ShopName"), HomeURL: loc.Path("/"),
		SkipLabel: loc.T("site.SkipToContent"), NavLabel: loc.T("site.MainNavigation"),
		CSRF:       httpx.CSRFToken(r.Context()),
		Stylesheet: css, Script: js, Favicon: icon,
		FooterNote: loc.T("site.FooterNote"),
		Search: &ui.Search{Action: loc.Path("/search"), Label: loc.T("site.Search"),
			Placeholder: loc.T("site.SearchPlaceholder"), Query: r.URL.Query().Get("q"), Button: loc.T("site.Search")},
	}
	here := r.URL.Path
	if s.nav != nil {
		for _, l := range s.nav(r.Context(), loc) {
			l.Current = l.URL == here
			c.Nav = append(c.Nav, l)
		}
	}
	if u, ok := account.CurrentUser(r.Context()); ok {
		c.Account = append(c.Account, ui.Link{Label: loc.T("site.MyAccount"), URL: loc.Path("/account"),
			Current: strings.HasPrefix(here, loc.Path("/account"))},
			ui.Link{Label: loc.T("site.MyOrders"), URL: loc.Path("/orders"), Current: strings.HasPrefix(here, loc.Path("/orders"))})
		if u.Staff() {
			c.Account = append(c.Account, ui.Link{Label: loc.T("site.BackOffice"), URL: "/admin"})
		}
		c.SignOut = &ui.Link{Label: loc.T("site.SignOut"), URL: loc.Path("/account/signout")}
	} else {
		c.Account = append(c.Account, ui.Link{Label: loc.T("site.SignIn"),
			URL: loc.Path("/account/signin"), Current: here == loc.Path("/account/signin")})
	}
	if s.cartCount != nil {
		n := s.cartCount(r)
		c.Cart = &ui.Link{Label: loc.T("site.Cart"), URL: loc.Path("/cart"), Current: here == loc.Path("/cart")}
		c.CartCount = loc.Int(n)
		c.CartCountNote = loc.N("site.CartItems", n)
	}
	sel := s.router.Selector(loc, r.URL.RequestURI())
	c.Selector = &sel
	if kind, id, ok := httpx.TakeFlash(w, r); ok && s.router.Messages().Has(id) {
		c.Flashes = append(c.Flashes, ui.Flash{Kind: kind, Text: loc.T(id)})
	}
	return c
}
