package catalog

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"storefront/internal/platform/httpx"
)

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name       `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapEntry `xml:"url"`
}

func writeXML(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	if _, err := w.Write([]byte(xml.Header)); err != nil {
		return err
	}
	return xml.NewEncoder(w).Encode(v)
}

// serveSitemapIndex handles GET /sitemap.xml: one sitemap per served storefront (language and country).
func (h *Handler) serveSitemapIndex(w http.ResponseWriter, r *http.Request) error {
	snap, err := h.svc.snap(r.Context())
	if err != nil {
		return err
	}
	var last time.Time
	for _, p := range snap.ordered {
		if p.UpdatedAt.After(last) {
			last = p.UpdatedAt
		}
	}
	idx := sitemapIndex{}
	for _, loc := range h.router.Locales() {
		idx.Sitemaps = append(idx.Sitemaps, sitemapEntry{Loc: h.router.Base() + "/sitemaps/" + strings.TrimPrefix(loc.Prefix(), "/") + ".xml",
			LastMod: last.UTC().Format("2006-01-02")})
	}
	return writeXML(w, idx)
}

// serveSitemap handles GET /sitemaps/{lang}-{country}.xml: the storefront's home, categories and the products
// it sells, under their localized slugs.
func (h *Handler) serveSitemap(w http.ResponseWriter, r *http.Request) error {
	loc, ok := h.router.Resolve(chi.URLParam(r, "prefix"))
	if !ok {
		return httpx.ErrNotFound
	}
	market, ok := h.sf.MarketCode(loc.Region)
	if !ok {
		return httpx.ErrNotFound
	}
	snap, err := h.svc.snap(r.Context())
	if err != nil {
		return err
	}
	code := loc.Language.Code
	set := urlSet{URLs: []sitemapEntry{{Loc: h.router.URL(loc, "/")}}}
	for _, c := range snap.categories {
		set.URLs = append(set.URLs, sitemapEntry{Loc: h.router.URL(loc, "/c/"+url.PathEscape(c.text(code).Slug))})
	}
	for _, p := range snap.ordered {
		if !snap.listable(p, market) {
			continue
		}
		set.URLs = append(set.URLs, sitemapEntry{Loc: h.router.URL(loc, "/p/"+url.PathEscape(p.slugFor(code))),
			LastMod: p.UpdatedAt.UTC().Format("2006-01-02")})
	}
	return writeXML(w, set)
}
