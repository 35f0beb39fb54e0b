package engine

import (
	"math/rand"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

var fuzzMarkets = []struct{ country, currency string }{
	{"DE", "EUR"}, {"FR", "EUR"}, {"NL", "EUR"}, {"IT", "EUR"}, {"ES", "EUR"}, {"IE", "EUR"}, {"SE", "SEK"}, {"RO", "RON"},
	{"GB", "GBP"}, {"US", "USD"}, {"CA", "CAD"}, {"AU", "AUD"}, {"NZ", "NZD"}, {"JP", "JPY"}, {"KR", "KRW"},
	{"SG", "SGD"}, {"CH", "CHF"}, {"LI", "CHF"}, {"NO", "NOK"}, {"AE", "AED"},
}

var (
	fuzzHS         = []string{"610910", "611020", "620342", "640411", "420222", "851762", "851830", "850760", "847130", "854442", "490199", "950300", "330499", "190590", "6109100010"}
	fuzzOrigins    = []string{"CN", "US", "CA", "MX", "VN", "DE", "GB", "JP", "HK"}
	fuzzShipFrom   = []string{"CN", "US", "MX", "GB", "DE", "CA", "CH", "JP", "NO", "AU"}
	fuzzRegs       = []string{"EU_IOSS", "UK_VAT", "AU_GST", "NZ_GST", "NO_VOEC", "SG_OVR", "CH_VAT"}
	fuzzCategories = []string{"standard", "reduced", "super_reduced", "zero"}
	fuzzRegions    = []string{"", "ON", "BC", "QC", "NS", "AB", "NB"}
	fuzzModes      = []string{"", "HALF_UP", "HALF_EVEN", "HALF_DOWN", "DOWN", "UP"}
)

// fuzzRequest builds a valid request from a seed.
func fuzzRequest(s *Snapshot, seed int64) Request {
	r := rand.New(rand.NewSource(seed))
	pick := func(list []string) string { return list[r.Intn(len(list))] }
	money2 := func(max int64) decimal.Decimal { return decimal.New(r.Int63n(max*100+1), -2) }
	m := fuzzMarkets[r.Intn(len(fuzzMarkets))]
	start := time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC)
	req := Request{
		AsOf:        start.AddDate(0, 0, r.Intn(7*365)),
		Destination: Destination{Country: m.country},
		ShipFrom:    pick(fuzzShipFrom),
		Channel:     pick([]string{"courier", "postal"}),
		Currency:    m.currency,
		Incoterm:    pick([]string{"DDP", "DAP"}),
		PersonalUse: r.Intn(3) == 0,
		Shipping:    money2(60),
		Insurance:   money2(10),
		ThresholdFX: map[string]decimal.Decimal{},
	}
	if m.country == "CA" {
		req.Destination.Region = pick(fuzzRegions)
	}
	req.TransportMode = pick([]string{"", "air", "sea", "land"})
	if r.Intn(5) == 0 {
		req.RoundingMode = pick(fuzzModes)
	}
	switch r.Intn(3) {
	case 0:
		req.MerchantCurrency, req.FXRate = m.currency, one
	case 1:
		req.MerchantCurrency, req.FXRate = "USD", decimal.New(r.Int63n(200000)+1, -4)
	default:
		req.MerchantCurrency, req.FXRate = "EUR", decimal.New(r.Int63n(2000000)+1, -4)
	}
	for _, c := range []string{"EUR", "USD", "GBP", "CAD", "AUD", "NZD", "JPY", "KRW", "SGD", "CHF", "NOK", "AED", "RON", "SEK"} {
		req.ThresholdFX[c] = decimal.New(r.Int63n(20000)+1, -2)
	}
	for _, reg := range fuzzRegs {
		if r.Intn(2) == 0 {
			req.Registrations = append(req.Registrations, reg)
		}
	}
	req.SellerAbsorbsDuty = req.Incoterm == "DDP" && r.Intn(4) == 0
	n := 1 + r.Intn(10)
	for i := 0; i < n; i++ {
		cat := pick(fuzzCategories)
		if _, err := s.TaxRate(m.country, req.Destination.Region, cat, req.AsOf); err != nil {
			cat = "standard"
		}
		l := Line{
			ID: string(rune('a' + i)), HSCode: pick(fuzzHS), Origin: pick(fuzzOrigins),
			UnitPrice: money2([]int64{5, 100, 1000, 20000}[r.Intn(4)]), Quantity: 1 + r.Intn(4), TaxCategory: cat,
		}
		if r.Intn(6) != 0 {
			l.DutyRate = decimal.NewNullDecimal(decimal.New(r.Int63n(300), -3))
		}
		if r.Intn(10) == 0 {
			l.TaxRate = decimal.NewNullDecimal(decimal.New(r.Int63n(30), -2))
		}
		if r.Intn(4) == 0 {
			l.Preference = "USMCA"
		}
		if r.Intn(5) == 0 {
			l.KRClearance = pick([]string{"list", "general"})
		}
		req.Lines = append(req.Lines, l)
	}
	return req
}

// FuzzQuote: random valid requests never panic or fail, never give a negative amount, keep every amount on the
// currency's minor units, and satisfy README §1.3: lines sum to the totals, total is the sum of its parts, and
// the checkout/delivery split follows the incoterm.
func FuzzQuote(f *testing.F) {
	for _, seed := range []int64{0, 1, 2, 3, 42, 1234, 99999} {
		f.Add(seed)
	}
	s := snap(f)
	f.Fuzz(func(t *testing.T, seed int64) {
		req := fuzzRequest(s, seed)
		q, err := s.Quote(req)
		if err != nil {
			t.Fatalf("valid request rejected: %v", err)
		}
		places, _ := money.MinorUnits(req.Currency)
		amounts := map[string]decimal.Decimal{
			"goods": q.Goods, "shipping": q.Shipping, "insurance": q.Insurance, "duty": q.Duty, "tax": q.Tax,
			"fees": q.Fees, "total": q.Total, "due_at_checkout": q.DueAtCheckout, "due_on_delivery": q.DueOnDelivery,
			"seller_duty": q.SellerDuty, "seller_fees": q.SellerFees,
		}
		lineDuty, lineTax := decimal.Zero, decimal.Zero
		for _, l := range q.Lines {
			amounts["line "+l.ID+" duty"], amounts["line "+l.ID+" tax"] = l.Duty, l.Tax
			lineDuty, lineTax = lineDuty.Add(l.Duty), lineTax.Add(l.Tax)
		}
		for name, a := range amounts {
			if a.IsNegative() {
				t.Errorf("%s is negative: %s", name, a)
			}
			if !a.Equal(a.Round(places)) {
				t.Errorf("%s = %s has more than %d decimals", name, a, places)
			}
		}
		if !lineDuty.Equal(q.Duty) || !lineTax.Equal(q.Tax) {
			t.Errorf("lines sum to %s / %s, totals %s / %s", lineDuty, lineTax, q.Duty, q.Tax)
		}
		if sum := q.Goods.Add(q.Shipping).Add(q.Insurance).Add(q.Duty).Add(q.Tax).Add(q.Fees); !sum.Equal(q.Total) {
			t.Errorf("total %s != parts %s", q.Total, sum)
		}
		if !q.DueAtCheckout.Add(q.DueOnDelivery).Equal(q.Total) {
			t.Errorf("split %s + %s != total %s", q.DueAtCheckout, q.DueOnDelivery, q.Total)
		}
		base := q.Goods.Add(q.Shipping).Add(q.Insurance)
		if req.Incoterm == "DDP" && !q.DueOnDelivery.IsZero() {
			t.Errorf("DDP with %s due on delivery", q.DueOnDelivery)
		}
		if req.Incoterm == "DAP" && (q.DueAtCheckout.LessThan(base) || q.DueOnDelivery.GreaterThan(q.Duty.Add(q.Tax).Add(q.Fees))) {
			t.Errorf("DAP split %s / %s inconsistent", q.DueAtCheckout, q.DueOnDelivery)
		}
		if len(q.DutyUnknownLines) > 0 != q.DutyUnknown {
			t.Errorf("duty_unknown %v with lines %v", q.DutyUnknown, q.DutyUnknownLines)
		}
	})
}

// benchRequest is a 10-line EU order above EUR 150 with two VAT rates, DAP, as the hot path sees it.
func benchRequest() Request {
	req := Request{
		AsOf: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), Destination: Destination{Country: "DE"}, ShipFrom: "CN",
		Channel: "courier", Currency: "EUR", MerchantCurrency: "USD", FXRate: decimal.RequireFromString("0.9215"),
		Incoterm: "DAP", Shipping: decimal.RequireFromString("24.90"), Insurance: decimal.RequireFromString("3.10"),
	}
	hs := []string{"610910", "611020", "620342", "640411", "420222", "851830", "850760", "854442", "490199", "950300"}
	for i, code := range hs {
		cat := "standard"
		if code == "490199" {
			cat = "reduced"
		}
		req.Lines = append(req.Lines, Line{
			ID: string(rune('a' + i)), HSCode: code, Origin: "CN", Quantity: 1 + i%3, TaxCategory: cat,
			UnitPrice: decimal.New(int64(1999+i*350), -2), DutyRate: decimal.NewNullDecimal(decimal.New(int64(i*17), -3)),
		})
	}
	return req
}

func BenchmarkQuote10Lines(b *testing.B) {
	s := snap(b)
	req := benchRequest()
	if _, err := s.Quote(req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Quote(req); err != nil {
			b.Fatal(err)
		}
	}
}
