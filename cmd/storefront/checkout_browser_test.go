package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"storefront/internal/account"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/browsertest"
	"storefront/internal/platform/pgtest"
	"storefront/internal/platform/postgres"
)

// seededShop is a shop with the demo data, on a database cloned from one seeded once per test run (seeding takes
// seconds, many times more under the race detector). Its uploaded images live in a directory shared by the run.
func seededShop(t testing.TB) *testShop {
	t.Helper()
	return seededShopWith(t, nil)
}

// seededShopWith is seededShop with extra configuration.
func seededShopWith(t testing.TB, env map[string]string) *testShop {
	t.Helper()
	pool, err := postgres.Open(context.Background(), seededDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	merged := map[string]string{"BLOB_DIR": seededBlobs}
	for k, v := range env {
		merged[k] = v
	}
	return serveShopWith(t, pool, merged)
}

// seededDatabase is a new database holding the demo shop, cloned from one seeded once per test run.
func seededDatabase(t testing.TB) string {
	t.Helper()
	return pgtest.NewDerivedDatabase(t, "seeded", func(ctx context.Context, url string) error {
		pool, err := postgres.Open(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		cfg := testConfig(t, "http://localhost", "", map[string]string{"BLOB_DIR": seededBlobs})
		a, err := newApp(ctx, cfg, testLogger(), pool)
		if err != nil {
			return err
		}
		return a.seedDemo(ctx)
	})
}

// buyableProduct finds a product sold and in stock in the market of a storefront prefix, and its URL there.
func (s *testShop) buyableProduct(t testing.TB, prefix, category string) (catalog.Item, string) {
	t.Helper()
	loc, ok := s.app.router.Resolve(strings.Trim(prefix, "/"))
	if !ok {
		t.Fatalf("no storefront %s", prefix)
	}
	m, err := s.app.pricing.MarketFor(loc.Region)
	if err != nil {
		t.Fatal(err)
	}
	products, _, err := s.app.catalog.Products(context.Background(), catalog.ProductFilter{Status: catalog.StatusActive}, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range products {
		for _, v := range p.Variants {
			items, _ := s.app.catalog.Items(context.Background(), []int64{v.ID}, loc.Language.Code, m.Code)
			avail, _ := s.app.inventory.Available(context.Background(), []int64{v.ID})
			it := items[v.ID]
			if it.Sellable && avail[v.ID] >= 3 && (category == "" || strings.HasPrefix(strings.ToLower(v.SKU), category)) {
				return it, prefix + "/p/" + url.PathEscape(it.Slug) + "?sku=" + url.QueryEscape(it.SKU)
			}
		}
	}
	t.Fatalf("no buyable product in %s", prefix)
	return catalog.Item{}, ""
}

// adminText is a message in a back-office language.
func (s *testShop) adminText(code, id string) string {
	lang, ok := s.app.msgs.ByCode(code)
	if !ok {
		s.t.Fatalf("no language %s", code)
	}
	return s.app.msgs.Locale(lang, "").T(id)
}

// TestBrowserCheckoutPerMarket buys as a guest in three markets with the test payment, checks the confirmation
// is in the market's language and currency, ships the order as ops, records customs clearance in the back
// office (in English or Chinese) and sees the tracking as the shopper, in the shopper's language.
func TestBrowserCheckoutPerMarket(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	shop.mustUser("ops-browser@example.com", account.RoleOps)
	cases := []struct {
		prefix, lang, currencySign, phone, region, postal, city string
		mobile                                                  bool
		// customsCleared is how the shopper reads the customs_cleared tracking event; opsLanguage is the back
		// office's language of the ops person recording it.
		customsCleared, opsLanguage string
	}{
		{"/de-de", "de-DE", "€", "+49 30 1234567", "", "10115", "Berlin", false, "Verzollt", "en"},
		{"/ja-jp", "ja-JP", "￥", "03-1234-5678", "13", "100-0001", "千代田区", true, "通関済み", "zh-Hans"},
		{"/en-us", "en-US", "$", "+1 415 555 0100", "CA", "94103", "San Francisco", false, "Customs cleared", "en"},
	}
	for _, c := range cases {
		t.Run(strings.Trim(c.prefix, "/"), func(t *testing.T) {
			opts := browsertest.Options{}
			if c.mobile {
				opts = browsertest.Options{Width: 390, Height: 844, Mobile: true}
			}
			b := browsertest.New(t, shop.URL, opts)
			item, productURL := shop.buyableProduct(t, c.prefix, "")
			b.Visit(productURL)
			if lang := b.Attr("html", "lang"); lang != c.lang {
				t.Fatalf("product page lang %q", lang)
			}
			price := b.Text(".summary .price")
			if !strings.Contains(price, c.currencySign) {
				t.Errorf("price %q lacks %s", price, c.currencySign)
			}
			b.Screenshot("product")
			b.Submit("form[action$='/cart/items'] button[type=submit]")
			if !strings.HasSuffix(b.Location(), c.prefix+"/cart") {
				t.Fatalf("after add to cart: %s", b.Location())
			}
			if !strings.Contains(b.Text("table.cart"), item.Title) {
				t.Fatal("the cart does not show the item")
			}
			b.Screenshot("cart")
			b.Click("a.button[href$='/checkout']")
			b.Fill("#f-email", "shopper-"+strings.Trim(c.prefix, "/")+"@example.com")
			b.Fill("#f-phone", c.phone)
			b.Fill("#f-name", "Test Shopper")
			b.Fill("#f-line1", "1 Example Street")
			b.Fill("#f-city", c.city)
			if c.region != "" {
				b.Run("choose region", chromedp.SetValue("#f-region", c.region, chromedp.ByQuery))
			}
			b.Fill("#f-postal_code", c.postal)
			b.Screenshot("address")
			b.Submit("form.checkout-form button[type=submit]")
			if !strings.HasSuffix(b.Location(), c.prefix+"/checkout/review") {
				t.Fatalf("after address: %s (%s)", b.Location(), b.Text("main"))
			}
			breakdown := b.Text(".breakdown")
			if !strings.Contains(breakdown, c.currencySign) {
				t.Errorf("breakdown without %s: %q", c.currencySign, breakdown)
			}
			b.Screenshot("review")
			b.Run("choose test payment", chromedp.Click("input[value=test]", chromedp.ByQuery))
			b.Submit("main form button[type=submit]")
			if !strings.Contains(b.Location(), c.prefix+"/checkout/pay/") {
				t.Fatalf("after placing: %s", b.Location())
			}
			b.Screenshot("test-payment")
			b.Submit("button[value=succeed]")
			if !strings.Contains(b.Location(), c.prefix+"/orders/BG-") {
				t.Fatalf("after paying: %s", b.Location())
			}
			orderURL := strings.TrimPrefix(b.Location(), shop.URL)
			if lang := b.Attr("html", "lang"); lang != c.lang {
				t.Errorf("confirmation lang %q", lang)
			}
			if total := b.Text(".breakdown"); !strings.Contains(total, c.currencySign) {
				t.Errorf("confirmation total without %s", c.currencySign)
			}
			b.Screenshot("confirmation")
			number := regexp.MustCompile(`BG-\d+-\d+`).FindString(orderURL)

			// Ops ship it.
			o, err := shop.app.checkout.OrderByNumber(context.Background(), number)
			if err != nil {
				t.Fatal(err)
			}
			ops := actor.With(context.Background(), actor.Actor{Email: "ops-browser@example.com", Role: "ops"})
			qty := map[int]int{}
			for _, l := range o.Lines {
				qty[l.LineNo] = l.Quantity
			}
			sid, err := shop.app.checkout.StartShipment(ops, o.ID, o.Lines[0].WarehouseID, qty)
			if err != nil {
				t.Fatal(err)
			}
			if err := shop.app.checkout.PackShipment(ops, o.ID, sid); err != nil {
				t.Fatal(err)
			}
			if err := shop.app.checkout.ShipShipment(ops, o.ID, sid, "DHL Express", "JD014600006281"); err != nil {
				t.Fatal(err)
			}
			// Ops record customs clearance in the back office: an event chosen from the list, the place as a note.
			opsBrowser := browsertest.New(t, shop.URL, browsertest.Options{})
			opsBrowser.Visit("/admin/signin")
			opsBrowser.Fill("#f-email", "ops-browser@example.com")
			opsBrowser.Fill("#f-password", testPassword)
			opsBrowser.Submit("main form button[type=submit]")
			opsBrowser.Visit(fmt.Sprintf("/admin/language?to=%s&next=/admin/orders/%d", c.opsLanguage, o.ID))
			status := fmt.Sprintf("#s%d-status", sid)
			if opts := opsBrowser.Text(status); !strings.Contains(opts, shop.adminText(c.opsLanguage, "checkout.Shipment.customs_cleared")) {
				t.Fatalf("the event list offers %q", opts)
			}
			opsBrowser.Run("choose the event", chromedp.SetValue(status, checkout.TrackCustomsCleared, chromedp.ByQuery))
			opsBrowser.Fill(fmt.Sprintf("#s%d-location", sid), "Leipzig")
			opsBrowser.Screenshot("ops-order")
			opsBrowser.Submit("form[action$='/events'] button[type=submit]")
			if !strings.HasSuffix(opsBrowser.Location(), fmt.Sprintf("/admin/orders/%d", o.ID)) {
				t.Fatalf("after adding the event: %s (%s)", opsBrowser.Location(), opsBrowser.Text("main"))
			}
			if timeline := opsBrowser.Text("article.panel .timeline"); !strings.Contains(timeline, shop.adminText(c.opsLanguage, "checkout.Shipment.customs_cleared")) {
				t.Errorf("ops timeline %q", timeline)
			}
			opsBrowser.Screenshot("ops-order-tracked")

			b.Visit(orderURL)
			tracking := b.Text("#tracking + *, section[aria-labelledby=tracking]")
			if !strings.Contains(tracking, "JD014600006281") || !strings.Contains(tracking, "DHL Express") ||
				!strings.Contains(tracking, c.customsCleared) || !strings.Contains(tracking, "Leipzig") {
				t.Errorf("tracking not shown in %s: %q", c.lang, tracking)
			}
			if strings.Contains(tracking, "customs_cleared") || (c.lang != "en-US" && strings.Contains(tracking, "Customs cleared")) {
				t.Errorf("tracking shows the event untranslated: %q", tracking)
			}
			b.Screenshot("tracking")
		})
	}
}
