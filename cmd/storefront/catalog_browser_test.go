package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"storefront/internal/account"
	"storefront/internal/platform/browsertest"
)

// TestBrowserMerchantPublishesAProductShoppersFindInGerman: a merchant creates a product with two variants and
// a German translation in the back office and publishes it; a shopper at /de-de/ finds it by a German word and
// opens it under its German slug; the shopper cannot reach the back office.
func TestBrowserMerchantPublishesAProductShoppersFindInGerman(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	shop.mustUser("mia@example.com", account.RoleMerchant)
	shop.mustUser("sam@example.com", account.RoleShopper)

	b := browsertest.New(t, shop.URL, browsertest.Options{})
	b.Visit("/admin/catalog/products/new")
	b.Fill("#f-email", "mia@example.com")
	b.Fill("#f-password", testPassword)
	b.Submit("main form button[type=submit]")
	if !strings.HasSuffix(b.Location(), "/admin/catalog/products/new") {
		t.Fatalf("after sign-in: %s", b.Location())
	}
	var tshirts string
	b.Run("find category", chromedp.Evaluate(`[...document.querySelectorAll("#f-category option")].find(o => o.textContent.includes("T-shirts")).value`, &tshirts))
	b.Run("choose category", chromedp.SetValue("#f-category", tshirts, chromedp.ByQuery))
	b.Fill("#f-brand", "Northway")
	b.Fill("#f-supplier", "Linen Works (PT)")
	b.Fill("#f-title_en", "Aurora Linen Shirt")
	b.Fill("#f-description_en", "A breezy shirt woven from European linen.")
	b.Submit("main form button[type=submit]")
	if !strings.Contains(b.Location(), "/admin/catalog/products/") {
		t.Fatalf("after create: %s", b.Location())
	}
	edit := strings.TrimPrefix(b.Location(), shop.URL)
	for _, v := range []struct{ sku, size string }{{"AURORA-LINEN-M", "M"}, {"AURORA-LINEN-L", "L"}} {
		b.Fill("#v0-sku", v.sku)
		b.Fill("#v0-options", "size="+v.size+";color=white")
		b.Fill("#v0-base_price", "34.50")
		b.Fill("#v0-weight_g", "230")
		b.Fill("#v0-hs_code", "6205.90")
		b.Fill("#v0-origin_country", "PT")
		b.Submit("form[action$='/variants'] button[type=submit]")
		if strings.Contains(b.Text("main"), "Please correct") {
			t.Fatalf("variant %s refused: %s", v.sku, b.Text("main"))
		}
	}
	b.Fill("#f-title_de", "Aurora Leinenhemd")
	b.Fill("#f-description_de", "Ein luftiges Hemd aus europäischem Leinen.")
	b.Submit("form[action$='/texts'] button[type=submit]")
	b.Run("publish", chromedp.SetValue("#f-status", "active", chromedp.ByQuery))
	b.Submit("form[action='" + edit + "'] button[type=submit]")
	b.Screenshot("editor")
	page := b.Text("main")
	for _, want := range []string{"AURORA-LINEN-M", "AURORA-LINEN-L", "Aurora Leinenhemd", "product.texts", "mia@example.com"} {
		if !strings.Contains(page, want) {
			t.Errorf("editor lacks %q", want)
		}
	}

	shopper := browsertest.New(t, shop.URL, browsertest.Options{Width: 390, Height: 844, Mobile: true})
	shopper.Visit("/de-de/account/signin")
	shopper.Fill("#f-email", "sam@example.com")
	shopper.Fill("#f-password", testPassword)
	shopper.Submit("main form button[type=submit]")
	shopper.Visit("/de-de/search?q=Leinenhemden")
	shopper.Screenshot("search")
	shopper.Click("a[href='/de-de/p/aurora-leinenhemd']")
	if !strings.HasSuffix(shopper.Location(), "/de-de/p/aurora-leinenhemd") {
		t.Fatalf("product URL %s", shopper.Location())
	}
	if h1 := shopper.Text("h1"); h1 != "Aurora Leinenhemd" {
		t.Errorf("product title %q", h1)
	}
	shopper.Screenshot("product")
	shopper.Visit("/admin/catalog")
	if h1 := shopper.Text("h1"); h1 != "Access denied" && !strings.Contains(h1, "Zugriff") {
		t.Errorf("a shopper in the back office sees %q", h1)
	}
	if v, _, _ := shop.app.catalog.VariantBySKU(context.Background(), "AURORA-LINEN-L"); v.HSCode != "620590" {
		t.Errorf("HS code stored as %q", v.HSCode)
	}
}

// TestBrowserSameProductInFourStorefronts: one product in the US, Germany, Japan and the UAE shows the right
// currency, number format, language and direction; switching country in the selector changes the currency and
// keeps the cart.
func TestBrowserSameProductInFourStorefronts(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	item, _ := shop.buyableProduct(t, "/en-us", "earbuds")
	b := browsertest.New(t, shop.URL, browsertest.Options{})
	cases := []struct{ prefix, lang, dir, currency string }{
		{"/en-us", "en-US", "ltr", "$"}, {"/de-de", "de-DE", "ltr", "€"}, {"/ja-jp", "ja-JP", "ltr", "￥"}, {"/ar-ae", "ar-AE", "rtl", "د.إ."},
	}
	for _, c := range cases {
		loc, _ := shop.app.router.Resolve(strings.Trim(c.prefix, "/"))
		items, _ := shop.app.catalog.Items(context.Background(), []int64{item.ID}, loc.Language.Code, "")
		b.Visit(c.prefix + "/p/" + items[item.ID].Slug)
		if got := b.Attr("html", "lang"); got != c.lang {
			t.Errorf("%s lang %q", c.prefix, got)
		}
		if got := b.Attr("html", "dir"); got != c.dir {
			t.Errorf("%s dir %q", c.prefix, got)
		}
		price := b.Text(".summary .price")
		if !strings.Contains(price, c.currency) {
			t.Errorf("%s price %q lacks %q", c.prefix, price, c.currency)
		}
		if c.prefix == "/de-de" && !strings.Contains(price, ",") {
			t.Errorf("German price %q without a decimal comma", price)
		}
		if c.prefix == "/ja-jp" && strings.Contains(price, ".") {
			t.Errorf("yen price %q with decimals", price)
		}
		if h1 := b.Text("h1"); h1 != items[item.ID].Title {
			t.Errorf("%s title %q, want %q", c.prefix, h1, items[item.ID].Title)
		}
		b.Screenshot(strings.Trim(c.prefix, "/"))
	}
	// Put it in the cart in the US, then switch to Japan with the selector (no JavaScript needed).
	b.Visit("/en-us/p/" + item.Slug)
	b.Submit("form[action$='/cart/items'] button[type=submit]")
	b.Run("choose Japan", chromedp.SetValue("select[name=country]", "jp", chromedp.ByQuery), chromedp.SetValue("select[name=lang]", "ja", chromedp.ByQuery))
	b.Submit(".locale-selector button[type=submit]")
	if !strings.HasSuffix(b.Location(), "/ja-jp/cart") {
		t.Fatalf("after switching: %s", b.Location())
	}
	cart := b.Text("main")
	if !strings.Contains(cart, "￥") || strings.Contains(cart, "$") {
		t.Errorf("the cart is not in yen after switching: %q", cart)
	}
	if !strings.Contains(b.Text(".cart-link .count"), "1") {
		t.Error("the cart was lost when switching country")
	}
	b.Screenshot("switched")
}
