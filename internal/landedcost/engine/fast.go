package engine

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// Every shopspring operation allocates a big.Int, which dominates the cost of a quote. The rounding and
// allocation steps below first try exact 64/128-bit integer arithmetic on the decimals' coefficients and fall
// back to the decimal implementation whenever a value does not fit, so results are identical either way
// (rounding_test.go compares both paths).

var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// small returns a non-negative d as c·10^e with c < 10^18, without allocating. A coefficient of at most 18
// digits fits an int64, so CoefficientInt64 is exact and its sign is d's.
func small(d decimal.Decimal) (c uint64, e int32, ok bool) {
	if d.NumDigits() > 18 {
		return 0, 0, false
	}
	v := d.CoefficientInt64()
	if v < 0 {
		return 0, 0, false
	}
	return uint64(v), d.Exponent(), true
}

// mulPow10 returns c·10^k if it fits in 63 bits.
func mulPow10(c uint64, k int32) (uint64, bool) {
	if k < 0 || k >= int32(len(pow10u)) {
		return 0, false
	}
	hi, lo := bits.Mul64(c, pow10u[k])
	return lo, hi == 0 && lo <= math.MaxInt64
}

// roundProduct returns x·y/den rounded to a multiple of unit with mode (all non-negative).
func roundProduct(x, y, den, unit decimal.Decimal, mode money.RoundingMode) decimal.Decimal {
	if r, ok := roundProductFast(x, y, den, unit, mode); ok {
		return r
	}
	return roundQ(x.Mul(y), den, unit, mode)
}

func roundProductFast(x, y, den, unit decimal.Decimal, mode money.RoundingMode) (decimal.Decimal, bool) {
	return roundScaledFast(x, 1, y, den, unit, mode)
}

// roundScaledFast is roundProductFast for x·m·y/den with a positive integer multiplier m (a quantity).
func roundScaledFast(x decimal.Decimal, m uint64, y, den, unit decimal.Decimal, mode money.RoundingMode) (decimal.Decimal, bool) {
	return roundScaledCoef(coefOf(x), m, coefOf(y), coefOf(den), coefOf(unit), mode)
}

// coef is a decimal split by small, for operands a quote reuses many times (fx rate, minor unit).
type coef struct {
	c  uint64
	e  int32
	ok bool
}

func coefOf(d decimal.Decimal) coef {
	c, e, ok := small(d)
	return coef{c, e, ok}
}

var oneCoef = coefOf(one)

// roundScaledCoef is roundScaledFast on operands already split.
func roundScaledCoef(x coef, m uint64, y, den, unit coef, mode money.RoundingMode) (decimal.Decimal, bool) {
	xc, xe := x.c, x.e
	yc, ye := y.c, y.e
	dc, de := den.c, den.e
	uc, ue := unit.c, unit.e
	if !x.ok || !y.ok || !den.ok || !unit.ok || dc == 0 || uc == 0 {
		return decimal.Decimal{}, false
	}
	if m != 1 {
		hi, lo := bits.Mul64(xc, m)
		if hi != 0 || lo > math.MaxInt64 {
			return decimal.Decimal{}, false
		}
		xc = lo
	}
	// x·y/(den·unit) = (xc·yc)·10^k / (dc·uc) with k = xe + ye − de − ue.
	nhi, nlo := bits.Mul64(xc, yc)
	dhi, div := bits.Mul64(dc, uc)
	if dhi != 0 {
		return decimal.Decimal{}, false
	}
	k := xe + ye - de - ue
	switch {
	case k > 0:
		if nhi != 0 || k >= int32(len(pow10u)) {
			return decimal.Decimal{}, false
		}
		nhi, nlo = bits.Mul64(nlo, pow10u[k])
	case k < 0:
		var ok bool
		if div, ok = mulPow10(div, -k); !ok {
			return decimal.Decimal{}, false
		}
	}
	if nhi >= div {
		return decimal.Decimal{}, false
	}
	q, r := bits.Div64(nhi, nlo, div)
	if roundUp(q, r, div, mode) {
		q++
	}
	hi, res := bits.Mul64(q, uc)
	if hi != 0 || res > math.MaxInt64 {
		return decimal.Decimal{}, false
	}
	return decimal.New(int64(res), ue), true
}

// roundUp decides whether quotient q with remainder r of a division by div rounds up under mode.
func roundUp(q, r, div uint64, mode money.RoundingMode) bool {
	if r == 0 {
		return false
	}
	half := compareHalf(r, div)
	switch mode {
	case money.Down:
		return false
	case money.Up:
		return true
	case money.HalfDown:
		return half > 0
	case money.HalfEven:
		return half > 0 || (half == 0 && q&1 == 1)
	default:
		return half >= 0
	}
}

// compareHalf compares r with div/2 without overflow: -1, 0 or 1 as 2r <, =, > div.
func compareHalf(r, div uint64) int {
	rest := div - r
	switch {
	case r < rest:
		return -1
	case r > rest:
		return 1
	}
	return 0
}

// allocateFast is allocate on integer coefficients: every weight is brought to the smallest exponent among them
// and the quotas are computed with 128-bit products. It reports false (writing nothing) when a value does not
// fit.
func allocateFast(total, unit decimal.Decimal, weights, out []decimal.Decimal, scratch []uint64) bool {
	n := len(weights)
	tc, te, ok1 := small(total)
	uc, ue, ok2 := small(unit)
	if !ok1 || !ok2 || uc == 0 || te < ue || len(scratch) < 3*n {
		return false
	}
	tc, ok := mulPow10(tc, te-ue)
	if !ok || tc%uc != 0 {
		return false
	}
	units := tc / uc
	minExp := int32(math.MaxInt32)
	for _, w := range weights {
		if w.Sign() < 0 {
			return false
		}
		if w.Sign() > 0 && w.Exponent() < minExp {
			minExp = w.Exponent()
		}
	}
	w, rem, q := scratch[:n], scratch[n:2*n], scratch[2*n:3*n]
	var sum uint64
	for i, d := range weights {
		w[i] = 0
		if d.Sign() == 0 {
			continue
		}
		c, e, ok := small(d)
		if !ok {
			return false
		}
		if w[i], ok = mulPow10(c, e-minExp); !ok {
			return false
		}
		var carry uint64
		if sum, carry = bits.Add64(sum, w[i], 0); carry != 0 || sum > math.MaxInt64 {
			return false
		}
	}
	if sum == 0 {
		for i := range w {
			w[i] = 1
		}
		sum = uint64(n)
	}
	left := units
	for i := range w {
		hi, lo := bits.Mul64(units, w[i])
		q[i], rem[i] = bits.Div64(hi, lo, sum) // hi < sum because w[i] ≤ sum
		left -= q[i]
	}
	for ; left > 0; left-- {
		best := -1
		for i := range rem {
			if rem[i] != math.MaxUint64 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		q[best]++
		rem[best] = math.MaxUint64
	}
	for i := range q {
		hi, v := bits.Mul64(q[i], uc)
		if hi != 0 || v > math.MaxInt64 {
			return false
		}
		q[i] = v
	}
	for i := range q {
		out[i] = decimal.New(int64(q[i]), ue)
	}
	return true
}

// exceeds reports d > limit for non-negative values, comparing coefficients when both fit.
func exceeds(d, limit decimal.Decimal) bool {
	dc, de, ok1 := small(d)
	lc, le, ok2 := small(limit)
	if ok1 && ok2 {
		// Bring both to the smaller exponent; a coefficient that overflows is certainly the larger value.
		if de > le {
			var ok bool
			if dc, ok = mulPow10(dc, de-le); !ok {
				return true
			}
		} else if le > de {
			var ok bool
			if lc, ok = mulPow10(lc, le-de); !ok {
				return false
			}
		}
		return dc > lc
	}
	return d.GreaterThan(limit)
}

// minorUnits holds 10^-places for the ISO 4217 exponents in use, so a quote does not rebuild it.
var minorUnits = [5]decimal.Decimal{decimal.New(1, 0), decimal.New(1, -1), decimal.New(1, -2), decimal.New(1, -3), decimal.New(1, -4)}

func minorUnit(places int32) decimal.Decimal {
	if places >= 0 && int(places) < len(minorUnits) {
		return minorUnits[places]
	}
	return decimal.New(1, -places)
}

// add returns a + b (non-negative values) without allocating when either is zero, else on integer coefficients
// when they fit.
func add(a, b decimal.Decimal) decimal.Decimal {
	switch {
	case b.IsZero():
		return a
	case a.IsZero():
		return b
	}
	return mulAdd(a, b, one)
}

// mulAdd returns a + b·c (non-negative values), on integer coefficients when they fit.
func mulAdd(a, b, c decimal.Decimal) decimal.Decimal {
	if r, ok := mulAddFast(a, b, c); ok {
		return r
	}
	return a.Add(b.Mul(c))
}

func mulAddFast(a, b, c decimal.Decimal) (decimal.Decimal, bool) {
	return mulAddCoef(coefOf(a), coefOf(b), coefOf(c))
}

var zeroCoef = coef{ok: true}

// mulBy returns b·c (non-negative) with c already split into cc.
func mulBy(b, c decimal.Decimal, cc coef) decimal.Decimal {
	if r, ok := mulAddCoef(zeroCoef, coefOf(b), cc); ok {
		return r
	}
	return b.Mul(c)
}

// mul returns b·c (non-negative values), on integer coefficients when they fit.
func mul(b, c decimal.Decimal) decimal.Decimal {
	if r, ok := mulAddCoef(zeroCoef, coefOf(b), coefOf(c)); ok {
		return r
	}
	return b.Mul(c)
}

// mulAddBy returns a + b·c (non-negative) with c already split into cc.
func mulAddBy(a, b, c decimal.Decimal, cc coef) decimal.Decimal {
	if r, ok := mulAddCoef(coefOf(a), coefOf(b), cc); ok {
		return r
	}
	return a.Add(b.Mul(c))
}

// mulAddCoef is mulAddFast on operands already split.
func mulAddCoef(a, b, c coef) (decimal.Decimal, bool) {
	ac, ae := a.c, a.e
	bc, be := b.c, b.e
	cc, ce := c.c, c.e
	if !a.ok || !b.ok || !c.ok {
		return decimal.Decimal{}, false
	}
	hi, p := bits.Mul64(bc, cc)
	if hi != 0 || p > math.MaxInt64 {
		return decimal.Decimal{}, false
	}
	pe := be + ce
	if ac == 0 {
		ae = pe
	}
	// Align to the smaller exponent.
	var ok bool
	switch {
	case ae > pe:
		ac, ok = mulPow10(ac, ae-pe)
		ae = pe
	case pe > ae:
		p, ok = mulPow10(p, pe-ae)
	default:
		ok = true
	}
	if !ok {
		return decimal.Decimal{}, false
	}
	sum, carry := bits.Add64(ac, p, 0)
	if carry != 0 || sum > math.MaxInt64 {
		return decimal.Decimal{}, false
	}
	return decimal.New(int64(sum), ae), true
}

// sumOf adds n non-negative decimals, on integer coefficients brought to the smallest exponent when they fit.
func sumOf(n int, at func(i int) decimal.Decimal) decimal.Decimal {
	if r, ok := sumFast(n, at); ok {
		return r
	}
	total := decimal.Zero
	for i := 0; i < n; i++ {
		total = total.Add(at(i))
	}
	return total
}

func sumFast(n int, at func(i int) decimal.Decimal) (decimal.Decimal, bool) {
	minExp := int32(math.MaxInt32)
	for i := 0; i < n; i++ {
		if d := at(i); d.Sign() != 0 && d.Exponent() < minExp {
			minExp = d.Exponent()
		}
	}
	if minExp == math.MaxInt32 {
		return decimal.Zero, true
	}
	var total uint64
	for i := 0; i < n; i++ {
		d := at(i)
		if d.Sign() == 0 {
			continue
		}
		c, e, ok := small(d)
		if !ok {
			return decimal.Decimal{}, false
		}
		if c, ok = mulPow10(c, e-minExp); !ok {
			return decimal.Decimal{}, false
		}
		var carry uint64
		if total, carry = bits.Add64(total, c, 0); carry != 0 || total > math.MaxInt64 {
			return decimal.Decimal{}, false
		}
	}
	return decimal.New(int64(total), minExp), true
}
