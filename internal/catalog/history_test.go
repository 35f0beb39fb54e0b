package catalog

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func findChange(changes []FieldChange, variant, field string) *FieldChange {
	for i := range changes {
		if changes[i].Variant == variant && changes[i].Field == field {
			return &changes[i]
		}
	}
	return nil
}

// tbody is the table part of a page (the filters' options name every action too).
func tbody(page string) string {
	i, j := strings.Index(page, "<tbody>"), strings.LastIndex(page, "</tbody>")
	if i < 0 || j < i {
		return ""
	}
	return page[i:j]
}

func entriesOf(t *testing.T, c *testCatalog, f HistoryFilter) []AuditEntry {
	t.Helper()
	entries, _, err := c.svc.History(c.ctx, f, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestHistoryRecordsWhatChanged: every entry of the log says what changed, field by field, before and after:
// imports per product (not just their line), variant creation with the variant's real ID, and category
// changes under their category.
func TestHistoryRecordsWhatChanged(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	if err := c.svc.UpdateCategory(c.ctx, cat, CategoryInput{Texts: map[string]CategoryText{"en": {Name: "Tees"}, "de": {Name: "shirts-de"}}}); err != nil {
		t.Fatal(err)
	}
	cats := entriesOf(t, c, HistoryFilter{CategoryID: cat})
	if len(cats) != 2 || cats[0].Action != "category.update" || cats[1].Action != "category.create" {
		t.Fatalf("category entries %+v", cats)
	}
	if ch := findChange(cats[0].Changes, "", "name_en"); ch == nil || ch.From != "Shirts" || ch.To != "Tees" {
		t.Errorf("category rename recorded as %+v", cats[0].Changes)
	}
	if ch := findChange(cats[1].Changes, "", "code"); ch == nil || ch.To != "shirts" {
		t.Errorf("category creation recorded as %+v", cats[1].Changes)
	}

	id := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Harbor Shirt"}}, "HARBOR-S")
	vid, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: "HARBOR-M", Options: map[string]string{"size": "M"},
		BasePrice: decimal.NewFromInt(22), WeightG: 210, HSCode: "610910", OriginCountry: "CN"})
	if err != nil {
		t.Fatal(err)
	}
	log := entriesOf(t, c, HistoryFilter{ProductID: id})
	if e := log[0]; e.Action != "variant.create" || e.VariantID != vid || e.SKU != "HARBOR-M" ||
		findChange(e.Changes, "", "base_price") == nil || findChange(e.Changes, "", "base_price").To != "22" {
		t.Errorf("variant.create entry %+v, want variant %d with its fields", e, vid)
	}

	// An import records, per product, its fields, texts and variants before and after.
	cols := []string{"sku", "slug_en", "category", "status", "brand", "supplier", "options", "base_price", "weight_g", "length_mm",
		"width_mm", "height_mm", "hs_code", "origin_country", "tax_category", "customs_description", "markets", "certifications",
		"title_en", "title_de"}
	mustImport(t, c, csvFile(t, cols,
		shirtRow("HARBOR-M", "harbor-shirt", "base_price", "24.50", "weight_g", "210", "title_en", "Harbor Shirt", "title_de", "Harbor Hemd",
			"brand", "Northway"),
		shirtRow("HARBOR-XL", "harbor-shirt", "options", "size=XL", "weight_g", "210", "title_en", "Harbor Shirt", "title_de", "Harbor Hemd",
			"brand", "Northway")))
	imp := entriesOf(t, c, HistoryFilter{ProductID: id, Action: "import.update"})
	if len(imp) != 1 {
		t.Fatalf("%d import entries", len(imp))
	}
	e := imp[0]
	if e.Line != 2 || e.Rows != 2 {
		t.Errorf("import entry line %d rows %d", e.Line, e.Rows)
	}
	for _, want := range []struct {
		variant, field string
		to             any
	}{
		{"", "title_de", "Harbor Hemd"}, {"HARBOR-M", "base_price", "24.5"}, {"HARBOR-XL", "sku", "HARBOR-XL"},
		{"HARBOR-XL", "options", "size=XL"},
	} {
		if ch := findChange(e.Changes, want.variant, want.field); ch == nil || ch.To != want.to {
			t.Errorf("import entry lacks %s %s → %v: %+v", want.variant, want.field, want.to, e.Changes)
		}
	}
	if ch := findChange(e.Changes, "HARBOR-M", "base_price"); ch == nil || ch.From == nil {
		t.Errorf("the old price is not recorded")
	}
	if findChange(e.Changes, "HARBOR-M", "weight_g") != nil || findChange(e.Changes, "", "status") != nil {
		t.Errorf("unchanged fields recorded: %+v", e.Changes)
	}

	// Filters: by SKU, by title, by action; categories' entries are in the listing-wide log.
	// A SKU selects its product's changes.
	if got := entriesOf(t, c, HistoryFilter{Query: "harbor-xl"}); len(got) != len(entriesOf(t, c, HistoryFilter{ProductID: id})) || got[0].ID != e.ID {
		t.Errorf("filter by SKU: %d entries", len(got))
	}
	if got := entriesOf(t, c, HistoryFilter{Query: "Harbor Hemd"}); len(got) != len(entriesOf(t, c, HistoryFilter{ProductID: id})) {
		t.Errorf("filter by German title: %d entries", len(got))
	}
	if got := entriesOf(t, c, HistoryFilter{Query: "nothing like it"}); len(got) != 0 {
		t.Errorf("filter matching nothing: %d entries", len(got))
	}
	all := entriesOf(t, c, HistoryFilter{})
	if all[len(all)-1].CategoryID != cat {
		t.Errorf("the oldest entry of the whole log is not the category's creation: %+v", all[len(all)-1])
	}
	// On the page, an import's variant changes come under their SKU.
	page := tbody(get(t, c.admin(), "/history?action=import.update").Body.String())
	for _, want := range []string{"CSV line 2", `<div><strong>HARBOR-M</strong></div> <div><span class="muted">Base price (net, base currency):</span> <bdi>22</bdi> → <bdi>24.5</bdi></div>`,
		`<span class="muted">Title (Deutsch):</span> <bdi>—</bdi> → <bdi>Harbor Hemd</bdi></div>`, `<div><strong>HARBOR-XL</strong></div>`} {
		if !strings.Contains(page, want) {
			t.Errorf("import entry on the page lacks %s", want)
		}
	}
}

// TestHistoryPageShowsChangesReadably: /admin/catalog/history lists every change, newest first and paged, with
// who, when, the product or category, the action's name and each field before and after; it filters by
// product or SKU and action. The product editor's history reads the same way, and entries written before
// field changes were recorded still read as fields.
func TestHistoryPageShowsChangesReadably(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	id := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Sierra Tee"}}, "SIERRA-S")
	other := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Cove Tee"}}, "COVE-S")
	if err := c.svc.SetTexts(c.ctx, id, map[string]ProductText{"en": {Title: "Sierra Tee"}, "de": {Title: "Sierra T-Shirt"}}); err != nil {
		t.Fatal(err)
	}
	st := store{db: c.svc.pool}
	if err := st.audit(c.ctx, other, "old@example.com", "product.update", map[string]any{"status": map[string]any{"from": "draft", "to": "archived"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.audit(c.ctx, other, "old@example.com", "import.update", map[string]any{"line": 7, "rows": 2}); err != nil {
		t.Fatal(err)
	}
	h := c.admin()

	if body := get(t, h, "/").Body.String(); !strings.Contains(body, `href="/admin/catalog/history"`) {
		t.Error("the listings page does not link the history")
	}
	res := get(t, h, "/history")
	body := res.Body.String()
	if res.Code != http.StatusOK {
		t.Fatalf("history: %d", res.Code)
	}
	for _, want := range []string{
		"Listing history", "Texts changed", "Variant added", "Category created", "Product details changed", "Changed by CSV import",
		"CSV line 7", "mia@example.com (#7)", "old@example.com",
		`<span class="muted">Title (Deutsch):</span> <bdi>—</bdi> → <bdi>Sierra T-Shirt</bdi></div>`,
		`<span class="muted">Status:</span> <bdi>Draft</bdi> → <bdi>Archived</bdi></div>`,
		`<span class="muted">SKU:</span> <bdi>—</bdi> → <bdi>SIERRA-S</bdi></div>`,
		`<span class="muted">Base price (net, base currency):</span> <bdi>—</bdi> → <bdi>20</bdi></div>`,
		`<span class="muted">Name (English):</span> <bdi>—</bdi> → <bdi>Shirts</bdi></div>`,
		fmt.Sprintf(`<a href="/admin/catalog/products/%d">Sierra Tee · SIERRA-S</a>`, id),
		fmt.Sprintf(`<a href="/admin/catalog/categories/%d">Category: Shirts</a>`, cat),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("history page lacks %s", want)
		}
	}
	if strings.Contains(body, `{&#34;`) || strings.Contains(body, `"from"`) {
		t.Error("the history page shows raw JSON")
	}
	if i, j := strings.Index(body, "Texts changed"), strings.Index(body, "Category created"); i < 0 || j < i {
		t.Error("the history is not newest first")
	}

	// Filters.
	body = tbody(get(t, h, "/history?q=cove-s").Body.String())
	if !strings.Contains(body, "Cove Tee") || strings.Contains(body, "Sierra Tee") || strings.Contains(body, "Category: Shirts") {
		t.Error("filter by SKU lets other products through")
	}
	body = get(t, h, "/history?action=variant.create").Body.String()
	if rows := tbody(body); !strings.Contains(rows, "Variant added") || strings.Contains(rows, "Texts changed") || strings.Contains(rows, "Category created") {
		t.Error("filter by action lets other actions through")
	}
	if !strings.Contains(body, `<option value="variant.create" selected>Variant added</option>`) {
		t.Error("the chosen action is not selected")
	}
	body = get(t, h, "/history?product="+strconv.FormatInt(id, 10)).Body.String()
	if !strings.Contains(body, "Changes to Sierra Tee") || strings.Contains(body, "Cove Tee ·") ||
		!strings.Contains(body, fmt.Sprintf(`<input type="hidden" name="product" value="%d">`, id)) {
		t.Error("the product filter does not hold")
	}
	if body := get(t, h, "/history?q=nothing-like-it").Body.String(); !strings.Contains(body, "No changes match these filters.") {
		t.Error("an empty result does not say so")
	}

	// Pages of 50, newest first.
	for i := 0; i < 60; i++ {
		if err := st.audit(c.ctx, other, "bulk@example.com", "product.update", auditRecord{Changes: []FieldChange{{Field: "brand", From: "A", To: fmt.Sprintf("B%d", i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	first := get(t, h, "/history").Body.String()
	if !strings.Contains(first, `rel="next"`) || strings.Contains(first, `rel="prev"`) || !strings.Contains(first, "→ <bdi>B59</bdi></div>") || strings.Contains(tbody(first), "Texts changed") {
		t.Error("page 1 is not the newest 50 with a next link")
	}
	second := get(t, h, "/history?page=2").Body.String()
	if !strings.Contains(second, `rel="prev"`) || strings.Contains(second, `rel="next"`) || !strings.Contains(tbody(second), "Texts changed") {
		t.Error("page 2 does not hold the older entries with a previous link")
	}
	if res := get(t, h, "/history?page=-1&action=nonsense&product=abc"); res.Code != http.StatusOK {
		t.Errorf("nonsense query: %d", res.Code)
	}

	// The product editor's history: the same rendering and a link to the full history when there is more.
	edit := get(t, h, "/products/"+strconv.FormatInt(other, 10)).Body.String()
	if !strings.Contains(edit, "Product details changed") || !strings.Contains(edit, `<span class="muted">Brand:</span> <bdi>A</bdi> → <bdi>B59</bdi></div>`) ||
		!strings.Contains(edit, fmt.Sprintf(`href="/admin/catalog/history?product=%d"`, other)) {
		t.Error("the product editor's history is not readable or lacks the full-history link")
	}
	if catPage := get(t, h, "/categories/"+strconv.FormatInt(cat, 10)).Body.String(); !strings.Contains(catPage, fmt.Sprintf(`href="/admin/catalog/history?category=%d"`, cat)) {
		t.Error("the category page does not link its history")
	}
}
