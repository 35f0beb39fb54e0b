package checkout

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

func TestOnlyValidTransitionsAreAllowed(t *testing.T) {
	valid := map[[2]Status]bool{
		{StatusPendingPayment, StatusPaid}: true, {StatusPendingPayment, StatusCancelled}: true,
		{StatusPaid, StatusPartiallyShipped}: true, {StatusPaid, StatusShipped}: true, {StatusPaid, StatusCancelled}: true,
		{StatusPartiallyShipped, StatusShipped}: true, {StatusShipped, StatusDelivered}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := CanTransition(from, to); got != valid[[2]Status{from, to}] {
				t.Errorf("%s → %s allowed=%v", from, to, got)
			}
		}
	}
}

func TestAddressValidationPerCountry(t *testing.T) {
	all := []string{"US", "CA", "GB", "DE", "FR", "NL", "IT", "ES", "IE", "CH", "NO", "AU", "NZ", "JP", "SG", "KR", "AE"}
	good := map[string]Address{
		"US": {Region: "ny", PostalCode: "10001-1234"},
		"CA": {Region: "ON", PostalCode: "m5v3l9"},
		"GB": {PostalCode: "sw1a1aa"},
		"DE": {PostalCode: "10115"},
		"NL": {PostalCode: "1012js"},
		"IE": {PostalCode: "D02X285"},
		"CH": {PostalCode: "8001"},
		"AU": {Region: "NSW", PostalCode: "2000"},
		"JP": {Region: "13", PostalCode: "〒1000001"},
		"SG": {PostalCode: "018956"},
		"KR": {PostalCode: "04524"},
		"AE": {Region: "DU"},
	}
	normalized := map[string]string{"CA": "M5V 3L9", "GB": "SW1A 1AA", "NL": "1012 JS", "IE": "D02 X285", "JP": "100-0001", "US": "10001-1234"}
	for country, a := range good {
		a.Name, a.Line1, a.City, a.Country = "Ada Lovelace", "1 Example Street", "Town", strings.ToLower(country)
		if fe := a.Validate(all); len(fe) != 0 {
			t.Errorf("%s: %v", country, fe)
		}
		if want, ok := normalized[country]; ok && a.PostalCode != want {
			t.Errorf("%s postal code normalized to %q, want %q", country, a.PostalCode, want)
		}
	}
	bad := map[string]Address{
		"US": {Region: "XX", PostalCode: "1234"},
		"CA": {Region: "ON", PostalCode: "12345"},
		"DE": {PostalCode: "1011"},
		"JP": {Region: "99", PostalCode: "1000001x"},
		"AU": {Region: "", PostalCode: "20000"},
	}
	for country, a := range bad {
		a.Name, a.Line1, a.City, a.Country = "Ada Lovelace", "1 Example Street", "Town", country
		if fe := a.Validate(all); len(fe) == 0 {
			t.Errorf("%s: bad address accepted", country)
		}
	}
	a := Address{Name: "A", Line1: "x", City: "", Country: "BR"}
	if fe := a.Validate(all); fe.For("country") == nil {
		t.Error("a country outside the market accepted")
	}
	a = Address{Country: "DE", PostalCode: "10115"}
	fe := a.Validate(all)
	for _, f := range []string{"name", "line1", "city"} {
		if fe.For(f) == nil {
			t.Errorf("missing %s not reported", f)
		}
	}
	for phone, ok := range map[string]bool{"+49 30 1234567": true, "03-1234-5678": true, "12": false, "call me": false, "+1 (415) 555-0100": true} {
		if validPhone(phone) != ok {
			t.Errorf("phone %q valid=%v", phone, !ok)
		}
	}
}

func TestAllocateAddsUpExactly(t *testing.T) {
	d := decimal.RequireFromString
	got := allocate(d("10.00"), []decimal.Decimal{d("1"), d("1"), d("1")}, 2)
	if !got[0].Add(got[1]).Add(got[2]).Equal(d("10.00")) || !got[0].Equal(d("3.34")) {
		t.Errorf("allocate 10.00 in thirds: %v", got)
	}
	got = allocate(d("1000"), []decimal.Decimal{d("19.99"), d("5")}, 0)
	if !got[0].Add(got[1]).Equal(d("1000")) {
		t.Errorf("allocate yen: %v", got)
	}
	if got := allocate(d("5"), []decimal.Decimal{d("0"), d("0")}, 2); !got[0].Equal(d("5")) {
		t.Errorf("zero weights: %v", got)
	}
}

func TestChargeableAmountsFollowCardProcessorRules(t *testing.T) {
	for in, want := range map[string]string{
		"JPY 3006":   "3006",
		"KRW 15000":  "15000",
		"EUR 52.55":  "52.55",
		"KWD 6.139":  "6.13",
		"KWD 6.130":  "6.13",
		"BHD 7.516":  "7.51",
		"USD 19.99":  "19.99",
		"TND 12.005": "12",
	} {
		cur, num, _ := strings.Cut(in, " ")
		got, err := Chargeable(money.MustNew(num, cur))
		if err != nil || !got.Number.Equal(decimal.RequireFromString(want)) {
			t.Errorf("Chargeable(%s) = %v, %v; want %s", in, got, err, want)
		}
	}
	if _, err := Chargeable(money.MustNew("1.001", "EUR")); err == nil {
		t.Error("an amount with more decimals than the currency has was charged")
	}
}

func TestCardLinesAddUpToTheCharge(t *testing.T) {
	d := decimal.RequireFromString
	label := func(id string, kv ...any) string { return id }
	amt := func(s, c string) money.Amount { return money.MustNew(s, c) }
	// DE, tax included: 2 × 16.80 net + shipping net 7.55, duty 3.00, VAT 8.39.
	o := Order{Number: "BG-1", Currency: "EUR", Total: amt("51.54", "EUR"), DueNow: amt("51.54", "EUR"), DueOnDelivery: amt("0", "EUR"),
		Duty: amt("3.00", "EUR"), Tax: amt("7.39", "EUR"), Fees: amt("0", "EUR"),
		Lines: []OrderLine{{Title: "Tee", SKU: "T-1", Quantity: 2, UnitNet: d("16.80")}}}
	lines, err := cardLines(o, label, o.DueNow)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, l := range lines {
		sum += l.Amount * l.Quantity
	}
	if sum != 5154 || len(lines) != 4 {
		t.Errorf("lines %+v sum %d", lines, sum)
	}
	// KWD with odd fils: one line for the rounded-down charge.
	k := Order{Number: "BG-2", Currency: "KWD", Total: amt("6.139", "KWD"), DueNow: amt("6.139", "KWD"), DueOnDelivery: amt("0", "KWD"),
		Duty: amt("0", "KWD"), Tax: amt("0.139", "KWD"), Fees: amt("0", "KWD"),
		Lines: []OrderLine{{Title: "Cable", SKU: "C-1", Quantity: 1, UnitNet: d("6.000")}}}
	charge, _ := Chargeable(k.DueNow)
	lines, err = cardLines(k, label, charge)
	if err != nil || len(lines) != 1 || lines[0].Amount != 6130 {
		t.Errorf("KWD lines %+v %v", lines, err)
	}
}
