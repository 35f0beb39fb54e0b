package pricing

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
)

// TaxCategory is the VAT/GST category of an item; it picks the rate in tax-inclusive markets.
type TaxCategory string

// The tax categories. An empty category is standard.
const (
	TaxStandard     TaxCategory = "standard"
	TaxReduced      TaxCategory = "reduced"
	TaxSuperReduced TaxCategory = "super_reduced"
	TaxZero         TaxCategory = "zero"
)

// taxCategories is every category, in the order of taxCache's slots.
var taxCategories = [...]TaxCategory{TaxStandard, TaxReduced, TaxSuperReduced, TaxZero}

// PriceInput is one item to price: its base price comes from the catalog, net of tax, in the base currency.
type PriceInput struct {
	VariantID   int64
	SKU         string
	BaseNet     decimal.Decimal
	TaxCategory TaxCategory
}

// Price is what an item costs in a market.
//
// How it is computed (Shown is the only rounded-by-rule figure; the others are derived from it exactly):
//
//   - A price-list price (FromPriceList) is the shelf price as the merchant typed it: gross in tax-inclusive
//     markets, net in the others. It is not rounded again.
//   - Otherwise the base net is converted with FX.Rate (the rate in force plus the market's buffer). In a
//     tax-exclusive market Shown = Net = RoundShelf(converted). In a tax-inclusive market Shown = Gross =
//     RoundShelf(converted × (1 + rate)), where rate is the destination country's rate for the item's category,
//     or, in a fixed-gross market, the rate of the market's reference country, so every country of the market
//     shows the same gross.
//   - In tax-inclusive markets Net = Gross / (1 + destination rate) HALF_UP to minor units and Tax = Gross − Net
//     (SplitGross): a fixed gross of €19.99 is net 16.80 + tax 3.19 in DE (19%), net 16.66 + tax 3.33 in FR (20%).
//   - In tax-exclusive markets Tax is zero and Gross = Net: sales taxes are added at checkout.
type Price struct {
	// Shown is what the shopper sees: Gross in tax-inclusive markets, Net in the others.
	Shown           money.Amount
	Net, Tax, Gross money.Amount
	// TaxRate is the destination's rate for the item (0 in tax-exclusive markets).
	TaxRate decimal.Decimal
	// TaxIncluded reports whether Shown includes tax.
	TaxIncluded bool
	// FX is the rate used; the identity quote of the market currency for price-list prices.
	FX FXQuote
	// FromPriceList is true when Shown is a price-list price; to re-price such a line, pass Shown.Number as
	// PriceWithRate's listPrice.
	FromPriceList bool
}

// Price prices one item for a shopper in country (one of the market's countries) at the time. Errors: ErrInvalid
// for a country outside the market, an unknown tax category or a negative base price; ErrNoRate when the market
// currency has no rate in force (the storefront answers 503); the TaxRates' errors.
func (s *Service) Price(ctx context.Context, m Market, country string, in PriceInput, at time.Time) (Price, error) {
	var one [1]Price
	if err := s.pricesInto(m, country, []PriceInput{in}, at, one[:]); err != nil {
		return Price{}, err
	}
	return one[0], nil
}

// Prices prices a batch (a listing, a cart) like Price, from the in-memory snapshot: no database round trip.
// The result is in input order. Errors: as Price, for the first item that fails.
func (s *Service) Prices(ctx context.Context, m Market, country string, in []PriceInput, at time.Time) ([]Price, error) {
	out := make([]Price, len(in))
	if err := s.pricesInto(m, country, in, at, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) pricesInto(m Market, country string, in []PriceInput, at time.Time, out []Price) error {
	if !m.Serves(country) {
		return fmt.Errorf("pricing: country %q is not in market %s: %w", country, m.Code, httpx.ErrInvalid)
	}
	s.mu.RLock()
	book, lists := s.rates, s.lists
	s.mu.RUnlock()
	marketList, currencyList := lists.byMarket[m.Code], lists.byCurrency[m.Currency]
	var (
		fx      FXQuote
		haveFX  bool
		taxes   taxCache
		listNum decimal.Decimal
	)
	for i, item := range in {
		var list *decimal.Decimal
		if v, ok := marketList[item.SKU]; ok {
			listNum, list = v, &listNum
		} else if v, ok := currencyList[item.SKU]; ok {
			listNum, list = v, &listNum
		}
		if list == nil && !haveFX {
			q, ok := book.quote(s.base, m.Currency, at)
			if !ok {
				return fmt.Errorf("%w: %s→%s at %s", ErrNoRate, s.base, m.Currency, at.UTC().Format(time.RFC3339))
			}
			fx, haveFX = q.withBuffer(m.FXBuffer), true
		}
		p, err := s.compose(m, country, item, fx, list, at, &taxes)
		if err != nil {
			return fmt.Errorf("pricing: %s: %w", item.SKU, err)
		}
		out[i] = p
	}
	return nil
}

// PriceWithRate prices an item with a given exchange rate (the one locked on a cart line or an order) instead
// of the rate in force, and with listPrice instead of conversion when the line was priced from a price list.
// The tax rate is the one in force at the time (the time of supply). It reads neither the database nor the rate
// snapshot, so the same inputs give the same Price whenever it runs. Errors: ErrInvalid for a quote that is not
// base currency → market currency, a non-positive list price, or as Price.
func (s *Service) PriceWithRate(m Market, country string, in PriceInput, fx FXQuote, listPrice *decimal.Decimal, at time.Time) (Price, error) {
	if !m.Serves(country) {
		return Price{}, fmt.Errorf("pricing: country %q is not in market %s: %w", country, m.Code, httpx.ErrInvalid)
	}
	if listPrice == nil && (fx.Base != s.base || fx.Quote != m.Currency || !fx.Rate.IsPositive()) {
		return Price{}, fmt.Errorf("pricing: rate %s→%s cannot price %s→%s: %w", fx.Base, fx.Quote, s.base, m.Currency, httpx.ErrInvalid)
	}
	var taxes taxCache
	return s.compose(m, country, in, fx, listPrice, at, &taxes)
}

// taxCache remembers, within one batch, the rate of each category in the destination and reference countries.
type taxCache struct {
	local, ref       [len(taxCategories)]decimal.Decimal
	haveLoc, haveRef [len(taxCategories)]bool
}

func categoryIndex(c TaxCategory) (int, error) {
	if c == "" {
		return 0, nil
	}
	for i, x := range taxCategories {
		if x == c {
			return i, nil
		}
	}
	return 0, fmt.Errorf("pricing: tax category %q: %w", c, httpx.ErrInvalid)
}

func (s *Service) taxRate(country string, cat int, at time.Time, cache *[len(taxCategories)]decimal.Decimal, have *[len(taxCategories)]bool) (decimal.Decimal, error) {
	if have[cat] {
		return cache[cat], nil
	}
	r, err := s.taxes.TaxRate(country, "", string(taxCategories[cat]), at)
	if err != nil {
		return decimal.Zero, fmt.Errorf("pricing: %s tax rate in %s: %w", taxCategories[cat], country, err)
	}
	if r.IsNegative() || r.GreaterThanOrEqual(one) {
		return decimal.Zero, fmt.Errorf("pricing: %s tax rate in %s is %s, not a fraction", taxCategories[cat], country, r)
	}
	cache[cat], have[cat] = r, true
	return r, nil
}

// compose computes one price; see Price for the rules.
func (s *Service) compose(m Market, country string, in PriceInput, fx FXQuote, list *decimal.Decimal, at time.Time, taxes *taxCache) (Price, error) {
	cat, err := categoryIndex(in.TaxCategory)
	if err != nil {
		return Price{}, err
	}
	cur := m.Currency
	localRate := decimal.Zero
	if m.TaxInclusive {
		if localRate, err = s.taxRate(country, cat, at, &taxes.local, &taxes.haveLoc); err != nil {
			return Price{}, err
		}
	}
	p := Price{TaxIncluded: m.TaxInclusive, TaxRate: localRate}
	var shown decimal.Decimal
	if list != nil {
		if !list.IsPositive() {
			return Price{}, fmt.Errorf("pricing: list price %s: %w", list, httpx.ErrInvalid)
		}
		shown, p.FromPriceList, p.FX = *list, true, identityQuote(cur)
	} else {
		if in.BaseNet.IsNegative() {
			return Price{}, fmt.Errorf("pricing: base price %s: %w", in.BaseNet, httpx.ErrInvalid)
		}
		converted := in.BaseNet.Mul(fx.Rate)
		if m.TaxInclusive {
			grossRate := localRate
			if m.FixedGross && m.GrossReferenceCountry != country {
				if grossRate, err = s.taxRate(m.GrossReferenceCountry, cat, at, &taxes.ref, &taxes.haveRef); err != nil {
					return Price{}, err
				}
			}
			converted = converted.Mul(one.Add(grossRate))
		}
		shown, p.FX = RoundShelf(converted, cur, m.Rounding), fx
	}
	net, tax := shown, decimal.Zero
	if m.TaxInclusive {
		net, tax = SplitGross(shown, localRate, cur)
	}
	p.Shown = money.Amount{Number: shown, Currency: cur}
	p.Gross = p.Shown
	p.Net = money.Amount{Number: net, Currency: cur}
	p.Tax = money.Amount{Number: tax, Currency: cur}
	return p, nil
}

// listIndex is the in-memory copy of the price lists: SKU → shelf price per market code and per currency.
type listIndex struct {
	byMarket   map[string]map[string]decimal.Decimal
	byCurrency map[string]map[string]decimal.Decimal
}

// listItemRow is one item with its list's scope, as loaded for the index.
type listItemRow struct {
	marketCode, currency, sku string
	price                     decimal.Decimal
}

func newListIndex(rows []listItemRow) listIndex {
	idx := listIndex{byMarket: map[string]map[string]decimal.Decimal{}, byCurrency: map[string]map[string]decimal.Decimal{}}
	for _, r := range rows {
		target, key := idx.byCurrency, r.currency
		if r.marketCode != "" {
			target, key = idx.byMarket, r.marketCode
		}
		if target[key] == nil {
			target[key] = map[string]decimal.Decimal{}
		}
		target[key][r.sku] = r.price
	}
	return idx
}
