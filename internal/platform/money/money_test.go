package money

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestMinorUnitsFromISOData(t *testing.T) {
	for code, want := range map[string]int32{"JPY": 0, "KRW": 0, "EUR": 2, "USD": 2, "CHF": 2, "KWD": 3, "BHD": 3, "TND": 3, "CLP": 0} {
		got, err := MinorUnits(code)
		if err != nil || got != want {
			t.Errorf("MinorUnits(%s) = %d, %v; want %d", code, got, err, want)
		}
	}
	if _, err := MinorUnits("XYZ"); err == nil {
		t.Error("unknown currency accepted")
	}
	if IsCurrency("usd") || !IsCurrency("USD") {
		t.Error("IsCurrency must want upper-case ISO codes")
	}
}

func TestRoundTo(t *testing.T) {
	cases := []struct {
		in     string
		places int32
		mode   RoundingMode
		want   string
	}{
		{"70.2975", 2, HalfUp, "70.3"},
		{"70.2975", 2, Down, "70.29"},
		{"0.125", 2, HalfEven, "0.12"},
		{"0.135", 2, HalfEven, "0.14"},
		{"0.125", 2, HalfUp, "0.13"},
		{"0.125", 2, HalfDown, "0.12"},
		{"0.1251", 2, HalfDown, "0.13"},
		{"-0.125", 2, HalfUp, "-0.13"},
		{"-0.125", 2, HalfDown, "-0.12"},
		{"14003.5", 0, HalfUp, "14004"},
		{"1234", -2, Down, "1200"},
		{"1250", -2, HalfDown, "1200"},
		{"1251", -2, HalfDown, "1300"},
		{"1250", -2, HalfUp, "1300"},
		{"19.901", 2, Up, "19.91"},
	}
	for _, c := range cases {
		got := RoundTo(decimal.RequireFromString(c.in), c.places, c.mode)
		if !got.Equal(decimal.RequireFromString(c.want)) {
			t.Errorf("RoundTo(%s, %d, %s) = %s, want %s", c.in, c.places, c.mode, got, c.want)
		}
	}
}

func TestAmountMinorAndFixed(t *testing.T) {
	a := MustNew("6.139", "KWD")
	if m, err := a.Minor(); err != nil || m != 6139 {
		t.Errorf("KWD minor = %d, %v", m, err)
	}
	if _, err := MustNew("3006.5", "JPY").Minor(); err == nil {
		t.Error("an unrounded yen amount converted to minor units silently")
	}
	if got := MustNew("3006.5", "JPY").Round(HalfUp).Fixed(); got != "3007" {
		t.Errorf("JPY rounding: %s", got)
	}
	if got := MustNew("29.8", "EUR").Fixed(); got != "29.80" {
		t.Errorf("Fixed = %s", got)
	}
	b, err := FromMinor(1999, "USD")
	if err != nil || b.Fixed() != "19.99" {
		t.Errorf("FromMinor = %v, %v", b, err)
	}
	if _, err := a.Add(MustNew("1", "EUR")); err == nil {
		t.Error("added two currencies")
	}
}
