package engine

import "testing"

// UK, US and Canada rules of RULES.md §4-§6 beyond the sample cases. Expected values are worked by hand.

func TestUKThresholdAndPOS(t *testing.T) {
	gb := `{"destination":{"country":"GB"},"currency":"GBP","merchant_currency":"GBP","shipping":"5.00"}`
	// GBP 135.00 is "135 or less": point-of-sale VAT 20% × 140 = 28.00, no duty, even without UK_VAT listed.
	expect(t, request(t, gb, line("1", "620342", "CN", "135.00", 1, "0.12", "standard")),
		`{"duty":"0.00","tax":"28.00","total":"168.00","regime":"UK_POS"}`)
	// GBP 135.01: duty 12% × 140.01 = 16.8012 → 16.80; import VAT 20% × 156.81 = 31.362 → 31.36.
	expect(t, request(t, gb, line("1", "620342", "CN", "135.01", 1, "0.12", "standard")),
		`{"duty":"16.80","tax":"31.36","total":"188.17","regime":"UK_IMPORT"}`)
	// C15-style mixed rates: toy 20% and children's clothing 0%, shipping 8 split 5 : 3; 20% × 55 = 11.00.
	expect(t, request(t, `{"destination":{"country":"GB"},"currency":"GBP","merchant_currency":"GBP","shipping":"8.00"}`,
		line("t", "950300", "CN", "50.00", 1, "0", "standard"), line("k", "611120", "CN", "30.00", 1, "0", "zero")),
		`{"tax":"11.00","total":"99.00","lines":[{"id":"t","tax":"11.00"},{"id":"k","tax":"0.00"}]}`)
	// Under DAP the point-of-sale VAT is still charged at checkout.
	expect(t, request(t, `{"destination":{"country":"GB"},"currency":"GBP","merchant_currency":"GBP","incoterm":"DAP"}`,
		line("1", "950300", "CN", "100.00", 1, "0", "standard")), `{"tax":"20.00","due_at_checkout":"120.00","due_on_delivery":"0.00"}`)
}

func TestDutyUnknown(t *testing.T) {
	gb := `{"destination":{"country":"GB"},"currency":"GBP","merchant_currency":"GBP"}`
	// Above GBP 135 the rate matters: the line is flagged, its duty shown as 0 and VAT computed without it
	// (20% × 200 = 40.00), so duty and tax are lower bounds.
	got := expect(t, request(t, gb, line("1", "620342", "CN", "200.00", 1, "", "standard")),
		`{"duty":"0.00","tax":"40.00","duty_unknown":true}`)
	if ids, _ := got["duty_unknown_lines"].([]any); len(ids) != 1 || ids[0] != "1" {
		t.Errorf("duty_unknown_lines = %v, want [1]", got["duty_unknown_lines"])
	}
	// Within the relief the rate does not matter and nothing is flagged.
	got = expect(t, request(t, gb, line("1", "620342", "CN", "100.00", 1, "", "standard")), `{"duty":"0.00","tax":"20.00"}`)
	if _, flagged := got["duty_unknown"]; flagged {
		t.Error("duty_unknown set for a relieved consignment")
	}
}

func TestUSFeesAndEntries(t *testing.T) {
	us := func(extra string) string {
		return `{"destination":{"country":"US"},"ship_from":"MY","currency":"USD","merchant_currency":"USD"` + extra + `}`
	}
	// C17-style formal entry by air: duty 5% × 3,000 = 150.00 (FOB, freight excluded); MPF 0.3464% × 3,000 =
	// 10.39, raised to the USD 33.58 minimum; no HMF by air.
	expect(t, request(t, us(`,"shipping":"100.00","transport_mode":"air"`), line("1", "847330", "MY", "3000.00", 1, "0.05", "standard")),
		`{"duty":"150.00","tax":"0.00","fees":"33.58","total":"3283.58"}`)
	// By sea the HMF 0.125% × 3,000 = 3.75 is added.
	expect(t, request(t, us(`,"shipping":"100.00","transport_mode":"sea"`), line("1", "847330", "MY", "3000.00", 1, "0.05", "standard")),
		`{"fees":"37.33","total":"3287.33"}`)
	// MPF maximum: 0.3464% × 200,000 = 692.80 → 651.50.
	expect(t, request(t, us(``), line("1", "847130", "MY", "200000.00", 1, "0", "standard")), `{"fees":"651.50"}`)
	// Between the limits: 0.3464% × 10,000 = 34.64.
	expect(t, request(t, us(``), line("1", "847130", "MY", "10000.00", 1, "0", "standard")), `{"fees":"34.64"}`)
	// Formal entry at USD 2,500 or more (RULES.md §5): 2,500.00 → formal, minimum 33.58; 2,499.99 → informal 2.69.
	expect(t, request(t, us(``), line("1", "847130", "MY", "2500.00", 1, "0", "standard")), `{"fees":"33.58"}`)
	expect(t, request(t, us(``), line("1", "847130", "MY", "2499.99", 1, "0", "standard")), `{"fees":"2.69"}`)
	// Informal entry by sea: MPF 2.69 + HMF 0.125% × 1,000 = 1.25.
	expect(t, request(t, us(`,"transport_mode":"sea"`), line("1", "847130", "MY", "1000.00", 1, "0", "standard")), `{"fees":"3.94"}`)
	// Duty is rounded per line: 16.5% × 10.03 = 1.65495 → 1.65 per line, 3.30 for two (not 3.3099 → 3.31).
	expect(t, request(t, us(``), line("1", "610910", "MY", "10.03", 1, "0.165", "standard"), line("2", "610910", "MY", "10.03", 1, "0.165", "standard")),
		`{"duty":"3.30","lines":[{"id":"1","duty":"1.65"},{"id":"2","duty":"1.65"}]}`)
}

func TestUSUSMCAExemption(t *testing.T) {
	us := `{"destination":{"country":"US"},"ship_from":"CA","currency":"USD","merchant_currency":"USD"}`
	usmca := func(id, origin, price string) map[string]any {
		l := line(id, "940360", origin, price, 1, "0", "standard")
		l["preference"] = "USMCA"
		return l
	}
	// An informal entry with one non-originating line still pays the flat MPF.
	expect(t, request(t, us, usmca("1", "CA", "100.00"), line("2", "940360", "CN", "50.00", 1, "0", "standard")), `{"fees":"2.69"}`)
	// A formal entry pays MPF on the non-originating value only: 0.3464% × 20,000 = 69.28.
	expect(t, request(t, us, usmca("1", "CA", "10000.00"), line("2", "940360", "CN", "20000.00", 1, "0", "standard")), `{"fees":"69.28"}`)
	// A USMCA claim for goods of Chinese origin is not recognised: MPF due.
	expect(t, request(t, us, usmca("1", "CN", "100.00")), `{"fees":"2.69"}`)
	// The alias CUSMA names the same agreement.
	l := usmca("1", "MX", "100.00")
	l["preference"] = "CUSMA"
	expect(t, request(t, us, l), `{"fees":"0.00"}`)
}

func TestUSDeMinimisDates(t *testing.T) {
	us := func(asOf, origin, price string) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"US"},"ship_from":"`+origin+`","currency":"USD","merchant_currency":"USD",
			"shipping":"15.00"}`, line("1", "610910", origin, price, 1, "0.165", "standard"))
	}
	// USD 800 is "not exceeding": no duty, no MPF on 2025-08-28.
	expect(t, us("2025-08-28", "VN", "800.00"), `{"duty":"0.00","fees":"0.00","total":"815.00","regime":"US_DE_MINIMIS"}`)
	// Above USD 800 the FY2025 fees apply: duty 16.5% × 800.01 = 132.00165 → 132.00, informal MPF 2.62 [M].
	expect(t, us("2025-08-28", "VN", "800.01"), `{"duty":"132.00","fees":"2.62"}`)
	// From 2025-05-02 Chinese goods were excluded: duty 16.5% × 60 = 9.90 + MPF 2.62.
	expect(t, us("2025-06-01", "CN", "60.00"), `{"duty":"9.90","fees":"2.62"}`)
	expect(t, us("2025-05-01", "CN", "60.00"), `{"duty":"0.00","fees":"0.00"}`)
	// From 2025-08-29 no de minimis for anyone; FY2026 MPF from 2025-10-01.
	expect(t, us("2025-08-29", "VN", "60.00"), `{"duty":"9.90","fees":"2.62"}`)
	expect(t, us("2025-10-01", "VN", "60.00"), `{"duty":"9.90","fees":"2.69"}`)
	// Shipped from inside the US: a domestic sale, no duty, no fees, no federal tax.
	expect(t, request(t, `{"destination":{"country":"US"},"ship_from":"US","currency":"USD","merchant_currency":"USD","shipping":"5.00"}`,
		line("1", "610910", "VN", "20.00", 1, "0.165", "standard")), `{"duty":"0.00","tax":"0.00","fees":"0.00","total":"25.00","regime":"DOMESTIC"}`)
}

func TestCanadaThresholds(t *testing.T) {
	ca := func(region, shipFrom, channel, price string) []byte {
		return request(t, `{"destination":{"country":"CA","region":"`+region+`"},"ship_from":"`+shipFrom+`","channel":"`+channel+`",
			"currency":"CAD","merchant_currency":"CAD","shipping":"5.00"}`, line("1", "611020", "CN", price, 1, "0.18", "standard"))
	}
	// Mail from the US gets no CUSMA thresholds: VFD 30 > 20 → duty 18% = 5.40, HST 13% × 35.40 = 4.602 → 4.60
	// (shipping not in the base), Canada Post handling 9.95.
	expect(t, ca("ON", "US", "postal", "30.00"), `{"duty":"5.40","tax":"4.60","fees":"9.95","total":"54.95"}`)
	// Mail up to CAD 20: free, and no handling fee.
	expect(t, ca("ON", "US", "postal", "20.00"), `{"duty":"0.00","tax":"0.00","fees":"0.00","total":"25.00"}`)
	// Courier from the US: up to CAD 40 free; 40.01 → duty remitted, HST 13% × 40.01 = 5.2013 → 5.20.
	expect(t, ca("ON", "US", "courier", "40.00"), `{"duty":"0.00","tax":"0.00"}`)
	expect(t, ca("ON", "US", "courier", "40.01"), `{"duty":"0.00","tax":"5.20","fees":"0.00"}`)
	// Above CAD 150: duty 18% × 150.01 = 27.0018 → 27.00; HST 13% × 177.01 = 23.0113 → 23.01.
	expect(t, ca("ON", "US", "courier", "150.01"), `{"duty":"27.00","tax":"23.01"}`)
	// Courier from Mexico is treated like the US (place of direct shipment).
	expect(t, ca("ON", "MX", "courier", "100.00"), `{"duty":"0.00","tax":"13.00"}`)
	// Courier from China: up to CAD 20 free; 20.01 → duty 3.6018 → 3.60, HST 13% × 23.61 = 3.0693 → 3.07.
	expect(t, ca("ON", "CN", "courier", "20.00"), `{"duty":"0.00","tax":"0.00"}`)
	expect(t, ca("ON", "CN", "courier", "20.01"), `{"duty":"3.60","tax":"3.07"}`)
	// Nova Scotia's HST fell from 15% to 14% on 2025-04-01 (duty 0 to isolate the rate).
	ns := func(asOf string) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"CA","region":"NS"},"currency":"CAD","merchant_currency":"CAD"}`,
			line("1", "847130", "CN", "100.00", 1, "0", "standard"))
	}
	expect(t, ns("2025-03-31"), `{"tax":"15.00"}`)
	expect(t, ns("2025-04-01"), `{"tax":"14.00"}`)
	// Under DAP the handling fee is paid on delivery with the duty and tax.
	expect(t, request(t, `{"destination":{"country":"CA","region":"AB"},"ship_from":"GB","channel":"postal","currency":"CAD",
		"merchant_currency":"CAD","incoterm":"DAP"}`, line("1", "611020", "GB", "50.00", 1, "0.18", "standard")),
		`{"duty":"9.00","tax":"2.95","fees":"9.95","due_at_checkout":"50.00","due_on_delivery":"21.90"}`)
}

func TestCanadaProvincialTaxes(t *testing.T) {
	ca := func(region, shipFrom string) []byte {
		return request(t, `{"destination":{"country":"CA","region":"`+region+`"},"ship_from":"`+shipFrom+`","currency":"CAD",
			"merchant_currency":"CAD","shipping":"10.00"}`, line("1", "847130", "CN", "100.00", 1, "0", "standard"))
	}
	// At the border only GST/HST is collected (PST not at import, RULES.md §13.7 convention): BC 5% × 100 = 5.00.
	expect(t, ca("BC", "CN"), `{"tax":"5.00"}`)
	// Shipped from inside Canada: GST 5% + PST 7% on goods and shipping: 5.50 + 7.70.
	expect(t, ca("BC", "CA"), `{"tax":"13.20","regime":"DOMESTIC"}`)
	// Quebec: GST 5.50 + QST 9.975% × 110 = 10.9725 → 10.97.
	expect(t, ca("QC", "CA"), `{"tax":"16.47"}`)
	// Ontario domestic: HST 13% × 110 = 14.30.
	expect(t, ca("ON", "CA"), `{"tax":"14.30"}`)
	expectError(t, ca("XX", "CN"), `destination.region: unknown region "XX" for CA`)
}

// TestUKSampleGaps: the GBP 135 boundary reached through a USD price list (C13/C14's rate), C15 with three rate
// groups, and an import above GBP 135 under DAP with a zero-rated line.
func TestUKSampleGaps(t *testing.T) {
	gb := func(extra string) string {
		return `{"destination":{"country":"GB"},"currency":"GBP","merchant_currency":"USD","fx_rate":"0.8000"` + extra + `}`
	}
	// USD 168.75 × 0.8 = GBP 135.00, "135 or less": point-of-sale VAT 20% × (135 + 8) = 28.60, no duty.
	expect(t, request(t, gb(`,"shipping":"10.00"`), line("1", "620342", "CN", "168.75", 1, "0.12", "standard")),
		`{"goods":"135.00","shipping":"8.00","duty":"0.00","tax":"28.60","total":"171.60","regime":"UK_POS"}`)
	// USD 168.76 × 0.8 = 135.008 → 135.01 > 135: CIF 135.01 + 8 + 1 = 144.01, duty 12% = 17.2812 → 17.28, import
	// VAT 20% × 161.29 = 32.258 → 32.26, total 193.55.
	expect(t, request(t, gb(`,"shipping":"10.00","insurance":"1.25"`), line("1", "620342", "CN", "168.76", 1, "0.12", "standard")),
		`{"goods":"135.01","insurance":"1.00","duty":"17.28","tax":"32.26","total":"193.55","regime":"UK_IMPORT"}`)
	// C15: toy 20%, children's clothing 0%, lamp 5%; GBP 32 / 24 / 16, shipping 7.20 split by value. Toy 20% ×
	// (32 + 3.20) = 7.04; lamp 5% × (16 + 1.60) = 0.88; each single-line group carries its own VAT.
	expect(t, request(t, gb(`,"shipping":"9.00"`), line("t", "950300", "CN", "40.00", 1, "0", "standard"),
		line("k", "611120", "CN", "30.00", 1, "0", "zero"), line("c", "940510", "CN", "20.00", 1, "0", "reduced")),
		`{"tax":"7.92","total":"87.12","lines":[{"id":"t","tax":"7.04"},{"id":"k","tax":"0.00"},{"id":"c","tax":"0.88"}]}`)
	// Above GBP 135, DAP: jacket 120 at 4% and children's wear 40 at 12% (zero-rated), transport 12 + 3 split
	// 3 : 1. Duty 4% × 131.25 + 12% × 43.75 = 5.25 + 5.25 = 10.50; VAT 20% × (131.25 + 5.25) = 27.30 on the jacket
	// only. Checkout 175.00, delivery 37.80.
	expect(t, request(t, gb(`,"incoterm":"DAP","shipping":"15.00","insurance":"3.75"`),
		line("a", "420310", "CN", "150.00", 1, "0.04", "standard"), line("b", "611120", "CN", "50.00", 1, "0.12", "zero")),
		`{"duty":"10.50","tax":"27.30","due_at_checkout":"175.00","due_on_delivery":"37.80",
		"lines":[{"id":"a","duty":"5.25","tax":"27.30"},{"id":"b","duty":"5.25","tax":"0.00"}]}`)
}

// TestUSSampleGaps: C17 (Malaysia by air: MPF, no HMF) as a formal and an informal entry, and a sea formal entry
// with both fees.
func TestUSSampleGaps(t *testing.T) {
	us := func(extra string) string {
		return `{"destination":{"country":"US"},"ship_from":"MY","currency":"USD","merchant_currency":"USD"` + extra + `}`
	}
	// 2 × 1,500 = 3,000 ≥ 2,500: formal. Duty 2% of the FOB value = 60.00 (freight and insurance excluded); MPF
	// 0.3464% × 3,000 = 10.39, raised to the USD 33.58 minimum; air, so no HMF. Total 3,100 + 60 + 33.58.
	expect(t, request(t, us(`,"transport_mode":"air","shipping":"80.00","insurance":"20.00"`),
		line("1", "847330", "MY", "1500.00", 2, "0.02", "standard")),
		`{"duty":"60.00","tax":"0.00","fees":"33.58","total":"3193.58","due_at_checkout":"3193.58"}`)
	// 2 × 300 = 600: informal, flat MPF 2.69; duty 12.00. Under DAP both are paid on delivery.
	expect(t, request(t, us(`,"transport_mode":"air","shipping":"80.00","incoterm":"DAP"`), line("1", "847330", "MY", "300.00", 2, "0.02", "standard")),
		`{"duty":"12.00","fees":"2.69","total":"694.69","due_at_checkout":"680.00","due_on_delivery":"14.69"}`)
	// By sea, formal: duty 2% × 20,000 = 400; MPF 0.3464% = 69.28 (between the limits); HMF 0.125% = 25.00.
	expect(t, request(t, us(`,"transport_mode":"sea","shipping":"800.00"`), line("1", "847330", "MY", "20000.00", 1, "0.02", "standard")),
		`{"duty":"400.00","fees":"94.28","total":"21294.28"}`)
}

// TestCanadaSampleGaps: provinces at the border (HST 13/15/14, GST only elsewhere), the postal CAD 20 rule with
// the Canada Post handling fee for mail from the US, and the courier CAD 20 rule for other countries.
func TestCanadaSampleGaps(t *testing.T) {
	// Courier from China, VFD 200 > 20: duty 18% = 36.00, tax on VFD + duty = 236 (shipping 25 not taxed).
	for _, p := range []struct{ region, tax, total string }{
		{"ON", "30.68", "291.68"}, {"NB", "35.40", "296.40"}, {"NL", "35.40", "296.40"}, {"PE", "35.40", "296.40"},
		{"NS", "33.04", "294.04"}, {"AB", "11.80", "272.80"}, {"YT", "11.80", "272.80"}, {"NT", "11.80", "272.80"},
		{"NU", "11.80", "272.80"}, {"BC", "11.80", "272.80"}, {"MB", "11.80", "272.80"}, {"SK", "11.80", "272.80"},
		{"QC", "11.80", "272.80"}, {"", "11.80", "272.80"},
	} {
		expect(t, request(t, `{"destination":{"country":"CA","region":"`+p.region+`"},"currency":"CAD","merchant_currency":"CAD",
			"shipping":"25.00"}`, line("1", "611020", "CN", "200.00", 1, "0.18", "standard")),
			`{"duty":"36.00","tax":"`+p.tax+`","fees":"0.00","total":"`+p.total+`"}`)
	}
	// Mail to Nova Scotia just above CAD 20: duty 18% × 20.01 = 3.6018 → 3.60; HST 14% × 23.61 = 3.3054 → 3.31;
	// Canada Post handling 9.95; all on delivery.
	expect(t, request(t, `{"destination":{"country":"CA","region":"NS"},"channel":"postal","currency":"CAD","merchant_currency":"CAD",
		"incoterm":"DAP"}`, line("1", "611020", "CN", "20.01", 1, "0.18", "standard")),
		`{"duty":"3.60","tax":"3.31","fees":"9.95","due_on_delivery":"16.86"}`)
	// Mail from the US gets no CUSMA CAD 40 tax threshold: CAD 30 of CUSMA goods (duty 0) pays HST 13% = 3.90 and
	// the handling fee; the same parcel by courier would be free.
	usmca := line("1", "611020", "US", "30.00", 1, "0", "standard")
	usmca["preference"] = "CUSMA"
	expect(t, request(t, `{"destination":{"country":"CA","region":"ON"},"ship_from":"US","channel":"postal","currency":"CAD",
		"merchant_currency":"CAD","incoterm":"DAP"}`, usmca), `{"duty":"0.00","tax":"3.90","fees":"9.95","due_on_delivery":"13.85"}`)
	expect(t, request(t, `{"destination":{"country":"CA","region":"ON"},"ship_from":"US","channel":"courier","currency":"CAD",
		"merchant_currency":"CAD","incoterm":"DAP"}`, usmca), `{"duty":"0.00","tax":"0.00","fees":"0.00","due_on_delivery":"0.00"}`)
	// Courier from the UK (not US/MX): CAD 20 free; 20.01 pays duty 3.60 and HST 13% × 23.61 = 3.0693 → 3.07, no
	// handling fee (courier).
	gb := func(price string) []byte {
		return request(t, `{"destination":{"country":"CA","region":"ON"},"ship_from":"GB","currency":"CAD","merchant_currency":"CAD"}`,
			line("1", "611020", "GB", price, 1, "0.18", "standard"))
	}
	expect(t, gb("20.00"), `{"duty":"0.00","tax":"0.00","fees":"0.00"}`)
	expect(t, gb("20.01"), `{"duty":"3.60","tax":"3.07","fees":"0.00"}`)
	// Courier from the US keys on the place of shipment, not origin: Chinese goods at CAD 150.00 have their duty
	// remitted (GST 5% × 150 = 7.50 in Alberta); at 150.01 duty 27.0018 → 27.00 and GST 5% × 177.01 = 8.8505 → 8.85.
	us := func(price string) []byte {
		return request(t, `{"destination":{"country":"CA","region":"AB"},"ship_from":"US","currency":"CAD","merchant_currency":"CAD"}`,
			line("1", "611020", "CN", price, 1, "0.18", "standard"))
	}
	expect(t, us("150.00"), `{"duty":"0.00","tax":"7.50"}`)
	expect(t, us("150.01"), `{"duty":"27.00","tax":"8.85"}`)
}
