package catalog

import (
	"sort"
	"strings"
)

// snapshot is the in-memory read model of the whole catalog. It is immutable once built: a change builds a new
// one, so readers never lock.
type snapshot struct {
	categories map[int64]*Category
	roots      []*Category
	children   map[int64][]*Category
	catBySlug  map[string]*Category // "locale\x00slug"
	products   map[int64]*Product
	ordered    []*Product          // by ID
	bySlug     map[string]*Product // "locale\x00slug"
	variants   map[int64]*Variant
	bySKU      map[string]*Variant
	// slugLocales lists, sorted, every locale some product or category has a slug in: the order in which a
	// slug of another language is looked up.
	slugLocales []string
	// inCategory lists the products of a category and all categories below it, newest first.
	inCategory map[int64][]*Product
}

func newSnapshot() *snapshot {
	return &snapshot{
		categories: map[int64]*Category{}, children: map[int64][]*Category{}, catBySlug: map[string]*Category{},
		products: map[int64]*Product{}, bySlug: map[string]*Product{}, variants: map[int64]*Variant{},
		bySKU: map[string]*Variant{}, inCategory: map[int64][]*Product{},
	}
}

func (s *snapshot) addCategory(c *Category) { s.categories[c.ID] = c }

func (s *snapshot) addProduct(p *Product) {
	s.products[p.ID] = p
	s.ordered = append(s.ordered, p)
}

func slugKey(locale, slug string) string { return locale + "\x00" + slug }

// index builds the lookups once everything is loaded.
func (s *snapshot) index() {
	locales := map[string]bool{}
	for _, c := range s.categories {
		if c.ParentID == 0 {
			s.roots = append(s.roots, c)
		} else {
			s.children[c.ParentID] = append(s.children[c.ParentID], c)
		}
		for locale, t := range c.Texts {
			s.catBySlug[slugKey(locale, t.Slug)] = c
			locales[locale] = true
		}
	}
	byPosition := func(list []*Category) {
		sort.Slice(list, func(i, j int) bool {
			if list[i].Position != list[j].Position {
				return list[i].Position < list[j].Position
			}
			return list[i].ID < list[j].ID
		})
	}
	byPosition(s.roots)
	for _, list := range s.children {
		byPosition(list)
	}
	for _, p := range s.ordered {
		for locale, t := range p.Texts {
			s.bySlug[slugKey(locale, t.Slug)] = p
			locales[locale] = true
		}
		for i := range p.Variants {
			v := &p.Variants[i]
			s.variants[v.ID] = v
			s.bySKU[v.SKU] = v
		}
		if c := s.categories[p.CategoryID]; c != nil {
			for _, ancestor := range c.Path {
				s.inCategory[ancestor] = append(s.inCategory[ancestor], p)
			}
		}
	}
	for id, list := range s.inCategory {
		sort.SliceStable(list, func(i, j int) bool { return newer(list[i], list[j]) })
		s.inCategory[id] = list
	}
	for locale := range locales {
		s.slugLocales = append(s.slugLocales, locale)
	}
	sort.Strings(s.slugLocales)
}

// newer orders products newest first: by publication, then creation, then ID.
func newer(a, b *Product) bool {
	ta, tb := a.CreatedAt, b.CreatedAt
	if a.PublishedAt != nil {
		ta = *a.PublishedAt
	}
	if b.PublishedAt != nil {
		tb = *b.PublishedAt
	}
	if !ta.Equal(tb) {
		return ta.After(tb)
	}
	return a.ID > b.ID
}

// requiredCertifications lists what a product's category (and its ancestors) require in a market.
func (s *snapshot) requiredCertifications(p *Product, market string) []string {
	c := s.categories[p.CategoryID]
	if c == nil {
		return nil
	}
	var out []string
	for _, id := range c.Path {
		if anc := s.categories[id]; anc != nil {
			out = append(out, anc.Requirements[market]...)
		}
	}
	return out
}

// Hidden explains why a product is not sold in a market; an empty Reason means it is.
type Hidden struct {
	Reason string // "", "status", "market", "certification"
	// Missing lists the certifications the market requires and the product lacks.
	Missing []string
}

// visibility tells whether p is shown and sold in the market, and if not, why.
func (s *snapshot) visibility(p *Product, market string) Hidden {
	if p.Status != StatusActive {
		return Hidden{Reason: "status"}
	}
	if len(p.Markets) > 0 && !containsString(p.Markets, market) {
		return Hidden{Reason: "market"}
	}
	var missing []string
	for _, req := range s.requiredCertifications(p, market) {
		if !containsString(p.Certifications, req) && !containsString(missing, req) {
			missing = append(missing, req)
		}
	}
	if len(missing) > 0 {
		return Hidden{Reason: "certification", Missing: missing}
	}
	return Hidden{}
}

func (s *snapshot) visible(p *Product, market string) bool {
	return s.visibility(p, market).Reason == ""
}

// servable reports whether a product has a storefront page: published, with a variant to sell. Others are 404.
func (p *Product) servable() bool { return p.Status == StatusActive && len(p.Variants) > 0 }

// listable reports whether the storefront lists a product in a market (category pages, search, sitemaps): it
// has a page and is sold there (its markets and the certifications the market requires).
func (s *snapshot) listable(p *Product, market string) bool {
	return p.servable() && s.visible(p, market)
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// text returns a product's texts in locale, falling back to English, then to any locale it has, so a missing
// translation never shows an empty page.
func (p *Product) text(locale string) (ProductText, string) {
	if t, ok := p.Texts[locale]; ok && t.Title != "" {
		return t, locale
	}
	if t, ok := p.Texts["en"]; ok {
		return t, "en"
	}
	keys := make([]string, 0, len(p.Texts))
	for k := range p.Texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		return p.Texts[keys[0]], keys[0]
	}
	return ProductText{}, ""
}

// text returns a category's texts in locale with the same fallback as products.
func (c *Category) text(locale string) CategoryText {
	if t, ok := c.Texts[locale]; ok {
		return t
	}
	if t, ok := c.Texts["en"]; ok {
		return t
	}
	for _, t := range c.Texts {
		return t
	}
	return CategoryText{Name: c.Code, Slug: c.Code}
}

// productBySlug finds a product by its slug in the locale, or by its English slug (an English link opened in
// another storefront). The CSV import matches rows by it; pages use storefrontProduct.
func (s *snapshot) productBySlug(locale, slug string) *Product {
	if p := s.bySlug[slugKey(locale, slug)]; p != nil {
		return p
	}
	return s.bySlug[slugKey("en", slug)]
}

// storefrontProduct finds the product a storefront URL names: by its slug in the storefront's locale, else in
// English, else in any other language (a link shared from another storefront, or the language selector keeping
// the path). Slugs are unique per language only, so the storefront's own language wins, then English, then the
// other languages in a fixed order. The page redirects to the locale's canonical slug.
func (s *snapshot) storefrontProduct(locale, slug string) *Product {
	if p := s.productBySlug(locale, slug); p != nil {
		return p
	}
	for _, l := range s.slugLocales {
		if p := s.bySlug[slugKey(l, slug)]; p != nil {
			return p
		}
	}
	return nil
}

// storefrontCategory finds the category a storefront URL names, with the same lookup order as
// storefrontProduct.
func (s *snapshot) storefrontCategory(locale, slug string) *Category {
	if c := s.catBySlug[slugKey(locale, slug)]; c != nil {
		return c
	}
	if c := s.catBySlug[slugKey("en", slug)]; c != nil {
		return c
	}
	for _, l := range s.slugLocales {
		if c := s.catBySlug[slugKey(l, slug)]; c != nil {
			return c
		}
	}
	return nil
}

// slugFor returns the slug a product is reached by in locale.
func (p *Product) slugFor(locale string) string {
	t, _ := p.text(locale)
	return t.Slug
}

// optionValues lists, per option name, the values the product's variants offer, in variant order.
func (p *Product) optionValues() (names []string, values map[string][]string) {
	values = map[string][]string{}
	for _, v := range p.Variants {
		for k := range v.Options {
			if _, seen := values[k]; !seen {
				names = append(names, k)
				values[k] = nil
			}
		}
	}
	sort.Strings(names)
	for _, v := range p.Variants {
		for _, k := range names {
			if val := v.Options[k]; val != "" && !containsString(values[k], val) {
				values[k] = append(values[k], val)
			}
		}
	}
	return names, values
}

// lowerTitle is used for admin list search.
func lowerTitle(p *Product) string {
	t, _ := p.text("en")
	return strings.ToLower(t.Title)
}
