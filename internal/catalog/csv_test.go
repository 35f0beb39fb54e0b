package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDemoSeedIsIdempotentAndExportImportChangesNothing(t *testing.T) {
	c := newTestCatalog(t)
	variants, err := c.svc.SeedDemo(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	products, total, _ := c.svc.Products(c.ctx, ProductFilter{}, 1000, 0)
	if total < 200 {
		t.Fatalf("demo has %d products, want at least 200", total)
	}
	for _, p := range products {
		for _, code := range c.svc.locales {
			if p.Texts[code].Title == "" {
				t.Fatalf("product %d lacks a %s title", p.ID, code)
			}
		}
		if len(p.Images) == 0 {
			t.Fatalf("product %d has no picture", p.ID)
		}
	}
	again, err := c.svc.SeedDemo(c.ctx)
	if err != nil || len(again) != len(variants) {
		t.Fatalf("second seed: %d variants (%v), want %d", len(again), err, len(variants))
	}

	var export bytes.Buffer
	rows, err := c.svc.Export(c.ctx, &export)
	if err != nil || rows != len(variants) {
		t.Fatalf("export: %d rows, %v", rows, err)
	}
	auditBefore, _ := auditLog(c.ctx, c.svc, 0, 100000)
	snapBefore, _ := c.svc.snap(c.ctx)
	rep, err := c.svc.Import(c.ctx, bytes.NewReader(export.Bytes()), false, nil)
	if err != nil {
		t.Fatalf("re-import: %v %+v", err, rep.Errors)
	}
	if rep.ProductsCreated+rep.ProductsUpdated+rep.VariantsCreated+rep.VariantsUpdated != 0 || rep.Unchanged != len(variants) {
		t.Errorf("re-import of the export changed things: %+v", rep)
	}
	auditAfter, _ := auditLog(c.ctx, c.svc, 0, 100000)
	if len(auditAfter) != len(auditBefore) {
		t.Errorf("re-import wrote %d audit entries", len(auditAfter)-len(auditBefore))
	}
	var again2 bytes.Buffer
	if _, err := c.svc.Export(c.ctx, &again2); err != nil {
		t.Fatal(err)
	}
	if again2.String() != export.String() {
		t.Error("the export differs after importing it")
	}
	snapAfter, _ := c.svc.snap(c.ctx)
	for id, p := range snapBefore.products {
		if !p.UpdatedAt.Equal(snapAfter.products[id].UpdatedAt) {
			t.Fatalf("product %d updated by a no-op import", id)
		}
	}
}

func TestImportReportsEveryBadRowAndWritesNothing(t *testing.T) {
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	header := strings.Join(c.svc.csvHeader(), ",")
	cols := len(c.svc.csvHeader())
	row := func(vals map[string]string) string {
		rec := make([]string, cols)
		for i, h := range c.svc.csvHeader() {
			rec[i] = vals[h]
		}
		return strings.Join(rec, ",")
	}
	good := map[string]string{"sku": "OK-1", "slug_en": "ok-shirt", "category": "shirts", "status": "active", "base_price": "19.90",
		"weight_g": "200", "hs_code": "610910", "origin_country": "CN", "tax_category": "standard", "title_en": "OK Shirt", "options": "size=M"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m["sku"] = "SKU-" + k
		m["slug_en"] = "slug-" + k
		m[k] = v
		return m
	}
	file := strings.Join([]string{header,
		row(good),                         // line 2 fine
		row(with("hs_code", "12")),        // 3
		row(with("base_price", "-4")),     // 4
		row(with("category", "nope")),     // 5
		row(with("origin_country", "ZZ")), // 6
		row(with("weight_g", "heavy")),    // 7
		row(good),                         // 8 duplicate SKU
		"OK-2,too,few,columns",            // 9
		row(with("markets", "DE;XX")),     // 10
		row(with("title_en", "")),         // 11
	}, "\n") + "\n"
	rep, err := c.svc.Import(c.ctx, strings.NewReader(file), false, nil)
	if !errors.Is(err, ErrImportRejected) {
		t.Fatalf("import of a bad file: %v", err)
	}
	lines := map[int]bool{}
	for _, e := range rep.Errors {
		lines[e.Line] = true
	}
	for l := 3; l <= 11; l++ {
		if !lines[l] {
			t.Errorf("line %d not reported (report %+v)", l, rep.Errors)
		}
	}
	if lines[2] {
		t.Error("the good line was reported")
	}
	if _, total, _ := c.svc.Products(c.ctx, ProductFilter{}, 10, 0); total != 0 {
		t.Fatalf("%d products written by a rejected import", total)
	}
	for _, bad := range []string{"", "just,a,header\n", "sku,\"unterminated\n"} {
		if _, err := c.svc.Import(c.ctx, strings.NewReader(bad), false, nil); !errors.Is(err, ErrImportRejected) {
			t.Errorf("malformed CSV %q: %v", bad, err)
		}
	}
}

func TestImportOf10000Rows(t *testing.T) {
	if testing.Short() {
		t.Skip("large import")
	}
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	var b strings.Builder
	b.WriteString(strings.Join(c.svc.csvHeader(), ",") + "\n")
	idx := map[string]int{}
	for i, h := range c.svc.csvHeader() {
		idx[h] = i
	}
	sizes := []string{"S", "M", "L", "XL"}
	for i := 0; i < 10000; i++ {
		rec := make([]string, len(idx))
		set := func(k, v string) { rec[idx[k]] = v }
		product := i / 4
		set("sku", fmt.Sprintf("BULK-%05d", i))
		set("slug_en", fmt.Sprintf("bulk-shirt-%04d", product))
		set("category", "shirts")
		set("status", "active")
		set("options", "size="+sizes[i%4])
		set("base_price", fmt.Sprintf("%d.99", 10+i%50))
		set("weight_g", "200")
		set("hs_code", "610910")
		set("origin_country", "CN")
		set("tax_category", "standard")
		set("title_en", fmt.Sprintf("Bulk Shirt %04d", product))
		set("title_de", fmt.Sprintf("Massenhemd %04d", product))
		b.WriteString(strings.Join(rec, ",") + "\n")
	}
	start := time.Now()
	rep, err := c.svc.Import(c.ctx, strings.NewReader(b.String()), false, nil)
	if err != nil {
		t.Fatalf("import: %v %+v", err, rep.Errors[:min(3, len(rep.Errors))])
	}
	t.Logf("10,000 rows imported in %s", time.Since(start))
	if rep.VariantsCreated != 10000 || rep.ProductsCreated != 2500 {
		t.Errorf("report %+v", rep)
	}
	dry, err := c.svc.Import(c.ctx, strings.NewReader(b.String()), true, nil)
	if err != nil || dry.Unchanged != 10000 {
		t.Errorf("dry run of the same file: %+v %v", dry, err)
	}
}

// csvFile writes a listings CSV with the given columns, one record per row (a row names its cells by column).
func csvFile(t *testing.T, columns []string, rows ...map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(columns); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		rec := make([]string, len(columns))
		for i, c := range columns {
			rec[i] = r[c]
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.String()
}

// shirtRow is a valid row of a product "slug"; set overrides cells.
func shirtRow(sku, slug string, set ...string) map[string]string {
	r := map[string]string{"sku": sku, "slug_en": slug, "category": "shirts", "status": "active", "options": "size=M",
		"base_price": "19.90", "weight_g": "200", "hs_code": "610910", "origin_country": "CN", "tax_category": "standard",
		"title_en": "Shirt " + slug}
	for i := 0; i+1 < len(set); i += 2 {
		r[set[i]] = set[i+1]
	}
	return r
}

func mustImport(t *testing.T, c *testCatalog, file string) ImportReport {
	t.Helper()
	rep, err := c.svc.Import(c.ctx, strings.NewReader(file), false, nil)
	if err != nil {
		t.Fatalf("import: %v %+v", err, rep.Errors)
	}
	return rep
}

func errorLines(rep ImportReport, message string) []int {
	var out []int
	for _, e := range rep.Errors {
		if e.Message == message {
			out = append(out, e.Line)
		}
	}
	return out
}

// TestImportRefusesTextThatIsNotUTF8InTheDryRun: a file saved by Excel as Windows-1252, or holding NUL bytes,
// cannot be stored as text. The dry run reports each such line with a message saying what to do, and the
// import writes nothing (it used to pass the dry run and fail with a 500).
func TestImportRefusesTextThatIsNotUTF8InTheDryRun(t *testing.T) {
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	file := csvFile(t, c.svc.csvHeader(),
		shirtRow("OK-1", "ok-shirt"),
		shirtRow("CAFE-1", "cafe-shirt", "title_fr", "Chemise caf\xe9"), // line 3: Windows-1252 é
		shirtRow("NUL-1", "nul-shirt", "description_en", "a\x00b"),      // line 4
		shirtRow("OK-2", "ok-shirt-2"),
	)
	for _, dryRun := range []bool{true, false} {
		rep, err := c.svc.Import(c.ctx, strings.NewReader(file), dryRun, nil)
		if !errors.Is(err, ErrImportRejected) {
			t.Fatalf("dry run %v: %v %+v", dryRun, err, rep)
		}
		if got := errorLines(rep, "catalog.CSVNotUTF8"); len(got) != 1 || got[0] != 3 {
			t.Errorf("not-UTF-8 lines %v, want [3] (%+v)", got, rep.Errors)
		}
		if got := errorLines(rep, "catalog.CSVNulByte"); len(got) != 1 || got[0] != 4 {
			t.Errorf("NUL lines %v, want [4]", got)
		}
		if len(rep.Errors) != 2 {
			t.Errorf("errors %+v", rep.Errors)
		}
		view := ReportView(c.msgs.Default(), rep)
		if want := "Line 3: title_fr: The text is not UTF-8"; len(view.Errors) == 0 || !strings.HasPrefix(view.Errors[0], want) {
			t.Errorf("report %q, want it to start %q", view.Errors, want)
		}
	}
	if _, total, _ := c.svc.Products(c.ctx, ProductFilter{}, 10, 0); total != 0 {
		t.Errorf("%d products written", total)
	}
	// A UTF-16 file (Excel's "Unicode text") fails at its header, with the same advice.
	utf16 := "\xff\xfes\x00k\x00u\x00\n\x00"
	rep, err := c.svc.Import(c.ctx, strings.NewReader(utf16), true, nil)
	if !errors.Is(err, ErrImportRejected) || len(rep.Errors) != 1 || rep.Errors[0].Line != 1 || rep.Errors[0].Message != "catalog.CSVNulByte" && rep.Errors[0].Message != "catalog.CSVNotUTF8" {
		t.Errorf("UTF-16 file: %v %+v", err, rep.Errors)
	}
}

// TestImportChangesOnlyTheTranslationColumnsTheFileHas: a file without the French columns leaves the French
// texts alone (it used to delete them), a file without description_de keeps the German description, and a
// title column present but empty removes that translation, which the dry run announces.
func TestImportChangesOnlyTheTranslationColumnsTheFileHas(t *testing.T) {
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	mustImport(t, c, csvFile(t, c.svc.csvHeader(), shirtRow("HARBOR-M", "harbor-shirt",
		"title_de", "Harbor Hemd", "description_de", "Luftig.", "title_fr", "Chemise Harbor", "slug_fr", "chemise-harbor")))
	v, _, _ := c.svc.VariantBySKU(c.ctx, "HARBOR-M")
	id := v.ProductID

	// No French columns at all, no description_de or slug_de: only the German title changes.
	var cols []string
	for _, h := range c.svc.csvHeader() {
		if !strings.HasSuffix(h, "_fr") && h != "description_de" && h != "slug_de" {
			cols = append(cols, h)
		}
	}
	rep := mustImport(t, c, csvFile(t, cols, shirtRow("HARBOR-M", "harbor-shirt", "title_de", "Harbor Leinenhemd")))
	if rep.ProductsUpdated != 1 || rep.TextsRemoved != 0 || len(rep.Notices) != 0 {
		t.Errorf("report %+v", rep)
	}
	p, _ := c.svc.Product(c.ctx, id)
	if fr := p.Texts["fr"]; fr.Title != "Chemise Harbor" || fr.Slug != "chemise-harbor" {
		t.Errorf("French texts after a file without French columns: %+v", fr)
	}
	if de := p.Texts["de"]; de.Title != "Harbor Leinenhemd" || de.Description != "Luftig." || de.Slug != "harbor-hemd" {
		t.Errorf("German texts %+v: title changed, description and slug kept", de)
	}

	// title_fr present and empty: the dry run says the French translation goes, and writes nothing.
	file := csvFile(t, []string{"sku", "slug_en", "category", "status", "brand", "supplier", "options", "base_price", "weight_g",
		"length_mm", "width_mm", "height_mm", "hs_code", "origin_country", "tax_category", "customs_description", "markets",
		"certifications", "title_en", "title_fr"}, shirtRow("HARBOR-M", "harbor-shirt"))
	dry, err := c.svc.Import(c.ctx, strings.NewReader(file), true, nil)
	if err != nil || dry.TextsRemoved != 1 || len(dry.Notices) != 1 || dry.Notices[0].Line != 2 || dry.Notices[0].Column != "title_fr" {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	view := ReportView(c.msgs.Default(), dry)
	if len(view.Notices) != 1 || !strings.Contains(view.Notices[0], `Line 2: title_fr: The empty title removes the fr translation of "Shirt harbor-shirt"`) ||
		!strings.Contains(strings.Join(view.Summary, " "), "1 translation is removed") {
		t.Errorf("dry-run report: %+v", view)
	}
	if p, _ := c.svc.Product(c.ctx, id); p.Texts["fr"].Title == "" {
		t.Fatal("the dry run removed the French texts")
	}
	mustImport(t, c, file)
	p, _ = c.svc.Product(c.ctx, id)
	if _, ok := p.Texts["fr"]; ok {
		t.Error("an empty title_fr did not remove the French texts")
	}
	if p.Texts["de"].Title != "Harbor Leinenhemd" {
		t.Error("the German texts changed")
	}
}

// TestImportLineNumbersAreTheEditorsLines: a quoted cell spanning lines does not shift the line numbers of the
// rows after it; errors name the line a text editor or spreadsheet shows.
func TestImportLineNumbersAreTheEditorsLines(t *testing.T) {
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	file := csvFile(t, c.svc.csvHeader(),
		shirtRow("LONG-1", "long-shirt", "description_en", "Line one.\nLine two.\nLine three."), // lines 2–4
		shirtRow("BAD-1", "bad-shirt", "hs_code", "12"),                                         // line 5
		shirtRow("LONG-1", "long-shirt", "description_en", "Line one.\nLine two.\nLine three."), // lines 6–8: duplicate SKU
	)
	rep, err := c.svc.Import(c.ctx, strings.NewReader(file), true, nil)
	if !errors.Is(err, ErrImportRejected) {
		t.Fatal(err)
	}
	if got := errorLines(rep, "catalog.HSCodeInvalid"); len(got) != 1 || got[0] != 5 {
		t.Errorf("bad HS code reported on lines %v, want [5]", got)
	}
	dup := errorLines(rep, "catalog.CSVDuplicateSKU")
	if len(dup) != 1 || dup[0] != 6 {
		t.Errorf("duplicate SKU reported on lines %v, want [6]", dup)
	}
	for _, e := range rep.Errors {
		if e.Message == "catalog.CSVDuplicateSKU" && e.Data["First"] != 2 {
			t.Errorf("duplicate SKU points at line %v, want 2", e.Data["First"])
		}
	}
	if rep.Rows != 3 {
		t.Errorf("%d rows read, want 3", rep.Rows)
	}
	// A broken quote is reported on the line its record starts.
	broken := strings.Join(c.svc.csvHeader(), ",") + "\nA\nB,\"unterminated\n"
	rep, _ = c.svc.Import(c.ctx, strings.NewReader(broken), true, nil)
	if got := errorLines(rep, "catalog.CSVMalformed"); len(got) != 1 || got[0] != 3 {
		t.Errorf("malformed CSV reported on lines %v (%+v), want [3]", got, rep.Errors)
	}
}

// TestImportRefusesDuplicateOptionCombinations: two rows of one product with the same options, or a row that
// repeats the options of a variant the file leaves alone, or options named differently, are refused with the
// other SKU named.
func TestImportRefusesDuplicateOptionCombinations(t *testing.T) {
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	mustImport(t, c, csvFile(t, c.svc.csvHeader(), shirtRow("DUO-S", "duo-shirt", "options", "size=S"),
		shirtRow("DUO-M", "duo-shirt", "options", "size=M")))
	rep, err := c.svc.Import(c.ctx, strings.NewReader(csvFile(t, c.svc.csvHeader(),
		shirtRow("TRIO-S", "trio-shirt", "options", "size=S"),
		shirtRow("TRIO-S2", "trio-shirt", "options", "size=S"),          // line 3: same as TRIO-S
		shirtRow("DUO-M2", "duo-shirt", "options", "size=M"),            // line 4: same as DUO-M, not in the file
		shirtRow("TRIO-L", "trio-shirt", "options", "size=L;color=red"), // line 5: other option names
	)), true, nil)
	if !errors.Is(err, ErrImportRejected) {
		t.Fatalf("dry run: %v %+v", err, rep)
	}
	want := map[int]string{3: "TRIO-S", 4: "DUO-M", 5: "TRIO-S"}
	for _, e := range rep.Errors {
		if e.Column != "options" || want[e.Line] == "" || e.Data["SKU"] != want[e.Line] {
			t.Errorf("unexpected error %+v", e)
		}
		delete(want, e.Line)
	}
	if len(want) != 0 {
		t.Errorf("not reported: %v", want)
	}
	// Swapping two variants' options in one file is fine: the result has distinct combinations.
	mustImport(t, c, csvFile(t, c.svc.csvHeader(), shirtRow("DUO-S", "duo-shirt", "options", "size=M"),
		shirtRow("DUO-M", "duo-shirt", "options", "size=S")))
}
