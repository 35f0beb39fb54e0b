package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

var (
	embeddedOnce sync.Once
	embeddedSnap *Snapshot
	embeddedErr  error
)

// snap returns the snapshot of the embedded rule files, built once per test binary.
func snap(t testing.TB) *Snapshot {
	t.Helper()
	embeddedOnce.Do(func() { embeddedSnap, embeddedErr = Embedded() })
	if embeddedErr != nil {
		t.Fatalf("Embedded: %v", embeddedErr)
	}
	return embeddedSnap
}

type caseFile struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Request  json.RawMessage `json:"request"`
	Expect   json.RawMessage `json:"expect"`
	Input    json.RawMessage `json:"input"`
	Variants []struct {
		Name         string          `json:"name"`
		RequestPatch json.RawMessage `json:"request_patch"`
		Expect       json.RawMessage `json:"expect"`
	} `json:"variants"`
}

func loadCases(t *testing.T) []caseFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "cases", "C*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no case files: %v", err)
	}
	sort.Strings(paths)
	var out []caseFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var c caseFile
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, c)
	}
	return out
}

// runJSON pipes a request through RunQuote, as `storefront landedcost quote` does.
func runJSON(t *testing.T, s *Snapshot, req []byte) map[string]any {
	t.Helper()
	var out bytes.Buffer
	if err := RunQuote(s, bytes.NewReader(req), &out); err != nil {
		t.Fatalf("RunQuote: %v", err)
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("\n")) || bytes.Count(out.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("output is not one JSON object and a newline: %q", out.String())
	}
	dec := json.NewDecoder(&out)
	dec.UseNumber()
	var got map[string]any
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("output is not a JSON object: %v", err)
	}
	return got
}

// diff compares like check.sh: every expected field, decimal strings as exact decimals (money must be a JSON
// string), other values as strings, expected lines matched by id. It returns the first difference.
func diff(path string, exp, got any) string {
	switch e := exp.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: expected an object, got %v", path, got)
		}
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			gv, present := g[k]
			if !present {
				return p + ": missing"
			}
			if d := diff(p, e[k], gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: expected an array, got %v", path, got)
		}
		byID := map[string]map[string]any{}
		for _, x := range g {
			if m, ok := x.(map[string]any); ok {
				byID[fmt.Sprint(m["id"])] = m
			}
		}
		for _, x := range e {
			m := x.(map[string]any)
			id := fmt.Sprint(m["id"])
			gm, ok := byID[id]
			if !ok {
				return fmt.Sprintf("%s[id=%s]: missing", path, id)
			}
			if d := diff(fmt.Sprintf("%s[id=%s]", path, id), m, gm); d != "" {
				return d
			}
		}
		return ""
	case string:
		ed, err := decimal.NewFromString(e)
		if err != nil {
			if got != e {
				return fmt.Sprintf("%s: expected %q, got %v", path, e, got)
			}
			return ""
		}
		gs, ok := got.(string)
		if !ok {
			return fmt.Sprintf("%s: expected %s, got %v (money must be a decimal string)", path, e, got)
		}
		gd, err := decimal.NewFromString(gs)
		if err != nil || !gd.Equal(ed) {
			return fmt.Sprintf("%s: expected %s, got %s", path, e, gs)
		}
		return ""
	default:
		if fmt.Sprint(exp) != fmt.Sprint(got) {
			return fmt.Sprintf("%s: expected %v, got %v", path, exp, got)
		}
		return ""
	}
}

// mergePatch applies a JSON merge patch (RFC 7386) to a decoded request.
func mergePatch(dst map[string]any, patch map[string]any) {
	for k, v := range patch {
		if pm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergePatch(dm, pm)
				continue
			}
		}
		if v == nil {
			delete(dst, k)
			continue
		}
		dst[k] = v
	}
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCases runs every quote case file through RunQuote and compares every expected field, then each variant
// with its request_patch and expectation.
func TestCases(t *testing.T) {
	s := snap(t)
	for _, c := range loadCases(t) {
		if c.Kind == "display" {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			got := runJSON(t, s, c.Request)
			if d := diff("", decodeAny(t, c.Expect), got); d != "" {
				t.Errorf("%s", d)
			}
			checkIdentities(t, got)
			for _, v := range c.Variants {
				t.Run(strings.ReplaceAll(v.Name, " ", "_"), func(t *testing.T) {
					req := decodeAny(t, c.Request).(map[string]any)
					mergePatch(req, decodeAny(t, v.RequestPatch).(map[string]any))
					b, err := json.Marshal(req)
					if err != nil {
						t.Fatal(err)
					}
					got := runJSON(t, s, b)
					if len(v.Expect) > 0 {
						if d := diff("", decodeAny(t, v.Expect), got); d != "" {
							t.Errorf("%s", d)
						}
					}
					checkIdentities(t, got)
				})
			}
		})
	}
}

// checkIdentities asserts README §1.3 on a decoded response.
func checkIdentities(t *testing.T, got map[string]any) {
	t.Helper()
	d := func(k string) decimal.Decimal {
		s, ok := got[k].(string)
		if !ok {
			t.Fatalf("%s: not a decimal string: %v", k, got[k])
		}
		return decimal.RequireFromString(s)
	}
	sum := d("goods").Add(d("shipping")).Add(d("insurance")).Add(d("duty")).Add(d("tax")).Add(d("fees"))
	if !sum.Equal(d("total")) {
		t.Errorf("total %s != goods+shipping+insurance+duty+tax+fees %s", d("total"), sum)
	}
	if !d("due_at_checkout").Add(d("due_on_delivery")).Equal(d("total")) {
		t.Errorf("due_at_checkout + due_on_delivery != total")
	}
	lineDuty, lineTax := decimal.Zero, decimal.Zero
	for _, l := range got["lines"].([]any) {
		m := l.(map[string]any)
		lineDuty = lineDuty.Add(decimal.RequireFromString(m["duty"].(string)))
		lineTax = lineTax.Add(decimal.RequireFromString(m["tax"].(string)))
	}
	if !lineDuty.Equal(d("duty")) || !lineTax.Equal(d("tax")) {
		t.Errorf("lines sum to duty %s tax %s, totals are %s %s", lineDuty, lineTax, d("duty"), d("tax"))
	}
}

// TestDisplayCases checks the display helpers against C11 (net from a tax-inclusive price) and C40 (conversion
// into 3- and 0-decimal currencies).
func TestDisplayCases(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Kind != "display" {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			switch c.ID {
			case "C11":
				checkC11(t, c)
			case "C40":
				checkC40(t, c)
			default:
				t.Fatalf("unknown display case %s", c.ID)
			}
		})
	}
}

func checkC11(t *testing.T, c caseFile) {
	var in struct {
		TaxRate decimal.Decimal `json:"tax_rate"`
		Prices  []struct {
			ID    string          `json:"id"`
			Gross decimal.Decimal `json:"gross"`
		} `json:"prices_tax_inclusive"`
	}
	var exp struct {
		Lines []struct {
			ID    string          `json:"id"`
			Gross decimal.Decimal `json:"gross"`
			Net   decimal.Decimal `json:"net"`
			Tax   decimal.Decimal `json:"tax"`
		} `json:"lines"`
		GrossTotal     decimal.Decimal `json:"gross_total"`
		TaxTotal       decimal.Decimal `json:"tax_total"`
		IntrinsicValue decimal.Decimal `json:"intrinsic_value"`
		Invoice        struct {
			Net decimal.Decimal `json:"net"`
			Tax decimal.Decimal `json:"tax"`
		} `json:"invoice_level_check"`
	}
	if err := json.Unmarshal(c.Input, &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(c.Expect, &exp); err != nil {
		t.Fatal(err)
	}
	gross, taxTotal := decimal.Zero, decimal.Zero
	for i, p := range in.Prices {
		net, tax := NetFromGross(p.Gross, in.TaxRate, 2)
		e := exp.Lines[i]
		if e.ID != p.ID || !net.Equal(e.Net) || !tax.Equal(e.Tax) || !net.Add(tax).Equal(e.Gross) {
			t.Errorf("%s: net %s tax %s, want %s %s", p.ID, net, tax, e.Net, e.Tax)
		}
		if p.ID == "item" && !net.Equal(exp.IntrinsicValue) {
			t.Errorf("intrinsic value %s, want %s", net, exp.IntrinsicValue)
		}
		gross, taxTotal = gross.Add(p.Gross), taxTotal.Add(tax)
	}
	if !gross.Equal(exp.GrossTotal) || !taxTotal.Equal(exp.TaxTotal) {
		t.Errorf("totals %s / %s, want %s / %s", gross, taxTotal, exp.GrossTotal, exp.TaxTotal)
	}
	net, tax := NetFromGross(gross, in.TaxRate, 2)
	if !net.Equal(exp.Invoice.Net) || !tax.Equal(exp.Invoice.Tax) {
		t.Errorf("invoice level %s / %s, want %s / %s", net, tax, exp.Invoice.Net, exp.Invoice.Tax)
	}
}

func checkC40(t *testing.T, c caseFile) {
	var in struct {
		Amount      decimal.Decimal `json:"amount"`
		Conversions []struct {
			Currency string          `json:"currency"`
			FXRate   decimal.Decimal `json:"fx_rate"`
		} `json:"conversions"`
	}
	var exp struct {
		Converted []struct {
			Currency string `json:"currency"`
			Amount   string `json:"amount"`
		} `json:"converted"`
	}
	if err := json.Unmarshal(c.Input, &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(c.Expect, &exp); err != nil {
		t.Fatal(err)
	}
	for i, conv := range in.Conversions {
		got, err := Convert(in.Amount, conv.FXRate, conv.Currency)
		if err != nil {
			t.Fatal(err)
		}
		places, err := money.MinorUnits(conv.Currency)
		if err != nil {
			t.Fatal(err)
		}
		// The amount must carry exactly the currency's minor units, as quotes render money.
		if s := got.StringFixed(places); s != exp.Converted[i].Amount || conv.Currency != exp.Converted[i].Currency {
			t.Errorf("%s: %s, want %s", conv.Currency, s, exp.Converted[i].Amount)
		}
	}
	if _, err := Convert(in.Amount, one, "XXX1"); err == nil {
		t.Error("Convert accepted an unknown currency")
	}
}
