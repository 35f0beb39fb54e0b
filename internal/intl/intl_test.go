package intl

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"storefront/internal/platform/money"
	"storefront/locales"
)

func mustMessages(t *testing.T) *Messages {
	t.Helper()
	m, err := LoadMessages(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestShippedLanguagesAreComplete(t *testing.T) {
	m := mustMessages(t)
	want := []string{"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "zh-Hans"}
	var got []string
	for _, l := range m.Languages() {
		got = append(got, l.Code)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("languages = %v, want %v", got, want)
	}
	for lang, missing := range m.MissingIDs() {
		t.Errorf("%s lacks %d message(s) English has: %s", lang, len(missing), strings.Join(missing, ", "))
	}
}

func TestMissingMessageDetection(t *testing.T) {
	// The completeness check itself must catch a gap.
	fsys := fstestFS(map[string]string{
		"en/x.json": `{"x.A": "a", "x.B": "b"}`,
		"de/x.json": `{"x.A": "a"}`,
	})
	m, err := LoadMessages(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.MissingIDs()["de"]; len(got) != 1 || got[0] != "x.B" {
		t.Errorf("MissingIDs = %v", m.MissingIDs())
	}
}

func TestArabicPluralFormsOfARealMessage(t *testing.T) {
	m := mustMessages(t)
	ar, _ := m.ByCode("ar")
	loc := m.Locale(ar, "AE")
	// CLDR Arabic: 0 zero, 1 one, 2 two, 3–10 few, 11–99 many, 100–102 other.
	forms := map[int]string{}
	for _, n := range []int{0, 1, 2, 3, 10, 11, 99, 100, 102} {
		forms[n] = loc.N("site.CartItems", n)
	}
	distinct := map[string]bool{}
	for _, n := range []int{0, 1, 2, 3, 11, 100} {
		distinct[shape(forms[n])] = true
	}
	if len(distinct) != 6 {
		t.Errorf("Arabic should use six different plural forms for 0, 1, 2, 3, 11, 100: %v", forms)
	}
	if shape(forms[3]) != shape(forms[10]) || shape(forms[11]) != shape(forms[99]) || shape(forms[100]) != shape(forms[102]) {
		t.Errorf("Arabic plural categories wrong: %v", forms)
	}
}

// shape replaces numbers so messages compare by their words.
func shape(s string) string { return regexp.MustCompile(`[0-9]+`).ReplaceAllString(s, "#") }

func TestPolishStylePluralsThroughTheLibrary(t *testing.T) {
	// Polish distinguishes one (1), few (2–4, 22–24…) and many (5–21, 25…): a real message, not a stub.
	b := i18n.NewBundle(language.English)
	b.MustAddMessages(language.Polish, &i18n.Message{ID: "cart.Items",
		One: "{{.Count}} produkt", Few: "{{.Count}} produkty", Many: "{{.Count}} produktów", Other: "{{.Count}} produktu"})
	l := i18n.NewLocalizer(b, "pl")
	want := map[int]string{1: "1 produkt", 2: "2 produkty", 4: "4 produkty", 5: "5 produktów", 12: "12 produktów", 22: "22 produkty", 25: "25 produktów"}
	for n, w := range want {
		got := l.MustLocalize(&i18n.LocalizeConfig{MessageID: "cart.Items", PluralCount: n, TemplateData: map[string]int{"Count": n}})
		if got != w {
			t.Errorf("pl %d: %q, want %q", n, got, w)
		}
	}
}

func TestMoneyFormatsPerCLDR(t *testing.T) {
	m := mustMessages(t)
	loc := func(code, region string) *Locale {
		l, ok := m.ByCode(code)
		if !ok {
			t.Fatalf("no language %s", code)
		}
		return m.Locale(l, region)
	}
	cases := []struct {
		loc  *Locale
		amt  money.Amount
		want string
	}{
		{loc("de", "DE"), money.MustNew("1234.56", "EUR"), "1.234,56\u00a0€"},
		{loc("en", "IE"), money.MustNew("1234.56", "EUR"), "€1,234.56"},
		{loc("fr", "FR"), money.MustNew("1234.56", "EUR"), "1\u202f234,56\u00a0€"},
		{loc("ja", "JP"), money.MustNew("1235", "JPY"), "￥1,235"},
		// CLDR 48 gives de-CH money its own grouping sign (currencyGroup, U+0027 rather than U+2019).
		{loc("de", "CH"), money.MustNew("1234.56", "CHF"), "CHF\u00a01'234.56"},
		{loc("en", "US"), money.MustNew("19.99", "USD"), "$19.99"},
		{loc("ko", "KR"), money.MustNew("15000", "KRW"), "₩15,000"},
		{loc("en", "US"), money.MustNew("6.139", "KWD"), "KWD\u00a06.139"},
		{loc("fr", "CA"), money.MustNew("1234.5", "CAD"), "1\u00a0234,50\u00a0$"},
		// Arabic in the UAE: CLDR's default numbering system for ar-AE is Latin digits.
		{loc("ar", "AE"), money.MustNew("1234.5", "AED"), "\u200f1,234.50\u00a0د.إ.\u200f"},
	}
	for _, c := range cases {
		if got := c.loc.Money(c.amt); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.loc.BCP47(), c.amt, got, c.want)
		}
	}
	if got := loc("de", "CH").Number(decimal.RequireFromString("1234.5"), 2); got != "1'234.5" {
		t.Errorf("de-CH number: %q", got)
	}
	if got := loc("de", "DE").Percent(decimal.RequireFromString("0.19")); got != "19\u00a0%" {
		t.Errorf("de percent: %q", got)
	}
	if got := loc("en", "US").Percent(decimal.RequireFromString("0.075")); got != "7.5%" {
		t.Errorf("en percent: %q", got)
	}
}

func TestDatesPerLocale(t *testing.T) {
	m := mustMessages(t)
	d := time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
	for code, want := range map[string]string{"de-DE": "25.11.2026", "en-US": "Nov 25, 2026", "en-GB": "25 Nov 2026", "ja-JP": "2026/11/25"} {
		lang, region, _ := strings.Cut(code, "-")
		l, _ := m.ByCode(lang)
		if got := m.Locale(l, region).Date(d); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

func TestNegotiation(t *testing.T) {
	m := mustMessages(t)
	regions := []Region{
		{Country: "US", Languages: []string{"en", "es"}, DefaultLanguage: "en"},
		{Country: "DE", Languages: []string{"de", "en"}, DefaultLanguage: "de"},
		{Country: "CH", Languages: []string{"de", "fr", "it", "en"}, DefaultLanguage: "de"},
		{Country: "SG", Languages: []string{"en", "zh-Hans"}, DefaultLanguage: "en"},
	}
	rt := NewRouter(m, func() []Region { return regions }, "https://shop.example")
	for accept, want := range map[string]string{
		"":                "/en-us",
		"fr-CH":           "/fr-ch",
		"de":              "/de-de",
		"zh-Hant-TW, es":  "/es-us",
		"zh-CN":           "/zh-sg",
		"it-IT, de;q=0.2": "/it-ch",
		"xx, yy":          "/en-us",
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Language", accept)
		if got := rt.Negotiate(req).Prefix(); got != want {
			t.Errorf("Accept-Language %q → %s, want %s", accept, got, want)
		}
	}
	if _, ok := rt.Resolve("fr-de"); ok {
		t.Error("fr is not offered in DE but resolved")
	}
	alts := rt.Alternates("/p/1")
	if len(alts) != 10+1 || alts[len(alts)-1].Hreflang != "x-default" || alts[len(alts)-1].URL != "https://shop.example/en-us/p/1" {
		b, _ := json.Marshal(alts)
		t.Errorf("alternates: %s", b)
	}
}

// TestSelectorNamesCountriesAndCurrencies: the selector lists the served countries in the visitor's language,
// sorted the way that language sorts, each with the currency it shows prices in, the current one selected.
func TestSelectorNamesCountriesAndCurrencies(t *testing.T) {
	m := mustMessages(t)
	regions := []Region{
		{Country: "US", Languages: []string{"en"}, DefaultLanguage: "en", Currency: "USD"},
		{Country: "AT", Languages: []string{"de"}, DefaultLanguage: "de", Currency: "EUR"},
		{Country: "CH", Languages: []string{"de", "fr"}, DefaultLanguage: "de", Currency: "CHF"},
		{Country: "DE", Languages: []string{"de"}, DefaultLanguage: "de", Currency: "EUR"},
	}
	rt := NewRouter(m, func() []Region { return regions }, "https://shop.example")
	de, _ := m.ByCode("de")
	sel := rt.Selector(m.Locale(de, "CH"), "/de-ch/")
	var labels []string
	for _, o := range sel.Countries {
		labels = append(labels, o.Label)
		if o.Selected != (o.Value == "ch") {
			t.Errorf("%s selected: %v", o.Value, o.Selected)
		}
	}
	// German collation puts Österreich with the Os, after Deutschland.
	want := "Deutschland (EUR)|Österreich (EUR)|Schweiz (CHF)|Vereinigte Staaten (USD)"
	if got := strings.Join(labels, "|"); got != want {
		t.Errorf("countries %q, want %q", got, want)
	}
	// A second page in another country reuses the list without carrying the first one's selection.
	if sel := rt.Selector(m.Locale(de, "DE"), "/de-de/"); !sel.Countries[0].Selected || sel.Countries[2].Selected {
		t.Errorf("selection leaked between pages: %+v", sel.Countries)
	}
}
