package pricing

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestRoundShelf(t *testing.T) {
	cases := []struct {
		in       string
		currency string
		rule     Rounding
		want     string
	}{
		// Minor units, HALF_UP; a positive price never becomes zero.
		{"19.994", "EUR", RoundMinor, "19.99"},
		{"19.995", "EUR", RoundMinor, "20.00"},
		{"0.004", "EUR", RoundMinor, "0.01"},
		{"0", "EUR", RoundMinor, "0"},
		{"7.6665", "KWD", RoundMinor, "7.667"},
		{"0.0004", "KWD", RoundMinor, "0.001"},
		{"6.1394", "BHD", RoundMinor, "6.139"},
		{"1234.5", "JPY", RoundMinor, "1235"},
		{"0.4", "JPY", RoundMinor, "1"},
		{"15049.5", "KRW", RoundMinor, "15050"},

		// .99 endings: up to the nearest .99 not below the price (after rounding to the cent).
		{"18.99", "EUR", RoundCharm99, "18.99"},
		{"18.994", "EUR", RoundCharm99, "18.99"}, // rounds to 18.99 first
		{"18.995", "EUR", RoundCharm99, "19.99"}, // rounds to 19.00 first
		{"19.00", "EUR", RoundCharm99, "19.99"},  // a whole unit goes up, never down to 18.99
		{"19.001", "EUR", RoundCharm99, "19.99"}, // just above a whole unit
		{"19.50", "EUR", RoundCharm99, "19.99"},
		{"19.99", "EUR", RoundCharm99, "19.99"},
		{"19.991", "EUR", RoundCharm99, "19.99"},
		{"19.996", "EUR", RoundCharm99, "20.99"}, // just below a whole unit, above .99
		{"20.00", "EUR", RoundCharm99, "20.99"},
		{"0.30", "EUR", RoundCharm99, "0.99"}, // tiny prices end at the smallest .99
		{"0.001", "EUR", RoundCharm99, "0.99"},
		{"0.994", "EUR", RoundCharm99, "0.99"},
		{"0", "EUR", RoundCharm99, "0"},
		{"-1.005", "EUR", RoundCharm99, "-1.01"},
		{"4.5", "KWD", RoundCharm99, "4.99"}, // the ending is of the major unit: 4.990
		{"4.9904", "KWD", RoundCharm99, "4.99"},
		{"4.9905", "KWD", RoundCharm99, "5.99"},
		{"1234.5", "JPY", RoundCharm99, "1235"}, // no cents: falls back to the minor unit

		// .95 endings.
		{"19.95", "EUR", RoundCharm95, "19.95"},
		{"19.954", "EUR", RoundCharm95, "19.95"},
		{"19.96", "EUR", RoundCharm95, "20.95"},
		{"19.00", "EUR", RoundCharm95, "19.95"},
		{"0.96", "EUR", RoundCharm95, "1.95"},
		{"0.01", "EUR", RoundCharm95, "0.95"},
		{"22.18135", "CHF", RoundCharm95, "22.95"},
		{"22.951", "CHF", RoundCharm95, "22.95"},
		{"22.955", "CHF", RoundCharm95, "23.95"},

		// Nearest 1/10/100, HALF_UP on the exact value (no double rounding), never to zero.
		{"199.49", "NOK", RoundNearest1, "199"},
		{"199.5", "NOK", RoundNearest1, "200"},
		{"0.2", "NOK", RoundNearest1, "1"},
		{"1234.5", "JPY", RoundNearest10, "1230"},
		{"1234.9999", "JPY", RoundNearest10, "1230"},
		{"1235", "JPY", RoundNearest10, "1240"},
		{"4273.110072", "JPY", RoundNearest10, "4270"},
		{"3", "JPY", RoundNearest10, "10"},
		{"15049", "KRW", RoundNearest100, "15000"},
		{"15049.99", "KRW", RoundNearest100, "15000"},
		{"15050", "KRW", RoundNearest100, "15100"},
		{"49", "KRW", RoundNearest100, "100"},
		{"39674.8737", "KRW", RoundNearest100, "39700"},
	}
	for _, c := range cases {
		got := RoundShelf(d(c.in), c.currency, c.rule)
		if !got.Equal(d(c.want)) {
			t.Errorf("RoundShelf(%s %s, %s) = %s, want %s", c.in, c.currency, c.rule, got, c.want)
		}
	}
}

func TestSplitGross(t *testing.T) {
	cases := []struct {
		gross, rate, currency string
		net, tax              string
	}{
		{"19.99", "0.19", "EUR", "16.80", "3.19"},
		{"19.99", "0.20", "EUR", "16.66", "3.33"},
		{"21.99", "0.20", "EUR", "18.33", "3.66"}, // 18.325 exactly: HALF_UP
		{"19.99", "0", "EUR", "19.99", "0"},
		{"4270", "0.10", "JPY", "3882", "388"},
		{"39700", "0.10", "KRW", "36091", "3609"},
		{"1.000", "0.05", "KWD", "0.952", "0.048"},
		{"22.95", "0.081", "CHF", "21.23", "1.72"},
	}
	for _, c := range cases {
		net, tax := SplitGross(d(c.gross), d(c.rate), c.currency)
		if !net.Equal(d(c.net)) || !tax.Equal(d(c.tax)) {
			t.Errorf("SplitGross(%s %s at %s) = %s + %s, want %s + %s", c.gross, c.currency, c.rate, net, tax, c.net, c.tax)
		}
		if !net.Add(tax).Equal(d(c.gross)) {
			t.Errorf("%s: parts do not add up", c.gross)
		}
	}
}

// TestPriceWithRateTable checks the whole composition, pure, with fixed rates: conversion with the buffer,
// VAT, rounding of the shown price, and the derived parts, in JPY, KRW, KWD, CHF, EUR and USD.
func TestPriceWithRateTable(t *testing.T) {
	s := &Service{taxes: testTaxes, base: "USD"}
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	quote := func(cur, rate, buffer string) FXQuote {
		return FXQuote{Base: "USD", Quote: cur, MarketRate: d(rate), Rate: d(rate)}.withBuffer(d(buffer))
	}
	markets := map[string]Market{
		"JP":   {Code: "JP", Countries: []string{"JP"}, Currency: "JPY", TaxInclusive: true, Rounding: RoundNearest10},
		"KR":   {Code: "KR", Countries: []string{"KR"}, Currency: "KRW", TaxInclusive: true, Rounding: RoundNearest100},
		"KW":   {Code: "KW", Countries: []string{"KW"}, Currency: "KWD", Rounding: RoundMinor},
		"KW99": {Code: "KW99", Countries: []string{"KW"}, Currency: "KWD", Rounding: RoundCharm99},
		"CH":   {Code: "CH", Countries: []string{"CH"}, Currency: "CHF", TaxInclusive: true, Rounding: RoundCharm95},
		"EU": {Code: "EU", Countries: []string{"DE", "FR"}, Currency: "EUR", TaxInclusive: true, FixedGross: true,
			GrossReferenceCountry: "DE", Rounding: RoundCharm99},
		"GB": {Code: "GB", Countries: []string{"GB"}, Currency: "GBP", TaxInclusive: true, Rounding: RoundCharm99},
		"US": {Code: "US", Countries: []string{"US"}, Currency: "USD", Rounding: RoundMinor},
	}
	cases := []struct {
		market, country, base, category string
		fx                              FXQuote
		shown, net, tax                 string
		rate                            string
	}{
		// 24.99 × 152.40 × 1.02 = 3884.64552; × 1.10 = 4273.11 → 4270 (nearest 10); net 3881.8 → 3882.
		{"JP", "JP", "24.99", "", quote("JPY", "152.40", "0.02"), "4270", "3882", "388", "0.10"},
		{"JP", "JP", "24.99", "reduced", quote("JPY", "152.40", "0.02"), "4200", "3889", "311", "0.08"},
		// 24.99 × 1415 × 1.02 = 36068.067; × 1.10 = 39674.87 → 39700.
		{"KR", "KR", "24.99", "standard", quote("KRW", "1415", "0.02"), "39700", "36091", "3609", "0.10"},
		// KWD, tax-exclusive, three decimals: 24.99 × 0.3068 = 7.666932 → 7.667.
		{"KW", "KW", "24.99", "standard", quote("KWD", "0.3068", "0"), "7.667", "7.667", "0", "0"},
		{"KW99", "KW", "24.99", "standard", quote("KWD", "0.3068", "0"), "7.990", "7.990", "0", "0"},
		// 24.99 × 0.8211 × 1.081 = 22.18… → 22.95; net 21.23.
		{"CH", "CH", "24.99", "standard", quote("CHF", "0.805", "0.02"), "22.95", "21.23", "1.72", "0.081"},
		// Fixed gross: the DE rate makes the gross in both countries. 20 × 0.8823 × 1.19 = 20.9987 → 21.99.
		{"EU", "DE", "20", "standard", quote("EUR", "0.865", "0.02"), "21.99", "18.48", "3.51", "0.19"},
		{"EU", "FR", "20", "standard", quote("EUR", "0.865", "0.02"), "21.99", "18.33", "3.66", "0.20"},
		// Reduced rate in the reference country too: 20 × 0.8823 × 1.07 = 18.88 → 18.99.
		{"EU", "FR", "20", "reduced", quote("EUR", "0.865", "0.02"), "18.99", "18.00", "0.99", "0.055"},
		{"EU", "DE", "20", "zero", quote("EUR", "0.865", "0.02"), "17.99", "17.99", "0", "0"},
		// Not fixed: the country's own rate. 20 × 0.7581 × 1.02 × 1.2 = 18.5583 → 18.99; net 15.825 → 15.83.
		{"GB", "GB", "20", "standard", quote("GBP", "0.7581", "0.02"), "18.99", "15.83", "3.16", "0.20"},
		// Base currency: the identity quote, no buffer.
		{"US", "US", "24.99", "standard", identityQuote("USD"), "24.99", "24.99", "0", "0"},
	}
	for _, c := range cases {
		m := markets[c.market]
		if c.market == "US" {
			m.FXBuffer = d("0.02")
		}
		in := PriceInput{SKU: "X", BaseNet: d(c.base), TaxCategory: TaxCategory(c.category)}
		p, err := s.PriceWithRate(m, c.country, in, c.fx, nil, at)
		if err != nil {
			t.Errorf("%s/%s: %v", c.market, c.country, err)
			continue
		}
		if !p.Shown.Number.Equal(d(c.shown)) || !p.Net.Number.Equal(d(c.net)) || !p.Tax.Number.Equal(d(c.tax)) ||
			!p.TaxRate.Equal(d(c.rate)) || p.Shown.Currency != m.Currency {
			t.Errorf("%s/%s %s %s: shown %s net %s tax %s rate %s, want %s %s %s %s", c.market, c.country, c.base,
				c.category, p.Shown, p.Net.Number, p.Tax.Number, p.TaxRate, c.shown, c.net, c.tax, c.rate)
		}
		if !p.Net.Number.Add(p.Tax.Number).Equal(p.Gross.Number) || !p.Gross.Number.Equal(p.Shown.Number) {
			t.Errorf("%s/%s: net + tax != gross", c.market, c.country)
		}
		if p.TaxIncluded != m.TaxInclusive || !p.FX.Rate.Equal(c.fx.Rate) {
			t.Errorf("%s/%s: included %v fx %s", c.market, c.country, p.TaxIncluded, p.FX.Rate)
		}
	}

	// The buffer is part of the applied rate, rounded to RateScale places.
	if q := quote("JPY", "152.40", "0.02"); !q.Rate.Equal(d("155.448")) || !q.MarketRate.Equal(d("152.40")) {
		t.Errorf("buffered rate %s (market %s)", q.Rate, q.MarketRate)
	}
	// A list price is shown as typed, and split with the destination's rate.
	list := d("29.99")
	p, err := s.PriceWithRate(markets["EU"], "FR", PriceInput{SKU: "X", BaseNet: d("1")}, identityQuote("EUR"), &list, at)
	if err != nil || !p.Shown.Number.Equal(list) || !p.Net.Number.Equal(d("24.99")) || !p.FromPriceList {
		t.Errorf("list price: %+v %v", p, err)
	}
	// Bad inputs.
	for name, fn := range map[string]func() error{
		"wrong quote currency": func() error {
			_, err := s.PriceWithRate(markets["JP"], "JP", PriceInput{BaseNet: d("1")}, quote("KRW", "1415", "0"), nil, at)
			return err
		},
		"country outside the market": func() error {
			_, err := s.PriceWithRate(markets["JP"], "KR", PriceInput{BaseNet: d("1")}, quote("JPY", "150", "0"), nil, at)
			return err
		},
		"unknown tax category": func() error {
			_, err := s.PriceWithRate(markets["JP"], "JP", PriceInput{BaseNet: d("1"), TaxCategory: "luxury"}, quote("JPY", "150", "0"), nil, at)
			return err
		},
		"negative base price": func() error {
			_, err := s.PriceWithRate(markets["JP"], "JP", PriceInput{BaseNet: d("-1")}, quote("JPY", "150", "0"), nil, at)
			return err
		},
		"missing tax rate": func() error {
			_, err := s.PriceWithRate(markets["EU"], "DE", PriceInput{BaseNet: d("1"), TaxCategory: TaxSuperReduced}, quote("EUR", "0.9", "0"), nil, at)
			return err
		},
	} {
		if err := fn(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRateScaleKeepsBufferedRatesExact(t *testing.T) {
	q := FXQuote{Base: "USD", Quote: "KWD", MarketRate: d("0.306812345678"), Rate: d("0.306812345678")}.withBuffer(d("0.0175"))
	// 0.306812345678 × 1.0175 = 0.3121815617273650 → 12 places HALF_UP.
	if !q.Rate.Equal(d("0.312181561727")) || q.Rate.Exponent() < -RateScale {
		t.Errorf("rate %s", q.Rate)
	}
	if id := identityQuote("EUR").withBuffer(d("0.02")); !id.Rate.Equal(decimal.NewFromInt(1)) {
		t.Errorf("identity quote took a buffer: %s", id.Rate)
	}
}
