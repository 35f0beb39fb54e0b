package catalog

import (
	"bytes"
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
	auditBefore, _ := c.svc.AuditLog(c.ctx, 0, 100000)
	snapBefore, _ := c.svc.snap(c.ctx)
	rep, err := c.svc.Import(c.ctx, bytes.NewReader(export.Bytes()), false, nil)
	if err != nil {
		t.Fatalf("re-import: %v %+v", err, rep.Errors)
	}
	if rep.ProductsCreated+rep.ProductsUpdated+rep.VariantsCreated+rep.VariantsUpdated != 0 || rep.Unchanged != len(variants) {
		t.Errorf("re-import of the export changed things: %+v", rep)
	}
	auditAfter, _ := c.svc.AuditLog(c.ctx, 0, 100000)
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
