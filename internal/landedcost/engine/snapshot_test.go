package engine

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/shopspring/decimal"
)

func date(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func datePtr(s string) *time.Time {
	t := date(s)
	return &t
}

// minimalRules is a valid one-market rule set for validation tests.
func minimalRules() []Rule {
	return []Rule{
		{ID: "m", Destination: "GB", Kind: kindMarket, EffectiveFrom: date("2021-01-01"), Source: "test",
			Params: json.RawMessage(`{"currency":"GBP","valuation":"CIF","tax_base":"cif_duty"}`)},
		{ID: "v", Destination: "GB", Kind: kindVATRates, EffectiveFrom: date("2021-01-01"), Source: "test",
			Params: json.RawMessage(`{"component":"VAT","rates":{"standard":"0.20"}}`)},
	}
}

func TestNewSnapshotRejectsBadRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func([]Rule) []Rule
		want   string
	}{
		{"unknown kind", func(r []Rule) []Rule { r[0].Kind = "vat_rate_typo"; return r }, `unknown kind "vat_rate_typo"`},
		{"unknown param", func(r []Rule) []Rule {
			r[1].Params = json.RawMessage(`{"component":"VAT","rates":{"standard":"0.20"},"rate":"0.2"}`)
			return r
		}, `unknown field "rate"`},
		{"bad rate", func(r []Rule) []Rule {
			r[1].Params = json.RawMessage(`{"component":"VAT","rates":{"standard":"20"}}`)
			return r
		}, "not a fraction"},
		{"bad rounding mode", func(r []Rule) []Rule {
			return append(r, Rule{ID: "r", Destination: "GB", Kind: kindRounding, EffectiveFrom: date("2021-01-01"), Source: "x",
				Params: json.RawMessage(`{"scope":"border","tax":{"mode":"NEAREST"}}`)})
		}, "unknown rounding mode"},
		{"missing inclusive", func(r []Rule) []Rule {
			return append(r, Rule{ID: "x", Destination: "GB", Kind: kindRelief, EffectiveFrom: date("2021-01-01"), Source: "x",
				Params: json.RawMessage(`{"name":"x","applies_to":["duty"],"max":{"amount":"135","currency":"GBP","basis":"goods"}}`)})
		}, "inclusive: required"},
		{"overlap", func(r []Rule) []Rule {
			return append(r, Rule{ID: "v2", Destination: "GB", Kind: kindVATRates, EffectiveFrom: date("2024-01-01"), Source: "x",
				Params: json.RawMessage(`{"component":"VAT","rates":{"standard":"0.21"}}`)})
		}, `rules "v" and "v2" overlap`},
		{"inverted dates", func(r []Rule) []Rule { r[0].EffectiveTo = datePtr("2020-01-01"); return r }, "is not after"},
		{"duplicate id", func(r []Rule) []Rule { r[1].ID = "m"; return r }, "duplicate id"},
		{"unknown destination", func(r []Rule) []Rule { r[0].Destination = "XX"; return r }, "neither an ISO country"},
		{"missing source", func(r []Rule) []Rule { r[0].Source = ""; return r }, "source: required"},
		{"unknown currency", func(r []Rule) []Rule {
			r[0].Params = json.RawMessage(`{"currency":"GBX","valuation":"CIF","tax_base":"cif_duty"}`)
			return r
		}, `unknown currency "GBX"`},
		{"two territories", func(r []Rule) []Rule {
			return append(r,
				Rule{ID: "t1", Destination: "EU", Kind: kindTerritory, EffectiveFrom: date("2021-01-01"), Source: "x", Params: json.RawMessage(`{"members":["FR"]}`)},
				Rule{ID: "t2", Destination: "FR", Kind: kindTerritory, EffectiveFrom: date("2021-01-01"), Source: "x", Params: json.RawMessage(`{"members":["FR"]}`)})
		}, "territories"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSnapshot(tt.mutate(minimalRules()), nil, "test")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := NewSnapshot(minimalRules(), nil, "test"); err != nil {
		t.Fatalf("valid rules rejected: %v", err)
	}
}

func TestNewSnapshotRejectsBadTariff(t *testing.T) {
	row := TariffRow{Destination: "GB", HSPrefix: "6109", Rate: decimal.RequireFromString("0.12"), EffectiveFrom: date("2024-01-01"), Source: "x"}
	tests := []struct {
		name   string
		mutate func(TariffRow) []TariffRow
		want   string
	}{
		{"prefix", func(r TariffRow) []TariffRow { r.HSPrefix = "61a9"; return []TariffRow{r} }, "hs_prefix"},
		{"overlap", func(r TariffRow) []TariffRow { o := r; o.EffectiveFrom = date("2025-01-01"); return []TariffRow{r, o} }, "overlap"},
		{"preference without origin", func(r TariffRow) []TariffRow { r.Preference = "USMCA"; return []TariffRow{r} }, "qualifying origin"},
		{"destination", func(r TariffRow) []TariffRow { r.Destination = "EU"; return []TariffRow{r} }, "unknown destination"},
		{"negative", func(r TariffRow) []TariffRow { r.Rate = decimal.RequireFromString("-0.1"); return []TariffRow{r} }, "not a fraction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSnapshot(minimalRules(), tt.mutate(row), "test")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestSnapshotFromRows rebuilds the snapshot from rows that went through the row format (as the lead's loader
// does via Postgres) and checks it quotes like the embedded one with the same content version.
func TestSnapshotFromRows(t *testing.T) {
	s := snap(t)
	var rules []Rule
	var tariff []TariffRow
	for _, r := range s.rules {
		b, err := json.Marshal(r.Rule)
		if err != nil {
			t.Fatal(err)
		}
		var back Rule
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		// jsonb normalises whitespace; the version must not depend on it.
		back.Params = json.RawMessage(strings.ReplaceAll(string(back.Params), ",", ", "))
		rules = append(rules, back)
	}
	for i := len(s.tariff) - 1; i >= 0; i-- {
		b, err := json.Marshal(s.tariff[i].TariffRow)
		if err != nil {
			t.Fatal(err)
		}
		var back TariffRow
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		tariff = append(tariff, back)
	}
	rebuilt, err := NewSnapshot(rules, tariff, ContentVersion(rules, tariff))
	if err != nil {
		t.Fatal(err)
	}
	if rebuilt.Version() != s.Version() {
		t.Errorf("version %s, want %s", rebuilt.Version(), s.Version())
	}
	for _, c := range loadCases(t) {
		if c.Kind == "display" {
			continue
		}
		a, b := runJSON(t, s, c.Request), runJSON(t, rebuilt, c.Request)
		if compact(a) != compact(b) {
			t.Errorf("%s: rebuilt snapshot quotes differently:\n%s\n%s", c.ID, compact(a), compact(b))
		}
	}
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"rules/a.json":  {Data: []byte(`[{"id":"m","destination":"GB","kind":"market","effective_from":"2021-01-01","effective_to":null,"params":{"currency":"GBP","valuation":"CIF","tax_base":"cif_duty"},"source":"s"}]`)},
		"tariff/a.json": {Data: []byte(`[{"destination":"GB","hs_prefix":"6109","origin":"","preference":"","rate":"0.12","effective_from":"2024-01-01","effective_to":"2025-01-01","source":"s"}]`)},
	}
	rules, tariff, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].EffectiveTo != nil || len(tariff) != 1 || dayOf(*tariff[0].EffectiveTo) != 20250101 {
		t.Fatalf("got %+v %+v", rules, tariff)
	}
	fsys["rules/b.json"] = &fstest.MapFile{Data: []byte(`[{"id":"x","destination":"GB","kind":"market","effective_from":"2021-13-01","params":{},"source":"s"}]`)}
	if _, _, err := LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "rules/b.json") {
		t.Fatalf("bad date accepted or file not named: %v", err)
	}
	fsys["rules/b.json"] = &fstest.MapFile{Data: []byte(`[{"id":"x","destinaton":"GB"}]`)}
	if _, _, err := LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "destinaton") {
		t.Fatalf("misspelt field accepted: %v", err)
	}
}

func TestDutyRate(t *testing.T) {
	s := snap(t)
	on := date("2026-11-22")
	tests := []struct {
		dest, hs, origin, pref string
		on                     time.Time
		want                   string
		ok                     bool
	}{
		{"FR", "610910", "CN", "", on, "0.12", true},                  // FR maps to the EU tariff
		{"DE", "4202221000", "CN", "", on, "0.097", true},             // longest prefix: 8-digit row
		{"DE", "4202229000", "CN", "", on, "0.037", true},             // the other 8-digit row
		{"DE", "420222", "CN", "", on, "0.037", true},                 // 6-digit row
		{"US", "6109100012", "VN", "", on, "0.165", true},             // 10-digit code, 6-digit row
		{"US", "940360", "CA", "USMCA", on, "0", true},                // preference row for a party origin
		{"US", "940360", "CN", "USMCA", on, "0", true},                // MFN is also 0 for furniture
		{"US", "610910", "CN", "USMCA", on, "0.165", true},            // claim for a non-party origin: MFN
		{"US", "610910", "MX", "T-MEC", on, "0", true},                // alias
		{"CA", "611020", "US", "CUSMA", on, "0", true},                // CUSMA preference in Canada
		{"CA", "611020", "US", "", on, "0.18", true},                  // no claim: MFN 18% (case C19)
		{"US", "610910", "VN", "", date("2026-04-01"), "0.265", true}, // + Section 122 10% in its window
		{"US", "610910", "MX", "USMCA", date("2026-04-01"), "0", true},
		{"LI", "610910", "CN", "", on, "0", true},                 // LI → Swiss tariff
		{"CH", "610910", "CN", "", date("2023-06-01"), "", false}, // no ad valorem rows before 2024
		{"GB", "999999", "CN", "", on, "", false},
	}
	for _, tt := range tests {
		rate, source, ok := s.DutyRate(tt.dest, tt.hs, tt.origin, tt.pref, tt.on)
		if ok != tt.ok || (ok && !rate.Equal(decimal.RequireFromString(tt.want))) || (ok && source == "") {
			t.Errorf("DutyRate(%s, %s, %s, %q, %s) = %s, %q, %v; want %s, %v",
				tt.dest, tt.hs, tt.origin, tt.pref, tt.on.Format(dateLayout), rate, source, ok, tt.want, tt.ok)
		}
	}
}

func TestTaxRate(t *testing.T) {
	s := snap(t)
	tests := []struct {
		country, region, category, on, want string
	}{
		{"DE", "", "standard", "2026-11-22", "0.19"},
		{"DE", "", "reduced", "2026-11-22", "0.07"},
		{"IT", "", "super_reduced", "2026-11-22", "0.04"},
		{"FR", "", "reduced", "2026-11-22", "0.055"},
		{"CA", "BC", "standard", "2026-11-22", "0.12"},
		{"CA", "ON", "standard", "2026-11-22", "0.13"},
		{"CA", "", "standard", "2026-11-22", "0.05"},
		{"CA", "QC", "standard", "2026-11-22", "0.14975"},
		{"CH", "", "standard", "2023-12-31", "0.077"},
		{"CH", "", "standard", "2024-01-01", "0.081"},
		{"LI", "", "reduced", "2026-11-22", "0.026"},
		{"SG", "", "standard", "2023-12-31", "0.08"},
		{"SG", "", "standard", "2024-01-01", "0.09"},
		{"JP", "", "reduced", "2026-11-22", "0.08"},
		{"EE", "", "standard", "2025-07-01", "0.24"},
		{"US", "", "standard", "2026-11-22", "0"},
		{"AE", "", "standard", "2026-11-22", "0.05"},
	}
	for _, tt := range tests {
		got, err := s.TaxRate(tt.country, tt.region, tt.category, date(tt.on))
		if err != nil || !got.Equal(decimal.RequireFromString(tt.want)) {
			t.Errorf("TaxRate(%s, %s, %s, %s) = %s, %v; want %s", tt.country, tt.region, tt.category, tt.on, got, err, tt.want)
		}
	}
	for _, bad := range []struct{ country, region, category string }{
		{"DE", "", "super_reduced"}, {"BR", "", "standard"}, {"CA", "XX", "standard"},
	} {
		if _, err := s.TaxRate(bad.country, bad.region, bad.category, date("2026-11-22")); err == nil {
			t.Errorf("TaxRate(%v) accepted", bad)
		}
	}
}

func TestInForceAndTerritory(t *testing.T) {
	s := snap(t)
	ids := func(country, on string) map[string]bool {
		rules, tariff := s.InForce(country, date(on))
		m := map[string]bool{}
		for _, r := range rules {
			if r.Source == "" {
				t.Errorf("rule %s has no source", r.ID)
			}
			m[r.ID] = true
		}
		if len(tariff) == 0 {
			t.Errorf("%s: no tariff rows in force", country)
		}
		return m
	}
	de := ids("DE", "2026-11-22")
	for _, want := range []string{"eu-market", "eu-ioss", "eu-flat-duty-3", "de-vat", "de-min-collect-1"} {
		if !de[want] {
			t.Errorf("DE 2026-11-22: %s not in force", want)
		}
	}
	for _, absent := range []string{"eu-duty-relief-150", "it-contributo-2", "fr-vat"} {
		if de[absent] {
			t.Errorf("DE 2026-11-22: %s in force", absent)
		}
	}
	if de := ids("DE", "2026-06-30"); !de["eu-duty-relief-150"] || de["eu-flat-duty-3"] {
		t.Error("DE 2026-06-30: wrong relief/flat-duty rows")
	}
	if eu, _ := s.InForce("EU", date("2026-11-22")); len(eu) == 0 {
		t.Error("EU territory rows missing")
	}
	for country, want := range map[string]string{"FR": "EU", "DE": "EU", "MC": "EU", "LI": "CH", "CH": "CH", "GB": "GB", "US": "US", "BR": "BR"} {
		if got := s.CustomsTerritory(country); got != want {
			t.Errorf("CustomsTerritory(%s) = %s, want %s", country, got, want)
		}
	}
}

// TestEveryMarketIsSupported quotes a standard line into every country the brief lists, on the research date.
func TestEveryMarketIsSupported(t *testing.T) {
	eu := []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
	for _, c := range append(eu, "GB", "CH", "LI", "NO", "AU", "NZ", "JP", "SG", "KR", "CA", "US", "AE") {
		req := request(t, `{"destination":{"country":"`+c+`"},"currency":"EUR","merchant_currency":"EUR","threshold_fx":{"USD":"1","GBP":"1","CHF":"1","NOK":"1","AUD":"1","NZD":"1","JPY":"1","SGD":"1","KRW":"1","CAD":"1","AED":"1","RON":"1"}}`,
			line("1", "610910", "CN", "1000.00", 1, "0.12", "standard"))
		got := runJSON(t, snap(t), req)
		checkIdentities(t, got)
	}
}

func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}
