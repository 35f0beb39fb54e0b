package catalog

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"storefront/internal/intl"
)

// admin serves the listings editor with the back office's English locale and the test actor in context.
func (c *testCatalog) admin() http.Handler {
	h := NewAdminHandler(c.svc, c.msgs, nil, "/en-us")
	r := h.Routes()
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := intl.WithLocale(c.ctx, c.msgs.Default())
		r.ServeHTTP(w, req.WithContext(ctx))
	})
}

func postForm(t testing.TB, h http.Handler, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAdminEditorRejectsBadInputAndChangesNothing(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	id := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Sierra Tee"}}, "SIERRA-S")
	base := "/products/" + strconv.FormatInt(id, 10)
	h := c.admin()
	before, _ := c.svc.Product(c.ctx, id)

	res := postForm(t, h, base+"/variants", url.Values{"sku": {"SIERRA-M"}, "base_price": {"-1"}, "weight_g": {"abc"},
		"hs_code": {"12"}, "origin_country": {"CN"}})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "The HS code must have 6 to 10 digits.") {
		t.Fatalf("bad variant: %d", res.Code)
	}
	if !strings.Contains(res.Body.String(), `value="SIERRA-M"`) {
		t.Error("the submitted SKU is not kept in the form")
	}
	res = postForm(t, h, base+"/texts", url.Values{"title_en": {""}, "title_de": {"Sierra T-Shirt"}, "slug_de": {"with space"}})
	if res.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad texts: %d", res.Code)
	}
	res = postForm(t, h, base, url.Values{"category": {"0"}, "status": {"gone"}})
	if res.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad general form: %d", res.Code)
	}
	after, _ := c.svc.Product(c.ctx, id)
	if len(after.Variants) != len(before.Variants) || len(after.Texts) != len(before.Texts) || after.Status != before.Status {
		t.Error("a rejected form changed the product")
	}
	for _, p := range []string{"/products/abc", "/products/0", "/products/999999", base + "/variants/abc/delete", "/categories/xyz"} {
		rec := httptest.NewRecorder()
		method := http.MethodGet
		if strings.HasSuffix(p, "/delete") {
			method = http.MethodPost
		}
		h.ServeHTTP(rec, httptest.NewRequest(method, p, nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", method, p, rec.Code)
		}
	}
	// A good edit redirects and is in the history.
	res = postForm(t, h, base+"/texts", url.Values{"title_en": {"Sierra Tee"}, "title_de": {"Sierra T-Shirt"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("good texts: %d %s", res.Code, res.Body.String())
	}
	if page := httptest.NewRecorder(); true {
		h.ServeHTTP(page, httptest.NewRequest(http.MethodGet, base, nil))
		if !strings.Contains(page.Body.String(), "product.texts") || !strings.Contains(page.Body.String(), "mia@example.com") {
			t.Error("the history does not show the change and who made it")
		}
	}
}

func TestAdminImportDryRunListsBadRows(t *testing.T) {
	c := newTestCatalog(t)
	c.mustCategory("shirts", 0, nil)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "listings.csv")
	row := "BAD SKU,x,shirts,active,,,,1,1,0,0,0,12,CN,standard,,,x" + strings.Repeat(",", len(c.svc.csvHeader())-18)
	fw.Write([]byte(strings.Join(c.svc.csvHeader(), ",") + "\n" + row + "\n"))
	mw.WriteField("dry_run", "1")
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := httptest.NewRecorder()
	c.admin().ServeHTTP(rec, req)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Line 2: hs_code: The HS code must have 6 to 10 digits.") {
		t.Fatalf("import report: %d\n%s", rec.Code, rec.Body.String())
	}
}

// TestEditingACategoryKeepsWhatTheFormDoesNotChange: the category editor shows and saves each language's name,
// slug and description; renaming keeps the slug (its links stay valid) unless a new one is typed in.
func TestEditingACategoryKeepsWhatTheFormDoesNotChange(t *testing.T) {
	c := newTestCatalog(t)
	cat, err := c.svc.CreateCategory(c.ctx, CategoryInput{Code: "lamps", Texts: map[string]CategoryText{
		"en": {Name: "Lamps", Description: "Desk and floor lamps."}, "de": {Name: "Lampen", Description: "Tisch- und Stehlampen."}}})
	if err != nil {
		t.Fatal(err)
	}
	h := c.admin()
	path := "/categories/" + strconv.FormatInt(cat, 10)
	page := get(t, h, path).Body.String()
	for _, want := range []string{`name="description_de"`, "Tisch- und Stehlampen.", `name="slug_en"`, `value="lamps"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the editor lacks %s", want)
		}
	}
	// Rename in English, leave the slugs empty, keep the descriptions as the form sends them back.
	res := postForm(t, h, path, url.Values{"name_en": {"Lighting"}, "description_en": {"Desk and floor lamps."},
		"name_de": {"Lampen"}, "slug_de": {"leuchten"}, "description_de": {"Tisch- und Stehlampen."}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", res.Code, res.Body)
	}
	cats, err := c.svc.Categories(c.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range cats {
		if got.ID != cat {
			continue
		}
		if en := got.Texts["en"]; en.Name != "Lighting" || en.Slug != "lamps" || en.Description != "Desk and floor lamps." {
			t.Errorf("English after rename: %+v", en)
		}
		if de := got.Texts["de"]; de.Slug != "leuchten" || de.Description != "Tisch- und Stehlampen." {
			t.Errorf("German after a new slug: %+v", de)
		}
	}
}
