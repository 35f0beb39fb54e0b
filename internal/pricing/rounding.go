package pricing

import (
	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

var (
	one      = decimal.NewFromInt(1)
	ending99 = decimal.RequireFromString("0.99")
	ending95 = decimal.RequireFromString("0.95")
)

// RoundShelf turns a computed price into the shelf price a market shows, in currency, under rule:
//
//   - minor: HALF_UP to the currency's minor unit (19.994 → 19.99, 19.995 → 20.00; JPY 1234.5 → 1235).
//   - charm99 / charm95: first HALF_UP to the minor unit, then UP to the nearest price ending in .99 (.95) that is
//     not below it: 18.99 stays 18.99; 19.00 and 19.50 become 19.99; 19.991 → 19.99; 19.996 → 20.99 (charm95:
//     19.95 stays, 19.96 → 20.95). The price never drops below what the conversion gave, so the FX buffer and
//     margin survive the rounding, and a tiny price ends at the smallest ending (0.30 → 0.99). The endings are
//     of the major unit (KWD 4.5 → 4.990). Currencies without cents (JPY, KRW) cannot end in .99: there the
//     rule falls back to the minor unit; the admin refuses charm rules for them.
//   - nearest1 / nearest10 / nearest100: HALF_UP to the nearest whole unit, ten or hundred, directly from the
//     exact value (JPY 1234.5 → 1230 under nearest10; KRW 15049 → 15000, 15050 → 15100 under nearest100).
//
// A positive price never becomes zero: a price that would round to 0 is one minor unit (minor) or one step
// (nearest10: ¥3 → ¥10). Zero stays zero and negative amounts are only brought to the minor unit.
func RoundShelf(d decimal.Decimal, currency string, rule Rounding) decimal.Decimal {
	places := minorUnits(currency)
	minor := money.RoundTo(d, places, money.HalfUp)
	if !d.IsPositive() {
		return minor
	}
	switch rule {
	case RoundCharm99, RoundCharm95:
		if places < 2 {
			return atLeast(minor, places)
		}
		ending := ending99
		if rule == RoundCharm95 {
			ending = ending95
		}
		shelf := minor.Floor().Add(ending)
		if shelf.LessThan(minor) {
			shelf = shelf.Add(one)
		}
		return shelf
	case RoundNearest1:
		return atLeast(money.RoundTo(d, 0, money.HalfUp), 0)
	case RoundNearest10:
		return atLeast(money.RoundTo(d, -1, money.HalfUp), -1)
	case RoundNearest100:
		return atLeast(money.RoundTo(d, -2, money.HalfUp), -2)
	default:
		return atLeast(minor, places)
	}
}

// atLeast keeps a rounded positive price from becoming zero: it is then one unit of the rounding step.
func atLeast(rounded decimal.Decimal, places int32) decimal.Decimal {
	if rounded.IsZero() {
		return decimal.New(1, -places)
	}
	return rounded
}

// SplitGross derives the parts of a gross price under a tax rate (0.19 for 19%): net = gross / (1 + rate),
// rounded HALF_UP to the currency's minor units, and tax = gross − net, so net + tax is exactly the gross the
// shopper saw.
func SplitGross(gross, rate decimal.Decimal, currency string) (net, tax decimal.Decimal) {
	places := minorUnits(currency)
	// DivRound rounds half away from zero on the exact quotient (it compares the remainder), so there is no
	// double rounding.
	net = gross.DivRound(one.Add(rate), places)
	return net, gross.Sub(net)
}

// minorUnits is the currency's decimals; callers validate currencies first, so the fallback of 2 only guards
// the pure helpers against a typo in a test.
func minorUnits(currency string) int32 {
	places, err := money.MinorUnits(currency)
	if err != nil {
		return 2
	}
	return places
}
