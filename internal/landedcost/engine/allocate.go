package engine

import "github.com/shopspring/decimal"

// allocate splits total, a multiple of unit, over weights by largest remainder (Hamilton) and writes the shares
// to out: each share starts at floor(total·w/Σw) in units, and the units left over go one each to the largest
// remainders, earlier lines first on ties. The shares sum exactly to total (README §1.3, case C12), a single
// weight receives the whole total (C06, C15), and all-zero weights are treated as equal. rem is scratch space of
// len(weights), scratch (3·len(weights)) serves the integer fast path.
func allocate(total, unit decimal.Decimal, weights, out, rem []decimal.Decimal, scratch []uint64) {
	n := len(weights)
	if n == 0 || allocateFast(total, unit, weights, out, scratch) {
		return
	}
	sum := decimal.Zero
	for _, w := range weights {
		sum = sum.Add(w)
	}
	equal := sum.IsZero()
	if equal {
		sum = decimal.NewFromInt(int64(n))
	}
	units, _ := total.QuoRem(unit, 0)
	left := units
	for i, w := range weights {
		if equal {
			w = one
		}
		q, r := units.Mul(w).QuoRem(sum, 0)
		out[i], rem[i] = q, r
		left = left.Sub(q)
	}
	for k := left.IntPart(); k > 0; k-- {
		best := -1
		for i := range rem {
			if rem[i].Sign() >= 0 && (best < 0 || rem[i].GreaterThan(rem[best])) {
				best = i
			}
		}
		out[best] = out[best].Add(one)
		rem[best] = decimal.NewFromInt(-1)
	}
	for i := range out[:n] {
		out[i] = out[i].Mul(unit)
	}
}
