package catalog

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// PerPage is the number of products on a listing page.
const PerPage = 24

// Sorts offered on listings.
const (
	SortNewest    = "newest"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
)

// ListingQuery selects, filters, sorts and pages products of a category (or of given products: search).
type ListingQuery struct {
	CategoryID int64
	// Products restricts the listing to these products, in this order (search results); nil: the category.
	Products []int64
	Sort     string
	Page     int
	// Options keeps products with a variant matching every named option (any of the listed values).
	Options  map[string][]string
	MinPrice *decimal.Decimal // in the shopper's currency, as shown
	MaxPrice *decimal.Decimal
}

// ListingItem is one product card: the product, the variant it is shown with (the cheapest matching one) and
// that variant's price; InStock is filled for the page's products only.
type ListingItem struct {
	Product *Product
	Variant *Variant
	Price   ShelfPrice
	InStock bool
}

// Listing is one page of products and what can still be filtered.
type Listing struct {
	Items []ListingItem
	Total int
	Page  int
	Pages int
	// Facets lists, per option name, the values offered by the matching products.
	Facets map[string][]string
}

// list runs a listing query for the request's market. Everything but stock comes from the read model and the
// in-memory prices, and an unfiltered category's priced and sorted products are cached (see listingCache), so
// such a listing costs one query: the stock of the shown page.
func (s *Service) list(ctx context.Context, snap *snapshot, sf Storefront, q ListingQuery) (Listing, error) {
	market := sf.Market(ctx)
	key := newListingKey(snap, sf.PricesVersion(), market, q)
	sorted, err := s.listings.get(key, time.Now(), func() (*sortedItems, error) {
		return sortedListing(ctx, snap, sf, market, q)
	})
	if err != nil {
		return Listing{}, err
	}
	return pageOf(ctx, sf, sorted, q.Page)
}

// sortedListing is every product of the query that the market sells, filtered, with the price of its cheapest
// matching variant, sorted; and the option values still offered.
func sortedListing(ctx context.Context, snap *snapshot, sf Storefront, market MarketInfo, q ListingQuery) (*sortedItems, error) {
	var candidates []*Product
	if q.Products != nil {
		for _, id := range q.Products {
			if p := snap.products[id]; p != nil {
				candidates = append(candidates, p)
			}
		}
	} else {
		candidates = snap.inCategory[q.CategoryID]
	}

	type match struct {
		p        *Product
		variants []*Variant
	}
	var matches []match
	facets := map[string][]string{}
	for _, p := range candidates {
		if !snap.listable(p, market.Code) {
			continue
		}
		var vs []*Variant
		for i := range p.Variants {
			v := &p.Variants[i]
			for k, val := range v.Options {
				if !containsString(facets[k], val) {
					facets[k] = append(facets[k], val)
				}
			}
			if matchesOptions(v, q.Options) {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			matches = append(matches, match{p, vs})
		}
	}
	for k := range facets {
		sortOptionValues(facets[k])
	}

	var items []PriceItem
	for _, m := range matches {
		for _, v := range m.variants {
			items = append(items, PriceItem{VariantID: v.ID, SKU: v.SKU, BaseNet: v.BasePrice, TaxCategory: v.TaxCategory})
		}
	}
	prices, err := sf.Prices(ctx, items)
	if err != nil {
		return nil, err
	}
	var out []ListingItem
	i := 0
	for _, m := range matches {
		best := ListingItem{Product: m.p}
		for _, v := range m.variants {
			pr := prices[i]
			i++
			if best.Variant == nil || pr.Amount.Number.LessThan(best.Price.Amount.Number) {
				best.Variant, best.Price = v, pr
			}
		}
		if q.MinPrice != nil && best.Price.Amount.Number.LessThan(*q.MinPrice) {
			continue
		}
		if q.MaxPrice != nil && best.Price.Amount.Number.GreaterThan(*q.MaxPrice) {
			continue
		}
		out = append(out, best)
	}

	switch q.Sort {
	case SortPriceAsc:
		sort.SliceStable(out, func(i, j int) bool { return out[i].Price.Amount.Number.LessThan(out[j].Price.Amount.Number) })
	case SortPriceDesc:
		sort.SliceStable(out, func(i, j int) bool { return out[i].Price.Amount.Number.GreaterThan(out[j].Price.Amount.Number) })
	case SortNewest:
		if q.Products != nil { // search results are by relevance unless asked otherwise
			sort.SliceStable(out, func(i, j int) bool { return newer(out[i].Product, out[j].Product) })
		}
	}
	return &sortedItems{items: out, facets: facets}, nil
}

// pageOf cuts one page out of a sorted listing and marks which of its products are in stock.
func pageOf(ctx context.Context, sf Storefront, sorted *sortedItems, page int) (Listing, error) {
	out, facets := sorted.items, sorted.facets
	l := Listing{Total: len(out), Facets: facets, Pages: (len(out) + PerPage - 1) / PerPage}
	l.Page = page
	if l.Page < 1 {
		l.Page = 1
	}
	start := (l.Page - 1) * PerPage
	if start > len(out) {
		start = len(out)
	}
	end := min(start+PerPage, len(out))
	// A copy: the sorted items may be shared through the cache, and stock is marked per request.
	l.Items = append([]ListingItem(nil), out[start:end]...)

	var ids []int64
	for _, it := range l.Items {
		for _, v := range it.Product.Variants {
			ids = append(ids, v.ID)
		}
	}
	if len(ids) > 0 {
		avail, err := sf.Available(ctx, ids)
		if err != nil {
			return Listing{}, err
		}
		for i := range l.Items {
			for _, v := range l.Items[i].Product.Variants {
				if avail[v.ID] > 0 {
					l.Items[i].InStock = true
					break
				}
			}
		}
	}
	return l, nil
}

func matchesOptions(v *Variant, want map[string][]string) bool {
	for k, vals := range want {
		if len(vals) == 0 {
			continue
		}
		if !containsString(vals, v.Options[k]) {
			return false
		}
	}
	return true
}

// sizeOrder puts clothing sizes in the order people expect; other values sort alphabetically.
var sizeOrder = map[string]int{"XXS": 1, "XS": 2, "S": 3, "M": 4, "L": 5, "XL": 6, "XXL": 7, "3XL": 8}

func sortOptionValues(vals []string) {
	sort.SliceStable(vals, func(i, j int) bool {
		a, b := sizeOrder[strings.ToUpper(vals[i])], sizeOrder[strings.ToUpper(vals[j])]
		if a != 0 && b != 0 {
			return a < b
		}
		if (a != 0) != (b != 0) {
			return a != 0
		}
		return vals[i] < vals[j]
	})
}
