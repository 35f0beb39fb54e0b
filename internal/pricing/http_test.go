package pricing

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/locales"
)

// admin is the pricing back office under test, as a signed-in merchant in English.
type admin struct {
	t    *testing.T
	svc  *Service
	pool *pgxpool.Pool
	h    http.Handler
}

func newAdmin(t *testing.T) *admin {
	t.Helper()
	s, pool := newTestService(t)
	msgs, err := intl.LoadMessages(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := msgs.ByCode("en")
	loc := msgs.Locale(en, "")
	routes := NewHandler(s, 48*time.Hour).AdminRoutes()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := intl.WithLocale(r.Context(), loc)
		ctx = actor.With(ctx, actor.Actor{UserID: 7, Email: "mia@demo.shop", Role: "merchant"})
		routes.ServeHTTP(w, r.WithContext(ctx))
	})
	return &admin{t: t, svc: s, pool: pool, h: h}
}

func (a *admin) serve(req *http.Request) *httptest.ResponseRecorder {
	a.t.Helper()
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	// Every text on the pages is translated: a message ID showing means it is missing from locales/en.
	if strings.Contains(rec.Body.String(), "pricing.") {
		a.t.Errorf("%s %s: untranslated message in the page", req.Method, req.URL)
	}
	return rec
}

func (a *admin) get(path string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.serve(httptest.NewRequest(http.MethodGet, path, nil))
}

func (a *admin) post(path string, form url.Values) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.serve(req)
}

func (a *admin) upload(name string, content []byte) *httptest.ResponseRecorder {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			a.t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = mw.WriteField("csrf_token", "x")
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/rates/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.serve(req)
}

func (a *admin) count(table string) int {
	a.t.Helper()
	var n int
	if err := a.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func expect(t *testing.T, rec *httptest.ResponseRecorder, status int, contains ...string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status %d, want %d; body: %.400s", rec.Code, status, rec.Body.String())
	}
	for _, s := range contains {
		if !strings.Contains(rec.Body.String(), s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func marketForm(overrides ...string) url.Values {
	v := url.Values{"tax_display": {"inclusive"}, "fixed_gross": {"1"}, "gross_reference_country": {"DE"},
		"rounding": {"charm99"}, "fx_buffer": {"2"}, "incoterm": {"DDP"}, "return_days": {"30"}, "active": {"1"}}
	for i := 0; i+1 < len(overrides); i += 2 {
		v.Set(overrides[i], overrides[i+1])
	}
	return v
}

func TestAdminMarkets(t *testing.T) {
	a := newAdmin(t)
	expect(t, a.get("/"), 200, "Markets", "Up to the next .99", "Yes, with the VAT of DE", "KRW",
		"USD→EUR: no rate") // the stale-rate warning: no rates at all yet
	expect(t, a.get("/markets/DE"), 200, `name="fx_buffer"`, `value="2"`, "Keep the gross price fixed")
	for _, path := range []string{"/markets/NOPE", "/markets/de", "/markets/%2E%2E"} {
		expect(t, a.get(path), 404)
		expect(t, a.post(path, marketForm()), 404)
	}

	before := mustMarket(t, a.svc, "DE")
	for name, c := range map[string]struct {
		code string
		form url.Values
		msg  string
	}{
		"everything wrong": {"DE", marketForm("rounding", "bogus", "fx_buffer", "abc", "return_days", "-1", "incoterm", "EXW"),
			"Choose one of the rounding rules offered."},
		"buffer too high":         {"DE", marketForm("fx_buffer", "30"), "from 0 to 25"},
		"buffer too precise":      {"DE", marketForm("fx_buffer", "2.125"), "at most two decimals"},
		"fixed gross, exclusive":  {"DE", marketForm("tax_display", "exclusive"), "needs prices shown with tax included"},
		"reference outside EUR":   {"DE", marketForm("gross_reference_country", "GB"), "served by a EUR market"},
		"no reference":            {"DE", marketForm("gross_reference_country", ""), "served by a EUR market"},
		"charm without cents":     {"JP", marketForm("fixed_gross", "", "gross_reference_country", "", "rounding", "charm99"), "JPY has no cents"},
		"unknown tax display":     {"DE", marketForm("tax_display", "both"), "Choose how prices are shown."},
		"return window too long":  {"DE", marketForm("return_days", "400"), "from 0 to 365"},
		"return window not a num": {"DE", marketForm("return_days", "thirty"), "from 0 to 365"},
	} {
		rec := a.post("/markets/"+c.code, c.form)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), c.msg) {
			t.Errorf("%s: %d, lacks %q", name, rec.Code, c.msg)
		}
	}
	// Nothing was written.
	if err := a.svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := mustMarket(t, a.svc, "DE"); after.Rounding != before.Rounding || !after.FXBuffer.Equal(before.FXBuffer) ||
		after.ReturnDays != before.ReturnDays || !after.TaxInclusive || !after.FixedGross || after.GrossReferenceCountry != "DE" {
		t.Errorf("a refused form changed the market: %+v", after)
	}

	rec := a.post("/markets/DE", marketForm("rounding", "charm95", "fx_buffer", "2.5", "return_days", "14", "active", ""))
	expect(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/admin/pricing" {
		t.Errorf("redirect to %q", loc)
	}
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].Value != "ok:pricing.MarketSaved" {
		t.Errorf("flash: %v", c)
	}
	m := mustMarket(t, a.svc, "DE")
	if m.Rounding != RoundCharm95 || !m.FXBuffer.Equal(d("0.025")) || m.ReturnDays != 14 || m.Active {
		t.Errorf("saved: %+v", m)
	}
	if _, err := a.svc.MarketFor("DE"); err == nil {
		t.Error("an inactive market still serves its country")
	}
}

func TestAdminRates(t *testing.T) {
	a := newAdmin(t)
	expect(t, a.get("/rates"), 200, "Some exchange rates are older than 2 days", "USD→JPY: no rate", `value="USD"`)

	for name, form := range map[string]url.Values{
		"negative":      {"base": {"USD"}, "quote": {"EUR"}, "rate": {"-1"}, "effective_at": {"2026-11-24T10:00"}, "source": {"desk"}},
		"not a number":  {"base": {"USD"}, "quote": {"EUR"}, "rate": {"0,87"}, "effective_at": {"2026-11-24T10:00"}, "source": {"desk"}},
		"bad currency":  {"base": {"USD"}, "quote": {"EURO"}, "rate": {"0.87"}, "effective_at": {"2026-11-24T10:00"}, "source": {"desk"}},
		"bad date":      {"base": {"USD"}, "quote": {"EUR"}, "rate": {"0.87"}, "effective_at": {"24.11.2026"}, "source": {"desk"}},
		"no source":     {"base": {"USD"}, "quote": {"EUR"}, "rate": {"0.87"}, "effective_at": {"2026-11-24T10:00"}, "source": {""}},
		"same currency": {"base": {"EUR"}, "quote": {"EUR"}, "rate": {"1"}, "effective_at": {"2026-11-24T10:00"}, "source": {"desk"}},
	} {
		rec := a.post("/rates", form)
		expect(t, rec, http.StatusUnprocessableEntity)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
	if n := a.count("pricing_fx_rates"); n != 0 {
		t.Fatalf("%d rates stored from refused forms", n)
	}

	now := time.Now().UTC()
	rec := a.post("/rates", url.Values{"base": {"usd"}, "quote": {"eur"}, "rate": {"0.8700"},
		"effective_at": {now.Add(-time.Hour).Format(dateTimeLocal)}, "source": {"treasury desk"}})
	expect(t, rec, http.StatusSeeOther)
	q, err := a.svc.RateAt("USD", "EUR", now)
	if err != nil || !q.Rate.Equal(d("0.87")) || q.Source != "treasury desk" {
		t.Fatalf("entered rate: %+v %v", q, err)
	}
	rates, _ := a.svc.Rates(context.Background(), 1)
	if len(rates) != 1 || rates[0].CreatedBy != "mia@demo.shop (#7)" {
		t.Errorf("audit: %+v", rates)
	}
	// A fresh EUR rate is no longer in the warning; the others are.
	body := a.get("/rates").Body.String()
	if strings.Contains(body, "USD→EUR: no rate") || !strings.Contains(body, "USD→GBP: no rate") || !strings.Contains(body, "treasury desk") {
		t.Errorf("rates page after entering EUR: %.2000s", body)
	}
	// Rates older than the maximum age are named with their age.
	mustLoadJSON(t, a.svc, now.Add(-75*time.Hour), "GBP", "0.7581")
	expect(t, a.get("/rates"), 200, "USD→GBP: the rate in force is 3 days old")
}

func TestAdminRatesUpload(t *testing.T) {
	a := newAdmin(t)
	sample := ecbSample(t)

	bad := bytes.Replace(sample, []byte("rate='20.1843'"), []byte("rate='0'"), 1)
	expect(t, a.upload("bad.xml", bad), http.StatusUnprocessableEntity, "The rate 0 of ZAR must be more than zero. Nothing was loaded.")
	expect(t, a.upload("", nil), http.StatusUnprocessableEntity, "Choose a rates file to upload.")
	expect(t, a.upload("rates.csv", []byte("USD,EUR,0.86")), http.StatusUnprocessableEntity, "neither an ECB XML file nor a JSON rates file")
	if n := a.count("pricing_fx_rates"); n != 0 {
		t.Fatalf("%d rates stored from refused uploads", n)
	}
	expect(t, a.upload("huge.xml", bytes.Repeat([]byte(" "), maxRatesFile+2<<20)), http.StatusRequestEntityTooLarge, "larger than 16 MB")

	rec := a.upload(`C:\Downloads\eurofxref-daily.xml`, sample)
	expect(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/admin/pricing/rates?loaded=29" {
		t.Errorf("redirect to %q", loc)
	}
	if n := a.count("pricing_fx_rates"); n != 29 {
		t.Errorf("%d rates stored", n)
	}
	q, err := a.svc.RateAt("USD", "JPY", ecbDay.Add(time.Hour))
	if err != nil || q.Via != "EUR" || q.Source != "European Central Bank · eurofxref-daily.xml" {
		t.Errorf("uploaded rates: %+v %v", q, err)
	}
	expect(t, a.get("/rates?loaded=29"), 200, "29 rates loaded.", "Cross rate via EUR", "European Central Bank")
}

func TestAdminPriceLists(t *testing.T) {
	a := newAdmin(t)
	expect(t, a.get("/price-lists"), 200, "No price lists yet", "Every EUR market", "Market JP (JPY)")
	expect(t, a.post("/price-lists", url.Values{"name": {""}, "scope": {""}}), http.StatusUnprocessableEntity,
		"Enter a name", "Choose a market or a currency.")
	expect(t, a.post("/price-lists", url.Values{"name": {"Euro"}, "scope": {"currency:EURO"}}), http.StatusUnprocessableEntity)
	if n := a.count("pricing_price_lists"); n != 0 {
		t.Fatalf("%d lists created from refused forms", n)
	}
	rec := a.post("/price-lists", url.Values{"name": {"Euro shelf"}, "scope": {"currency:EUR"}})
	expect(t, rec, http.StatusSeeOther)
	listURL := strings.TrimPrefix(rec.Header().Get("Location"), adminBase)
	if !strings.HasPrefix(listURL, "/price-lists/") {
		t.Fatalf("redirect to %q", rec.Header().Get("Location"))
	}
	expect(t, a.post("/price-lists", url.Values{"name": {"Again"}, "scope": {"currency:EUR"}}), http.StatusConflict,
		"already has a price list")

	for _, path := range []string{"/price-lists/abc", "/price-lists/0", "/price-lists/-1", "/price-lists/999999", "/price-lists/1e3"} {
		expect(t, a.get(path), 404)
		expect(t, a.post(path+"/items", url.Values{"sku": {"A"}, "price": {"1"}}), 404)
		expect(t, a.post(path+"/items/delete", url.Values{"sku": {"A"}}), 404)
	}

	expect(t, a.get(listURL), 200, "Euro shelf", "No prices in this list yet.")
	for _, form := range []url.Values{
		{"sku": {"A"}, "price": {"19.999"}},
		{"sku": {"A"}, "price": {"abc"}},
		{"sku": {"A"}, "price": {"0"}},
		{"sku": {""}, "price": {"19.99"}},
		{"sku": {strings.Repeat("x", 101)}, "price": {"19.99"}},
	} {
		expect(t, a.post(listURL+"/items", form), http.StatusUnprocessableEntity)
	}
	if n := a.count("pricing_price_list_items"); n != 0 {
		t.Fatalf("%d items stored from refused forms", n)
	}
	expect(t, a.post(listURL+"/items", url.Values{"sku": {"TEE-RED-M"}, "price": {"19.99"}}), http.StatusSeeOther)
	expect(t, a.post(listURL+"/items", url.Values{"sku": {"TEE-RED-M"}, "price": {"24.99"}}), http.StatusSeeOther)
	expect(t, a.get(listURL), 200, "TEE-RED-M", "€24.99", "mia@demo.shop (#7)")
	expect(t, a.get(listURL+"?q=TEE"), 200, "TEE-RED-M")
	if body := a.get(listURL + "?q=MUG").Body.String(); strings.Contains(body, "TEE-RED-M") {
		t.Error("SKU filter ignored")
	}
	expect(t, a.post(listURL+"/items/delete", url.Values{"sku": {"TEE-RED-M"}}), http.StatusSeeOther)
	expect(t, a.post(listURL+"/items/delete", url.Values{"sku": {"TEE-RED-M"}}), 404)
}
