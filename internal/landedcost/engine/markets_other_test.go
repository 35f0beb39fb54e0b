package engine

import "testing"

// Switzerland, Norway and UAE rules of RULES.md §10-§11 (and the documented UAE default). Worked by hand.

func TestSwitzerland(t *testing.T) {
	ch := func(asOf, country, shipFrom, extra string, l map[string]any) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"`+country+`"},"ship_from":"`+shipFrom+`","currency":"CHF",
			"merchant_currency":"CHF","incoterm":"DAP"`+extra+`}`, l)
	}
	phone := func(price string) map[string]any { return line("1", "392690", "CN", price, 1, "0.05", "standard") }
	// CHF 5 rule, inclusive: 8.1% × 61.73 = 5.00013 → 5.00 is not levied; 8.1% × 61.80 = 5.0058 → 5.01 is.
	expect(t, ch("2026-11-22", "CH", "CN", ``, phone("61.73")), `{"duty":"0.00","tax":"0.00"}`)
	expect(t, ch("2026-11-22", "CH", "CN", ``, phone("61.80")), `{"duty":"0.00","tax":"5.01","due_on_delivery":"5.01"}`)
	// The VAT basis includes transport: 8.1% × (100 + 10) = 8.91.
	expect(t, ch("2026-11-22", "CH", "CN", `,"shipping":"10.00"`, phone("100.00")), `{"tax":"8.91"}`)
	// Before 2024 industrial goods were dutiable (weight duties, quoted from duty_rate) and VAT was 7.7%:
	// duty 5% × 100 = 5.00; VAT 7.7% × 105 = 8.085 → 8.09.
	expect(t, ch("2023-12-31", "CH", "CN", ``, phone("100.00")), `{"duty":"5.00","tax":"8.09"}`)
	expect(t, ch("2024-01-01", "CH", "CN", ``, phone("100.00")), `{"duty":"0.00","tax":"8.10"}`)
	// Agricultural goods (chapter 19) stay dutiable: duty 10% × 100 = 10.00; VAT 2.6% × 110 = 2.86 ≤ 5: waived.
	expect(t, ch("2026-11-22", "CH", "CN", ``, line("1", "190590", "CN", "100.00", 1, "0.10", "reduced")), `{"duty":"10.00","tax":"0.00"}`)
	// Mail-order registered seller: Swiss VAT at checkout on every delivery, no CHF 5 waiver (C31 variant).
	expect(t, ch("2026-11-22", "CH", "CN", `,"registrations":["CH_VAT"]`, phone("20.00")), `{"tax":"1.62","due_at_checkout":"21.62","regime":"CH_MAIL_ORDER"}`)
	// Liechtenstein is in the Swiss customs territory: Swiss rules, and dispatch from LI to CH is domestic.
	expect(t, ch("2026-11-22", "LI", "CN", ``, phone("100.00")), `{"tax":"8.10"}`)
	expect(t, ch("2026-11-22", "CH", "LI", ``, phone("100.00")), `{"tax":"8.10","due_at_checkout":"108.10","regime":"DOMESTIC"}`)
}

func TestNorway(t *testing.T) {
	no := func(asOf, regs, extra string, lines ...map[string]any) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"NO"},"currency":"NOK","merchant_currency":"NOK","incoterm":"DAP",
			"registrations":`+regs+extra+`}`, lines...)
	}
	trousers := func(id, price string, qty int) map[string]any {
		return line(id, "620342", "CN", price, qty, "0.107", "standard")
	}
	// VOEC is "below NOK 3,000" per item: 3,000.00 is imported normally (duty 10.7% = 321; VAT 25% × 3,321 =
	// 830.25 → 830 whole kroner); 2,999.99 is VOEC (VAT 25% = 749.9975 → 750.00 at checkout, no duty).
	expect(t, no("2026-11-22", `["NO_VOEC"]`, ``, trousers("1", "3000.00", 1)), `{"duty":"321.00","tax":"830.00","due_on_delivery":"1151.00"}`)
	expect(t, no("2026-11-22", `["NO_VOEC"]`, ``, trousers("1", "2999.99", 1)), `{"duty":"0.00","tax":"750.00","due_on_delivery":"0.00","regime":"NO_VOEC"}`)
	// Per item, not per line: two items of 1,600 are both VOEC (VAT 25% × 3,200 = 800.00).
	expect(t, no("2026-11-22", `["NO_VOEC"]`, ``, trousers("1", "1600.00", 2)), `{"duty":"0.00","tax":"800.00"}`)
	// Mixed parcel, shipping 60 split 20 : 40. Item A (2,000) VOEC: 25% × 2,020 = 505.00 at checkout. Item B
	// (4,000) imported: duty 10.7% × 4,040 = 432.28 → 432; VAT 25% × 4,472 = 1,118.
	expect(t, no("2026-11-22", `["NO_VOEC"]`, `,"shipping":"60.00"`, trousers("a", "2000.00", 1), trousers("b", "4000.00", 1)),
		`{"duty":"432.00","tax":"1623.00","due_at_checkout":"6565.00","due_on_delivery":"1550.00","total":"8115.00",
		"lines":[{"id":"a","duty":"0.00","tax":"505.00"},{"id":"b","duty":"432.00","tax":"1118.00"}]}`)
	// C35-style border example: CIF 12,000 + 300 + 45.60 = 12,345.60; duty 10.7% = 1,320.9792 → 1,321 before it
	// enters the VAT base; VAT 25% × 13,666.60 = 3,416.65 → 3,417.
	expect(t, no("2026-11-22", `[]`, `,"shipping":"300.00","insurance":"45.60"`, trousers("1", "12000.00", 1)),
		`{"duty":"1321.00","tax":"3417.00","total":"17083.60"}`)
	// Before 2024 consignments below NOK 350 (incl. shipping) were exempt: 300 + 40 = 340 → nothing;
	// 300 + 50 = 350 is not below → VAT 25% × 350 = 87.5 → 88 (the toy is duty-free).
	toy := line("1", "950300", "CN", "300.00", 1, "0", "standard")
	expect(t, no("2023-06-01", `[]`, `,"shipping":"40.00"`, toy), `{"tax":"0.00"}`)
	expect(t, no("2023-06-01", `[]`, `,"shipping":"50.00"`, toy), `{"tax":"88.00"}`)
	expect(t, no("2024-01-01", `[]`, `,"shipping":"40.00"`, toy), `{"tax":"85.00"}`)
}

func TestUAEDefault(t *testing.T) {
	ae := func(price string) []byte {
		return request(t, `{"destination":{"country":"AE"},"currency":"AED","merchant_currency":"AED","shipping":"50.00"}`,
			line("1", "851830", "CN", price, 1, "0.05", "standard"))
	}
	// AED 1,000 duty relief (documented default): VAT 5% × 1,050 = 52.50.
	expect(t, ae("1000.00"), `{"duty":"0.00","tax":"52.50"}`)
	// Above: duty 5% × 1,050.01 = 52.5005 → 52.50; VAT 5% × 1,102.51 = 55.1255 → 55.13.
	expect(t, ae("1000.01"), `{"duty":"52.50","tax":"55.13"}`)
}

// TestCHNOSampleGaps: C32 (a mail-order-registered seller with two Swiss VAT rates) and a C35-style Norwegian
// border assessment where both the duty and the VAT land on half a krone.
func TestCHNOSampleGaps(t *testing.T) {
	// EUR 100 + EUR 40 at 0.94 = CHF 94.00 + 37.60, shipping 9.40 split by value. Standard 8.1% × (94 + 6.7142…) =
	// 8.1578… → 8.16; reduced 2.6% × (37.60 + 2.6857…) = 1.0474… → 1.05. The registered seller charges it at
	// checkout, and the CHF 5 rule (import VAT only) does not apply.
	expect(t, request(t, `{"destination":{"country":"CH"},"currency":"CHF","merchant_currency":"EUR","fx_rate":"0.9400",
		"registrations":["CH_VAT"],"shipping":"10.00"}`, line("a", "392690", "CN", "100.00", 1, "0", "standard"),
		line("b", "490199", "DE", "40.00", 1, "0", "reduced")),
		`{"duty":"0.00","tax":"9.21","total":"150.21","regime":"CH_MAIL_ORDER","lines":[{"id":"a","tax":"8.16"},{"id":"b","tax":"1.05"}]}`)
	// Norway, CIF 1,000 + 37.50: duty 12% = 124.5 → 125 (whole kroner, half up) before it enters the VAT base;
	// VAT 25% × 1,162.50 = 290.625 → 291.
	expect(t, request(t, `{"destination":{"country":"NO"},"ship_from":"US","currency":"NOK","merchant_currency":"NOK","shipping":"37.50"}`,
		line("1", "620342", "US", "1000.00", 1, "0.12", "standard")), `{"duty":"125.00","tax":"291.00","total":"1453.50"}`)
}
