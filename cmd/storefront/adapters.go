package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/inventory"
	"storefront/internal/pricing"
)

// Adapters let modules of the same layer use each other through the small interfaces they declare; this is
// the only place that knows both sides.

// catalogStorefront gives the catalog's pages prices (pricing) and stock (inventory) in the request's market.
type catalogStorefront struct {
	pricing *pricing.Service
	inv     *inventory.Service
}

func (a catalogStorefront) Market(ctx context.Context) catalog.MarketInfo {
	m, _ := pricing.MarketFrom(ctx)
	info := catalog.MarketInfo{Code: m.Code, Currency: m.Currency, TaxIncluded: m.TaxInclusive}
	if loc := intl.FromContext(ctx); loc != nil {
		info.Country = loc.Region
	}
	return info
}

func (a catalogStorefront) MarketCode(country string) (string, bool) {
	m, err := a.pricing.MarketFor(country)
	return m.Code, err == nil
}

func (a catalogStorefront) Prices(ctx context.Context, items []catalog.PriceItem) ([]catalog.ShelfPrice, error) {
	m, _ := pricing.MarketFrom(ctx)
	country := ""
	if loc := intl.FromContext(ctx); loc != nil {
		country = loc.Region
	}
	in := make([]pricing.PriceInput, len(items))
	for i, it := range items {
		in[i] = pricing.PriceInput{VariantID: it.VariantID, SKU: it.SKU, BaseNet: it.BaseNet, TaxCategory: pricing.TaxCategory(it.TaxCategory)}
	}
	prices, err := a.pricing.Prices(ctx, m, country, in, time.Now())
	if err != nil {
		return nil, err
	}
	out := make([]catalog.ShelfPrice, len(prices))
	for i, p := range prices {
		out[i] = catalog.ShelfPrice{Amount: p.Shown, Net: p.Net, TaxIncluded: p.TaxIncluded}
	}
	return out, nil
}

func (a catalogStorefront) PricesVersion() uint64 { return a.pricing.Version() }

// Available is the stock shown on listings and product pages: up to inventory.ShownStockMaxAge old. The cart
// and checkout check live stock before selling.
func (a catalogStorefront) Available(ctx context.Context, ids []int64) (map[int64]int, error) {
	return a.inv.AvailableToShow(ctx, ids)
}

// inventoryLabels names variants in the inventory back office (catalog).
type inventoryLabels struct{ catalog *catalog.Service }

func (a inventoryLabels) VariantLabels(ctx context.Context, ids []int64) (map[int64]inventory.VariantLabel, error) {
	labels, err := a.catalog.VariantLabels(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]inventory.VariantLabel, len(labels))
	for id, l := range labels {
		out[id] = inventory.VariantLabel{SKU: l.SKU, Title: l.Title}
	}
	return out, nil
}

func (a inventoryLabels) VariantBySKU(ctx context.Context, sku string) (int64, inventory.VariantLabel, error) {
	v, l, err := a.catalog.VariantBySKU(ctx, sku)
	if err != nil {
		return 0, inventory.VariantLabel{}, err
	}
	return v.ID, inventory.VariantLabel{SKU: l.SKU, Title: l.Title}, nil
}

// catalogStock shows stock per warehouse in the product editor (inventory).
type catalogStock struct{ inv *inventory.Service }

func (a catalogStock) StockByVariant(r *http.Request, ids []int64) (map[int64][]catalog.StockRow, error) {
	levels, err := a.inv.Stock(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]catalog.StockRow{}
	for id, list := range levels {
		for _, l := range list {
			out[id] = append(out[id], catalog.StockRow{Warehouse: l.Code + " (" + l.Country + ")", OnHand: l.OnHand,
				Reserved: l.Reserved, Available: l.Available})
		}
	}
	return out, nil
}

// importEstimator gives the product page its import-charges estimate: checkout's own breakdown of a cart that
// holds one unit of the item, before an address is known (checkout.BasketFor without a draft: the storefront's
// country and the default shipping service), priced from the stock product pages show. The page and the cart
// thus quote the same request, built by the same code: the warehouse it ships from, the shipping service and
// its channel (post or courier), the shipping share, a USMCA/CUSMA preference claim, the currency and exchange
// rate, and the DAP fallback when a duty rate is unknown.
type importEstimator struct {
	checkout *checkout.Service
	stock    shownStock
}

func (e importEstimator) Estimate(ctx context.Context, v catalog.Variant, price catalog.ShelfPrice) (catalog.Estimate, error) {
	m, _ := pricing.MarketFrom(ctx)
	loc := intl.FromContext(ctx)
	line := cart.ViewLine{Line: cart.Line{VariantID: v.ID, Quantity: 1,
		Price: pricing.Price{Shown: price.Amount, Net: price.Net, TaxIncluded: price.TaxIncluded}}, Item: catalog.Item{Variant: v}}
	view := cart.View{Shopper: cart.Shopper{Market: m, Country: loc.Region, Locale: loc.Language.Code},
		Lines: []cart.ViewLine{line}, Units: 1}
	b, err := e.checkout.Estimate(ctx, checkout.BasketFor(view, checkout.Draft{}, time.Now()), e.stock)
	if err != nil {
		return catalog.Estimate{}, err
	}
	est := catalog.Estimate{Domestic: true, Duty: b.Duty, Tax: b.TaxAdjustment, TaxIncluded: price.TaxIncluded, Fees: b.Fees,
		Collected: b.DueOnDelivery.IsZero(), DutyUnknown: b.DutyUnknown}
	// Where tax is not levied on an import the prices include it anyway: the estimate adds nothing, and takes
	// nothing off.
	if est.Tax.Number.IsNegative() {
		est.Tax.Number = decimal.Zero
	}
	for _, c := range b.Consignments {
		est.Domestic = est.Domestic && c.Quote.Regime == "DOMESTIC"
		if est.WarehouseCountry == "" {
			est.WarehouseCountry = c.ShipFrom
		}
	}
	if len(b.Regimes) > 0 {
		est.Regime = b.Regimes[0]
	}
	return est, nil
}

// shownStock is the stock storefront pages show (at most inventory.ShownStockMaxAge old), for estimates: never
// for selling. An item out of stock everywhere is estimated as shipping from the shop's first active own
// warehouse, where it would be restocked.
type shownStock struct{ inv *inventory.Service }

func (s shownStock) Warehouses(ctx context.Context) ([]inventory.Warehouse, error) {
	return s.inv.WarehousesToShow(ctx)
}

func (s shownStock) Allocate(ctx context.Context, items []inventory.Item, preferred []string) ([]inventory.Allocation, error) {
	alloc, err := s.inv.AllocateToShow(ctx, items, preferred)
	if !errors.Is(err, inventory.ErrInsufficientStock) {
		return alloc, err
	}
	warehouses, werr := s.inv.WarehousesToShow(ctx)
	if werr != nil {
		return nil, werr
	}
	for _, w := range warehouses {
		if w.Kind == inventory.KindOwn && w.Active {
			out := make([]inventory.Allocation, len(items))
			for i, it := range items {
				out[i] = inventory.Allocation{VariantID: it.VariantID, WarehouseID: w.ID, WarehouseCountry: w.Country, Quantity: it.Quantity}
			}
			return out, nil
		}
	}
	return nil, err
}
