package pricing

import (
	"github.com/shopspring/decimal"
)

// Rounding is how a converted price is brought to a shelf price in a market.
type Rounding string

// The rounding rules: to the currency's minor unit; up to the next .99 or .95 ending; to the nearest whole unit,
// ten or hundred (JPY/KRW-style markets).
const (
	RoundMinor      Rounding = "minor"
	RoundCharm99    Rounding = "charm99"
	RoundCharm95    Rounding = "charm95"
	RoundNearest1   Rounding = "nearest1"
	RoundNearest10  Rounding = "nearest10"
	RoundNearest100 Rounding = "nearest100"
)

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
	Rounding   Rounding
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

// OffersLocale reports whether the market's storefront is offered in the language code.
func (m Market) OffersLocale(code string) bool {
	for _, l := range m.Locales {
		if l == code {
			return true
		}
	}
	return false
}
