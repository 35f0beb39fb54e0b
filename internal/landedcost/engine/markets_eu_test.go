package engine

import "testing"

// EU rules of RULES.md §3 that the sample cases do not exercise. Expected values are worked by hand.

func TestEUFlatDutyPerDistinctHSCode(t *testing.T) {
	eur := `{"as_of":"2026-07-15","destination":{"country":"DE","region":""},"currency":"EUR","merchant_currency":"EUR",
		"registrations":["EU_IOSS"],"shipping":"5.00"}`
	shirts := line("1", "610910", "CN", "10.00", 5, "0.12", "standard")
	watch := line("2", "910211", "CN", "60.00", 1, "0.045", "standard")

	// Five T-shirts share one tariff classification: one item, EUR 3. IOSS VAT 19% × (50 + 5 + 3) = 11.02.
	expect(t, request(t, eur, shirts), `{"goods":"50.00","duty":"3.00","tax":"11.02","fees":"0.00","total":"69.02",
		"due_at_checkout":"69.02","lines":[{"id":"1","duty":"3.00","tax":"11.02"}]}`)

	// T-shirts + watch: two items, EUR 6 (Baker McKenzie: "T-shirt + watch = EUR 6"). The recharged duty is in the
	// IOSS base (Art. 78(a), case C03): 19% × (110 + 5 + 6) = 22.99. Lines: shirt base 50 + 5·50/110 + 3 =
	// 55.2727…, × 19% = 10.5018…; watch 65.7272… × 19% = 12.4881…; 22.99 by largest remainder → 10.50 / 12.49.
	expect(t, request(t, eur, shirts, watch), `{"goods":"110.00","duty":"6.00","tax":"22.99","total":"143.99",
		"lines":[{"id":"1","duty":"3.00","tax":"10.50"},{"id":"2","duty":"3.00","tax":"12.49"}]}`)

	// C03 variant: the seller absorbs the duty, so it is neither in the IOSS base nor in the shopper's total:
	// 19% × 115 = 21.85, total 110 + 5 + 21.85 = 136.85.
	expect(t, request(t, `{"as_of":"2026-07-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR",
		"registrations":["EU_IOSS"],"shipping":"5.00","seller_absorbs_duty":true}`, shirts, watch),
		`{"duty":"0.00","tax":"21.85","total":"136.85","seller_borne":{"duty":"6.00","fees":"0.00"},
		"lines":[{"id":"1","duty":"0.00"},{"id":"2","duty":"0.00"}]}`)

	// A 10-digit code counts at 6 digits (H7 dataset): 6109100010 and 6109100090 are one item.
	expect(t, request(t, eur, line("1", "6109100010", "CN", "10.00", 1, "0.12", "standard"),
		line("2", "6109100090", "CN", "10.00", 1, "0.12", "standard")), `{"duty":"3.00"}`)
}

func TestEUFlatDutyDates(t *testing.T) {
	toy := line("1", "950300", "CN", "40.00", 1, "0.047", "standard")
	nl := func(asOf string) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"NL"},"currency":"EUR","merchant_currency":"EUR",
			"incoterm":"DAP","shipping":"5.00"}`, toy)
	}
	// Last day of the EUR 150 duty relief: no duty, import VAT 21% × 45 = 9.45 (C04's IOSS-only reading).
	expect(t, nl("2026-06-30"), `{"duty":"0.00","tax":"9.45","due_on_delivery":"9.45"}`)
	// First day of the EUR 3 duty: C04's figures.
	expect(t, nl("2026-07-01"), `{"duty":"3.00","tax":"10.08","due_on_delivery":"13.08"}`)
	// Last day of the EUR 3 regime (effective_to 2028-07-01 is exclusive).
	expect(t, nl("2028-06-30"), `{"duty":"3.00"}`)
	// From 2028-07-01 neither relief nor flat duty: 4.7% × 45 = 2.115 → 2.12 (HALF_UP);
	// VAT 21% × (45 + 2.12) = 9.8952 → 9.90.
	expect(t, nl("2028-07-01"), `{"duty":"2.12","tax":"9.90","total":"57.02"}`)
}

func TestEUThresholdBoundary(t *testing.T) {
	de := `{"as_of":"2026-06-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR",
		"registrations":["EU_IOSS"],"shipping":"10.00"}`
	// EUR 150.00 is "not exceeding": IOSS, duty relief, VAT 19% × 160 = 30.40.
	expect(t, request(t, de, line("1", "620520", "CN", "150.00", 1, "0.12", "standard")),
		`{"duty":"0.00","tax":"30.40","total":"190.40"}`)
	// EUR 150.01: no IOSS, no relief. Duty 12% × 160.01 = 19.2012 → 19.20; import VAT 19% × (160.01 + 19.20) =
	// 34.0499 → 34.05; DDP, so the seller pays and recharges at checkout.
	expect(t, request(t, de, line("1", "620520", "CN", "150.01", 1, "0.12", "standard")),
		`{"duty":"19.20","tax":"34.05","total":"213.26","due_at_checkout":"213.26","regime":"EU_IMPORT"}`)
	// Shipping does not count towards the intrinsic value (two lines 75 + 75 with EUR 40 shipping stay IOSS).
	expect(t, request(t, `{"as_of":"2026-06-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR",
		"registrations":["EU_IOSS"],"shipping":"40.00"}`,
		line("1", "610910", "CN", "75.00", 1, "0.12", "standard"), line("2", "610910", "CN", "75.00", 1, "0.12", "standard")),
		`{"duty":"0.00","tax":"36.10"}`)
}

func TestEUItalyContributo(t *testing.T) {
	book := line("1", "490199", "GB", "30.00", 1, "0", "super_reduced")
	it := func(asOf, shipFrom string) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"IT"},"ship_from":"`+shipFrom+`","currency":"EUR",
			"merchant_currency":"EUR","registrations":["EU_IOSS"],"shipping":"5.00"}`, book)
	}
	// Before 2026-01-01 there is no contributo: VAT 4% × 35 = 1.40.
	expect(t, it("2025-12-31", "GB"), `{"fees":"0.00","tax":"1.40","total":"36.40"}`)
	// After 2026-07-01 the contributo stays (no source ends it) and the book is an item for the EUR 3 duty
	// (0%-duty goods are in scope by convention): VAT 4% × (35 + 3) = 1.52, fees 2, total 30 + 5 + 3 + 1.52 + 2.
	expect(t, it("2026-11-22", "GB"), `{"duty":"3.00","tax":"1.52","fees":"2.00","total":"41.52"}`)
	// Above EUR 150 there is no contributo: duty 0% × 205, VAT 4% × 205 = 8.20.
	expect(t, request(t, `{"as_of":"2026-11-22","destination":{"country":"IT"},"ship_from":"GB","currency":"EUR",
		"merchant_currency":"EUR","shipping":"5.00"}`, line("1", "490199", "GB", "200.00", 1, "0", "super_reduced")),
		`{"duty":"0.00","tax":"8.20","fees":"0.00"}`)
	// Dispatched from inside the EU: a domestic sale, no contributo, no duty, Italian VAT 4% × 35.
	expect(t, it("2026-11-22", "DE"), `{"duty":"0.00","tax":"1.40","fees":"0.00","regime":"DOMESTIC"}`)
}

func TestEUFranceSmallParcelTaxIsSellerBorne(t *testing.T) {
	fr := func(asOf string) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"FR"},"currency":"EUR","merchant_currency":"EUR",
			"registrations":["EU_IOSS"],"shipping":"5.00"}`,
			line("1", "610910", "CN", "20.00", 2, "0.12", "standard"), line("2", "950300", "CN", "10.00", 1, "0.047", "standard"))
	}
	// Before 2026-03-01: nothing. IOSS VAT 20% × 55 = 11.00.
	expect(t, fr("2026-02-28"), `{"fees":"0.00","tax":"11.00","total":"66.00"}`)
	// From 2026-03-01: EUR 2 per article (distinct classification) = 4.00, borne by the seller, not on the
	// consumer's invoice: fees and total unchanged.
	expect(t, fr("2026-03-01"), `{"fees":"0.00","tax":"11.00","total":"66.00","seller_borne":{"duty":"0.00","fees":"4.00"}}`)
}

func TestEUGermanyUnderOneEuroNotLevied(t *testing.T) {
	de := func(price, ship string) []byte {
		return request(t, `{"as_of":"2026-06-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR",
			"incoterm":"DAP","shipping":"`+ship+`"}`, line("1", "950300", "CN", price, 1, "0.047", "standard"))
	}
	// 19% × 5.20 = 0.988 → 0.99, under EUR 1: not levied.
	expect(t, de("5.00", "0.20"), `{"duty":"0.00","tax":"0.00","due_on_delivery":"0.00"}`)
	// 19% × 5.27 = 1.0013 → 1.00: not under EUR 1, levied.
	expect(t, de("5.00", "0.27"), `{"tax":"1.00","due_on_delivery":"1.00"}`)
	// The rule is German: a Dutch parcel of 4.20 pays 21% × 4.20 = 0.882 → 0.88.
	expect(t, request(t, `{"as_of":"2026-06-15","destination":{"country":"NL"},"currency":"EUR","merchant_currency":"EUR",
		"incoterm":"DAP","shipping":"0.20"}`, line("1", "950300", "CN", "4.00", 1, "0.047", "standard")), `{"tax":"0.88"}`)
}

func TestEUHalfCentRounding(t *testing.T) {
	// C10's edge: 19% × 1.50 = 0.285. HALF_UP (the default) gives 0.29; the HALF_EVEN test mode gives 0.28.
	req := `{"as_of":"2026-06-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","registrations":["EU_IOSS"]`
	toy := line("1", "950300", "CN", "1.50", 1, "0", "standard")
	expect(t, request(t, req+`}`, toy), `{"tax":"0.29"}`)
	expect(t, request(t, req+`,"rounding_mode":"HALF_EVEN"}`, toy), `{"tax":"0.28"}`)
	expect(t, request(t, req+`,"rounding_mode":"DOWN"}`, toy), `{"tax":"0.28"}`)
}

func TestEUMixedRatesAndAllocation(t *testing.T) {
	// C06-style: a book at 7% and a T-shirt at 19% via IOSS with EUR 5 shipping split 2 : 3 by value.
	// Reduced group 7% × 22 = 1.54, standard group 19% × 33 = 6.27; each single-line group carries its whole VAT.
	expect(t, request(t, `{"as_of":"2026-06-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR",
		"registrations":["EU_IOSS"],"shipping":"5.00"}`,
		line("b", "490199", "GB", "20.00", 1, "0", "reduced"), line("s", "610910", "CN", "30.00", 1, "0.12", "standard")),
		`{"tax":"7.81","lines":[{"id":"b","tax":"1.54"},{"id":"s","tax":"6.27"}]}`)

	// C12-style largest remainder: three equal lines of 50.01 (consignment 150.03 > 150). Duty 12% × 150.03 =
	// 18.0036 → 18.00, 6.00 each. VAT 19% × (150.03 + 18.00) = 31.9257 → 31.93 = 3193 cents over three equal
	// shares of 1064.33: 1064 each and the leftover cent to the first line.
	l := func(id string) map[string]any { return line(id, "610910", "CN", "50.01", 1, "0.12", "standard") }
	expect(t, request(t, `{"as_of":"2026-11-22","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR"}`,
		l("1"), l("2"), l("3")),
		`{"duty":"18.00","tax":"31.93","lines":[{"id":"1","duty":"6.00","tax":"10.65"},{"id":"2","duty":"6.00","tax":"10.64"},{"id":"3","duty":"6.00","tax":"10.64"}]}`)

	// Ireland, above EUR 150, printed book zero-rated and a jumper at 23%, DAP: duty 12% on the jumper's CIF
	// (200 + 10·200/300) = 24.80; VAT 23% × (206.6666… + 24.80) = 53.2373… → 53.24; book 0.
	expect(t, request(t, `{"as_of":"2026-11-22","destination":{"country":"IE"},"currency":"EUR","merchant_currency":"EUR",
		"incoterm":"DAP","shipping":"10.00"}`,
		line("b", "490199", "GB", "100.00", 1, "0", "zero"), line("j", "611020", "CN", "200.00", 1, "0.12", "standard")),
		`{"duty":"24.80","tax":"53.24","due_at_checkout":"310.00","due_on_delivery":"78.04",
		"lines":[{"id":"b","duty":"0.00","tax":"0.00"},{"id":"j","duty":"24.80","tax":"53.24"}]}`)
}

func TestEUDomesticAndNonEuroCurrency(t *testing.T) {
	// Dispatch from France to Germany: German VAT 19% on goods + shipping (130 × 19% = 24.70), nothing else.
	expect(t, request(t, `{"destination":{"country":"DE"},"ship_from":"FR","currency":"EUR","merchant_currency":"EUR","incoterm":"DAP",
		"shipping":"10.00"}`, line("1", "620342", "CN", "120.00", 1, "0.12", "standard")),
		`{"duty":"0.00","tax":"24.70","fees":"0.00","total":"154.70","due_at_checkout":"154.70","due_on_delivery":"0.00","regime":"DOMESTIC"}`)
	// Monaco is in the EU customs territory: dispatch from Monaco to France is domestic (French VAT 20%).
	expect(t, request(t, `{"destination":{"country":"FR"},"ship_from":"MC","currency":"EUR","merchant_currency":"EUR"}`,
		line("1", "620342", "FR", "100.00", 1, "0.12", "standard")), `{"tax":"20.00","regime":"DOMESTIC"}`)
	// Sweden quoted in SEK from a EUR price list: the EUR 150 test uses the fx rate (11.00): 14 × 11 = 154 SEK,
	// limit 1,650 SEK. From 2026-07-01 EUR 3 = 33.00 SEK; import VAT 25% × (154 + 33) = 46.75.
	expect(t, request(t, `{"destination":{"country":"SE"},"currency":"SEK","merchant_currency":"EUR","fx_rate":"11.00"}`,
		line("1", "610910", "CN", "14.00", 1, "0.12", "standard")), `{"goods":"154.00","duty":"33.00","tax":"46.75"}`)
	// Priced in USD and quoted in SEK, the EUR amounts need the request's threshold_fx.
	expectError(t, request(t, `{"destination":{"country":"SE"},"currency":"SEK","merchant_currency":"USD","fx_rate":"10.00"}`,
		line("1", "610910", "CN", "14.00", 1, "0.12", "standard")), "threshold_fx: a EUR rate is required")
	expect(t, request(t, `{"destination":{"country":"SE"},"currency":"SEK","merchant_currency":"USD","fx_rate":"10.00",
		"threshold_fx":{"EUR":"11.00"}}`, line("1", "610910", "CN", "14.00", 1, "0.12", "standard")),
		`{"goods":"140.00","duty":"33.00","tax":"43.25"}`)
}

// TestEUSampleGaps covers the hidden cases README.md names for the EU (C03, C06, C09-C12) and the rules around
// them that the shipped cases leave out. Every figure is worked by hand below.
func TestEUSampleGaps(t *testing.T) {
	eur := func(country, extra string) string {
		return `{"destination":{"country":"` + country + `"},"currency":"EUR","merchant_currency":"EUR"` + extra + `}`
	}
	shirt := line("1", "620520", "CN", "150.00", 1, "0.12", "standard")

	// C03: C01 after 2026-07-01. The EUR 3 duty is recharged under DDP and enters the IOSS base (Art. 78(a)):
	// 19% × (150 + 6.90 + 3) = 30.381 → 30.38; total 150 + 6.90 + 3 + 30.38 = 190.28, all at checkout.
	expect(t, request(t, eur("DE", `,"as_of":"2026-07-15","registrations":["EU_IOSS"],"shipping":"6.90"`), shirt),
		`{"duty":"3.00","tax":"30.38","fees":"0.00","total":"190.28","due_at_checkout":"190.28","due_on_delivery":"0.00",
		"lines":[{"id":"1","duty":"3.00","tax":"30.38"}]}`)
	// C03 variant: the seller absorbs the EUR 3, so it is in neither the base nor the total: 19% × 156.90 =
	// 29.811 → 29.81, total 186.71 (C01's figures).
	expect(t, request(t, eur("DE", `,"as_of":"2026-07-15","registrations":["EU_IOSS"],"shipping":"6.90","seller_absorbs_duty":true`), shirt),
		`{"duty":"0.00","tax":"29.81","total":"186.71","lines":[{"id":"1","duty":"0.00","tax":"29.81"}]}`)

	// C02's consignment after 2026-07-01: coat 620240 and T-shirt 610910 are two items, EUR 6. IOSS base
	// 140 + 15 + 6 = 161 × 20% = 32.20. Lines: coat 120 + 15·120/140 + 3 = 135.857… × 20% = 27.1714…; T-shirt
	// 20 + 15·20/140 + 3 = 25.142… × 20% = 5.0285…; 3,220 cents → 2,717 + 502, the last cent to the larger
	// remainder (T-shirt .857 against .143): 27.17 / 5.03. The FR small-parcel tax (2 × EUR 2) is the seller's.
	expect(t, request(t, eur("FR", `,"as_of":"2026-08-01","registrations":["EU_IOSS"],"shipping":"15.00"`),
		line("1", "620240", "CN", "120.00", 1, "0.12", "standard"), line("2", "610910", "CN", "20.00", 1, "0.12", "standard")),
		`{"duty":"6.00","tax":"32.20","fees":"0.00","total":"193.20","seller_borne":{"duty":"0.00","fees":"4.00"},
		"lines":[{"id":"1","duty":"3.00","tax":"27.17"},{"id":"2","duty":"3.00","tax":"5.03"}]}`)

	// Non-IOSS, DAP, after 2026-07-01, two VAT groups (C04 with a second rate): toys 2 × 10 (one item, EUR 3) and
	// a book at 9% (EUR 3; 0%-duty goods are in scope by convention). Shipping 5 split 20 : 15. Toys 21% ×
	// (20 + 2.857… + 3) = 5.43 exactly; book 9% × (15 + 2.142… + 3) = 1.8128… → 1.81; each single-line group
	// carries its own rounded VAT (C06). On delivery 6 + 7.24 = 13.24; total 40 + 13.24 = 53.24.
	expect(t, request(t, eur("NL", `,"incoterm":"DAP","shipping":"5.00"`),
		line("t", "950300", "CN", "10.00", 2, "0.047", "standard"), line("b", "490199", "GB", "15.00", 1, "0", "reduced")),
		`{"duty":"6.00","tax":"7.24","total":"53.24","due_at_checkout":"40.00","due_on_delivery":"13.24",
		"lines":[{"id":"t","duty":"3.00","tax":"5.43"},{"id":"b","duty":"3.00","tax":"1.81"}]}`)

	// Above EUR 150 with two duty rates and insurance (C08 with a second line), DAP. Transport 25 split 100 : 80:
	// CIF 113.888… and 91.111…; duty 3% × 113.888… = 3.41666… and 16.9% × 91.111… = 15.39777…, total 18.81444… →
	// 18.81, by largest remainder 341.58 / 1539.41 cents → 3.42 / 15.39. VAT 21% × (205 + 18.81) = 47.0001 →
	// 47.00; line bases 117.30888… / 106.50111… give 2463.49 / 2236.51 cents → 24.63 / 22.37.
	expect(t, request(t, eur("ES", `,"incoterm":"DAP","shipping":"20.00","insurance":"5.00"`),
		line("b", "420221", "CN", "100.00", 1, "0.03", "standard"), line("s", "640411", "CN", "80.00", 1, "0.169", "standard")),
		`{"duty":"18.81","tax":"47.00","total":"270.81","due_on_delivery":"65.81",
		"lines":[{"id":"b","duty":"3.42","tax":"24.63"},{"id":"s","duty":"15.39","tax":"22.37"}]}`)

	// C12-style largest remainder with unequal lines: 33.33 + 33.33 + 100.01 = 166.67 > 150, shipping 7, CIF
	// 173.67. Duty 12% × 173.67 = 20.8404 → 20.84; line duties 4.16757… / 4.16757… / 12.50524… give 416.76 /
	// 416.76 / 1250.48 cents → 416 / 416 / 1250 and the two leftover cents to the first two lines (.76 > .48):
	// 4.17 / 4.17 / 12.50. VAT 19% × (173.67 + 20.84) = 36.9569 → 36.96; line bases 38.8998… / 38.8998… /
	// 116.7103… give 739.10 / 739.10 / 2217.50 cents → the leftover cent to the third line: 7.39 / 7.39 / 22.18.
	expect(t, request(t, eur("DE", `,"shipping":"7.00"`), line("1", "610910", "CN", "33.33", 1, "0.12", "standard"),
		line("2", "610910", "CN", "33.33", 1, "0.12", "standard"), line("3", "620342", "CN", "100.01", 1, "0.12", "standard")),
		`{"duty":"20.84","tax":"36.96","lines":[{"id":"1","duty":"4.17","tax":"7.39"},{"id":"2","duty":"4.17","tax":"7.39"},
		{"id":"3","duty":"12.50","tax":"22.18"}]}`)

	// Ireland via IOSS before July 2026, three rate groups: book 0%, food 13.5%, T-shirt 23%; shipping 4.99
	// split 10 : 20 : 30. Food 13.5% × 21.66333… = 2.92455 → 2.92; T-shirt 23% × 32.495 = 7.47385 → 7.47.
	expect(t, request(t, eur("IE", `,"as_of":"2026-05-01","registrations":["EU_IOSS"],"shipping":"4.99"`),
		line("a", "490199", "GB", "10.00", 1, "0", "zero"), line("b", "190590", "CN", "20.00", 1, "0.09", "reduced"),
		line("c", "610910", "CN", "30.00", 1, "0.12", "standard")),
		`{"duty":"0.00","tax":"10.39","lines":[{"id":"a","tax":"0.00"},{"id":"b","tax":"2.92"},{"id":"c","tax":"7.47"}]}`)

	// Italy without IOSS, DAP: the contributo is due from 2026-01-01 with the import VAT on delivery. 2025-12-31:
	// 22% × 55 = 12.10 only; 2026-01-01: + 2.00; 2026-07-01: EUR 3 duty, 22% × 58 = 12.76, + 2.00.
	it := func(asOf string) []byte {
		return request(t, eur("IT", `,"as_of":"`+asOf+`","incoterm":"DAP","shipping":"5.00"`), line("1", "610910", "CN", "50.00", 1, "0.12", "standard"))
	}
	expect(t, it("2025-12-31"), `{"duty":"0.00","tax":"12.10","fees":"0.00","due_on_delivery":"12.10"}`)
	expect(t, it("2026-01-01"), `{"duty":"0.00","tax":"12.10","fees":"2.00","due_on_delivery":"14.10","total":"69.10"}`)
	expect(t, it("2026-07-01"), `{"duty":"3.00","tax":"12.76","fees":"2.00","due_on_delivery":"17.76","total":"72.76"}`)

	// DE under EUR 1: 19% × (4 + 1) = 0.95 is not levied before July 2026; from 2026-07-01 the EUR 3 duty lifts the
	// import charges to 3 + 19% × 8 = 4.52, which are levied.
	de := func(asOf string) []byte {
		return request(t, eur("DE", `,"as_of":"`+asOf+`","incoterm":"DAP","shipping":"1.00"`), line("1", "950300", "CN", "4.00", 1, "0.12", "standard"))
	}
	expect(t, de("2026-06-30"), `{"duty":"0.00","tax":"0.00","due_on_delivery":"0.00"}`)
	expect(t, de("2026-07-01"), `{"duty":"3.00","tax":"1.52","due_on_delivery":"4.52"}`)
}
