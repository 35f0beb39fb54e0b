// Package ui holds the shop's page layouts and shared view components (templ), and the helper that renders a
// page inside the layout. Components take props already translated and formatted for the visitor's locale;
// nothing here knows about modules or message IDs.
package ui

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/a-h/templ"
)

// Link is a labelled URL; Current marks the link to the page being shown (aria-current).
type Link struct {
	Label   string
	URL     string
	Current bool
}

// Alternate is one hreflang alternate of a page.
type Alternate struct {
	Hreflang string // "de-DE", "x-default"
	URL      string
}

// Head is what a page says about itself: title, description, canonical and alternate URLs, robots rules,
// Open Graph and JSON-LD.
type Head struct {
	Title       string
	Description string
	Canonical   string
	Alternates  []Alternate
	NoIndex     bool
	OGType      string // "website", "product"
	OGImage     string
	JSONLD      []string // JSON documents, already serialized
}

// Option is one choice of a select.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// Selector is the country/language chooser: a plain GET form, so it works without JavaScript.
type Selector struct {
	Action        string
	Legend        string
	CountryLabel  string
	Countries     []Option
	LanguageLabel string
	Languages     []Option
	Submit        string
	Next          string // path to keep after switching
}

// Search is the header search box.
type Search struct {
	Action      string
	Label       string
	Placeholder string
	Query       string
	Button      string
}

// Flash is a one-time message shown at the top of the next page (after a redirect).
type Flash struct {
	Kind string // "ok", "info", "warn", "bad"
	Text string
}

// Chrome is everything around a storefront page's content: header, navigation, account and cart links,
// selector and footer, in the visitor's language.
type Chrome struct {
	Lang, Dir     string
	ShopName      string
	HomeURL       string
	SkipLabel     string
	NavLabel      string
	Nav           []Link
	Search        *Search
	Account       []Link
	SignOut       *Link // POST target and label
	Cart          *Link
	CartCount     string
	CartCountNote string
	Selector      *Selector
	Footer        []Link
	FooterNote    string
	CSRF          string
	Flashes       []Flash
	Stylesheet    string
	Script        string
	Favicon       string
}

// ChromeFunc builds the chrome for a request; the site installs one per request with WithChrome.
type ChromeFunc func(w http.ResponseWriter, r *http.Request) Chrome

type chromeKey struct{}

// WithChrome installs how pages below get their chrome.
func WithChrome(ctx context.Context, f ChromeFunc) context.Context {
	return context.WithValue(ctx, chromeKey{}, f)
}

// ChromeFor returns the chrome of the request, or a bare one when none is installed (tests of a module alone).
// It may set cookies (a shown flash message is cleared), so it runs before the response is written.
func ChromeFor(w http.ResponseWriter, r *http.Request) Chrome {
	if f, ok := r.Context().Value(chromeKey{}).(ChromeFunc); ok {
		return f(w, r)
	}
	return Chrome{Lang: "en", Dir: "ltr", ShopName: "Shop", HomeURL: "/"}
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render writes a storefront page: the layout with the request's chrome around body. The page is rendered to a
// buffer first, so a failure half-way becomes a clean error page rather than half a page.
func Render(w http.ResponseWriter, r *http.Request, status int, head Head, body templ.Component) error {
	return RenderComponent(w, r, status, Layout(ChromeFor(w, r), head, body))
}

// RenderComponent writes any full-page component with status.
func RenderComponent(w http.ResponseWriter, r *http.Request, status int, page templ.Component) error {
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer buffers.Put(buf)
	if err := page.Render(r.Context(), buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// JSONLD wraps a serialized JSON-LD document in its script element. "</" is escaped so the data cannot end
// the element early.
func jsonLD(doc string) string {
	return `<script type="application/ld+json">` + strings.ReplaceAll(doc, "</", `<\/`) + `</script>`
}
