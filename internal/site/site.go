// Package site composes the storefront and back office around the modules: it resolves each request's locale
// and market, builds the page chrome (header, navigation, selector), renders localized error pages, negotiates
// "/" and runs the back office's sections with their role checks. Modules do not import it; the command wires
// it.
package site

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
	"storefront/internal/pricing"
	"storefront/web"
)

// markets is what the site needs of the pricing module.
type markets interface {
	MarketFor(country string) (pricing.Market, error)
}

// CartSummary reports the number of items in the visitor's cart, for the header; the cart module provides it.
type CartSummary func(r *http.Request) int

// NavSource lists the storefront's main navigation (top categories) for a locale; the catalog provides it.
type NavSource func(ctx context.Context, loc *intl.Locale) []ui.Link

// Site holds what the page frame needs.
type Site struct {
	router    *intl.Router
	markets   markets
	log       *slog.Logger
	secure    bool
	cartCount CartSummary
	nav       NavSource
	sections  []Section
	adminLang map[string]intl.Language
}

// Config is what New needs.
type Config struct {
	Router  *intl.Router
	Markets markets
	Log     *slog.Logger
	Secure  bool
	// CartCount and Nav are optional until the modules that provide them are wired.
	CartCount CartSummary
	Nav       NavSource
	// Sections are the back office's areas, each with the roles that may use it.
	Sections []Section
}

// AdminLanguages are the back office's languages.
var AdminLanguages = []string{"en", "zh-Hans"}

// New returns the site.
func New(c Config) (*Site, error) {
	if c.Router == nil || c.Markets == nil || c.Log == nil {
		return nil, errors.New("site: New needs a router, markets and a logger")
	}
	s := &Site{router: c.Router, markets: c.Markets, log: c.Log, secure: c.Secure, cartCount: c.CartCount,
		nav: c.Nav, sections: c.Sections, adminLang: map[string]intl.Language{}}
	for _, code := range AdminLanguages {
		lang, ok := c.Router.Messages().ByCode(code)
		if !ok {
			return nil, errors.New("site: admin language " + code + " has no messages")
		}
		s.adminLang[code] = lang
	}
	return s, nil
}

// Storefront resolves the /{locale} prefix (chi URL parameter "locale") into the request's locale and market;
// an unknown prefix is a 404 that lists the served storefronts.
func (s *Site) Storefront(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loc, ok := s.router.Resolve(chi.URLParam(r, "locale"))
		if !ok {
			httpx.WriteError(w, r, errUnknownStorefront)
			return
		}
		market, err := s.markets.MarketFor(loc.Region)
		if err != nil {
			httpx.WriteError(w, r, errUnknownStorefront)
			return
		}
		ctx := intl.WithLocale(r.Context(), loc)
		ctx = pricing.WithMarket(ctx, market)
		ctx = ui.WithChrome(ctx, s.chrome)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

var errUnknownStorefront = httpx.Fail(httpx.ErrNotFound, "site.UnknownStorefront", nil)

// serveRoot handles GET /: redirects to the visitor's storefront (cookie, then Accept-Language).
func (s *Site) serveRoot(w http.ResponseWriter, r *http.Request) {
	loc := s.router.Negotiate(r)
	w.Header().Add("Vary", "Accept-Language, Cookie")
	http.Redirect(w, r, loc.Path("/"), http.StatusFound)
}

// serveChooseLocale handles GET /locale?country=de&lang=de&next=/…: the selector's submission. It remembers
// the choice and goes to the same page in the chosen storefront. The path is kept as it is: a product or
// category slug of the previous language resolves in every storefront and redirects to the chosen language's
// own (the catalog knows every language's slugs). The cart follows the visitor: it is keyed by its own cookie,
// not by the URL, and is re-priced for the new market when next shown.
func (s *Site) serveChooseLocale(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	loc, ok := s.router.Choose(q.Get("country"), q.Get("lang"))
	if !ok {
		httpx.WriteError(w, r, errUnknownStorefront)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: intl.LocaleCookie, Value: strings.TrimPrefix(loc.Prefix(), "/"), Path: "/",
		MaxAge: 60 * 60 * 24 * 365, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, loc.Path(stripPrefix(q.Get("next"))), http.StatusSeeOther)
}

// stripPrefix removes a storefront prefix from a local path: "/de-de/cart" → "/cart". Anything that is not a
// plain local path becomes "/".
func stripPrefix(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(p, "//") {
		return "/"
	}
	rest := u.Path
	if seg, tail, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/"); strings.Contains(seg, "-") {
		rest = "/" + tail
	}
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return rest
}

// Routes mounts the site's own storefront-level routes on r: "/", "/locale" and robots.txt.
func (s *Site) Routes(r chi.Router, baseURL string) {
	r.Get("/", s.serveRoot)
	r.Get("/locale", s.serveChooseLocale)
	r.Get("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write([]byte("User-agent: *\nDisallow: /admin\nDisallow: /*/account\nDisallow: /*/cart\nDisallow: /*/checkout\n" +
			"Sitemap: " + strings.TrimSuffix(baseURL, "/") + "/sitemap.xml\n"))
	})
}

// Assets are the URLs of the static files every page links.
func assets() (css, js, icon string) {
	return web.Asset("app.css"), web.Asset("app.js"), web.Asset("favicon.svg")
}
