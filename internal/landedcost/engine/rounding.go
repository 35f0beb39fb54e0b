package engine

import (
	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

var (
	one = decimal.NewFromInt(1)
	two = decimal.NewFromInt(2)
)

// roundQ rounds the non-negative ratio num/den to a multiple of unit with mode, exactly.
//
// Shipping and insurance are allocated to lines pro rata to line value and kept unrounded (README §1.3, RULES.md
// §1 convention 4), so a line's base is a fraction whose denominator is the order's goods value. Dividing first
// and rounding afterwards would round twice; comparing the integer remainder of num / (den·unit) with half the
// divisor decides every mode without that error, and agrees with money.RoundTo whenever den is 1 and unit is a
// power of ten.
func roundQ(num, den, unit decimal.Decimal, mode money.RoundingMode) decimal.Decimal {
	div := den.Mul(unit)
	q, r := num.QuoRem(div, 0)
	if r.IsZero() {
		return q.Mul(unit)
	}
	c := r.Mul(two).Cmp(div)
	up := false
	switch mode {
	case money.Down:
	case money.Up:
		up = true
	case money.HalfDown:
		up = c > 0
	case money.HalfEven:
		up = c > 0 || (c == 0 && q.BigInt().Bit(0) == 1)
	default:
		up = c >= 0
	}
	if up {
		q = q.Add(one)
	}
	return q.Mul(unit)
}

// rounder is a resolved rounding step: mode and increment in the quote currency.
type rounder struct {
	mode money.RoundingMode
	unit decimal.Decimal
	per  string
}

// round rounds num/den; roundProduct rounds x·y/den.
func (r rounder) round(num, den decimal.Decimal) decimal.Decimal {
	return roundProduct(num, one, den, r.unit, r.mode)
}

func (r rounder) roundProduct(x, y, den decimal.Decimal) decimal.Decimal {
	return roundProduct(x, y, den, r.unit, r.mode)
}

// NetFromGross splits a tax-inclusive price into net and tax for display (case C11): net = gross / (1 + rate)
// rounded HALF_UP to places decimals, and tax = gross − net, so the displayed gross is never altered.
func NetFromGross(gross, rate decimal.Decimal, places int32) (net, tax decimal.Decimal) {
	net = roundQ(gross, one.Add(rate), decimal.New(1, -places), money.HalfUp)
	return net, gross.Sub(net)
}

// Convert converts an amount at rate (target-currency units per source unit) and rounds HALF_UP to the ISO 4217
// minor units of currency (case C40: KWD and BHD 3 decimals, JPY 0).
func Convert(amount, rate decimal.Decimal, currency string) (decimal.Decimal, error) {
	places, err := money.MinorUnits(currency)
	if err != nil {
		return decimal.Zero, err
	}
	return money.RoundTo(amount.Mul(rate), places, money.HalfUp), nil
}
