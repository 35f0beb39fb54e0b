package catalog

import (
	"bytes"
	"encoding/xml"
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
	before, _ := auditLog(c.ctx, c.svc, id, 100)
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
	vid, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: "ATLAS-M", Options: map[string]string{"size": "M"},
		BasePrice: decimal.RequireFromString("21.5"), WeightG: 210, HSCode: "6109.10.00", OriginCountry: "cn"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := c.svc.Product(c.ctx, id)
	if v := p.Variants[1]; v.ID != vid || v.HSCode != "61091000" || v.OriginCountry != "CN" {
		t.Errorf("variant stored as %+v", v)
	}
	if _, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: "ATLAS-S", Options: map[string]string{"size": "L"},
		BasePrice: decimal.NewFromInt(1), WeightG: 1, HSCode: "610910", OriginCountry: "CN"}); !errors.Is(err, httpx.ErrConflict) {
		t.Errorf("duplicate SKU: %v", err)
	}
	after, _ := auditLog(c.ctx, c.svc, id, 100)
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

// TestActiveProductNeedsAVariantFromTheStart: a product cannot be created as active (it has no variants yet, so
// its page would be a 404), the same rule UpdateProduct applies, with the same message.
func TestActiveProductNeedsAVariantFromTheStart(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	_, err := c.svc.CreateProduct(c.ctx, ProductFields{CategoryID: cat, Status: StatusActive},
		map[string]ProductText{"en": {Title: "Early Tee"}})
	fe, ok := httpx.AsFieldErrors(err)
	if !ok || fe.For("status") == nil || fe.For("status").MessageID != "catalog.ActiveNeedsVariant" {
		t.Fatalf("active product without variants: %v", err)
	}
	if _, total, _ := c.svc.Products(c.ctx, ProductFilter{}, 10, 0); total != 0 {
		t.Errorf("%d products written", total)
	}
	res := postForm(t, c.admin(), "/products/new", url.Values{"category": {strconv.FormatInt(cat, 10)}, "status": {"active"},
		"title_en": {"Early Tee"}})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "A product needs at least one variant before it can be published.") {
		t.Errorf("editor: %d", res.Code)
	}
}

// TestSitemapListsOnlyListableProducts: the sitemap lists the products the storefront lists (active, with a
// variant, sold in the market), so every product URL in it opens. An active product without variants (left
// by data from before CreateProduct refused it) is not listed.
func TestSitemapListsOnlyListableProducts(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, map[string][]string{"GB": {"UKCA"}})
	c.mustProduct(cat, map[string]ProductText{"en": {Title: "Listed Tee"}}, "LISTED-1")
	empty, err := c.svc.CreateProduct(c.ctx, ProductFields{CategoryID: cat, Status: StatusDraft}, map[string]ProductText{"en": {Title: "Empty Tee"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := (store{db: c.svc.pool}).updateProduct(c.ctx, empty, ProductFields{CategoryID: cat, Status: StatusActive}); err != nil {
		t.Fatal(err)
	}
	c.svc.Invalidate()
	h := c.storefront()
	for prefix, want := range map[string][]string{"en-us": {"listed-tee"}, "en-gb": nil} {
		res := get(t, h, "/sitemaps/"+prefix+".xml")
		if res.Code != http.StatusOK {
			t.Fatalf("sitemap %s: %d", prefix, res.Code)
		}
		var set urlSet
		if err := xml.Unmarshal(res.Body.Bytes(), &set); err != nil {
			t.Fatal(err)
		}
		var products []string
		for _, u := range set.URLs {
			path := strings.TrimPrefix(u.Loc, "https://shop.example")
			if !strings.Contains(path, "/p/") {
				continue
			}
			products = append(products, path[strings.LastIndex(path, "/")+1:])
			if page := get(t, h, path); page.Code != http.StatusOK {
				t.Errorf("the sitemap of %s lists %s, which answers %d", prefix, path, page.Code)
			}
		}
		if strings.Join(products, ",") != strings.Join(want, ",") {
			t.Errorf("sitemap %s lists products %v, want %v", prefix, products, want)
		}
	}
}

// TestVariantsOfAProductNeedDistinctCombinationsOfTheSameOptions: two variants with the same options could
// not both be chosen on the product page; variants named differently (size vs size+colour) could not be
// chosen consistently. Both are refused with a field error naming the other SKU.
func TestVariantsOfAProductNeedDistinctCombinationsOfTheSameOptions(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("shirts", 0, nil)
	id := c.mustProduct(cat, map[string]ProductText{"en": {Title: "Pair Tee"}}, "PAIR-S", "PAIR-M") // size=S, size=M
	variant := func(sku string, opts map[string]string) Variant {
		return Variant{SKU: sku, Options: opts, BasePrice: decimal.NewFromInt(20), WeightG: 200, HSCode: "610910", OriginCountry: "CN"}
	}
	_, err := c.svc.SaveVariant(c.ctx, id, variant("PAIR-M2", map[string]string{"size": "M"}))
	fe, _ := httpx.AsFieldErrors(err)
	if e := fe.For("options"); e == nil || e.MessageID != "catalog.OptionsDuplicate" || e.Data["SKU"] != "PAIR-M" {
		t.Fatalf("a second size=M: %v", err)
	}
	_, err = c.svc.SaveVariant(c.ctx, id, variant("PAIR-L-RED", map[string]string{"size": "L", "color": "red"}))
	fe, _ = httpx.AsFieldErrors(err)
	if e := fe.For("options"); e == nil || e.MessageID != "catalog.OptionNamesDiffer" || e.Data["These"] != "color, size" {
		t.Fatalf("size+color among size-only variants: %v", err)
	}
	// Changing PAIR-S to M clashes too; saving it unchanged, or as L, does not (a variant never clashes with itself).
	p, _ := c.svc.Product(c.ctx, id)
	s := p.Variants[0]
	s.Options = map[string]string{"size": "M"}
	if _, err := c.svc.SaveVariant(c.ctx, id, s); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("PAIR-S changed to M: %v", err)
	}
	for _, size := range []string{"S", "L"} {
		s.Options = map[string]string{"size": size}
		if _, err := c.svc.SaveVariant(c.ctx, id, s); err != nil {
			t.Errorf("PAIR-S saved as %s: %v", size, err)
		}
	}
	if p, _ := c.svc.Product(c.ctx, id); len(p.Variants) != 2 {
		t.Errorf("%d variants, want 2", len(p.Variants))
	}
	// The editor shows the message.
	res := postForm(t, c.admin(), "/products/"+strconv.FormatInt(id, 10)+"/variants", url.Values{"sku": {"PAIR-M3"}, "options": {"size=M"},
		"base_price": {"20"}, "weight_g": {"200"}, "hs_code": {"610910"}, "origin_country": {"CN"}})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "The variant PAIR-M already has the options size=M") {
		t.Errorf("editor: %d", res.Code)
	}
}
