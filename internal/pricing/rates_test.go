package pricing

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
)

var ecbDay = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

func ecbSample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "eurofxref-daily.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadECBSampleAndDeriveCrossRates(t *testing.T) {
	s, pool := newTestService(t)
	n, err := s.LoadRates(ctxSystem, bytes.NewReader(ecbSample(t)), FormatAuto, "eurofxref-daily.xml")
	if err != nil || n != 29 {
		t.Fatalf("load: %d %v", n, err)
	}
	if got := countRates(t, pool); got != 29 {
		t.Fatalf("%d rows stored", got)
	}
	after := ecbDay.Add(time.Hour)

	direct, err := s.RateAt("EUR", "JPY", after)
	if err != nil || !direct.Rate.Equal(d("176.19")) || direct.RateID == 0 || direct.Via != "" || direct.Inverted ||
		!direct.EffectiveAt.Equal(ecbDay) || direct.Source != "European Central Bank · eurofxref-daily.xml" {
		t.Errorf("EUR→JPY: %+v %v", direct, err)
	}
	inverse, err := s.RateAt("JPY", "EUR", after)
	if err != nil || !inverse.Rate.Equal(d("0.005675691015")) || !inverse.Inverted {
		t.Errorf("JPY→EUR: %+v %v", inverse, err)
	}
	// USD→JPY has no stored rate: through EUR, 176.19 / 1.1561.
	cross, err := s.RateAt("USD", "JPY", after)
	if err != nil || !cross.Rate.Equal(d("152.400311391748")) || cross.Via != "EUR" || cross.ViaRateID == 0 ||
		cross.RateID == cross.ViaRateID || !cross.EffectiveAt.Equal(ecbDay) {
		t.Errorf("USD→JPY: %+v %v", cross, err)
	}
	if back, err := s.RateAt("JPY", "USD", after); err != nil || !back.Rate.Equal(d("0.006561666383")) {
		t.Errorf("JPY→USD: %+v %v", back, err)
	}
	// The ECB's rates take effect at 15:00 UTC on their day, not before.
	if _, err := s.RateAt("USD", "JPY", ecbDay.Add(-time.Minute)); !errors.Is(err, ErrNoRate) {
		t.Errorf("before publication: %v", err)
	}
	// Plain conversion: no buffer, HALF_UP to the target's minor units.
	got, q, err := s.Convert(money.MustNew("10.00", "USD"), "JPY", after)
	if err != nil || got.String() != "1524 JPY" || q.Via != "EUR" {
		t.Errorf("convert: %s %+v %v", got, q, err)
	}
	if _, err := s.RateAt("USD", "XXY", after); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("unknown currency: %v", err)
	}

	// Loading the same file again stores nothing new.
	if n, err := s.LoadRates(ctxSystem, bytes.NewReader(ecbSample(t)), FormatECB, "again"); err != nil || n != 29 {
		t.Fatalf("reload: %d %v", n, err)
	}
	if got := countRates(t, pool); got != 29 {
		t.Errorf("%d rows after loading the file twice", got)
	}
}

func TestNewestRateWins(t *testing.T) {
	s, _ := newTestService(t)
	// An old direct USD→JPY rate…
	mustLoadJSON(t, s, ecbDay.Add(-96*time.Hour), "JPY", "150.00")
	if q, err := s.RateAt("USD", "JPY", ecbDay.Add(time.Hour)); err != nil || !q.Rate.Equal(d("150")) {
		t.Fatalf("direct: %+v %v", q, err)
	}
	// …is superseded by the fresher ECB cross rate…
	if _, err := s.LoadRates(ctxSystem, bytes.NewReader(ecbSample(t)), FormatAuto, "ecb"); err != nil {
		t.Fatal(err)
	}
	if q, _ := s.RateAt("USD", "JPY", ecbDay.Add(time.Hour)); q.Via != "EUR" {
		t.Errorf("fresh cross rate not used: %+v", q)
	}
	// …which an admin's override, effective later that day, supersedes in turn.
	r, err := s.SetRate(ctxSystem, RateInput{Base: "usd", Quote: "JPY", Rate: d("155.5"), EffectiveAt: ecbDay.Add(3 * time.Hour), Source: "desk"})
	if err != nil || r.CreatedBy != "system" {
		t.Fatalf("set: %+v %v", r, err)
	}
	if q, _ := s.RateAt("USD", "JPY", ecbDay.Add(4*time.Hour)); !q.Rate.Equal(d("155.5")) || q.RateID != r.ID {
		t.Errorf("override not used: %+v", q)
	}
	// At a time before the override, the ECB rate still applies (rates are effective-dated, not replaced).
	if q, _ := s.RateAt("USD", "JPY", ecbDay.Add(2*time.Hour)); q.Via != "EUR" {
		t.Errorf("override applied before its time: %+v", q)
	}
	// Two rates at the same time: the one stored last wins.
	r2, err := s.SetRate(ctxSystem, RateInput{Base: "USD", Quote: "JPY", Rate: d("155.6"), EffectiveAt: ecbDay.Add(3 * time.Hour), Source: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := s.RateAt("USD", "JPY", ecbDay.Add(4*time.Hour)); q.RateID != r2.ID {
		t.Errorf("correction not used: %+v", q)
	}
	// Storing an identical rate returns the stored one.
	if again, err := s.SetRate(ctxSystem, RateInput{Base: "USD", Quote: "JPY", Rate: d("155.60"), EffectiveAt: ecbDay.Add(3 * time.Hour), Source: "desk"}); err != nil || again.ID != r2.ID {
		t.Errorf("identical rate: %+v %v", again, err)
	}
}

func TestRateEffectiveTomorrowIsNotUsedToday(t *testing.T) {
	s, _ := newTestService(t)
	now := time.Now()
	mustLoadJSON(t, s, now.Add(-24*time.Hour), "EUR", "0.8650")
	mustLoadJSON(t, s, now.Add(24*time.Hour), "EUR", "0.9000")
	if q, err := s.RateAt("USD", "EUR", now); err != nil || !q.Rate.Equal(d("0.865")) {
		t.Errorf("today: %+v %v", q, err)
	}
	if q, err := s.RateAt("USD", "EUR", now.Add(25*time.Hour)); err != nil || !q.Rate.Equal(d("0.9")) {
		t.Errorf("the day after tomorrow: %+v %v", q, err)
	}
	de := mustMarket(t, s, "DE")
	p, err := s.Price(context.Background(), de, "DE", PriceInput{SKU: "A", BaseNet: d("20")}, now)
	if err != nil || !p.FX.MarketRate.Equal(d("0.865")) || !p.Shown.Number.Equal(d("21.99")) {
		t.Errorf("price today: %+v %v", p, err)
	}
}

func TestBadRateFilesAreRejectedWhole(t *testing.T) {
	s, pool := newTestService(t)
	sample := string(ecbSample(t))
	last := "<Cube currency='ZAR' rate='20.1843'/>"
	cases := []struct {
		name, file, format, msgID string
	}{
		{"non-positive rate", strings.Replace(sample, last, "<Cube currency='ZAR' rate='0'/>", 1), FormatAuto, "pricing.RatesNotPositive"},
		{"negative rate", strings.Replace(sample, last, "<Cube currency='ZAR' rate='-20.1843'/>", 1), FormatAuto, "pricing.RatesNotPositive"},
		{"not a number", strings.Replace(sample, last, "<Cube currency='ZAR' rate='20,1843'/>", 1), FormatAuto, "pricing.RatesBadNumber"},
		{"unknown currency", strings.Replace(sample, last, "<Cube currency='ZZZ' rate='20.1843'/>", 1), FormatAuto, "pricing.RatesUnknownCurrency"},
		{"malformed date", strings.Replace(sample, "time='2026-11-24'", "time='24.11.2026'", 1), FormatAuto, "pricing.RatesBadDate"},
		{"currency twice", strings.Replace(sample, last, last+"<Cube currency='USD' rate='1.2'/>", 1), FormatAuto, "pricing.RatesDuplicate"},
		{"euro to itself", strings.Replace(sample, last, "<Cube currency='EUR' rate='1'/>", 1), FormatAuto, "pricing.RatesSameCurrency"},
		{"too precise", strings.Replace(sample, last, "<Cube currency='ZAR' rate='20.1843000000001'/>", 1), FormatAuto, "pricing.RatesTooPrecise"},
		{"truncated XML", sample[:len(sample)/2], FormatAuto, "pricing.RatesMalformed"},
		{"no rates", `<gesmes:Envelope xmlns:gesmes="x"><Cube></Cube></gesmes:Envelope>`, FormatAuto, "pricing.RatesEmpty"},
		{"neither format", "USD,EUR,0.86", FormatAuto, "pricing.RatesFormatUnknown"},
		{"JSON number", `{"base":"USD","effective_at":"2026-11-24T16:00:00Z","rates":{"EUR":0.8650}}`, FormatAuto, "pricing.RatesNotString"},
		{"JSON bad date", `{"base":"USD","effective_at":"2026-11-24","rates":{"EUR":"0.8650"}}`, FormatAuto, "pricing.RatesBadDate"},
		{"JSON base", `{"base":"US$","effective_at":"2026-11-24T16:00:00Z","rates":{"EUR":"0.8650"}}`, FormatAuto, "pricing.RatesUnknownCurrency"},
		{"JSON unknown field", `{"base":"USD","date":"x","effective_at":"2026-11-24T16:00:00Z","rates":{"EUR":"0.8650"}}`, FormatJSON, "pricing.RatesMalformed"},
		{"JSON one bad of many", `{"base":"USD","effective_at":"2026-11-24T16:00:00Z","rates":{"EUR":"0.8650","GBP":"0.75","JPY":"-1"}}`, FormatJSON, "pricing.RatesNotPositive"},
	}
	for _, c := range cases {
		n, err := s.LoadRates(ctxSystem, strings.NewReader(c.file), c.format, "test")
		var ue *httpx.UserError
		if n != 0 || !errors.Is(err, httpx.ErrInvalid) || !errors.As(err, &ue) || ue.MessageID != c.msgID {
			t.Errorf("%s: n=%d err=%v, want %s", c.name, n, err, c.msgID)
		}
	}
	if got := countRates(t, pool); got != 0 {
		t.Errorf("%d rows stored from bad files", got)
	}
	if _, err := s.RateAt("EUR", "USD", ecbDay.Add(time.Hour)); !errors.Is(err, ErrNoRate) {
		t.Errorf("a rate of a rejected file is in force: %v", err)
	}
}

func TestFetchRatesFromFileAndURL(t *testing.T) {
	s, pool := newTestService(t)
	if n, err := s.FetchRates(ctxSystem, http.DefaultClient, filepath.Join("testdata", "eurofxref-daily.xml")); err != nil || n != 29 {
		t.Fatalf("file: %d %v", n, err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rates.json" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"base":"USD","effective_at":"2026-11-25T08:00:00Z","source":"desk","rates":{"KWD":"0.3068","BHD":"0.3760"}}`))
	}))
	defer srv.Close()
	n, err := s.FetchRates(ctxSystem, srv.Client(), srv.URL+"/rates.json")
	if err != nil || n != 2 {
		t.Fatalf("url: %d %v", n, err)
	}
	q, err := s.RateAt("USD", "KWD", ecbDay.Add(24*time.Hour))
	if err != nil || !q.Rate.Equal(d("0.3068")) || q.Source != "desk · "+srv.URL+"/rates.json" {
		t.Errorf("fetched rate: %+v %v", q, err)
	}
	if _, err := s.FetchRates(ctxSystem, srv.Client(), srv.URL+"/missing"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("HTTP error: %v", err)
	}
	if _, err := s.FetchRates(ctxSystem, srv.Client(), filepath.Join("testdata", "nope.xml")); err == nil {
		t.Error("missing file accepted")
	}
	if got := countRates(t, pool); got != 31 {
		t.Errorf("%d rows", got)
	}
}

func TestStaleRates(t *testing.T) {
	s, _ := newTestService(t)
	now := time.Now()
	stale := s.StaleRates(now)
	// Every market currency but the base one, none with a rate yet.
	if len(stale) != 11 || !stale[0].Missing || stale[0].Quote != "AED" || stale[0].Base != "USD" {
		t.Fatalf("without rates: %+v", stale)
	}
	if err := s.SeedDemoRates(ctxSystem, now.Add(-72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	stale = s.StaleRates(now)
	if len(stale) != 11 || stale[0].Missing || stale[0].Age < 48*time.Hour {
		t.Fatalf("three-day-old rates: %+v", stale)
	}
	mustLoadJSON(t, s, now.Add(-time.Hour), "EUR", "0.8700")
	stale = s.StaleRates(now)
	if len(stale) != 10 {
		t.Fatalf("after a fresh EUR rate: %+v", stale)
	}
	for _, r := range stale {
		if r.Quote == "EUR" {
			t.Errorf("EUR still stale: %+v", r)
		}
	}
	// The same rates are fresh enough when looked at from three days ago.
	if got := s.StaleRates(now.Add(-71 * time.Hour)); len(got) != 0 {
		t.Errorf("stale in the past: %+v", got)
	}
}

func TestSeedDemoRatesIsIdempotentAndCoversEveryMarket(t *testing.T) {
	s, pool := newTestService(t)
	at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	for range 2 {
		if err := s.SeedDemoRates(ctxSystem, at); err != nil {
			t.Fatal(err)
		}
	}
	if got := countRates(t, pool); got != 13 {
		t.Errorf("%d demo rates after seeding twice", got)
	}
	for _, m := range s.Markets() {
		q, err := s.RateAt("USD", m.Currency, at)
		if err != nil || (m.Currency != "USD" && q.Source != "demo rates") {
			t.Errorf("%s: %+v %v", m.Code, q, err)
		}
	}
	for _, cur := range []string{"KWD", "BHD"} {
		if _, err := s.RateAt("USD", cur, at); err != nil {
			t.Errorf("%s: %v", cur, err)
		}
	}
}

func TestSetRateValidates(t *testing.T) {
	s, pool := newTestService(t)
	_, err := s.SetRate(ctxSystem, RateInput{Base: "USD", Quote: "USD", Rate: d("0"), Source: " "})
	fe, ok := httpx.AsFieldErrors(err)
	if !ok || fe.For("quote") == nil || fe.For("rate") == nil || fe.For("effective_at") == nil || fe.For("source") == nil {
		t.Errorf("validation: %v", err)
	}
	_, err = s.SetRate(ctxSystem, RateInput{Base: "EURO", Quote: "JPY", Rate: d("1.0000000000001"), EffectiveAt: ecbDay, Source: "x"})
	if fe, _ := httpx.AsFieldErrors(err); fe.For("base") == nil || fe.For("rate") == nil {
		t.Errorf("validation: %v", err)
	}
	if got := countRates(t, pool); got != 0 {
		t.Errorf("%d rows stored", got)
	}
}

func TestOldRatesOutsideTheSnapshotAreNeverWrong(t *testing.T) {
	s, _ := newTestService(t)
	now := time.Now()
	twoYears, eighteenMonths, lastMonth := now.AddDate(-2, 0, 0), now.AddDate(0, -18, 0), now.AddDate(0, -1, 0)
	mustLoadJSON(t, s, twoYears, "EUR", "0.95")
	mustLoadJSON(t, s, eighteenMonths, "EUR", "0.92")
	mustLoadJSON(t, s, lastMonth, "EUR", "0.87")
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{now, "0.87"},
		{lastMonth.Add(-time.Hour), "0.92"},
		{eighteenMonths.Add(time.Hour), "0.92"}, // before the window, but still the rate in force then
	} {
		if q, err := s.RateAt("USD", "EUR", c.at); err != nil || !q.Rate.Equal(d(c.want)) {
			t.Errorf("%s: %+v %v, want %s", c.at.Format(time.DateOnly), q, err, c.want)
		}
	}
	// The two-year-old rate is not in memory: rather than answer with the wrong one, there is no answer.
	if _, err := s.RateAt("USD", "EUR", twoYears.Add(time.Hour)); !errors.Is(err, ErrNoRate) {
		t.Errorf("two years ago: %v", err)
	}
}
