package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/pgtest"
)

// TestQuoteCommandPassesEveryCase runs every shared landed-cost case through `storefront landedcost quote`,
// exactly as check.sh does, and compares each expected field as an exact decimal.
func TestQuoteCommandPassesEveryCase(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../internal/landedcost/engine/testdata/cases/C*.json")
	if err != nil || len(files) < 20 {
		t.Fatalf("case files: %v (%d)", err, len(files))
	}
	quotes := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			ID      string          `json:"id"`
			Kind    string          `json:"kind"`
			Request json.RawMessage `json:"request"`
			Expect  map[string]any  `json:"expect"`
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		if c.Kind == "display" {
			continue
		}
		quotes++
		var out bytes.Buffer
		if err := run(context.Background(), []string{"landedcost", "quote"}, func(string) string { return "" },
			bytes.NewReader(c.Request), &out, &bytes.Buffer{}); err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Errorf("%s: output is not JSON: %v", c.ID, err)
			continue
		}
		for field, want := range c.Expect {
			if field == "lines" {
				continue // compared by the engine's own case test
			}
			ws, _ := want.(string)
			gs, ok := got[field].(string)
			if !ok {
				t.Errorf("%s %s: %v is not a string", c.ID, field, got[field])
				continue
			}
			wd, err1 := decimal.NewFromString(ws)
			gd, err2 := decimal.NewFromString(gs)
			if (err1 == nil && err2 == nil && !wd.Equal(gd)) || ((err1 != nil || err2 != nil) && ws != gs) {
				t.Errorf("%s %s: got %s, want %s", c.ID, field, gs, ws)
			}
		}
	}
	if quotes < 20 {
		t.Fatalf("only %d quote cases ran", quotes)
	}
	var out bytes.Buffer
	err = run(context.Background(), []string{"landedcost", "quote"}, func(string) string { return "" },
		strings.NewReader(`{"as_of":"2026-11-25","destination":{"country":"XX"}}`), &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "destination.country") || strings.Contains(err.Error(), "\n") {
		t.Errorf("bad request: %v", err)
	}
}

// TestCatalogAndFXCommands exports the demo catalog, imports it back unchanged, rejects a bad file, and loads
// an ECB rate file.
func TestCatalogAndFXCommands(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t), "LOG_LEVEL": "error", "BLOB_DIR": t.TempDir()}
	if _, err := runCmd(t, env, "", "seed", "demo"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "listings.csv")
	if _, err := runCmd(t, env, "", "catalog", "export", file); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, env, "", "catalog", "import", file)
	if err != nil || !strings.Contains(out, "0 new, 0 changed") {
		t.Fatalf("re-import: %q %v", out, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	data, _ := os.ReadFile(file)
	lines := strings.SplitN(string(data), "\n", 3)
	if err := os.WriteFile(bad, []byte(lines[0]+"\n"+strings.Replace(lines[1], "610910", "61", 1)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, env, "", "catalog", "import", "--dry-run", bad)
	if err == nil || !strings.Contains(out, "Line 2") {
		t.Errorf("bad file: %q %v", out, err)
	}
	ecb, _ := filepath.Abs("../../internal/pricing/testdata/eurofxref-daily.xml")
	if _, err := os.Stat(ecb); err != nil {
		matches, _ := filepath.Glob("../../internal/pricing/testdata/*.xml")
		if len(matches) == 0 {
			t.Fatal("no ECB sample")
		}
		ecb, _ = filepath.Abs(matches[0])
	}
	out, err = runCmd(t, env, "", "fx", "load", ecb)
	if err != nil || !strings.Contains(out, "exchange rates loaded") {
		t.Errorf("fx load: %q %v", out, err)
	}
	if _, err := runCmd(t, env, "", "fx", "load", "/nonexistent.xml"); err == nil {
		t.Error("loading a missing file succeeded")
	}
}
