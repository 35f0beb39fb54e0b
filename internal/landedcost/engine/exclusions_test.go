package engine

import "testing"

// Goods the low-value regimes of RULES.md never cover (NO VOEC foodstuffs and excise goods, excise goods under
// EU IOSS, UK POS and the AU/NZ low-value rules, dutiable goods in Singapore) and Singapore's duty-free goods.
// Expected values are worked by hand; excise duty itself is not modelled, so only duty and VAT/GST appear.
func TestLowValueRegimeExclusions(t *testing.T) {
	tests := []struct {
		name, req string
		lines     []map[string]any
		want      string
	}{
		{
			// RULES.md §11: VOEC excludes foodstuffs. Jacket 2,000 (VOEC) and chocolate 200 (border), shipping 110
			// split 100 : 10. VOEC VAT 25% × 2,100 = 525.00. Chocolate: CIF 210, duty 5% = 10.5 → 11 (whole kroner,
			// HALF_UP); VAT 15% × (210 + 11) = 33.15 → 33.
			name: "NO VOEC food imported normally",
			req: `{"destination":{"country":"NO"},"currency":"NOK","merchant_currency":"NOK","registrations":["NO_VOEC"],
				"shipping":"110.00"}`,
			lines: []map[string]any{line("j", "620140", "CN", "2000.00", 1, "0", "standard"),
				line("c", "180690", "CN", "200.00", 1, "0.05", "reduced")},
			want: `{"duty":"11.00","tax":"558.00","total":"2879.00","regime":"NO_VOEC+NO_IMPORT",
				"lines":[{"id":"j","duty":"0.00","tax":"525.00"},{"id":"c","duty":"11.00","tax":"33.00"}]}`,
		},
		{
			// A food-only VOEC order is a normal import: CIF 220, duty 5% = 11; VAT 15% × 231 = 34.65 → 35.
			name: "NO VOEC food only",
			req: `{"destination":{"country":"NO"},"currency":"NOK","merchant_currency":"NOK","registrations":["NO_VOEC"],
				"shipping":"20.00"}`,
			lines: []map[string]any{line("c", "180690", "CN", "200.00", 1, "0.05", "reduced")},
			want:  `{"duty":"11.00","tax":"35.00","regime":"NO_IMPORT"}`,
		},
		{
			// RULES.md §1.5/§3: excise goods are outside IOSS and the EUR 150 duty relief. Shipping 6 split 4 : 2.
			// T-shirt IOSS VAT 19% × 44 = 8.36. Wine: duty 10% × 22 = 2.20; import VAT 19% × 24.20 = 4.598 → 4.60.
			name: "EU IOSS wine at the border",
			req: `{"as_of":"2026-06-15","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR",
				"registrations":["EU_IOSS"],"shipping":"6.00"}`,
			lines: []map[string]any{line("s", "610910", "CN", "40.00", 1, "0.12", "standard"),
				line("w", "220421", "CN", "20.00", 1, "0.10", "standard")},
			want: `{"duty":"2.20","tax":"12.96","total":"81.16",
				"lines":[{"id":"s","duty":"0.00","tax":"8.36"},{"id":"w","duty":"2.20","tax":"4.60"}]}`,
		},
		{
			// RULES.md §4: excise goods are excluded from POS VAT and the GBP 135 relief. Shipping 9 split 5 : 4.
			// T-shirt POS VAT 20% × 55 = 11.00. Whisky: duty 10% × 44 = 4.40; import VAT 20% × 48.40 = 9.68.
			name: "UK POS whisky at the border",
			req: `{"destination":{"country":"GB"},"currency":"GBP","merchant_currency":"GBP","registrations":["UK_VAT"],
				"shipping":"9.00"}`,
			lines: []map[string]any{line("s", "610910", "CN", "50.00", 1, "0.12", "standard"),
				line("w", "220830", "GB", "40.00", 1, "0.10", "standard")},
			want: `{"duty":"4.40","tax":"20.68","total":"124.08",
				"lines":[{"id":"s","duty":"0.00","tax":"11.00"},{"id":"w","duty":"4.40","tax":"9.68"}]}`,
		},
		{
			// RULES.md §7: the AUD 1,000 rule excepts alcohol. Shipping 40 split 30 : 10. Headphones LVG GST
			// 10% × 330 = 33.00. Wine: duty 5% × 100 (FOB) = 5.00; GST 10% × (100 + 5 + 10) = 11.50.
			name: "AU LVG wine at the border",
			req: `{"destination":{"country":"AU"},"currency":"AUD","merchant_currency":"AUD","registrations":["AU_GST"],
				"shipping":"40.00"}`,
			lines: []map[string]any{line("h", "851830", "CN", "300.00", 1, "0.05", "standard"),
				line("w", "220421", "FR", "100.00", 1, "0.05", "standard")},
			want: `{"duty":"5.00","tax":"44.50","lines":[{"id":"h","duty":"0.00","tax":"33.00"},{"id":"w","duty":"5.00","tax":"11.50"}]}`,
		},
		{
			// RULES.md §8: same for New Zealand. Shipping 30 split 20 : 10. Jacket LVG GST 15% × 220 = 33.00. Wine:
			// duty 5% × 100 = 5.00; GST 15% × (100 + 5 + 10) = 17.25.
			name: "NZ LVG wine at the border",
			req: `{"destination":{"country":"NZ"},"currency":"NZD","merchant_currency":"NZD","registrations":["NZ_GST"],
				"shipping":"30.00"}`,
			lines: []map[string]any{line("j", "620140", "CN", "200.00", 1, "0.10", "standard"),
				line("w", "220421", "FR", "100.00", 1, "0.05", "standard")},
			want: `{"duty":"5.00","tax":"50.25","lines":[{"id":"j","duty":"0.00","tax":"33.00"},{"id":"w","duty":"5.00","tax":"17.25"}]}`,
		},
		{
			// RULES.md §0/§12: only liquor, tobacco, motor vehicles and petroleum are dutiable in Singapore, so the
			// earbuds' duty_rate is ignored. Sea, so no relief: GST 9% × (325 + 26) = 31.59.
			name: "SG non-dutiable goods",
			req: `{"destination":{"country":"SG"},"currency":"SGD","merchant_currency":"SGD","incoterm":"DAP",
				"transport_mode":"sea","shipping":"26.00"}`,
			lines: []map[string]any{line("1", "851830", "CN", "325.00", 1, "0.05", "standard")},
			want:  `{"duty":"0.00","tax":"31.59","due_on_delivery":"31.59"}`,
		},
		{
			// Dutiable wine is outside the SGD 400 relief and OVR. Shipping 30 split 20 : 10 (CIF 330 ≤ 400).
			// Earbuds OVR GST 9% × 220 = 19.80. Wine: duty 10% × 110 = 11.00; GST 9% × 121 = 10.89.
			name: "SG OVR with dutiable wine",
			req: `{"destination":{"country":"SG"},"currency":"SGD","merchant_currency":"SGD","registrations":["SG_OVR"],
				"transport_mode":"air","shipping":"30.00"}`,
			lines: []map[string]any{line("e", "851830", "CN", "200.00", 1, "0.05", "standard"),
				line("w", "220421", "FR", "100.00", 1, "0.10", "standard")},
			want: `{"duty":"11.00","tax":"30.69","total":"371.69",
				"lines":[{"id":"e","duty":"0.00","tax":"19.80"},{"id":"w","duty":"11.00","tax":"10.89"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expect(t, request(t, tt.req, tt.lines...), tt.want)
		})
	}
}
