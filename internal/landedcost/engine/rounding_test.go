package engine

import (
	"math/rand"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

func TestRoundQAgreesWithMoneyRoundTo(t *testing.T) {
	modes := []money.RoundingMode{money.HalfUp, money.HalfEven, money.HalfDown, money.Down, money.Up}
	r := rand.New(rand.NewSource(1))
	values := []string{"0", "0.005", "0.015", "0.025", "1.995", "2.5", "3.5", "0.0049", "0.0051", "149.995", "150", "14003.5", "5414.2", "1515"}
	for i := 0; i < 500; i++ {
		values = append(values, decimal.New(r.Int63n(10_000_000), -int32(r.Intn(5))).String())
	}
	for _, v := range values {
		d := decimal.RequireFromString(v)
		for _, places := range []int32{-3, -2, -1, 0, 1, 2, 3} {
			for _, m := range modes {
				want := money.RoundTo(d, places, m)
				got := roundQ(d, one, decimal.New(1, -places), m)
				if !got.Equal(want) {
					t.Fatalf("roundQ(%s, 1e%d, %s) = %s, money.RoundTo = %s", v, -places, m, got, want)
				}
			}
		}
	}
}

func TestRoundQRatios(t *testing.T) {
	cent := decimal.New(1, -2)
	tests := []struct {
		num, den string
		unit     decimal.Decimal
		mode     money.RoundingMode
		want     string
	}{
		{"1", "3", cent, money.HalfUp, "0.33"},
		{"2", "3", cent, money.HalfUp, "0.67"},
		{"2", "3", cent, money.Down, "0.66"},
		{"1", "8", cent, money.HalfUp, "0.13"},                                   // 0.125 exactly: half up
		{"1", "8", cent, money.HalfDown, "0.12"},                                 // s 19O: half a cent disregarded
		{"1", "8", cent, money.HalfEven, "0.12"},                                 // banker's: to the even cent
		{"3", "8", cent, money.HalfEven, "0.38"},                                 // 0.375 → 0.38
		{"61.73", "1", decimal.RequireFromString("0.05"), money.HalfUp, "61.75"}, // CHF cash rounding
		{"20600", "1", decimal.NewFromInt(1000), money.Down, "20000"},            // JP base truncation
		{"43505", "1", decimal.NewFromInt(10), money.Down, "43500"},              // KR 10-won truncation
	}
	for _, tt := range tests {
		got := roundQ(decimal.RequireFromString(tt.num), decimal.RequireFromString(tt.den), tt.unit, tt.mode)
		if !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("roundQ(%s/%s, %s, %s) = %s, want %s", tt.num, tt.den, tt.unit, tt.mode, got, tt.want)
		}
	}
}

func TestAllocate(t *testing.T) {
	d := func(ss ...string) []decimal.Decimal {
		out := make([]decimal.Decimal, len(ss))
		for i, s := range ss {
			out[i] = decimal.RequireFromString(s)
		}
		return out
	}
	cent := decimal.New(1, -2)
	tests := []struct {
		total   string
		weights []decimal.Decimal
		want    []decimal.Decimal
	}{
		{"31.93", d("1", "1", "1"), d("10.65", "10.64", "10.64")}, // tie: earlier line first
		{"22.99", d("55.2727", "65.7273"), d("10.50", "12.49")},   // larger remainder wins
		{"10.00", d("0", "0"), d("5.00", "5.00")},                 // all-zero weights: equal split
		{"7.00", d("3"), d("7.00")},                               // a single line takes everything
		{"0.02", d("1", "1", "1"), d("0.01", "0.01", "0.00")},
		{"100", d("0.2", "0.3", "0.5"), d("20.00", "30.00", "50.00")},
		{"3.00", d("0", "5", "0"), d("0.00", "3.00", "0.00")}, // zero weights get nothing
	}
	for _, tt := range tests {
		n := len(tt.weights)
		out, rem := make([]decimal.Decimal, n), make([]decimal.Decimal, n)
		allocate(decimal.RequireFromString(tt.total), cent, tt.weights, out, rem, make([]uint64, 3*n))
		sum := decimal.Zero
		for i := range out {
			sum = sum.Add(out[i])
			if !out[i].Equal(tt.want[i]) {
				t.Errorf("allocate(%s, %v) = %v, want %v", tt.total, tt.weights, out, tt.want)
				break
			}
		}
		if !sum.Equal(decimal.RequireFromString(tt.total)) {
			t.Errorf("allocate(%s, %v) sums to %s", tt.total, tt.weights, sum)
		}
	}
}

// TestFastPathsMatchDecimal compares the integer fast paths with the plain decimal computations on random
// inputs, including values too large for the fast path.
func TestFastPathsMatchDecimal(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	rnd := func() decimal.Decimal {
		switch r.Intn(10) {
		case 0:
			return decimal.Zero
		case 1: // beyond 64 bits: exercises the fallback
			return decimal.New(r.Int63(), 0).Mul(decimal.New(r.Int63(), -int32(r.Intn(30))))
		}
		return decimal.New(r.Int63n([]int64{10, 1000, 1_000_000, 1_000_000_000_000}[r.Intn(4)]), -int32(r.Intn(12)))
	}
	units := []decimal.Decimal{decimal.New(1, -2), decimal.New(1, 0), decimal.New(1, 2), decimal.New(1, 3), decimal.New(5, -2), decimal.New(1, -3)}
	modes := []money.RoundingMode{money.HalfUp, money.HalfEven, money.HalfDown, money.Down, money.Up}
	fast := 0
	for i := 0; i < 20000; i++ {
		x, y, den := rnd(), rnd(), rnd()
		if den.IsZero() {
			den = one
		}
		unit, mode := units[r.Intn(len(units))], modes[r.Intn(len(modes))]
		want := roundQ(x.Mul(y), den, unit, mode)
		if got, ok := roundProductFast(x, y, den, unit, mode); ok {
			fast++
			if !got.Equal(want) {
				t.Fatalf("roundProductFast(%s, %s, %s, %s, %s) = %s, want %s", x, y, den, unit, mode, got, want)
			}
		}
	}
	if fast < 5000 {
		t.Errorf("fast path taken only %d times", fast)
	}
	fast = 0
	for i := 0; i < 5000; i++ {
		n := 1 + r.Intn(8)
		weights := make([]decimal.Decimal, n)
		for j := range weights {
			weights[j] = rnd()
		}
		unit := units[r.Intn(len(units))]
		total := decimal.New(r.Int63n(100000), 0).Mul(unit)
		slow, fastOut, rem := make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n)
		allocate(total, unit, weights, slow, rem, nil) // no scratch: decimal path
		if allocateFast(total, unit, weights, fastOut, make([]uint64, 3*n)) {
			fast++
			for j := range slow {
				if !slow[j].Equal(fastOut[j]) {
					t.Fatalf("allocate(%s, %v): fast %v, decimal %v", total, weights, fastOut, slow)
				}
			}
		}
	}
	if fast < 1000 {
		t.Errorf("allocate fast path taken only %d times", fast)
	}
	for i := 0; i < 20000; i++ {
		a, b, c := rnd(), rnd(), rnd()
		if got, want := mulAdd(a, b, c), a.Add(b.Mul(c)); !got.Equal(want) {
			t.Fatalf("mulAdd(%s, %s, %s) = %s, want %s", a, b, c, got, want)
		}
		if got, want := mulAddBy(a, b, c, coefOf(c)), a.Add(b.Mul(c)); !got.Equal(want) {
			t.Fatalf("mulAddBy(%s, %s, %s) = %s, want %s", a, b, c, got, want)
		}
		if got, want := mulBy(b, c, coefOf(c)), b.Mul(c); !got.Equal(want) {
			t.Fatalf("mulBy(%s, %s) = %s, want %s", b, c, got, want)
		}
		if got, want := mul(b, c), b.Mul(c); !got.Equal(want) {
			t.Fatalf("mul(%s, %s) = %s, want %s", b, c, got, want)
		}
		if got, want := add(a, b), a.Add(b); !got.Equal(want) {
			t.Fatalf("add(%s, %s) = %s, want %s", a, b, got, want)
		}
		ds := []decimal.Decimal{a, b, c, rnd()}
		want := ds[0].Add(ds[1]).Add(ds[2]).Add(ds[3])
		if got := sumOf(len(ds), func(i int) decimal.Decimal { return ds[i] }); !got.Equal(want) {
			t.Fatalf("sumOf(%v) = %s, want %s", ds, got, want)
		}
		limit := rnd()
		if got, want := exceeds(a, limit), a.GreaterThan(limit); got != want {
			t.Fatalf("exceeds(%s, %s) = %v", a, limit, got)
		}
	}
}
