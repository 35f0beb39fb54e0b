package engine

import (
	"testing"

	"github.com/shopspring/decimal"
)

// Australia, New Zealand, Japan, Korea and Singapore rules of RULES.md §7-§9 and §12 beyond the sample cases.
// Expected values are worked by hand.

func TestAustraliaBorderFees(t *testing.T) {
	au := func(extra string) string {
		return `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"USD","fx_rate":"1.5",
			"registrations":["AU_GST"],"shipping":"100.00"` + extra + `}`
	}
	hp := line("1", "851830", "CN", "800.00", 1, "0.05", "standard")
	// C25-style, the legacy ABF example: CV 1,200, duty 5% = 60, T&I 150, VoTI 1,410, GST 141; import
	// processing charge 50 + biosecurity 45 (air).
	expect(t, request(t, au(``), hp), `{"goods":"1200.00","shipping":"150.00","duty":"60.00","tax":"141.00","fees":"95.00",
		"total":"1646.00","regime":"AU_IMPORT"}`)
	// By sea the biosecurity charge is AUD 66.
	expect(t, request(t, au(`,"transport_mode":"sea"`), hp), `{"fees":"116.00","total":"1667.00"}`)
	// At AUD 10,000 or more the import processing charge is AUD 152: GST 10% × 10,000 = 1,000.
	expect(t, request(t, `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"AUD","registrations":["AU_GST"]}`,
		line("1", "847130", "CN", "10000.00", 1, "0", "standard")), `{"tax":"1000.00","fees":"197.00"}`)
	// Just above AUD 1,000: duty 5% × 1,000.01 = 50.0005 → 50.00; GST 10% × 1,050.01 = 105.001 → 105.00.
	expect(t, request(t, `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"AUD","registrations":["AU_GST"]}`,
		line("1", "851830", "CN", "1000.01", 1, "0.05", "standard")), `{"duty":"50.00","tax":"105.00","fees":"95.00"}`)
	// Two items of AUD 600 are each low value, but the consignment (1,200) is a taxable importation: border GST,
	// not LVG GST (reasonable-belief exception).
	expect(t, request(t, `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"AUD","registrations":["AU_GST"]}`,
		line("1", "851830", "CN", "600.00", 2, "0.05", "standard")), `{"duty":"60.00","tax":"126.00","regime":"AU_IMPORT"}`)
	// A seller without AU_GST on a low-value consignment: nothing at the border, nothing at checkout.
	expect(t, request(t, `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"AUD"}`,
		line("1", "851830", "CN", "500.00", 1, "0.05", "standard")), `{"duty":"0.00","tax":"0.00","fees":"0.00","regime":"AU_LOW_VALUE"}`)
}

func TestNewZealand(t *testing.T) {
	nz := func(extra, price string) []byte {
		return request(t, `{"destination":{"country":"NZ"},"currency":"NZD","merchant_currency":"NZD","registrations":["NZ_GST"]`+extra+`}`,
			line("1", "620140", "CN", price, 1, "0.10", "standard"))
	}
	// C27-style half cent: 15% × 10.10 = 1.515. s 19O disregards half a cent (HALF_DOWN) → 1.51; the HALF_UP
	// anti-pattern gives 1.52.
	expect(t, nz(``, "10.10"), `{"tax":"1.51","regime":"NZ_LVG"}`)
	expect(t, nz(`,"rounding_mode":"HALF_UP"`, "10.10"), `{"tax":"1.52"}`)
	// NZD 1,000.00 is "or less": LVG GST 150.00 at checkout, no duty.
	expect(t, nz(``, "1000.00"), `{"duty":"0.00","tax":"150.00"}`)
	// Above NZD 1,000: duty 10% on the FOB value 1,200 = 120; GST 15% × (1,200 + 120 + 100 freight) = 213.00.
	expect(t, nz(`,"shipping":"100.00"`, "1200.00"), `{"duty":"120.00","tax":"213.00","total":"1633.00","regime":"NZ_IMPORT"}`)
	// Without NZ_GST a low-value consignment carries no GST at all.
	expect(t, request(t, `{"destination":{"country":"NZ"},"currency":"NZD","merchant_currency":"NZD"}`,
		line("1", "620140", "CN", "100.00", 1, "0.10", "standard")), `{"tax":"0.00","regime":"NZ_LOW_VALUE"}`)
}

func TestJapanTruncationAndSplit(t *testing.T) {
	jp := func(extra string, lines ...map[string]any) []byte {
		return request(t, `{"destination":{"country":"JP"},"ship_from":"US","currency":"JPY","merchant_currency":"JPY"`+extra+`}`, lines...)
	}
	toy := func(price string) map[string]any { return line("1", "950300", "US", price, 1, "0.03", "standard") }
	// C30-style: CIF 20,000, toy 3% → duty 600; base 20,600 → 20,000; national 7.8% = 1,560 → 1,500; local
	// 1,500 × 22/78 = 423.07 → 423 → 400; consumption tax 1,900.
	got := expect(t, jp(``, toy("20000")), `{"duty":"600","tax":"1900","total":"22500"}`)
	checkCharges(t, got, map[string]string{"JP national consumption tax": "1500", "JP local consumption tax": "400"})
	// JPY 10,000 is "or less": exempt. 10,001: duty 300.03 → 300; base 10,301 → 10,000; national 780 → 700;
	// local 197 → 100.
	expect(t, jp(``, toy("10000")), `{"duty":"0","tax":"0"}`)
	expect(t, jp(``, toy("10001")), `{"duty":"300","tax":"800","total":"11101"}`)
	// Knitted apparel is excluded from the exemption: T-shirt 8,000 at 7.4% → 592 → 500; base 8,500 → 8,000;
	// national 624 → 600; local 169 → 100. In the same parcel a 1,000-yen toy stays exempt (total 9,000).
	expect(t, jp(``, line("s", "610910", "US", "8000", 1, "0.074", "standard"), line("t", "950300", "US", "1000", 1, "0.03", "standard")),
		`{"duty":"500","tax":"700","lines":[{"id":"s","duty":"500","tax":"700"},{"id":"t","duty":"0","tax":"0"}]}`)
	// Personal use: retail 30,000 + freight 2,000 → customs value 0.6 × 30,000 + 2,000 = 20,000 → as above.
	expect(t, jp(`,"personal_use":true,"shipping":"2000"`, toy("30000")), `{"goods":"30000","duty":"600","tax":"1900","total":"34500"}`)
	// The 0.6 rule makes about JPY 16,666 exempt: 0.6 × 16,666 = 9,999.6; 0.6 × 16,667 = 10,000.2 is taxed
	// (duty 300.006 → 300; base 10,300.2 → 10,000; national 700; local 100).
	expect(t, jp(`,"personal_use":true`, toy("16666")), `{"duty":"0","tax":"0"}`)
	expect(t, jp(`,"personal_use":true`, toy("16667")), `{"duty":"300","tax":"800","total":"17767"}`)
	// A domestic sale is taxed 10% with fractions of a yen dropped: 10% × 1,055 = 105.5 → 105.
	expect(t, request(t, `{"destination":{"country":"JP"},"ship_from":"JP","currency":"JPY","merchant_currency":"JPY"}`,
		line("1", "950300", "JP", "1055", 1, "0", "standard")), `{"tax":"105","regime":"DOMESTIC"}`)
}

// TestJapanC28Breakdown checks the national/local split of the official example (C28 tax_breakdown).
func TestJapanC28Breakdown(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.ID != "C28" {
			continue
		}
		got := runJSON(t, snap(t), c.Request)
		checkCharges(t, got, map[string]string{"JP national consumption tax": "56400", "JP local consumption tax": "15900"})
	}
}

// checkCharges sums the response's charges by name and compares the named totals.
func checkCharges(t *testing.T, got map[string]any, want map[string]string) {
	t.Helper()
	sums := map[string]decimal.Decimal{}
	for _, c := range got["charges"].([]any) {
		m := c.(map[string]any)
		name := m["name"].(string)
		sums[name] = sums[name].Add(decimal.RequireFromString(m["amount"].(string)))
	}
	for name, w := range want {
		if !sums[name].Equal(decimal.RequireFromString(w)) {
			t.Errorf("charge %q = %s, want %s", name, sums[name], w)
		}
	}
}

func TestKorea(t *testing.T) {
	kr := func(shipFrom, extra string, l map[string]any) []byte {
		return request(t, `{"destination":{"country":"KR"},"ship_from":"`+shipFrom+`","currency":"KRW","merchant_currency":"USD",
			"fx_rate":"1400"`+extra+`}`, l)
	}
	sneakers := func(price string) map[string]any { return line("1", "640411", "US", price, 1, "0.13", "standard") }
	// C39-style: list goods from the US above USD 200: whole value taxed. CIF 350,000 + 35,000; duty 13% =
	// 50,050; VAT 10% × 435,050 = 43,505 → 43,500 (10-won truncation).
	expect(t, kr("US", `,"shipping":"25.00"`, sneakers("250.00")), `{"duty":"50050","tax":"43500","total":"478550"}`)
	// General-clearance goods (cosmetics, HS 3304) keep USD 150 even from the US: 238,000 > 210,000 → duty 8% =
	// 19,040; VAT 10% × 257,040 = 25,704 → 25,700.
	cosmetics := line("1", "330499", "US", "170.00", 1, "0.08", "standard")
	expect(t, kr("US", ``, cosmetics), `{"duty":"19040","tax":"25700"}`)
	// An explicit kr_clearance overrides the HS mapping.
	cosmetics["kr_clearance"] = "list"
	expect(t, kr("US", ``, cosmetics), `{"duty":"0","tax":"0"}`)
	// From China USD 150 is "or less"; 150.01 → CIF 210,014: duty 27,301.82 → 27,300; VAT 23,731.4 → 23,730.
	expect(t, kr("CN", ``, sneakers("150.00")), `{"duty":"0","tax":"0"}`)
	expect(t, kr("CN", ``, sneakers("150.01")), `{"duty":"27300","tax":"23730"}`)
	// Taxes under KRW 10,000 are not collected (duty + VAT of the declaration): a book (VAT-exempt, duty-free)
	// of USD 150 and a USD 5 item at 8% (fx 1,000): duty 400 + VAT 540 = 940 → 0.
	expect(t, request(t, `{"destination":{"country":"KR"},"currency":"KRW","merchant_currency":"USD","fx_rate":"1000"}`,
		line("b", "490199", "CN", "150.00", 1, "0", "zero"), line("i", "392410", "CN", "5.00", 1, "0.08", "standard")),
		`{"goods":"155000","duty":"0","tax":"0"}`)
	// A EUR price list needs a USD rate for the USD thresholds.
	eur := `{"destination":{"country":"KR"},"currency":"KRW","merchant_currency":"EUR","fx_rate":"1500"`
	expectError(t, request(t, eur+`}`, sneakers("100.00")), "threshold_fx: a USD rate is required")
	expect(t, request(t, eur+`,"threshold_fx":{"USD":"1400"}}`, sneakers("100.00")), `{"goods":"150000","duty":"0","tax":"0"}`)
}

func TestSingapore(t *testing.T) {
	sg := func(asOf, mode, channel, regs string, price string) []byte {
		return request(t, `{"as_of":"`+asOf+`","destination":{"country":"SG"},"currency":"SGD","merchant_currency":"SGD","incoterm":"DAP",
			"transport_mode":"`+mode+`","channel":"`+channel+`","registrations":`+regs+`,"shipping":"26.00"}`,
			line("1", "851830", "CN", price, 1, "0", "standard"))
	}
	// C37-style: by sea there is no LVG or import relief: import GST 9% × 351 = 31.59 on delivery.
	expect(t, sg("2026-11-22", "sea", "courier", `["SG_OVR"]`, "325.00"), `{"tax":"31.59","due_on_delivery":"31.59","regime":"SG_IMPORT"}`)
	// By air, consignment CIF 410 > 400: taxed at import (whole value), not via OVR.
	expect(t, sg("2026-11-22", "air", "courier", `["SG_OVR"]`, "384.00"), `{"tax":"36.90","due_on_delivery":"36.90"}`)
	// By air within SGD 400 without OVR registration: import relief, nothing collected.
	expect(t, sg("2026-11-22", "air", "courier", `[]`, "325.00"), `{"tax":"0.00","regime":"SG_IMPORT_RELIEF"}`)
	// README §5: channel only changes results in CA, so a postal parcel carried by sea is a sea import with no
	// relief, exactly like the courier parcel above: 9% × (325 + 26) = 31.59 on delivery.
	expect(t, sg("2026-11-22", "sea", "postal", `[]`, "325.00"), `{"tax":"31.59","due_on_delivery":"31.59","regime":"SG_IMPORT"}`)
	expect(t, sg("2026-11-22", "land", "postal", `["SG_OVR"]`, "325.00"), `{"tax":"31.59","regime":"SG_IMPORT"}`)
	// By air the postal channel changes nothing either: OVR GST at checkout as in C36.
	expect(t, sg("2026-11-22", "air", "postal", `["SG_OVR"]`, "325.00"), `{"tax":"31.59","due_at_checkout":"382.59","regime":"SG_OVR"}`)
	// OVR at 8% in 2023: 8% × 351 = 28.08 at checkout.
	expect(t, sg("2023-06-01", "air", "courier", `["SG_OVR"]`, "325.00"), `{"tax":"28.08","due_at_checkout":"379.08","regime":"SG_OVR"}`)
	// 2022: 7% import relief era, no OVR yet: within SGD 400 nothing is collected even for a registered seller.
	expect(t, sg("2022-06-01", "air", "courier", `["SG_OVR"]`, "325.00"), `{"tax":"0.00"}`)
}

// TestAPACSampleGaps covers the hidden cases README.md names for Australia (C25), New Zealand (C27), Japan (C30),
// Korea (C39) and Singapore (C37) with inputs the existing tests do not use. Worked by hand.
func TestAPACSampleGaps(t *testing.T) {
	// C25 priced in USD with insurance: customs value (FOB) 800 × 1.5 = 1,200; duty 5% = 60.00; VoTI = 1,200 + 60
	// + transport 135 + insurance 15 = 1,410; GST 141.00. Import processing charge 50 plus biosecurity 45 by air
	// (also when transport_mode is absent, and for land), 66 by sea.
	for _, m := range []struct{ mode, fees, total string }{
		{``, "95.00", "1646.00"}, {`,"transport_mode":"air"`, "95.00", "1646.00"},
		{`,"transport_mode":"land"`, "95.00", "1646.00"}, {`,"transport_mode":"sea"`, "116.00", "1667.00"},
	} {
		expect(t, request(t, `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"USD","fx_rate":"1.5",
			"registrations":["AU_GST"],"shipping":"90.00","insurance":"10.00"`+m.mode+`}`, line("1", "851830", "CN", "800.00", 1, "0.05", "standard")),
			`{"goods":"1200.00","shipping":"135.00","insurance":"15.00","duty":"60.00","tax":"141.00","fees":"`+m.fees+`",
			"total":"`+m.total+`","regime":"AU_IMPORT"}`)
	}
	// Above AUD 1,000 under DAP with a GST-free line: duty 5% × 700 = 35.00 (biscuits at 0%); GST 10% × (700 + 35 +
	// 33 × 700 / 1,100.55) = 75.5989… → 75.60 on the taxable line only; fees 95. On delivery 35 + 75.60 + 95.
	expect(t, request(t, `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"AUD","incoterm":"DAP","shipping":"33.00"}`,
		line("a", "851830", "CN", "700.00", 1, "0.05", "standard"), line("b", "190590", "CN", "400.55", 1, "0", "zero")),
		`{"duty":"35.00","tax":"75.60","fees":"95.00","due_at_checkout":"1133.55","due_on_delivery":"205.60",
		"lines":[{"id":"a","duty":"35.00","tax":"75.60"},{"id":"b","duty":"0.00","tax":"0.00"}]}`)

	// C27 with shipping: 15% × (20.00 + 3.10) = 3.465, exactly half a cent: s 19O disregards it → 3.46 (HALF_UP
	// would give 3.47).
	expect(t, request(t, `{"destination":{"country":"NZ"},"currency":"NZD","merchant_currency":"NZD","registrations":["NZ_GST"],
		"shipping":"3.10"}`, line("1", "620140", "CN", "20.00", 1, "0", "standard")), `{"tax":"3.46","total":"26.56","regime":"NZ_LVG"}`)
	// The border GST above NZD 1,000 rounds the same way: duty 10% × 1,000.10 = 100.01; GST 15% × (1,000.10 +
	// 100.01 + 49.99) = 172.515 → 172.51.
	expect(t, request(t, `{"destination":{"country":"NZ"},"currency":"NZD","merchant_currency":"NZD","registrations":["NZ_GST"],
		"incoterm":"DAP","shipping":"49.99"}`, line("1", "620140", "CN", "1000.10", 1, "0.10", "standard")),
		`{"duty":"100.01","tax":"172.51","due_on_delivery":"272.52","regime":"NZ_IMPORT"}`)

	// C30: a toy at the simplified-tariff rate 3%, USD 180 + 15 freight at 150: CIF 27,000 + 2,250 = 29,250 >
	// 10,000. Duty 877.5 → 800 (JPY 100); base 30,050 → 30,000 (JPY 1,000); national 7.8% = 2,340 → 2,300; local
	// 2,300 × 22/78 = 648.7 → 648 → 600; consumption tax 2,900.
	got := expect(t, request(t, `{"destination":{"country":"JP"},"currency":"JPY","merchant_currency":"USD","fx_rate":"150.00",
		"shipping":"15.00"}`, line("1", "950300", "CN", "180.00", 1, "0.03", "standard")),
		`{"goods":"27000","shipping":"2250","duty":"800","tax":"2900","total":"32950"}`)
	checkCharges(t, got, map[string]string{"JP national consumption tax": "2300", "JP local consumption tax": "600"})
	// Reduced 8% (6.24% national): food 30,000 at 10% → duty 3,000; base 33,000; national 2,059.2 → 2,000; local
	// 564.1 → 564 → 500.
	got = expect(t, request(t, `{"destination":{"country":"JP"},"ship_from":"US","currency":"JPY","merchant_currency":"USD","fx_rate":"150.00"}`,
		line("1", "170490", "US", "200.00", 1, "0.10", "reduced")), `{"duty":"3000","tax":"2500"}`)
	checkCharges(t, got, map[string]string{"JP national consumption tax": "2000", "JP local consumption tax": "500"})

	// C39 under DAP: list goods from the US above USD 200: CIF 350,000 + 35,000 = 385,000; duty 13% = 50,050; VAT
	// 10% × 435,050 = 43,505 → 43,500 (10-won truncation); both on delivery.
	kr := func(shipFrom, extra string, l map[string]any) []byte {
		return request(t, `{"destination":{"country":"KR"},"ship_from":"`+shipFrom+`","currency":"KRW","merchant_currency":"USD",
			"fx_rate":"1400","incoterm":"DAP"`+extra+`}`, l)
	}
	sneakers := line("1", "640411", "US", "250.00", 1, "0.13", "standard")
	sneakers["kr_clearance"] = "list"
	expect(t, kr("US", `,"shipping":"25.00"`, sneakers), `{"duty":"50050","tax":"43500","due_at_checkout":"385000","due_on_delivery":"93550"}`)
	// USD 200 exactly is "이하" (inclusive) for list goods from the US: 280,000 ≤ 280,000.
	expect(t, kr("US", `,"shipping":"25.00"`, line("1", "640411", "US", "200.00", 1, "0.13", "standard")), `{"duty":"0","tax":"0"}`)
	// General-clearance food (HS 21) from the US keeps USD 150: 224,000 + 14,000 = 238,000; duty 8% = 19,040; VAT
	// 25,704 → 25,700.
	expect(t, kr("US", `,"shipping":"10.00"`, line("1", "210690", "US", "160.00", 1, "0.08", "standard")), `{"duty":"19040","tax":"25700"}`)

	// C37: by sea or land there is no LVG relief or OVR: import GST 9% × (325 + 26) = 31.59, on delivery under DAP,
	// at checkout under DDP.
	for _, mode := range []string{"sea", "land"} {
		sg := func(incoterm string) []byte {
			return request(t, `{"destination":{"country":"SG"},"currency":"SGD","merchant_currency":"USD","fx_rate":"1.3000",
				"registrations":["SG_OVR"],"shipping":"20.00","transport_mode":"`+mode+`","incoterm":"`+incoterm+`"}`,
				line("1", "851830", "CN", "250.00", 1, "0", "standard"))
		}
		expect(t, sg("DAP"), `{"duty":"0.00","tax":"31.59","due_at_checkout":"351.00","due_on_delivery":"31.59","regime":"SG_IMPORT"}`)
		expect(t, sg("DDP"), `{"tax":"31.59","total":"382.59","due_at_checkout":"382.59","regime":"SG_IMPORT"}`)
	}
}
