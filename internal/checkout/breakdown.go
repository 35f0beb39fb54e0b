package checkout

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/cart"
	"storefront/internal/inventory"
	"storefront/internal/landedcost/engine"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/pricing"
)

// Basket is what is being bought, where to, and how it ships.
type Basket struct {
	Market  pricing.Market
	Country string
	Region  string
	Lines   []cart.ViewLine
	Service string // "economy" or "express"
	Date    time.Time
}

// LineCharges is one basket line's share: the warehouse(s) it ships from, its duty and import tax.
type LineCharges struct {
	Allocations []inventory.Allocation
	Duty        decimal.Decimal
	Tax         decimal.Decimal
}

// Consignment is one parcel: the lines shipping from one warehouse, and the landed-cost quote for it.
type Consignment struct {
	WarehouseID int64
	ShipFrom    string
	Request     engine.Request
	Quote       engine.Quote
}

// Breakdown is the whole price of a basket for the shopper, exact to the minor unit.
//
// Items and Shipping are what the shopper was shown (tax included in tax-inclusive markets). Tax is the
// VAT/GST/consumption tax the landed-cost engine computes for the order; TaxInPrices is the part of it already
// inside the shown prices, so TaxAdjustment = Tax − TaxInPrices is what is added (or, where tax is not levied,
// taken off). Total = Items + Shipping + Duty + TaxAdjustment + Fees = goods + shipping net + duty + tax + fees.
type Breakdown struct {
	Currency      string
	TaxIncluded   bool
	Items         money.Amount
	Shipping      money.Amount
	ShippingNet   money.Amount
	Duty          money.Amount
	Tax           money.Amount
	TaxInPrices   money.Amount
	TaxAdjustment money.Amount
	Fees          money.Amount
	Total         money.Amount
	DueNow        money.Amount
	DueOnDelivery money.Amount
	// Incoterm actually applied: the market's, or DAP when a duty rate is unknown.
	Incoterm     string
	DutyUnknown  bool
	Regimes      []string
	Rate         ShippingRate
	Consignments []Consignment
	Lines        []LineCharges
	RulesVersion string
}

// Errors of the breakdown that the shopper sees.
var (
	ErrEmptyBasket = httpx.Fail(httpx.ErrConflict, "checkout.EmptyCart", nil)
	ErrNoShipping  = httpx.Fail(httpx.ErrConflict, "checkout.NoShipping", nil)
)

// Breakdown prices a basket: warehouses are chosen from stock (one inside the destination's customs territory
// first, which makes the sale domestic), shipping from the market's rate table, and duty, tax and fees from the
// landed-cost engine per consignment (one per warehouse). When a duty rate is missing the order is quoted DAP:
// nothing is promised that is not known.
func (s *Service) Breakdown(ctx context.Context, b Basket) (Breakdown, error) {
	return s.breakdown(ctx, b, liveAllocation{s.stock})
}

// liveAllocation allocates from live stock, while the warehouse list (which only orders the candidates: it
// changes when a warehouse is opened or closed) may be a moment old.
type liveAllocation struct{ Stock }

func (l liveAllocation) Warehouses(ctx context.Context) ([]inventory.Warehouse, error) {
	return l.WarehousesToShow(ctx)
}

// Estimate prices a basket exactly as Breakdown does, from stock that may be a little old so that showing it
// costs no database round trip once warm: the product page passes the warehouses and allocation of the stock it
// shows (the shipping rate table is the one checkout uses, read at most a minute ago). The product page's estimate (a basket
// of one unit, from BasketFor without a draft) thus quotes an item with the request the cart would: ship-from,
// shipping service and channel, shipping share, USMCA/CUSMA claim, currency and the DAP fallback. Never for
// selling: checkout prices with Breakdown.
func (s *Service) Estimate(ctx context.Context, b Basket, stock Allocator) (Breakdown, error) {
	return s.breakdown(ctx, b, stock)
}

func (s *Service) breakdown(ctx context.Context, b Basket, stock Allocator) (Breakdown, error) {
	if len(b.Lines) == 0 {
		return Breakdown{}, ErrEmptyBasket
	}
	cur := b.Market.Currency
	zero := money.Amount{Number: decimal.Zero, Currency: cur}
	out := Breakdown{Currency: cur, TaxIncluded: b.Market.TaxInclusive, Items: zero, Duty: zero, Tax: zero,
		TaxInPrices: zero, Fees: zero, Total: zero, DueNow: zero, DueOnDelivery: zero, Incoterm: b.Market.Incoterm,
		Lines: make([]LineCharges, len(b.Lines))}
	date := b.Date.UTC().Truncate(24 * time.Hour)

	// Warehouses: prefer the destination's customs territory.
	warehouses, err := stock.Warehouses(ctx)
	if err != nil {
		return Breakdown{}, err
	}
	var countries []string
	whCountry := map[int64]string{}
	for _, w := range warehouses {
		countries = append(countries, w.Country)
		whCountry[w.ID] = w.Country
	}
	preferred, err := s.landed.TerritoryMembers(ctx, b.Country, countries)
	if err != nil {
		return Breakdown{}, err
	}
	items := make([]inventory.Item, len(b.Lines))
	weight := 0
	for i, l := range b.Lines {
		items[i] = inventory.Item{VariantID: l.VariantID, Quantity: l.Quantity}
		weight += l.Item.WeightG * l.Quantity
		out.Items.Number = out.Items.Number.Add(l.Price.Shown.Number.Mul(decimal.NewFromInt(int64(l.Quantity))))
	}
	allocs, err := stock.Allocate(ctx, items, preferred)
	if err != nil {
		return Breakdown{}, err
	}

	// Shipping, net of the VAT it includes in tax-inclusive markets.
	rate, err := s.shippingRate(ctx, b.Market.Code, b.Service, weight, out.Items.Number)
	if err != nil {
		return Breakdown{}, err
	}
	out.Rate = rate
	out.Shipping = money.Amount{Number: rate.Price, Currency: cur}
	out.ShippingNet = out.Shipping
	places, err := money.MinorUnits(cur)
	if err != nil {
		return Breakdown{}, err
	}
	if b.Market.TaxInclusive && rate.Price.IsPositive() {
		vat, err := s.landed.TaxRate(b.Country, b.Region, "standard", date)
		if err != nil {
			return Breakdown{}, err
		}
		out.ShippingNet.Number = money.RoundTo(rate.Price.Div(decimal.NewFromInt(1).Add(vat)), places, money.HalfUp)
	}

	// Consignments: one per warehouse, with the lines (or parts of lines) it ships.
	type part struct {
		line int
		qty  int
	}
	parts := map[int64][]part{}
	var order []int64
	for _, a := range allocs {
		for i, l := range b.Lines {
			if l.VariantID == a.VariantID {
				if _, seen := parts[a.WarehouseID]; !seen {
					order = append(order, a.WarehouseID)
				}
				parts[a.WarehouseID] = append(parts[a.WarehouseID], part{i, a.Quantity})
				out.Lines[i].Allocations = append(out.Lines[i].Allocations, a)
				break
			}
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })

	// Shipping is shared among consignments by value (largest remainder, so the shares add up exactly).
	values := make([]decimal.Decimal, len(order))
	for i, wid := range order {
		for _, p := range parts[wid] {
			values[i] = values[i].Add(b.Lines[p.line].Price.Net.Number.Mul(decimal.NewFromInt(int64(p.qty))))
		}
	}
	shares := allocate(out.ShippingNet.Number, values, places)

	build := func(incoterm string) error {
		out.Consignments = out.Consignments[:0]
		out.DutyUnknown = false
		for ci, wid := range order {
			req := engine.Request{AsOf: date, Destination: engine.Destination{Country: b.Country, Region: b.Region},
				ShipFrom: whCountry[wid], Channel: rate.Channel, Currency: cur, MerchantCurrency: cur, FXRate: decimal.NewFromInt(1),
				Incoterm: incoterm, Registrations: s.registrations, Shipping: shares[ci]}
			for _, p := range parts[wid] {
				l := b.Lines[p.line]
				pref := preferenceFor(l.Item.OriginCountry, b.Country)
				line := engine.Line{ID: partID(p.line, wid), Description: l.Item.CustomsDescription, HSCode: l.Item.HSCode,
					Origin: l.Item.OriginCountry, UnitPrice: l.Price.Net.Number, Quantity: p.qty, TaxCategory: l.Item.TaxCategory,
					Preference: pref}
				dr, ok, err := s.landed.DutyRate(ctx, b.Country, l.Item.HSCode, l.Item.OriginCountry, pref, date)
				if err != nil {
					return err
				}
				if ok {
					line.DutyRate = decimal.NewNullDecimal(dr)
				}
				req.Lines = append(req.Lines, line)
			}
			q, err := s.landed.Quote(ctx, req)
			if err != nil {
				return fmt.Errorf("checkout: landed cost from %s: %w", req.ShipFrom, err)
			}
			out.DutyUnknown = out.DutyUnknown || q.DutyUnknown
			out.Consignments = append(out.Consignments, Consignment{WarehouseID: wid, ShipFrom: req.ShipFrom, Request: req, Quote: q})
		}
		return nil
	}
	if err := build(b.Market.Incoterm); err != nil {
		return Breakdown{}, err
	}
	if out.DutyUnknown && b.Market.Incoterm == "DDP" {
		out.Incoterm = "DAP"
		if err := build("DAP"); err != nil {
			return Breakdown{}, err
		}
	}

	for i := range out.Lines {
		out.Lines[i].Duty, out.Lines[i].Tax = decimal.Zero, decimal.Zero
	}
	for _, c := range out.Consignments {
		q := c.Quote
		out.Duty.Number = out.Duty.Number.Add(q.Duty)
		out.Tax.Number = out.Tax.Number.Add(q.Tax)
		out.Fees.Number = out.Fees.Number.Add(q.Fees)
		out.DueNow.Number = out.DueNow.Number.Add(q.DueAtCheckout)
		out.DueOnDelivery.Number = out.DueOnDelivery.Number.Add(q.DueOnDelivery)
		out.Total.Number = out.Total.Number.Add(q.Total)
		out.RulesVersion = q.RulesVersion
		if !containsString(out.Regimes, q.Regime) {
			out.Regimes = append(out.Regimes, q.Regime)
		}
		for _, ql := range q.Lines {
			head, _, _ := strings.Cut(ql.ID, "-")
			i, _ := strconv.Atoi(head)
			out.Lines[i].Duty = out.Lines[i].Duty.Add(ql.Duty)
			out.Lines[i].Tax = out.Lines[i].Tax.Add(ql.Tax)
		}
	}
	if b.Market.TaxInclusive {
		for _, l := range b.Lines {
			in := l.Price.Shown.Number.Sub(l.Price.Net.Number).Mul(decimal.NewFromInt(int64(l.Quantity)))
			out.TaxInPrices.Number = out.TaxInPrices.Number.Add(in)
		}
		out.TaxInPrices.Number = out.TaxInPrices.Number.Add(out.Shipping.Number.Sub(out.ShippingNet.Number))
	}
	out.TaxAdjustment = money.Amount{Number: out.Tax.Number.Sub(out.TaxInPrices.Number), Currency: cur}
	// The identity every breakdown keeps; a failure here is a bug, never the shopper's problem.
	shown := out.Items.Number.Add(out.Shipping.Number).Add(out.Duty.Number).Add(out.TaxAdjustment.Number).Add(out.Fees.Number)
	if !shown.Equal(out.Total.Number) || !out.DueNow.Number.Add(out.DueOnDelivery.Number).Equal(out.Total.Number) {
		return Breakdown{}, fmt.Errorf("checkout: breakdown does not add up: shown %s, total %s, now %s + later %s",
			shown, out.Total.Number, out.DueNow.Number, out.DueOnDelivery.Number)
	}
	return out, nil
}

// preferenceFor claims USMCA/CUSMA treatment for goods originating in a member sold into a member (the shop
// holds certificates of origin for its North American goods).
func preferenceFor(origin, destination string) string {
	member := func(c string) bool { return c == "US" || c == "CA" || c == "MX" }
	if member(origin) && member(destination) && origin != destination {
		return "USMCA"
	}
	return ""
}

// allocate splits total across parts in proportion to weights, each share rounded to places, the remainders
// given to the largest fractional parts so the shares add up to total exactly.
func allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	out := make([]decimal.Decimal, len(weights))
	sum := decimal.Zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	if len(weights) == 0 {
		return out
	}
	if sum.IsZero() {
		out[0] = total
		return out
	}
	type rem struct {
		i int
		r decimal.Decimal
	}
	var rems []rem
	given := decimal.Zero
	for i, w := range weights {
		exact := total.Mul(w).Div(sum)
		out[i] = exact.Truncate(places)
		given = given.Add(out[i])
		rems = append(rems, rem{i, exact.Sub(out[i])})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r.GreaterThan(rems[b].r) })
	unit := decimal.New(1, -places)
	for k := 0; given.LessThan(total) && k < len(rems); k++ {
		out[rems[k].i] = out[rems[k].i].Add(unit)
		given = given.Add(unit)
	}
	return out
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
