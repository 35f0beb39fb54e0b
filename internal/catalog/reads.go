package catalog

import (
	"context"
	"strings"
)

// Item is a variant as other modules need it (cart, checkout, returns): its facts, its product's texts in a
// locale, and whether the product is sold in a market.
type Item struct {
	Variant
	Title    string
	Slug     string
	Image    string // small rendition URL, or ""
	Sellable bool   // active and sold in the market asked about
	Supplier string
}

// Items returns the variants with the given IDs in locale, with their sellability in market; unknown IDs are
// left out of the map. A variant without a customs description gets its product's English title.
func (s *Service) Items(ctx context.Context, ids []int64, locale, market string) (map[int64]Item, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Item, len(ids))
	for _, id := range ids {
		v := snap.variants[id]
		if v == nil {
			continue
		}
		p := snap.products[v.ProductID]
		t, _ := p.text(locale)
		it := Item{Variant: *v, Title: t.Title, Slug: t.Slug, Sellable: snap.visible(p, market), Supplier: p.Supplier}
		if it.CustomsDescription == "" {
			en, _ := p.text("en")
			it.CustomsDescription = en.Title
		}
		if len(p.Images) > 0 {
			it.Image = ImageURL(p.Images[0].Key, SmallWidth)
		}
		out[id] = it
	}
	return out, nil
}

// VariantLabel names a variant for back-office screens.
type VariantLabel struct {
	SKU   string
	Title string
}

// VariantLabels returns SKU and English title per variant ID.
func (s *Service) VariantLabels(ctx context.Context, ids []int64) (map[int64]VariantLabel, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]VariantLabel, len(ids))
	for _, id := range ids {
		if v := snap.variants[id]; v != nil {
			t, _ := snap.products[v.ProductID].text("en")
			out[id] = VariantLabel{SKU: v.SKU, Title: variantTitle(t.Title, v)}
		}
	}
	return out, nil
}

// VariantBySKU finds a variant by SKU. Errors: ErrVariantNotFound.
func (s *Service) VariantBySKU(ctx context.Context, sku string) (Variant, VariantLabel, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return Variant{}, VariantLabel{}, err
	}
	v := snap.bySKU[strings.TrimSpace(sku)]
	if v == nil {
		return Variant{}, VariantLabel{}, ErrVariantNotFound
	}
	t, _ := snap.products[v.ProductID].text("en")
	return *v, VariantLabel{SKU: v.SKU, Title: variantTitle(t.Title, v)}, nil
}

// Product returns one product with everything it has. Errors: ErrProductNotFound.
func (s *Service) Product(ctx context.Context, id int64) (Product, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return Product{}, err
	}
	p := snap.products[id]
	if p == nil {
		return Product{}, ErrProductNotFound
	}
	return *p, nil
}

// Visibility explains, per market code, why a product is not sold there (markets it is sold in are absent).
func (s *Service) Visibility(ctx context.Context, id int64, markets []string) (map[string]Hidden, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return nil, err
	}
	p := snap.products[id]
	if p == nil {
		return nil, ErrProductNotFound
	}
	out := map[string]Hidden{}
	for _, m := range markets {
		if h := snap.visibility(p, m); h.Reason != "" {
			out[m] = h
		}
	}
	return out, nil
}

// Categories returns the category tree in display order (depth-first).
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return nil, err
	}
	var out []Category
	var walk func(list []*Category)
	walk = func(list []*Category) {
		for _, c := range list {
			out = append(out, *c)
			walk(snap.children[c.ID])
		}
	}
	walk(snap.roots)
	return out, nil
}

// ProductFilter selects products in the back office.
type ProductFilter struct {
	Query      string // in titles (any language) and SKUs
	Status     Status
	CategoryID int64
}

// Products lists products matching the filter, newest first, a page at a time, and the total.
func (s *Service) Products(ctx context.Context, f ProductFilter, limit, offset int) ([]Product, int, error) {
	snap, err := s.snap(ctx)
	if err != nil {
		return nil, 0, err
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	var matched []*Product
	for i := len(snap.ordered) - 1; i >= 0; i-- {
		p := snap.ordered[i]
		if f.Status != "" && p.Status != f.Status {
			continue
		}
		if f.CategoryID != 0 {
			c := snap.categories[p.CategoryID]
			if c == nil || !containsInt(c.Path, f.CategoryID) {
				continue
			}
		}
		if q != "" && !productMatches(p, q) {
			continue
		}
		matched = append(matched, p)
	}
	total := len(matched)
	if offset > total {
		offset = total
	}
	end := min(offset+limit, total)
	out := make([]Product, 0, end-offset)
	for _, p := range matched[offset:end] {
		out = append(out, *p)
	}
	return out, total, nil
}

func productMatches(p *Product, q string) bool {
	for _, t := range p.Texts {
		if strings.Contains(strings.ToLower(t.Title), q) {
			return true
		}
	}
	for _, v := range p.Variants {
		if strings.Contains(strings.ToLower(v.SKU), q) {
			return true
		}
	}
	return false
}

func containsInt(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// variantTitle is "Title (M, navy)".
func variantTitle(title string, v *Variant) string {
	if len(v.Options) == 0 {
		return title
	}
	var vals []string
	for _, k := range sortedKeys(v.Options) {
		vals = append(vals, v.Options[k])
	}
	return title + " (" + strings.Join(vals, ", ") + ")"
}
