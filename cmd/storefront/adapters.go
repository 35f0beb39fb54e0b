package main

import (
	"context"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/catalog"
	"storefront/internal/intl"
	"storefront/internal/inventory"
	"storefront/internal/landedcost"
	"storefront/internal/landedcost/engine"
	"storefront/internal/platform/money"
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

// importEstimator gives the product page its import-charges estimate: the warehouse the item would ship from
// (one in the destination's customs territory when it has stock, which makes the sale domestic), the tariff
// rate, and a quote of the landed-cost engine for one unit.
type importEstimator struct {
	lc            *landedcost.Service
	inv           *inventory.Service
	registrations []string
}

func (e importEstimator) Estimate(ctx context.Context, v catalog.Variant, price catalog.ShelfPrice) (catalog.Estimate, error) {
	m, _ := pricing.MarketFrom(ctx)
	loc := intl.FromContext(ctx)
	country := loc.Region
	shipFrom, err := shipFromFor(ctx, e.lc, e.inv, country, v.ID, v.OriginCountry)
	if err != nil {
		return catalog.Estimate{}, err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	rate, ok, err := e.lc.DutyRate(ctx, country, v.HSCode, v.OriginCountry, "", today)
	if err != nil {
		return catalog.Estimate{}, err
	}
	line := engine.Line{ID: "1", Description: v.CustomsDescription, HSCode: v.HSCode, Origin: v.OriginCountry,
		UnitPrice: price.Net.Number, Quantity: 1, TaxCategory: v.TaxCategory}
	if ok {
		line.DutyRate = decimal.NewNullDecimal(rate)
	}
	q, err := e.lc.Quote(ctx, engine.Request{AsOf: today, Destination: engine.Destination{Country: country},
		ShipFrom: shipFrom, Channel: "courier", Currency: m.Currency, MerchantCurrency: m.Currency, FXRate: decimal.NewFromInt(1),
		Incoterm: m.Incoterm, Registrations: e.registrations, Lines: []engine.Line{line}})
	if err != nil {
		return catalog.Estimate{}, err
	}
	amount := func(d decimal.Decimal) money.Amount { return money.Amount{Number: d, Currency: m.Currency} }
	extraTax := q.Tax
	if price.TaxIncluded {
		extraTax = q.Tax.Sub(price.Amount.Number.Sub(price.Net.Number))
		if extraTax.IsNegative() {
			extraTax = decimal.Zero
		}
	}
	return catalog.Estimate{Domestic: q.Regime == "DOMESTIC", WarehouseCountry: shipFrom, Duty: amount(q.Duty),
		Tax: amount(extraTax), TaxIncluded: price.TaxIncluded, Fees: amount(q.Fees), Collected: q.DueOnDelivery.IsZero(),
		DutyUnknown: q.DutyUnknown, Regime: q.Regime}, nil
}

// shipFromFor picks the country the item would be dispatched from: a warehouse inside the destination's customs
// territory when one has stock, else the warehouse the inventory prefers, else the country of origin. It reads
// the stock shown on pages (at most inventory.ShownStockMaxAge old): checkout allocates from live stock.
func shipFromFor(ctx context.Context, lc *landedcost.Service, inv *inventory.Service, country string, variantID int64, origin string) (string, error) {
	warehouses, err := inv.WarehousesToShow(ctx)
	if err != nil {
		return "", err
	}
	var countries []string
	for _, w := range warehouses {
		countries = append(countries, w.Country)
	}
	preferred, err := lc.TerritoryMembers(ctx, country, countries)
	if err != nil {
		return "", err
	}
	alloc, err := inv.AllocateToShow(ctx, []inventory.Item{{VariantID: variantID, Quantity: 1}}, preferred)
	if err == nil && len(alloc) > 0 {
		return alloc[0].WarehouseCountry, nil
	}
	for _, w := range warehouses {
		if w.Kind == inventory.KindOwn && w.Active {
			return w.Country, nil
		}
	}
	return origin, nil
}
