package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/catalog/views"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
)

// Handler serves the catalog's storefront pages.
type Handler struct {
	svc    *Service
	sf     Storefront
	est    Estimator
	router *intl.Router
}

// NewHandler returns the storefront handler; est may be nil (no import-charge estimates).
func NewHandler(svc *Service, sf Storefront, est Estimator, router *intl.Router) *Handler {
	return &Handler{svc: svc, sf: sf, est: est, router: router}
}

// StoreRoutes mounts the catalog's pages on the storefront router (under /{locale}).
func (h *Handler) StoreRoutes(r chi.Router) {
	r.Get("/", httpx.H(h.serveHome))
	r.Get("/c/{slug}", httpx.H(h.serveCategory))
	r.Get("/p/{slug}", httpx.H(h.serveProduct))
	r.Get("/search", httpx.H(h.serveSearch))
}

// RootRoutes mounts the locale-independent routes: images and sitemaps.
func (h *Handler) RootRoutes(r chi.Router) {
	r.Get("/media/{key}", httpx.H(func(w http.ResponseWriter, r *http.Request) error {
		return h.svc.serveMedia(w, r, chi.URLParam(r, "key"))
	}))
	r.Get("/sitemap.xml", httpx.H(h.serveSitemapIndex))
	r.Get("/sitemaps/{prefix}.xml", httpx.H(h.serveSitemap))
}

// Nav returns the top-level categories as the storefront's main navigation.
func (h *Handler) Nav(ctx context.Context, loc *intl.Locale) []ui.Link {
	snap, err := h.svc.snap(ctx)
	if err != nil {
		return nil
	}
	var out []ui.Link
	for _, c := range snap.roots {
		t := c.text(loc.Language.Code)
		out = append(out, ui.Link{Label: t.Name, URL: loc.Path("/c/" + url.PathEscape(t.Slug))})
	}
	return out
}

// cacheable marks a public storefront page as cacheable by browsers for a short while; prices and stock move,
// so it is short, and private because the page frame shows the visitor's cart.
func cacheable(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "private, max-age=60")
}

// serveHome handles GET /{locale}/: departments and new arrivals.
func (h *Handler) serveHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	snap, err := h.svc.snap(ctx)
	if err != nil {
		return err
	}
	p := views.HomeProps{Title: loc.T("site.ShopName"), Tagline: loc.T("site.Tagline"),
		CategoriesTitle: loc.T("catalog.Departments"), NewTitle: loc.T("catalog.NewArrivals")}
	for _, c := range snap.roots {
		t := c.text(loc.Language.Code)
		p.Categories = append(p.Categories, ui.Link{Label: t.Name, URL: loc.Path("/c/" + url.PathEscape(t.Slug))})
	}
	var newest []int64
	for _, prod := range snap.ordered {
		newest = append(newest, prod.ID)
	}
	sort.Slice(newest, func(i, j int) bool { return newer(snap.products[newest[i]], snap.products[newest[j]]) })
	l, err := h.svc.list(ctx, snap, h.sf, ListingQuery{Products: newest, Sort: SortNewest, Page: 1})
	if err != nil {
		return err
	}
	if len(l.Items) > 12 {
		l.Items = l.Items[:12]
	}
	p.New = h.cards(loc, l.Items)
	head := ui.Head{Title: p.Title, Description: p.Tagline, Canonical: h.router.URL(loc, "/"),
		Alternates: h.router.Alternates("/"), OGType: "website"}
	cacheable(w)
	return ui.Render(w, r, http.StatusOK, head, views.Home(p))
}

func (h *Handler) cards(loc *intl.Locale, items []ListingItem) []views.Card {
	cards := make([]views.Card, 0, len(items))
	note := h.priceNote(loc, items)
	for _, it := range items {
		t, _ := it.Product.text(loc.Language.Code)
		c := views.Card{URL: loc.Path("/p/" + url.PathEscape(t.Slug)), Title: t.Title, Price: loc.Money(it.Price.Amount),
			PriceNote: note, ImageAlt: t.Title}
		if len(it.Product.Images) > 0 {
			c.Image = ImageURL(it.Product.Images[0].Key, SmallWidth)
		}
		if !it.InStock {
			c.Badge, c.BadgeKind = loc.T("catalog.OutOfStock"), "bad"
		}
		cards = append(cards, c)
	}
	return cards
}

func (h *Handler) priceNote(loc *intl.Locale, items []ListingItem) string {
	if len(items) == 0 {
		return ""
	}
	if items[0].Price.TaxIncluded {
		return loc.T("catalog.InclTax")
	}
	return loc.T("catalog.PlusTax")
}

// parseListing reads filters, sort and page from the query string; nonsense values are ignored, not errors,
// because links get mangled and a shopper should still see products.
func parseListing(r *http.Request, facets []string) ListingQuery {
	qs := r.URL.Query()
	q := ListingQuery{Sort: qs.Get("sort"), Options: map[string][]string{}}
	switch q.Sort {
	case SortNewest, SortPriceAsc, SortPriceDesc:
	default:
		q.Sort = ""
	}
	q.Page = httpx.Page(qs)
	for _, name := range facets {
		if vals := qs[name]; len(vals) > 0 {
			q.Options[name] = vals
		}
	}
	if d, err := decimal.NewFromString(strings.ReplaceAll(qs.Get("min"), ",", ".")); err == nil && !d.IsNegative() {
		q.MinPrice = &d
	}
	if d, err := decimal.NewFromString(strings.ReplaceAll(qs.Get("max"), ",", ".")); err == nil && d.IsPositive() {
		q.MaxPrice = &d
	}
	return q
}

// OptionsText is a variant's options as a shopper reads them, "Size: M · Colour: Navy", in the locale's language
// (names and values the catalog does not translate show as entered). Cart, checkout and returns show line
// options this way.
func OptionsText(loc *intl.Locale, opts map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(opts) {
		name, value := optionLabel(loc, k, opts[k])
		parts = append(parts, name+": "+value)
	}
	return strings.Join(parts, " · ")
}

// optionLabel translates an option name ("size") and value ("navy"); unknown values show as entered.
func optionLabel(loc *intl.Locale, name, value string) (string, string) {
	nameLabel, ok := loc.Lookup("catalog.Option." + name)
	if !ok {
		nameLabel = name
	}
	if value == "" {
		return nameLabel, ""
	}
	if v, ok := loc.Lookup("catalog.Value." + strings.ToLower(value)); ok {
		return nameLabel, v
	}
	return nameLabel, value
}

// canonicalRedirect sends a page reached by another language's slug (a shared link, or the language selector,
// which keeps the path) to its canonical URL in the storefront, keeping the query (variant, filters, page).
func canonicalRedirect(w http.ResponseWriter, r *http.Request, target string) {
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
}

// serveCategory handles GET /{locale}/c/{slug}: the category under its slug in the locale (another language's
// slug redirects there).
func (h *Handler) serveCategory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	snap, err := h.svc.snap(ctx)
	if err != nil {
		return err
	}
	slug := chi.URLParam(r, "slug")
	c := snap.storefrontCategory(loc.Language.Code, slug)
	if c == nil {
		return ErrCategoryNotFound
	}
	t := c.text(loc.Language.Code)
	if t.Slug != slug {
		// Another language's slug (or English where this one has its own): one canonical URL per storefront.
		canonicalRedirect(w, r, loc.Path("/c/"+url.PathEscape(t.Slug)))
		return nil
	}
	facetNames := snapFacetNames(snap, c.ID)
	q := parseListing(r, facetNames)
	q.CategoryID = c.ID
	if q.Sort == "" {
		q.Sort = SortNewest
	}
	l, err := h.svc.list(ctx, snap, h.sf, q)
	if err != nil {
		return err
	}
	base := loc.Path("/c/" + url.PathEscape(t.Slug))
	p := h.listingProps(loc, r, l, q, base, "")
	p.Title, p.Intro = t.Name, t.Description
	p.BreadLabel = loc.T("catalog.Breadcrumbs")
	p.Breadcrumbs = append(p.Breadcrumbs, ui.Link{Label: loc.T("catalog.Home"), URL: loc.Path("/")})
	for _, id := range c.Path {
		if anc := snap.categories[id]; anc != nil {
			at := anc.text(loc.Language.Code)
			p.Breadcrumbs = append(p.Breadcrumbs, ui.Link{Label: at.Name, URL: loc.Path("/c/" + url.PathEscape(at.Slug))})
		}
	}
	p.SubcatsLabel = loc.T("catalog.Subcategories")
	for _, sub := range snap.children[c.ID] {
		st := sub.text(loc.Language.Code)
		p.Subcats = append(p.Subcats, ui.Link{Label: st.Name, URL: loc.Path("/c/" + url.PathEscape(st.Slug))})
	}
	head := ui.Head{Title: t.Name + " · " + loc.T("site.ShopName"), Description: firstLine(t.Description),
		Canonical: h.router.URL(loc, "/c/"+url.PathEscape(t.Slug)), OGType: "website",
		Alternates: h.router.AlternatesFunc(func(l *intl.Locale) (string, bool) {
			return "/c/" + url.PathEscape(c.text(l.Language.Code).Slug), true
		})}
	if q.Page > 1 || len(q.Options) > 0 || q.MinPrice != nil || q.MaxPrice != nil {
		head.NoIndex = true // filtered and deep pages are not separate content
	}
	cacheable(w)
	return ui.Render(w, r, http.StatusOK, head, views.Listing(p))
}

func snapFacetNames(snap *snapshot, categoryID int64) []string {
	var names []string
	for _, p := range snap.inCategory[categoryID] {
		for _, v := range p.Variants {
			for k := range v.Options {
				if !containsString(names, k) {
					names = append(names, k)
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// listingProps builds the filters, sort menu, cards and pagination of a listing.
func (h *Handler) listingProps(loc *intl.Locale, r *http.Request, l Listing, q ListingQuery, base, query string) views.ListingProps {
	market := h.sf.Market(r.Context())
	p := views.ListingProps{
		Action: base, Query: query, FilterTitle: loc.T("catalog.Filters"),
		Count:      loc.N("catalog.ResultCount", l.Total),
		PriceLabel: loc.T("catalog.Price"), MinLabel: loc.T("catalog.MinPrice"), MaxLabel: loc.T("catalog.MaxPrice"),
		Currency: market.Currency, SortLabel: loc.T("catalog.SortBy"), Apply: loc.T("catalog.Apply"),
		Reset: ui.Link{Label: loc.T("catalog.ResetFilters"), URL: base}, Empty: loc.T("catalog.NoProducts"),
		PagesLabel: loc.T("platform.Pages"), Cards: h.cards(loc, l.Items),
	}
	if query != "" {
		p.Reset.URL = base + "?q=" + url.QueryEscape(query)
	}
	if q.MinPrice != nil {
		p.MinPrice = q.MinPrice.String()
	}
	if q.MaxPrice != nil {
		p.MaxPrice = q.MaxPrice.String()
	}
	for _, s := range []string{SortNewest, SortPriceAsc, SortPriceDesc} {
		if query != "" && s == SortNewest {
			p.Sorts = append(p.Sorts, ui.Option{Value: "", Label: loc.T("catalog.Sort.relevance"), Selected: q.Sort == ""})
		}
		p.Sorts = append(p.Sorts, ui.Option{Value: s, Label: loc.T("catalog.Sort." + s), Selected: q.Sort == s})
	}
	for _, name := range sortedKeys(l.Facets) {
		label, _ := optionLabel(loc, name, "")
		g := views.FilterGroup{Name: name, Label: label}
		for _, v := range l.Facets[name] {
			_, vl := optionLabel(loc, name, v)
			g.Choices = append(g.Choices, ui.Option{Value: v, Label: vl, Selected: containsString(q.Options[name], v)})
		}
		p.Groups = append(p.Groups, g)
	}
	if l.Pages > 1 {
		link := func(page int) string {
			v := r.URL.Query()
			v.Set("page", strconv.Itoa(page))
			return base + "?" + v.Encode()
		}
		if l.Page > 1 {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Previous"), URL: link(l.Page - 1), Rel: "prev"})
		}
		for i := 1; i <= l.Pages; i++ {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.Int(i), URL: link(i), Current: i == l.Page})
		}
		if l.Page < l.Pages {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Next"), URL: link(l.Page + 1), Rel: "next"})
		}
	}
	return p
}

// serveSearch handles GET /{locale}/search?q=…: PostgreSQL full-text search in the shopper's language
// (trigram matching for Chinese, Japanese and Korean), limited to what the market sells.
func (h *Handler) serveSearch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	query := strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(query)) > 100 {
		query = string([]rune(query)[:100])
	}
	snap, err := h.svc.snap(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	if query != "" {
		hits, err := store{db: h.svc.pool}.search(ctx, loc.Language.Code, query, 500)
		if err != nil {
			return err
		}
		for _, hit := range hits {
			ids = append(ids, hit.ProductID)
		}
	}
	var facetNames []string
	for _, id := range ids {
		if p := snap.products[id]; p != nil {
			for _, v := range p.Variants {
				for k := range v.Options {
					if !containsString(facetNames, k) {
						facetNames = append(facetNames, k)
					}
				}
			}
		}
	}
	q := parseListing(r, facetNames)
	q.Products = ids
	if q.Products == nil {
		q.Products = []int64{}
	}
	l, err := h.svc.list(ctx, snap, h.sf, q)
	if err != nil {
		return err
	}
	p := h.listingProps(loc, r, l, q, loc.Path("/search"), query)
	if query == "" {
		p.Title = loc.T("catalog.SearchTitle")
		p.Empty = loc.T("catalog.SearchPrompt")
	} else {
		p.Title = loc.T("catalog.SearchResults", "Query", query)
		p.Empty = loc.T("catalog.SearchNothing", "Query", query)
	}
	w.Header().Set("Cache-Control", "no-cache")
	return ui.Render(w, r, http.StatusOK, ui.Head{Title: p.Title, NoIndex: true}, views.Listing(p))
}

// serveProduct handles GET /{locale}/p/{slug}[?sku=…]: the product in the shopper's language, currency and
// market, with the chosen variant. A slug of any other language redirects (301) to the locale's own.
func (h *Handler) serveProduct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	snap, err := h.svc.snap(ctx)
	if err != nil {
		return err
	}
	slug := chi.URLParam(r, "slug")
	p := snap.storefrontProduct(loc.Language.Code, slug)
	if p == nil || !p.servable() {
		return ErrProductNotFound
	}
	t, _ := p.text(loc.Language.Code)
	if t.Slug != slug {
		canonicalRedirect(w, r, loc.Path("/p/"+url.PathEscape(t.Slug)))
		return nil
	}
	market := h.sf.Market(ctx)
	v := &p.Variants[0]
	if sku := r.URL.Query().Get("sku"); sku != "" {
		found := false
		for i := range p.Variants {
			if p.Variants[i].SKU == sku {
				v, found = &p.Variants[i], true
			}
		}
		if !found {
			return ErrVariantNotFound
		}
	}
	ids := make([]int64, len(p.Variants))
	items := make([]PriceItem, len(p.Variants))
	for i, pv := range p.Variants {
		ids[i] = pv.ID
		items[i] = PriceItem{VariantID: pv.ID, SKU: pv.SKU, BaseNet: pv.BasePrice, TaxCategory: pv.TaxCategory}
	}
	prices, err := h.sf.Prices(ctx, items)
	if err != nil {
		return err
	}
	avail, err := h.sf.Available(ctx, ids)
	if err != nil {
		return err
	}
	var price ShelfPrice
	for i := range p.Variants {
		if p.Variants[i].ID == v.ID {
			price = prices[i]
		}
	}
	hidden := snap.visibility(p, market.Code)
	self := loc.Path("/p/" + url.PathEscape(t.Slug))

	props := views.ProductProps{
		BreadLabel: loc.T("catalog.Breadcrumbs"), Title: t.Title, ImageAlt: t.Title,
		Price: loc.Money(price.Amount), SKULabel: loc.T("catalog.SKU"), SKU: v.SKU,
		CartAction: loc.Path("/cart/items"), CSRF: httpx.CSRFToken(ctx), VariantID: strconv.FormatInt(v.ID, 10),
		QtyLabel: loc.T("catalog.Quantity"), AddToCart: loc.T("catalog.AddToCart"),
		DescTitle: loc.T("catalog.Description"), FactsTitle: loc.T("catalog.Details"),
	}
	if price.TaxIncluded {
		props.PriceNote = loc.T("catalog.InclTax")
	} else {
		props.PriceNote = loc.T("catalog.PlusTax")
	}
	props.Breadcrumbs = append(props.Breadcrumbs, ui.Link{Label: loc.T("catalog.Home"), URL: loc.Path("/")})
	if c := snap.categories[p.CategoryID]; c != nil {
		for _, id := range c.Path {
			if anc := snap.categories[id]; anc != nil {
				at := anc.text(loc.Language.Code)
				props.Breadcrumbs = append(props.Breadcrumbs, ui.Link{Label: at.Name, URL: loc.Path("/c/" + url.PathEscape(at.Slug))})
			}
		}
	}
	props.Breadcrumbs = append(props.Breadcrumbs, ui.Link{Label: t.Title, URL: self})
	for i, img := range p.Images {
		if i == 0 {
			props.Image = ImageURL(img.Key, LargeWidth)
		}
		props.Thumbs = append(props.Thumbs, ImageURL(img.Key, SmallWidth))
	}
	for _, para := range strings.Split(t.Description, "\n") {
		if para = strings.TrimSpace(para); para != "" {
			props.Description = append(props.Description, para)
		}
	}

	// Options: each value links to the variant that has it and otherwise matches the current choice best.
	names, values := p.optionValues()
	for _, name := range names {
		label, _ := optionLabel(loc, name, "")
		g := views.OptionGroup{Label: label}
		for _, val := range values[name] {
			target := closestVariant(p, v, name, val)
			_, vl := optionLabel(loc, name, val)
			g.Choices = append(g.Choices, views.Choice{Label: vl, URL: self + "?sku=" + url.QueryEscape(target.SKU),
				Current: v.Options[name] == val, Unavailable: avail[target.ID] <= 0})
		}
		props.Options = append(props.Options, g)
	}

	n := avail[v.ID]
	switch {
	case hidden.Reason != "":
		props.Unavailable = loc.T("catalog.NotInMarket", "Country", loc.CountryName(market.Country))
	case n <= 0:
		props.Availability, props.AvailableKind = loc.T("catalog.OutOfStock"), "bad"
	case n <= 5:
		props.Availability, props.AvailableKind = loc.N("catalog.OnlyLeft", n), "warn"
		props.CanBuy = true
	default:
		props.Availability, props.AvailableKind = loc.T("catalog.InStock"), "ok"
		props.CanBuy = true
	}
	props.QtyMax = strconv.Itoa(min(max(n, 1), 20))

	props.Facts = append(props.Facts,
		views.Fact{Label: loc.T("catalog.Origin"), Value: loc.CountryName(v.OriginCountry)},
		views.Fact{Label: loc.T("catalog.Weight"), Value: loc.T("catalog.Grams", "Grams", loc.Int(v.WeightG))})
	if v.LengthMM > 0 && v.WidthMM > 0 && v.HeightMM > 0 {
		props.Facts = append(props.Facts, views.Fact{Label: loc.T("catalog.Dimensions"), Value: loc.T("catalog.DimensionsMM",
			"L", loc.Int(v.LengthMM/10), "W", loc.Int(v.WidthMM/10), "H", loc.Int(v.HeightMM/10))})
	}
	if p.Brand != "" {
		props.Facts = append(props.Facts, views.Fact{Label: loc.T("catalog.Brand"), Value: p.Brand})
	}
	for _, name := range names {
		if val := v.Options[name]; val != "" {
			l, vl := optionLabel(loc, name, val)
			props.Facts = append(props.Facts, views.Fact{Label: l, Value: vl})
		}
	}

	if h.est != nil && hidden.Reason == "" {
		// The estimate is a help, not the sale: when it cannot be made (no rules, no exchange rate, nothing ships
		// there…) the page shows the price without it, the cart and checkout quote exactly, and the cause is logged.
		if est, err := h.est.Estimate(ctx, *v, price); err == nil {
			props.Estimate = estimateProps(loc, est)
		} else if !errors.Is(err, httpx.ErrNotFound) {
			h.svc.log.WarnContext(ctx, "import estimate unavailable", "sku", v.SKU, "country", market.Country, "err", err)
		}
	}

	head := ui.Head{Title: firstNonEmpty(t.SEOTitle, t.Title) + " · " + loc.T("site.ShopName"),
		Description: firstNonEmpty(t.SEODescription, firstLine(t.Description)),
		Canonical:   h.router.URL(loc, "/p/"+url.PathEscape(t.Slug)), OGType: "product",
		NoIndex: hidden.Reason != "",
		Alternates: h.router.AlternatesFunc(func(l *intl.Locale) (string, bool) {
			m, ok := h.marketOf(l)
			return "/p/" + url.PathEscape(p.slugFor(l.Language.Code)), ok && snap.visible(p, m)
		})}
	if props.Image != "" {
		head.OGImage = h.router.Base() + props.Image
	}
	head.JSONLD = append(head.JSONLD, productJSONLD(head.Canonical, t, p, v, price, n, hidden.Reason == "", head.OGImage))
	cacheable(w)
	return ui.Render(w, r, http.StatusOK, head, views.Product(props))
}

// marketOf returns the market code of a locale's country, for alternates; the storefront knows it.
func (h *Handler) marketOf(l *intl.Locale) (string, bool) {
	if mc, ok := h.sf.(interface {
		MarketCode(country string) (string, bool)
	}); ok {
		return mc.MarketCode(l.Region)
	}
	return l.Region, true
}

// closestVariant finds the variant with option name=value that shares most other options with cur.
func closestVariant(p *Product, cur *Variant, name, value string) *Variant {
	var best *Variant
	bestScore := -1
	for i := range p.Variants {
		v := &p.Variants[i]
		if v.Options[name] != value {
			continue
		}
		score := 0
		for k, val := range cur.Options {
			if k != name && v.Options[k] == val {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = v, score
		}
	}
	if best == nil {
		return cur
	}
	return best
}

func estimateProps(loc *intl.Locale, e Estimate) *views.EstimateProps {
	p := &views.EstimateProps{Title: loc.T("catalog.ImportCharges")}
	switch {
	case e.Domestic:
		p.Note = loc.T("catalog.NoImportCharges", "Country", loc.CountryName(e.WarehouseCountry))
		return p
	case e.DutyUnknown:
		p.Note = loc.T("catalog.DutyUnknown")
	case e.Collected:
		p.Note = loc.T("catalog.ChargesAtCheckout")
	default:
		p.Note = loc.T("catalog.ChargesOnDelivery")
	}
	if !e.DutyUnknown {
		p.Lines = append(p.Lines, views.Fact{Label: loc.T("catalog.Duty"), Value: loc.Money(e.Duty)})
	}
	if e.TaxIncluded && e.Tax.IsZero() {
		p.Lines = append(p.Lines, views.Fact{Label: loc.T("catalog.ImportTax"), Value: loc.T("catalog.IncludedInPrice")})
	} else {
		p.Lines = append(p.Lines, views.Fact{Label: loc.T("catalog.ImportTax"), Value: loc.Money(e.Tax)})
	}
	if !e.Fees.IsZero() {
		p.Lines = append(p.Lines, views.Fact{Label: loc.T("catalog.Fees"), Value: loc.Money(e.Fees)})
	}
	return p
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// productJSONLD is the schema.org Product with its Offer in the shopper's market.
func productJSONLD(canonical string, t ProductText, p *Product, v *Variant, price ShelfPrice, available int, sold bool, image string) string {
	availability := "https://schema.org/InStock"
	switch {
	case !sold:
		availability = "https://schema.org/Discontinued"
	case available <= 0:
		availability = "https://schema.org/OutOfStock"
	case available <= 5:
		availability = "https://schema.org/LimitedAvailability"
	}
	doc := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Product",
		"name":        t.Title,
		"description": firstLine(t.Description),
		"sku":         v.SKU,
		"url":         canonical,
		"offers": map[string]any{
			"@type":           "Offer",
			"url":             canonical,
			"price":           price.Amount.Fixed(),
			"priceCurrency":   price.Amount.Currency,
			"availability":    availability,
			"itemCondition":   "https://schema.org/NewCondition",
			"priceValidUntil": time.Now().AddDate(0, 0, 7).Format("2006-01-02"),
		},
	}
	if p.Brand != "" {
		doc["brand"] = map[string]any{"@type": "Brand", "name": p.Brand}
	}
	if image != "" {
		doc["image"] = image
	}
	b, _ := json.Marshal(doc)
	return string(b)
}
