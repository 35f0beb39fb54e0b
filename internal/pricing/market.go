package pricing

import (
	"github.com/shopspring/decimal"
)

// Rounding is how a converted price is brought to a shelf price in a market.
type Rounding string

// The rounding rules: to the currency's minor unit; up to the next .99 or .95 ending; to the nearest whole unit,
// ten or hundred (JPY/KRW-style markets). RoundShelf documents each exactly.
const (
	RoundMinor      Rounding = "minor"
	RoundCharm99    Rounding = "charm99"
	RoundCharm95    Rounding = "charm95"
	RoundNearest1   Rounding = "nearest1"
	RoundNearest10  Rounding = "nearest10"
	RoundNearest100 Rounding = "nearest100"
)

// Roundings lists the rules in the order the admin offers them.
var Roundings = []Rounding{RoundMinor, RoundCharm99, RoundCharm95, RoundNearest1, RoundNearest10, RoundNearest100}

// Charm reports whether the rule gives prices a .99 or .95 ending, which needs a currency with cents.
func (r Rounding) Charm() bool { return r == RoundCharm99 || r == RoundCharm95 }

func (r Rounding) valid() bool {
	for _, x := range Roundings {
		if x == r {
			return true
		}
	}
	return false
}

// Market is a set of countries sold to with one presentment currency and one way of showing prices.
type Market struct {
	Code          string
	Countries     []string
	Currency      string
	DefaultLocale string
	Locales       []string
	// TaxInclusive markets show prices with the destination's VAT/GST included.
	TaxInclusive bool
	// FixedGross keeps the shopper-facing gross price the same across the market's VAT rates.
	FixedGross bool
	// GrossReferenceCountry is the country whose VAT rate turns a converted net price into the one gross price
	// of a fixed-gross market (DE for the euro markets); "" in other markets.
	GrossReferenceCountry string
	Rounding              Rounding
	// FXBuffer is added to the exchange rate (0.02 = 2%) to cover currency movement until settlement.
	FXBuffer decimal.Decimal
	// Incoterm is "DDP" (import charges collected at checkout) or "DAP" (paid by the shopper on delivery).
	Incoterm   string
	ReturnDays int
	Active     bool
	Position   int
}

// DDP reports whether import duty and taxes are collected at checkout.
func (m Market) DDP() bool { return m.Incoterm == "DDP" }

// Serves reports whether the market sells to the country.
func (m Market) Serves(country string) bool {
	for _, c := range m.Countries {
		if c == country {
			return true
		}
	}
	return false
}

// OffersLocale reports whether the market's storefront is offered in the language code.
func (m Market) OffersLocale(code string) bool {
	for _, l := range m.Locales {
		if l == code {
			return true
		}
	}
	return false
}

// MarketSettings are the parts of a market the admin edits; the code, currency, countries and languages are
// set up with the shop.
type MarketSettings struct {
	TaxInclusive          bool
	FixedGross            bool
	GrossReferenceCountry string
	Rounding              Rounding
	// FXBuffer is a fraction: 0.02 for 2%.
	FXBuffer   decimal.Decimal
	Incoterm   string
	ReturnDays int
	Active     bool
}

// Settings returns the market's editable settings.
func (m Market) Settings() MarketSettings {
	return MarketSettings{TaxInclusive: m.TaxInclusive, FixedGross: m.FixedGross,
		GrossReferenceCountry: m.GrossReferenceCountry, Rounding: m.Rounding, FXBuffer: m.FXBuffer,
		Incoterm: m.Incoterm, ReturnDays: m.ReturnDays, Active: m.Active}
}
