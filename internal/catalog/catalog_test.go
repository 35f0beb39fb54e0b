package catalog

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
)

func TestProductWithTranslationsIsFoundAndServedUnderItsSlug(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	c.mustProduct(cat, map[string]ProductText{
		"en": {Title: "Harbor Linen Shirt", Description: "A breezy shirt woven from linen."},
		"de": {Title: "Harbor Leinenhemd", Description: "Ein luftiges Hemd aus gewebtem Leinen."},
	}, "HARBOR-S", "HARBOR-M")
	h := c.storefront()

	// German full-text search stems "Leinenhemden" → "leinenhemd".
	res := get(t, h, "/de-de/search?q=Leinenhemden")
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Harbor Leinenhemd") {
		t.Fatalf("German search: %d\n%s", res.Code, res.Body.String())
	}
	page := get(t, h, "/de-de/p/harbor-leinenhemd")
	body := page.Body.String()
	if page.Code != http.StatusOK || !strings.Contains(body, "<h1>Harbor Leinenhemd</h1>") {
		t.Fatalf("German product page: %d", page.Code)
	}
	for _, want := range []string{
		`<link rel="canonical" href="https://shop.example/de-de/p/harbor-leinenhemd">`,
		`hreflang="en-US" href="https://shop.example/en-us/p/harbor-linen-shirt"`,
		`hreflang="x-default"`, `"@type":"Product"`, `"priceCurrency":"USD"`, `"sku":"HARBOR-S"`,
		`property="og:type" content="product"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("product page lacks %s", want)
		}
	}
	// Variant choice by link: ?sku=HARBOR-M selects M.
	if body := get(t, h, "/de-de/p/harbor-leinenhemd?sku=HARBOR-M").Body.String(); !strings.Contains(body, `value="`+variantID(t, c, "HARBOR-M")+`"`) {
		t.Error("variant link does not select the variant")
	}
	// The English slug in the German shop redirects to the German slug.
	if res := get(t, h, "/de-de/p/harbor-linen-shirt?sku=HARBOR-M"); res.Code != http.StatusMovedPermanently ||
		res.Header().Get("Location") != "/de-de/p/harbor-leinenhemd?sku=HARBOR-M" {
		t.Errorf("English slug under /de-de: %d → %s", res.Code, res.Header().Get("Location"))
	}
	// Japanese has no translation: the English text is served, never an empty page.
	if res := get(t, h, "/ja-jp/p/harbor-linen-shirt"); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Harbor Linen Shirt") {
		t.Errorf("fallback to English: %d", res.Code)
	}
	for _, bad := range []string{"/de-de/p/nope", "/de-de/p/harbor-leinenhemd?sku=NOPE", "/de-de/c/nope"} {
		if res := get(t, h, bad); res.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, res.Code)
		}
	}
}

func variantID(t *testing.T, c *testCatalog, sku string) string {
	v, _, err := c.svc.VariantBySKU(c.ctx, sku)
	if err != nil {
		t.Fatal(err)
	}
	return decimal.NewFromInt(v.ID).String()
}

func TestCertificationRequirementsHideProductsPerMarket(t *testing.T) {
	c := newTestCatalog(t)
	elec := c.mustCategory("electronics", 0, map[string][]string{"DE": {"CE"}, "GB": {"UKCA"}})
	audio := c.mustCategory("audio", elec, nil)
	id := c.mustProduct(audio, map[string]ProductText{"en": {Title: "Nova Earbuds"}}, "NOVA-1")
	if err := c.svc.SetAvailability(c.ctx, id, nil, []string{"ce"}); err != nil {
		t.Fatal(err)
	}
	hidden, err := c.svc.Visibility(c.ctx, id, testMarkets)
	if err != nil {
		t.Fatal(err)
	}
	if _, inDE := hidden["DE"]; inDE {
		t.Error("product with CE hidden in DE")
	}
	if h := hidden["GB"]; h.Reason != "certification" || len(h.Missing) != 1 || h.Missing[0] != "UKCA" {
		t.Errorf("GB: %+v, want hidden for missing UKCA", h)
	}
	sf := c.storefront()
	if body := get(t, sf, "/en-gb/c/audio").Body.String(); strings.Contains(body, "Nova Earbuds") {
		t.Error("listed in GB without UKCA")
	}
	if body := get(t, sf, "/en-de/c/electronics").Body.String(); !strings.Contains(body, "Nova Earbuds") {
		t.Error("not listed in DE although certified")
	}
	page := get(t, sf, "/en-gb/p/nova-earbuds").Body.String()
	if !strings.Contains(page, "not available in United Kingdom") || strings.Contains(page, "/cart/items") {
		t.Error("product page in GB does not say it is unavailable, or offers add to cart")
	}
	// Limiting to markets hides it elsewhere.
	if err := c.svc.SetAvailability(c.ctx, id, []string{"DE"}, []string{"CE"}); err != nil {
		t.Fatal(err)
	}
	if hidden, _ := c.svc.Visibility(c.ctx, id, testMarkets); hidden["US"].Reason != "market" {
		t.Errorf("US: %+v", hidden["US"])
	}
	if err := c.svc.SetAvailability(c.ctx, id, []string{"XX"}, []string{"not a cert!"}); err == nil {
		t.Error("unknown market accepted")
	}
}

func TestVariantValidationWritesNothing(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	id := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Atlas Tee"}}, "ATLAS-S")
	before, _ := c.svc.AuditLog(c.ctx, id, 100)
	_, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: "bad sku!", BasePrice: decimal.NewFromInt(-5), WeightG: 0,
		HSCode: "61.09", OriginCountry: "XX", TaxCategory: "luxury", Options: map[string]string{"Size": "M"}})
	fe, ok := httpx.AsFieldErrors(err)
	if !ok {
		t.Fatalf("want field errors, got %v", err)
	}
	for _, field := range []string{"sku", "base_price", "weight_g", "hs_code", "origin_country", "tax_category", "options"} {
		if fe.For(field) == nil {
			t.Errorf("no error for %s", field)
		}
	}
	// HS codes may be written with dots; they are stored as digits.
	vid, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: "ATLAS-M", BasePrice: decimal.RequireFromString("21.5"), WeightG: 210,
		HSCode: "6109.10.00", OriginCountry: "cn"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.svc.Product(c.ctx, id)
	if v := p.Variants[1]; v.ID != vid || v.HSCode != "61091000" || v.OriginCountry != "CN" {
		t.Errorf("variant stored as %+v", v)
	}
	if _, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: "ATLAS-S", BasePrice: decimal.NewFromInt(1), WeightG: 1, HSCode: "610910", OriginCountry: "CN"}); !errors.Is(err, httpx.ErrConflict) {
		t.Errorf("duplicate SKU: %v", err)
	}
	after, _ := c.svc.AuditLog(c.ctx, id, 100)
	if len(after) != len(before)+1 {
		t.Errorf("audit entries %d → %d, want one more (the good variant)", len(before), len(after))
	}
	if after[0].Actor != "mia@example.com (#7)" || after[0].Action != "variant.create" {
		t.Errorf("audit entry %+v", after[0])
	}
}

func TestSlugConflictsAndMissingEnglishAreRefused(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	c.mustProduct(cat, map[string]ProductText{"en": {Title: "Cove Tee"}}, "COVE-1")
	if _, err := c.svc.CreateProduct(c.ctx, ProductFields{CategoryID: cat, Status: StatusDraft},
		map[string]ProductText{"en": {Title: "Cove Tee"}}); !errors.Is(err, httpx.ErrConflict) {
		t.Errorf("second product with slug cove-tee: %v", err)
	}
	if _, err := c.svc.CreateProduct(c.ctx, ProductFields{CategoryID: cat, Status: StatusDraft},
		map[string]ProductText{"de": {Title: "Nur Deutsch"}}); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("product without English: %v", err)
	}
	if _, err := c.svc.CreateProduct(c.ctx, ProductFields{CategoryID: 999, Status: "live"},
		map[string]ProductText{"en": {Title: "X"}}); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("bad category and status: %v", err)
	}
}

func testPNG(t *testing.T, w, h int) *bytes.Buffer {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 100, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return &b
}

func TestImagesAreCheckedStoredAndServedInTwoSizes(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	id := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Drift Tee"}}, "DRIFT-1")
	img, err := c.svc.AddImage(c.ctx, id, testPNG(t, 1600, 1600))
	if err != nil {
		t.Fatal(err)
	}
	h := c.storefront()
	for _, width := range []int{SmallWidth, LargeWidth} {
		res := get(t, h, ImageURL(img.Key, width))
		if res.Code != http.StatusOK || res.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Fatalf("rendition %d: %d %v", width, res.Code, res.Header())
		}
		decoded, _, err := image.Decode(res.Body)
		if err != nil || decoded.Bounds().Dx() != width {
			t.Errorf("rendition %d has width %d (%v)", width, decoded.Bounds().Dx(), err)
		}
	}
	for name, body := range map[string]*bytes.Buffer{
		"text":    bytes.NewBufferString("<svg onload=alert(1)>"),
		"too big": bytes.NewBuffer(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, MaxImageBytes)...)),
		"tiny":    testPNG(t, 10, 10),
		"corrupt": bytes.NewBuffer(append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)),
	} {
		if _, err := c.svc.AddImage(c.ctx, id, body); !errors.Is(err, httpx.ErrInvalid) {
			t.Errorf("%s upload: %v, want invalid", name, err)
		}
	}
	p, _ := c.svc.Product(c.ctx, id)
	if len(p.Images) != 1 {
		t.Errorf("%d images after bad uploads, want 1", len(p.Images))
	}
	if res := get(t, h, "/media/..%2f..%2fetc%2fpasswd"); res.Code != http.StatusNotFound {
		t.Errorf("path traversal: %d", res.Code)
	}
}

func TestListingFiltersSortsAndPages(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	for i := 0; i < 30; i++ {
		title := "Model" + string(rune('A'+i%26)) + decimal.NewFromInt(int64(i)).String() + " Shirt"
		c.mustProduct(cat, map[string]ProductText{"en": {Title: title}}, "SKU-"+decimal.NewFromInt(int64(i)).String())
	}
	h := c.storefront()
	first := get(t, h, "/en-us/c/shirts").Body.String()
	if n := strings.Count(first, `class="card"`); n != PerPage {
		t.Errorf("page 1 has %d cards, want %d", n, PerPage)
	}
	if !strings.Contains(first, "30 products") || !strings.Contains(first, `rel="next"`) {
		t.Error("count or next link missing")
	}
	if n := strings.Count(get(t, h, "/en-us/c/shirts?page=2").Body.String(), `class="card"`); n != 6 {
		t.Errorf("page 2 has %d cards", n)
	}
	// All variants here are size S (one variant each) priced 20.00: a max price below filters everything out.
	if body := get(t, h, "/en-us/c/shirts?max=19.99").Body.String(); strings.Contains(body, `class="card"`) {
		t.Error("price filter let products through")
	}
	if body := get(t, h, "/en-us/c/shirts?size=XL").Body.String(); strings.Contains(body, `class="card"`) {
		t.Error("size filter let products through")
	}
	if res := get(t, h, "/en-us/c/shirts?page=-3&sort=%27;drop&min=abc"); res.Code != http.StatusOK {
		t.Errorf("nonsense query: %d", res.Code)
	}
}

// TestListingsReusePricesUntilPricesOrCatalogChange: a category's prices are computed once and reused for every
// page, sort order aside, until the prices' version or the catalog changes; stock is read on every view.
func TestListingsReusePricesUntilPricesOrCatalogChange(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("mugs", 0, nil)
	var newest int64 // listed first
	for i := 0; i < 30; i++ {
		newest = c.mustProduct(cat, map[string]ProductText{"en": {Title: "Mug " + strconv.Itoa(i)}}, "MUG-"+strconv.Itoa(i))
	}
	h := c.storefront()
	get(t, h, "/en-us/c/mugs")
	priced := c.sf.priced
	if priced == 0 {
		t.Fatal("the first view priced nothing")
	}
	get(t, h, "/en-us/c/mugs?page=2")
	get(t, h, "/en-us/c/mugs")
	if c.sf.priced != priced {
		t.Errorf("later views priced %d more items, want none", c.sf.priced-priced)
	}
	c.sf.version++
	get(t, h, "/en-us/c/mugs")
	if c.sf.priced != 2*priced {
		t.Errorf("a new prices version did not re-price the listing (%d priced)", c.sf.priced)
	}
	// Stock is never cached: a product selling out shows at once.
	p, err := c.svc.Product(c.ctx, newest)
	if err != nil {
		t.Fatal(err)
	}
	c.sf.stock[p.Variants[0].ID] = 0
	if body := get(t, h, "/en-us/c/mugs").Body.String(); !strings.Contains(body, "Out of stock") {
		t.Error("a sold-out product is not shown as such on a cached listing")
	}
	// A catalog change (archiving a product) reaches the listing at once.
	if err := c.svc.UpdateProduct(c.ctx, newest, ProductFields{CategoryID: cat, Status: StatusArchived, Brand: "Northway"}); err != nil {
		t.Fatal(err)
	}
	if body := get(t, h, "/en-us/c/mugs").Body.String(); !strings.Contains(body, "29 products") {
		t.Error("an archived product is still listed")
	}
}

func TestSearchInJapaneseUsesTrigrams(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	c.mustProduct(cat, map[string]ProductText{"en": {Title: "Kyoto Tee"}, "ja": {Title: "キョウト オーガニックコットンTシャツ", Slug: "kyoto-tee-ja"}}, "KYOTO-1")
	body := get(t, c.storefront(), "/ja-jp/search?q="+url.QueryEscape("コットン")).Body.String()
	if !strings.Contains(body, "キョウト オーガニックコットンTシャツ") {
		t.Errorf("Japanese search found nothing")
	}
}
