package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"storefront/internal/account"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/platform/actor"
)

// TestSigningInMergesAGuestCartFromAnotherMarket: a shopper whose account holds a cart in yen signs in on the US
// storefront with a guest cart in dollars; the account's cart then opens in Japan (it failed with 422 for a day,
// dollar lines in a yen cart), and in the US.
func TestSigningInMergesAGuestCartFromAnotherMarket(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	u := shop.mustUser("traveller@example.com", account.RoleShopper)
	inJapan, _ := shop.buyableProduct(t, "/ja-jp", "")
	if err := shop.app.carts.Add(context.Background(), cart.Ref{UserID: u.ID}, shop.shopper(t, "/ja-jp"), inJapan.ID, 1); err != nil {
		t.Fatal(err)
	}
	c := shop.client()
	inUS, _ := shop.buyableProduct(t, "/en-us", "")
	if res := c.post("/en-us/cart/items", url.Values{"variant": {fmt.Sprint(inUS.ID)}, "qty": {"2"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add as a guest: %d", res.Status)
	}
	c.signIn("traveller@example.com")
	got, err := shop.app.carts.Get(context.Background(), cart.Ref{UserID: u.ID})
	if err != nil || got.Currency != "JPY" {
		t.Fatalf("the account's cart: %+v %v", got, err)
	}
	for _, l := range got.Lines {
		if l.Price.Shown.Currency != "JPY" {
			t.Errorf("variant %d kept its %s price in the yen cart", l.VariantID, l.Price.Shown.Currency)
		}
	}
	res := c.get("/ja-jp/cart")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "￥") {
		t.Fatalf("the merged cart in Japan: %d", res.Status)
	}
	if n, _ := shop.app.carts.Count(context.Background(), cart.Ref{UserID: u.ID}); n != 3 {
		t.Errorf("%d units after the merge, want 3", n)
	}
	if res := c.get("/en-us/cart"); res.Status != http.StatusOK || !strings.Contains(res.Body, "$") {
		t.Errorf("the merged cart in the US: %d", res.Status)
	}
}

// TestSwitchingCountryNamesTheItemsRemovedFromTheCart: an item only sold in the US leaves the cart when the
// shopper switches to Japan, and the cart page says which one, in Japanese.
func TestSwitchingCountryNamesTheItemsRemovedFromTheCart(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	limited := shop.stockedVariant(t, 5)
	if err := shop.app.catalog.SetAvailability(actor.With(context.Background(), actor.System), limited.ProductID, []string{"US"}, nil); err != nil {
		t.Fatal(err)
	}
	other, _ := shop.buyableProduct(t, "/ja-jp", "")
	c := shop.client()
	for _, id := range []int64{limited.ID, other.ID} {
		if res := c.post("/en-us/cart/items", url.Values{"variant": {fmt.Sprint(id)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("add %d: %d", id, res.Status)
		}
	}
	res := c.get("/ja-jp/cart")
	want := "「" + limited.Title + "」は日本では販売していないため、カートから削除しました。"
	if res.Status != http.StatusOK || !strings.Contains(res.Body, want) {
		t.Fatalf("switching to Japan: %d, the page does not say %q", res.Status, want)
	}
	if n, _ := shop.app.carts.Count(context.Background(), cart.Ref{Token: c.cookie(cart.CookieName).Value}); n != 1 {
		t.Errorf("%d units left, want 1", n)
	}
}

// TestLocaleSelectorOnATranslatedProductPage: the selector keeps the path, so from the German page of a product
// the Japanese storefront gets the German slug; it redirects to the Japanese slug instead of a 404. Shared links
// with another language's category slug work the same way.
func TestLocaleSelectorOnATranslatedProductPage(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	products, _, err := shop.app.catalog.Products(context.Background(), catalog.ProductFilter{Status: catalog.StatusActive}, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	var de, ja string
	for _, p := range products {
		d, j, en := p.Texts["de"].Slug, p.Texts["ja"].Slug, p.Texts["en"].Slug
		if d != "" && j != "" && d != j && d != en && j != en {
			de, ja = d, j
			break
		}
	}
	if de == "" {
		t.Fatal("no demo product with its own German and Japanese slugs")
	}
	c := shop.client()
	res := c.get("/locale?country=jp&lang=ja&next=" + url.QueryEscape("/de-de/p/"+url.PathEscape(de)+"?sku=x"))
	next := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || next != "/ja-jp/p/"+url.PathEscape(de)+"?sku=x" {
		t.Fatalf("selector: %d → %q", res.Status, next)
	}
	res = c.get("/ja-jp/p/" + url.PathEscape(de))
	if res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != "/ja-jp/p/"+url.PathEscape(ja) {
		t.Fatalf("German slug in the Japanese storefront: %d → %q, want 301 → %q", res.Status, res.Header.Get("Location"), "/ja-jp/p/"+url.PathEscape(ja))
	}
	if res := c.get(res.Header.Get("Location")); res.Status != http.StatusOK || !strings.Contains(res.Body, `lang="ja-JP"`) {
		t.Errorf("the Japanese product page: %d", res.Status)
	}
	// The Japanese slug shared into the French storefront.
	if res := c.get("/fr-fr/p/" + url.PathEscape(ja)); res.Status != http.StatusMovedPermanently ||
		!strings.HasPrefix(res.Header.Get("Location"), "/fr-fr/p/") {
		t.Errorf("Japanese slug in the French storefront: %d → %q", res.Status, res.Header.Get("Location"))
	}
	cats, err := shop.app.catalog.Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, cat := range cats {
		d, j := cat.Texts["de"].Slug, cat.Texts["ja"].Slug
		if d == "" || j == "" || d == j {
			continue
		}
		res := c.get("/ja-jp/c/" + url.PathEscape(d))
		if res.Status != http.StatusMovedPermanently || res.Header.Get("Location") != "/ja-jp/c/"+url.PathEscape(j) {
			t.Errorf("German category slug in the Japanese storefront: %d → %q", res.Status, res.Header.Get("Location"))
		}
		break
	}
}

// TestMarketWithoutRateSaysPricesAreUnavailable: without an exchange rate for the yen, the Japanese storefront's
// priced pages answer 503 with a localized "prices temporarily unavailable" page and the fault is logged as an
// error; the storefront itself still exists, and other markets are unaffected.
func TestMarketWithoutRateSaysPricesAreUnavailable(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	item, _ := shop.buyableProduct(t, "/ja-jp", "")
	ctx := context.Background()
	if _, err := shop.pool.Exec(ctx, `DELETE FROM pricing_fx_rates WHERE 'JPY' IN (base, quote)`); err != nil {
		t.Fatal(err)
	}
	if err := shop.app.pricing.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&logs, nil)))
	defer slog.SetDefault(prev)

	c := shop.client()
	for _, path := range []string{"/ja-jp/", "/ja-jp/p/" + url.PathEscape(item.Slug)} {
		res := c.get(path)
		if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(res.Body, "価格を一時的に表示できません") || !strings.Contains(res.Body, "日本") {
			t.Errorf("GET %s: %d (Retry-After %q), want the 503 page saying prices for Japan are unavailable",
				path, res.Status, res.Header.Get("Retry-After"))
		}
	}
	if !strings.Contains(logs.String(), `"level":"ERROR"`) || !strings.Contains(logs.String(), "no exchange rate") {
		t.Errorf("the missing rate was not logged as an error:\n%s", logs.String())
	}
	if res := c.get("/ja-jp/account/signin"); res.Status != http.StatusOK {
		t.Errorf("the Japanese storefront's pages without prices: %d", res.Status)
	}
	if res := c.get("/en-us/"); res.Status != http.StatusOK {
		t.Errorf("the US storefront: %d", res.Status)
	}
}
