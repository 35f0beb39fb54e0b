package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/account"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/returns"
)

var (
	mainRe      = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	headingRe   = regexp.MustCompile(`(?s)<(h1|h2|h3|th|dt|legend|label)\b[^>]*>(.*?)</(?:h1|h2|h3|th|dt|legend|label)>`)
	tagRe       = regexp.MustCompile(`<[^>]+>`)
	latinWordRe = regexp.MustCompile(`[A-Za-z]{2,}`)
	// Tokens a Chinese back office writes in Latin letters too (as the zh-Hans messages do), and data: order and
	// return numbers, SKUs in pick labels, ISO codes of markets and currencies.
	allowedLatinRe = regexp.MustCompile(`\b(SKU|HS|ID|VAT|GST|DDP|DAP|CSV|[A-Z]{2,3}(-[0-9]+)+|[A-Z0-9]+(-[A-Z0-9]+)+|[A-Z]{2,3})\b`)
)

// mainHTML is the page's <main> element, without the chrome around it.
func mainHTML(t *testing.T, page string) string {
	t.Helper()
	m := mainRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no <main>")
	}
	return m[1]
}

// headings lists the text of the page's headings, table headers, terms, legends and labels.
func headings(page string) []string {
	var out []string
	for _, m := range headingRe.FindAllStringSubmatch(page, -1) {
		text := strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(m[2], " ")))
		if text != "" {
			out = append(out, text)
		}
	}
	return out
}

// TestBackOfficeInSimplifiedChinese: an admin who chose 简体中文 reads the orders, returns, catalog and
// landed-cost pages with Chinese headings, column headers and labels, and none left in English.
func TestBackOfficeInSimplifiedChinese(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops-setup@example.com", Role: "ops"})
	item := shop.stockedVariant(t, 5)
	delivered := shop.deliveredOrder(t, "/fr-fr", item.ID)
	ret, err := shop.app.returns.Request(ctx, delivered.ID, returns.RequestInput{Quantities: map[int]int{1: 1},
		Reason: returns.ReasonChangedMind, Locale: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	// An order on its way, with a tracking event and the ops form for the next one.
	o, err := shop.placeOrder(ctx, "/de-de", shop.shopper(t, "/de-de"), item.ID, 1, checkout.MethodBankTransfer)
	if err != nil {
		t.Fatal(err)
	}
	if err := shop.app.checkout.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "transfer"); err != nil {
		t.Fatal(err)
	}
	sid, err := shop.app.checkout.StartShipment(ctx, o.ID, o.Lines[0].WarehouseID, map[int]int{1: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := shop.app.checkout.PackShipment(ctx, o.ID, sid); err != nil {
		t.Fatal(err)
	}
	if err := shop.app.checkout.ShipShipment(ctx, o.ID, sid, o.Carrier, "RR123456789CN"); err != nil {
		t.Fatal(err)
	}
	if err := shop.app.checkout.AddTrackingEvent(ctx, o.ID, sid, checkout.TrackCustomsCleared, "Leipzig", ""); err != nil {
		t.Fatal(err)
	}
	refund := money.Amount{Number: decimal.RequireFromString("1.00"), Currency: o.Currency}
	if _, err := shop.app.checkout.RefundOrder(ctx, o.ID, refund, "goodwill", "zh-refund"); err != nil {
		t.Fatal(err)
	}

	shop.mustUser("admin-zh@example.com", account.RoleAdmin)
	c := shop.client()
	c.signIn("admin-zh@example.com")
	if res := c.get("/admin/language?to=zh-Hans&next=/admin"); res.Status != http.StatusSeeOther {
		t.Fatalf("choosing the language: %d", res.Status)
	}
	lang, _ := shop.app.msgs.ByCode("zh-Hans")
	zh := shop.app.msgs.Locale(lang, "")
	pages := []struct {
		path string
		want []string // message IDs whose Chinese text the page shows
	}{
		{"/admin/orders", []string{"checkout.QueueTitle", "checkout.Order", "checkout.Customer", "checkout.StatusLabel"}},
		{fmt.Sprintf("/admin/orders/%d", o.ID), []string{"checkout.Lines", "checkout.LineNo", "checkout.IncotermLabel",
			"checkout.Incoterm.DDP", "checkout.Shipments", "checkout.Shipment.customs_cleared", "checkout.EventStatus",
			"checkout.CarrierName.economy", "checkout.Payments", "checkout.PaymentStatus.succeeded", "checkout.RefundStatus.manual"}},
		{fmt.Sprintf("/admin/orders/%d", delivered.ID), []string{"checkout.Lines", "checkout.Shipment.delivered", "checkout.History"}},
		{"/admin/returns", []string{"returns.QueueTitle", "returns.StatusLabel"}},
		{fmt.Sprintf("/admin/returns/%d", ret.ID), []string{"returns.ItemsTitle", "returns.LineNo", "returns.Inspection"}},
		{"/admin/catalog", []string{"catalog.Title", "catalog.Status", "catalog.Category"}},
		{"/admin/landed-cost", []string{"landedcost.RulesTitle", "landedcost.RuleID", "landedcost.RulesInForce",
			"landedcost.TariffInForce", "landedcost.HS"}},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			res := c.get(p.path)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d", res.Status)
			}
			if !strings.Contains(res.Body, `lang="zh-Hans"`) {
				t.Fatal("the page is not in Simplified Chinese")
			}
			body := mainHTML(t, res.Body)
			for _, id := range p.want {
				if text := zh.T(id); !strings.Contains(html.UnescapeString(res.Body), text) {
					t.Errorf("%s (%q) is not on the page", id, text)
				}
			}
			for _, raw := range []string{"· pending ·", "· succeeded ·", "· failed ·", "· manual ·", "Postal economy"} {
				if strings.Contains(body, raw) {
					t.Errorf("the page shows %q as stored", raw)
				}
			}
			hs := headings(body)
			if len(hs) < 3 {
				t.Fatalf("only %d headings: %q", len(hs), hs)
			}
			for _, h := range hs {
				if left := latinWordRe.FindAllString(allowedLatinRe.ReplaceAllString(h, ""), -1); len(left) > 0 {
					t.Errorf("heading %q has English %q", h, left)
				}
			}
		})
	}
}

// ruleRowRe is a row of the rules table: ID, destination, kind, from, until, parameters, source.
var ruleRowRe = regexp.MustCompile(`(?s)<tr><td><code>([^<]+)</code></td><td>([^<]*)</td><td>([^<]*)</td><td class="nowrap">([^<]*)</td><td class="nowrap">([^<]*)</td><td class="small"><code class="changes">[^<]*</code></td><td class="small">([^<]*)</td></tr>`)

// tariffRowRe is a row of the tariff table: destination, HS prefix, origin, preference, rate, from, until, source.
var tariffRowRe = regexp.MustCompile(`(?s)<tr><td>([^<]*)</td><td><code>([^<]*)</code></td><td>([^<]*)</td><td>([^<]*)</td><td class="num">([^<]*)</td><td class="nowrap">([^<]*)</td><td class="nowrap">([^<]*)</td><td class="small">([^<]*)</td></tr>`)

// TestLandedCostViewerShowsTheRulesInForceOnADate: the rules viewer lists, for a destination and a date, exactly
// the rules and tariff rates the engine applies that day, each with its source. Across the EU's change of
// 2026-07-01 the EUR 150 duty relief gives way to the EUR 3 flat duty; before the tariff's first day there is
// no tariff at all.
func TestLandedCostViewerShowsTheRulesInForceOnADate(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	shop.mustUser("merchant-lc@example.com", account.RoleMerchant)
	c := shop.client()
	c.signIn("merchant-lc@example.com")
	snap, err := shop.app.landedcost.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ from, to, source string }
	for _, tc := range []struct {
		date         string
		present      []string
		absent       []string
		tariffAbsent bool
	}{
		{"2026-06-30", []string{"eu-duty-relief-150", "eu-ioss", "eu-market"}, []string{"eu-flat-duty-3"}, false},
		{"2026-07-01", []string{"eu-flat-duty-3", "eu-ioss", "eu-market"}, []string{"eu-duty-relief-150"}, false},
		{"2023-12-31", []string{"eu-duty-relief-150", "eu-ioss"}, []string{"eu-flat-duty-3"}, true},
	} {
		t.Run(tc.date, func(t *testing.T) {
			res := c.get("/admin/landed-cost?date=" + tc.date + "&destination=DE")
			if res.Status != http.StatusOK {
				t.Fatalf("status %d", res.Status)
			}
			body := mainHTML(t, res.Body)
			if !strings.Contains(body, `value="`+tc.date+`"`) {
				t.Errorf("the date field does not keep %s", tc.date)
			}
			rules := map[string]row{}
			for _, m := range ruleRowRe.FindAllStringSubmatch(body, -1) {
				rules[m[1]] = row{from: m[4], to: m[5], source: html.UnescapeString(m[6])}
			}
			on, _ := time.Parse("2006-01-02", tc.date)
			wantRules, wantTariff := snap.InForce("DE", on)
			if len(rules) != len(wantRules) {
				t.Errorf("%d rules shown, %d in force", len(rules), len(wantRules))
			}
			for _, ru := range wantRules {
				got, ok := rules[ru.ID]
				if !ok {
					t.Errorf("rule %s in force but not shown", ru.ID)
					continue
				}
				to := "—"
				if ru.EffectiveTo != nil {
					to = ru.EffectiveTo.Format("2006-01-02")
				}
				if got.from != ru.EffectiveFrom.Format("2006-01-02") || got.to != to || got.source != ru.Source || got.source == "" {
					t.Errorf("rule %s shown as %+v", ru.ID, got)
				}
			}
			for _, id := range tc.present {
				if _, ok := rules[id]; !ok {
					t.Errorf("%s is not listed on %s", id, tc.date)
				}
			}
			for _, id := range tc.absent {
				if _, ok := rules[id]; ok {
					t.Errorf("%s is listed on %s, when it is not in force", id, tc.date)
				}
			}
			if flat, ok := rules["eu-flat-duty-3"]; ok && !strings.Contains(flat.source, "Council Reg. (EU) 2026/382") {
				t.Errorf("the flat duty's source is %q", flat.source)
			}
			tariff := tariffRowRe.FindAllStringSubmatch(body, -1)
			if len(tariff) != len(wantTariff) {
				t.Errorf("%d tariff rows shown, %d in force", len(tariff), len(wantTariff))
			}
			if tc.tariffAbsent != (len(tariff) == 0) {
				t.Errorf("tariff rows on %s: %d", tc.date, len(tariff))
			}
			shown := map[string]bool{}
			for _, m := range tariff {
				if m[8] == "" {
					t.Errorf("tariff row %s %s without a source", m[1], m[2])
				}
				shown[m[2]+"|"+m[3]+"|"+m[4]+"|"+html.UnescapeString(m[8])] = true
			}
			dash := func(s string) string {
				if s == "" {
					return "—"
				}
				return s
			}
			for _, tr := range wantTariff {
				if !shown[tr.HSPrefix+"|"+dash(tr.Origin)+"|"+dash(tr.Preference)+"|"+tr.Source] {
					t.Errorf("tariff row %s from %q (%s) not shown with its source", tr.HSPrefix, tr.Origin, tr.Preference)
				}
			}
		})
	}
}

// breakdownRowRe is a row of a breakdown table: its label (before any note) and its amount.
var breakdownRowRe = regexp.MustCompile(`(?s)<tr(?: class="total")?><th scope="row">(.*?)</th><td class="num nowrap">(.*?)</td></tr>`)

// breakdownRows reads the breakdown on a page as label → amount, as the shopper reads them.
func breakdownRows(t *testing.T, page string) map[string]string {
	t.Helper()
	start := strings.Index(page, `class="breakdown"`)
	if start < 0 {
		t.Fatal("the page has no breakdown")
	}
	page = page[start:]
	page = page[:strings.Index(page, "</table>")]
	out := map[string]string{}
	for _, m := range breakdownRowRe.FindAllStringSubmatch(page, -1) {
		label, _, _ := strings.Cut(m[1], "<br")
		out[strings.TrimSpace(html.UnescapeString(label))] = strings.TrimSpace(html.UnescapeString(m[2]))
	}
	return out
}

// commandQuote is the part of `storefront landedcost quote`'s output the shop shows.
type commandQuote struct {
	Goods         decimal.Decimal `json:"goods"`
	Shipping      decimal.Decimal `json:"shipping"`
	Duty          decimal.Decimal `json:"duty"`
	Tax           decimal.Decimal `json:"tax"`
	Fees          decimal.Decimal `json:"fees"`
	Total         decimal.Decimal `json:"total"`
	DueAtCheckout decimal.Decimal `json:"due_at_checkout"`
	DueOnDelivery decimal.Decimal `json:"due_on_delivery"`
}

// quoteCommand runs `storefront landedcost quote` on a request.
func quoteCommand(t *testing.T, req any) commandQuote {
	t.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"landedcost", "quote"}, func(string) string { return "" },
		bytes.NewReader(in), &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("quote command: %v", err)
	}
	var q commandQuote
	if err := json.Unmarshal(out.Bytes(), &q); err != nil {
		t.Fatalf("quote command output: %v\n%s", err, out.String())
	}
	return q
}

// TestReviewPageBreakdownMatchesTheQuoteCommand: every amount of the checkout review page (goods, shipping,
// duty, tax, fees, total, due now and on delivery) is what `storefront landedcost quote` gives for the same
// basket's consignments, in DDP and DAP markets, with prices shown with and without tax.
func TestReviewPageBreakdownMatchesTheQuoteCommand(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	for _, prefix := range []string{"/en-us", "/de-de", "/ja-jp", "/de-ch"} {
		t.Run(strings.Trim(prefix, "/"), func(t *testing.T) {
			ctx := context.Background()
			c := shop.client()
			item, _ := shop.buyableProduct(t, prefix, "")
			if res := c.post(prefix+"/cart/items", url.Values{"variant": {fmt.Sprint(item.ID)}, "qty": {"2"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("add to cart: %d", res.Status)
			}
			sh := shop.shopper(t, prefix)
			ref := cart.Ref{Token: c.cookie(cart.CookieName).Value}
			v, err := shop.app.carts.View(ctx, ref, sh)
			if err != nil {
				t.Fatal(err)
			}
			d := checkout.Draft{CartID: v.ID, Email: "review@example.com", Phone: "+49 30 1234567", Address: draftAddress(sh.Country),
				Service: checkout.ServiceEconomy}
			if sh.Country == "CH" {
				d.Address.PostalCode = "8001"
			}
			if err := shop.app.checkout.SaveDraft(ctx, d, sh.Market.Countries); err != nil {
				t.Fatal(err)
			}
			res := c.get(prefix + "/checkout/review")
			if res.Status != http.StatusOK {
				t.Fatalf("review page: %d", res.Status)
			}
			rows := breakdownRows(t, res.Body)

			d, _ = shop.app.checkout.Draft(ctx, v.ID)
			b, err := shop.app.checkout.Breakdown(ctx, checkout.BasketFor(v, d, time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			var goods, shipping, duty, tax, fees, total, now, later decimal.Decimal
			for _, con := range b.Consignments {
				q := quoteCommand(t, con.Request)
				goods, shipping = goods.Add(q.Goods), shipping.Add(q.Shipping)
				duty, tax, fees, total = duty.Add(q.Duty), tax.Add(q.Tax), fees.Add(q.Fees), total.Add(q.Total)
				now, later = now.Add(q.DueAtCheckout), later.Add(q.DueOnDelivery)
			}
			loc, _ := shop.app.router.Resolve(strings.Trim(prefix, "/"))
			amt := func(d decimal.Decimal) string {
				return loc.Money(money.Amount{Number: d, Currency: sh.Market.Currency})
			}

			// What the shopper was shown for the items and the shipping; in tax-inclusive markets it holds tax
			// the quote counts under Tax, so only the difference is added.
			items := decimal.Zero
			for _, l := range v.Lines {
				items = items.Add(l.Price.Shown.Number.Mul(decimal.NewFromInt(int64(l.Quantity))))
			}
			shown := b.Rate.Price
			want := map[string]string{loc.N("checkout.Items", v.Units): amt(items), loc.T("checkout.Duty"): amt(duty),
				loc.T("checkout.Total"): amt(total)}
			if b.Rate.Free {
				want[loc.T("checkout.Shipping")] = loc.T("checkout.Free")
			} else {
				want[loc.T("checkout.Shipping")] = amt(shown)
			}
			if sh.Market.TaxInclusive {
				inPrices := items.Add(shown).Sub(goods).Sub(shipping)
				if adj := tax.Sub(inPrices); !adj.IsZero() {
					want[loc.T("checkout.TaxAdjustment")] = amt(adj)
				}
				if !tax.IsZero() {
					want[loc.T("checkout.OfWhichTax")] = amt(tax)
				}
			} else {
				if !items.Equal(goods) || !shown.Equal(shipping) {
					t.Errorf("goods %s and shipping %s shown, %s and %s quoted", items, shown, goods, shipping)
				}
				want[loc.T("checkout.Tax")] = amt(tax)
			}
			if !fees.IsZero() {
				want[loc.T("checkout.Fees")] = amt(fees)
			}
			if !later.IsZero() {
				want[loc.T("checkout.PayNow")] = amt(now)
				want[loc.T("checkout.PayOnDelivery")] = amt(later)
			} else if !now.Equal(total) {
				t.Errorf("nothing due on delivery, but %s due now of %s", now, total)
			}
			for label, amount := range want {
				if got, ok := rows[label]; !ok {
					t.Errorf("no %q row on the review page (rows %q)", label, rows)
				} else if got != amount {
					t.Errorf("%s: page %q, quote command %q", label, got, amount)
				}
			}
			if len(rows) != len(want) {
				t.Errorf("the page shows rows %q, the quote gives %q", rows, want)
			}
		})
	}
}

// estimateFacts reads the product page's import-charges estimate as label → value, and its note.
func estimateFacts(t *testing.T, page string) (map[string]string, string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<section class="estimate"[^>]*>(.*?)</section>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the product page shows no import-charges estimate")
	}
	facts := map[string]string{}
	for _, f := range regexp.MustCompile(`(?s)<dt>(.*?)</dt><dd>(.*?)</dd>`).FindAllStringSubmatch(m[1], -1) {
		facts[html.UnescapeString(f[1])] = html.UnescapeString(f[2])
	}
	note := regexp.MustCompile(`(?s)<p class="small">(.*?)</p>`).FindStringSubmatch(m[1])
	if note == nil {
		return facts, ""
	}
	return facts, html.UnescapeString(note[1])
}

// productFrom finds a variant of the given origin ("" for any) sold and in stock in the storefront's market.
func (s *testShop) productFrom(t *testing.T, prefix, origin string) (catalog.Item, string) {
	t.Helper()
	loc, _ := s.app.router.Resolve(strings.Trim(prefix, "/"))
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
			if origin != "" && v.OriginCountry != origin {
				continue
			}
			items, _ := s.app.catalog.Items(context.Background(), []int64{v.ID}, loc.Language.Code, m.Code)
			avail, _ := s.app.inventory.Available(context.Background(), []int64{v.ID})
			if it := items[v.ID]; it.Sellable && avail[v.ID] >= 1 {
				return it, prefix + "/p/" + url.PathEscape(it.Slug) + "?sku=" + url.QueryEscape(it.SKU)
			}
		}
	}
	t.Fatalf("no product from %q sold in %s", origin, prefix)
	return catalog.Item{}, ""
}

// TestProductPageEstimateIsTheCartsQuote: the product page's import charges are checkout's breakdown of a cart
// holding that one unit, also where the channel and a preference matter: Mexican jeans bought from Canada ship by
// post (the default service) and claim CUSMA, and the page quotes them so.
func TestProductPageEstimateIsTheCartsQuote(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	for _, tc := range []struct{ prefix, origin string }{{"/en-ca", "MX"}, {"/fr-ca", "MX"}, {"/en-us", "MX"}, {"/de-de", ""}, {"/ja-jp", ""}} {
		t.Run(strings.Trim(tc.prefix, "/")+"-"+tc.origin, func(t *testing.T) {
			ctx := context.Background()
			item, productURL := shop.productFrom(t, tc.prefix, tc.origin)
			c := shop.client()
			page := c.get(productURL)
			if page.Status != http.StatusOK {
				t.Fatalf("product page: %d", page.Status)
			}
			facts, note := estimateFacts(t, page.Body)

			if res := c.post(tc.prefix+"/cart/items", url.Values{"variant": {fmt.Sprint(item.ID)}}); res.Status != http.StatusSeeOther {
				t.Fatalf("add to cart: %d", res.Status)
			}
			sh := shop.shopper(t, tc.prefix)
			v, err := shop.app.carts.View(ctx, cart.Ref{Token: c.cookie(cart.CookieName).Value}, sh)
			if err != nil {
				t.Fatal(err)
			}
			b, err := shop.app.checkout.Breakdown(ctx, checkout.BasketFor(v, checkout.Draft{}, time.Now()))
			if err != nil {
				t.Fatal(err)
			}
			if tc.origin == "MX" {
				req := b.Consignments[0].Request
				if req.Channel != "postal" || req.Lines[0].Preference != "USMCA" {
					t.Fatalf("the cart quotes channel %q, preference %q: not the case this test is about", req.Channel, req.Lines[0].Preference)
				}
			}
			loc, _ := shop.app.router.Resolve(strings.Trim(tc.prefix, "/"))
			if len(b.Consignments) == 1 && b.Consignments[0].Quote.Regime == "DOMESTIC" {
				if want := loc.T("catalog.NoImportCharges", "Country", loc.CountryName(b.Consignments[0].ShipFrom)); note != want {
					t.Errorf("note %q, want %q", note, want)
				}
				return
			}
			want := map[string]string{}
			if !b.DutyUnknown {
				want[loc.T("catalog.Duty")] = loc.Money(b.Duty)
			}
			tax := b.TaxAdjustment
			if tax.Number.IsNegative() {
				tax.Number = decimal.Zero
			}
			if b.TaxIncluded && tax.IsZero() {
				want[loc.T("catalog.ImportTax")] = loc.T("catalog.IncludedInPrice")
			} else {
				want[loc.T("catalog.ImportTax")] = loc.Money(tax)
			}
			if !b.Fees.IsZero() {
				want[loc.T("catalog.Fees")] = loc.Money(b.Fees)
			}
			for label, value := range want {
				if facts[label] != value {
					t.Errorf("%s: product page %q, cart %q", label, facts[label], value)
				}
			}
			if len(facts) != len(want) {
				t.Errorf("product page %q, cart %q", facts, want)
			}
			wantNote := loc.T("catalog.ChargesAtCheckout")
			switch {
			case b.DutyUnknown:
				wantNote = loc.T("catalog.DutyUnknown")
			case !b.DueOnDelivery.IsZero():
				wantNote = loc.T("catalog.ChargesOnDelivery")
			}
			if note != wantNote {
				t.Errorf("note %q, want %q", note, wantNote)
			}
		})
	}
}

// failingEstimator stands for an estimate that cannot be made (rules, rates or shipping unavailable).
type failingEstimator struct{ err error }

func (e failingEstimator) Estimate(context.Context, catalog.Variant, catalog.ShelfPrice) (catalog.Estimate, error) {
	return catalog.Estimate{}, e.err
}

// TestProductPageWithoutEstimate: when the import-charges estimate fails the product page still sells the item:
// 200 with its price and the add-to-cart form, only without the estimate.
func TestProductPageWithoutEstimate(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	item, productURL := shop.buyableProduct(t, "/de-de", "")
	check := func(t *testing.T, status int, body string) {
		t.Helper()
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		if !strings.Contains(body, html.EscapeString(item.Title)) || !strings.Contains(body, `class="price"`) ||
			!strings.Contains(body, "/cart/items") {
			t.Error("the page lacks the item, its price or the add-to-cart form")
		}
		if strings.Contains(body, `class="estimate"`) {
			t.Error("the page shows an estimate")
		}
		if !strings.Contains(body, `lang="de-DE"`) || !strings.Contains(body, "€") {
			t.Error("the page is not the German storefront's")
		}
	}
	for name, err := range map[string]error{
		"error":     errors.New("landed cost: rules unavailable"),
		"conflict":  checkout.ErrNoShipping,
		"not found": fmt.Errorf("no rules for the destination: %w", httpx.ErrNotFound),
	} {
		t.Run(name, func(t *testing.T) {
			pages := catalog.NewHandler(shop.app.catalog, catalogStorefront{pricing: shop.app.pricing, inv: shop.app.inventory},
				failingEstimator{err: err}, shop.app.router)
			r := chi.NewRouter()
			r.Use(httpx.WithErrorRenderer(shop.app.site))
			r.Route("/{locale}", func(r chi.Router) {
				r.Use(shop.app.site.Storefront)
				pages.StoreRoutes(r)
			})
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, productURL, nil))
			check(t, rec.Code, rec.Body.String())
		})
	}
	// The shop's own estimator, when nothing ships to the market: checkout cannot quote, the page still sells.
	t.Run("no shipping", func(t *testing.T) {
		if _, err := shop.pool.Exec(context.Background(), `DELETE FROM checkout_shipping_rates WHERE market_code = 'DE'`); err != nil {
			t.Fatal(err)
		}
		res := shop.client().get(productURL)
		check(t, res.Status, res.Body)
	})
}

// TestShoppersReadCheckoutAndTrackingInTheirLanguage: the checkout's steps and its shipping services' carriers
// are named in the shopper's language; tracking events are codes from a fixed list, which shoppers read in their
// own language (an event stored as free text before keeps reading as stored); a parcel handed to the rate table's
// descriptive carrier is named in the shopper's language, in the shipping e-mail too, while a brand is kept.
func TestShoppersReadCheckoutAndTrackingInTheirLanguage(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	item := shop.stockedVariant(t, 5)
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops-tracking@example.com", Role: "ops"})
	de, _ := shop.app.router.Resolve("de-de")
	ja, _ := shop.app.router.Resolve("ja-jp")

	t.Run("checkout", func(t *testing.T) {
		c := shop.client()
		if res := c.post("/de-de/cart/items", url.Values{"variant": {fmt.Sprint(item.ID)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("add to cart: %d", res.Status)
		}
		address := c.get("/de-de/checkout").Body
		sh := shop.shopper(t, "/de-de")
		v, err := shop.app.carts.View(context.Background(), cart.Ref{Token: c.cookie(cart.CookieName).Value}, sh)
		if err != nil {
			t.Fatal(err)
		}
		d := checkout.Draft{CartID: v.ID, Email: "steps@example.com", Phone: "+49 30 1234567", Address: draftAddress("DE"),
			Service: checkout.ServiceExpress}
		if err := shop.app.checkout.SaveDraft(context.Background(), d, sh.Market.Countries); err != nil {
			t.Fatal(err)
		}
		review := c.get("/de-de/checkout/review").Body
		for name, page := range map[string]string{"address": address, "review": review} {
			if !strings.Contains(page, `aria-label="Schritte der Bestellung"`) || strings.Contains(page, `aria-label="steps"`) {
				t.Errorf("%s: the steps are not labelled in German", name)
			}
		}
		for _, want := range []string{"Postversand", "Expresskurier"} {
			if !strings.Contains(address, want) {
				t.Errorf("the address step does not name the carrier %q", want)
			}
		}
		for _, english := range []string{"Postal economy", "Express courier"} {
			if strings.Contains(address, english) || strings.Contains(review, english) {
				t.Errorf("the German checkout shows %q", english)
			}
		}
	})

	o, err := shop.placeOrder(ctx, "/de-de", shop.shopper(t, "/de-de"), item.ID, 1, checkout.MethodBankTransfer)
	if err != nil {
		t.Fatal(err)
	}
	if o.Carrier != "Postal economy" {
		t.Fatalf("the economy rate's carrier is %q", o.Carrier)
	}
	if err := shop.app.checkout.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "transfer"); err != nil {
		t.Fatal(err)
	}
	sid, err := shop.app.checkout.StartShipment(ctx, o.ID, o.Lines[0].WarehouseID, map[int]int{1: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := shop.app.checkout.PackShipment(ctx, o.ID, sid); err != nil {
		t.Fatal(err)
	}
	// Ops kept the carrier the form suggests: the rate table's.
	if err := shop.app.checkout.ShipShipment(ctx, o.ID, sid, o.Carrier, "RR123456785CN"); err != nil {
		t.Fatal(err)
	}
	shipped := false
	for _, m := range outboxFor(t, shop, o.Email, o.Number) {
		if m.Subject == de.T("checkout.MailShippedSubject", "Number", o.Number) {
			shipped = true
			if !strings.Contains(m.Body, "Postversand") || strings.Contains(m.Body, "Postal economy") {
				t.Errorf("shipping e-mail:\n%s", m.Body)
			}
		}
	}
	if !shipped {
		t.Error("no shipping e-mail")
	}

	err = shop.app.checkout.AddTrackingEvent(ctx, o.ID, sid, "customs cleared", "Leipzig", "")
	if fe, ok := httpx.AsFieldErrors(err); !ok || fe.For("status") == nil {
		t.Fatalf("a free-text event was accepted: %v", err)
	}
	if err := shop.app.checkout.AddTrackingEvent(ctx, o.ID, sid, checkout.TrackOutForDelivery, "Berlin", ""); err != nil {
		t.Fatal(err)
	}
	// An event recorded as free text before statuses were codes.
	if _, err := shop.pool.Exec(context.Background(), `INSERT INTO checkout_tracking_events (shipment_id, status, location,
		description, created_by) VALUES ($1, 'arrived at hub', 'Leipzig', '', 'legacy')`, sid); err != nil {
		t.Fatal(err)
	}

	// The ops form takes codes only.
	shop.mustUser("ops-tracking@example.com", account.RoleOps)
	ops := shop.client()
	ops.signIn("ops-tracking@example.com")
	events := fmt.Sprintf("/admin/orders/%d/shipments/%d/events", o.ID, sid)
	if res := ops.post(events, url.Values{"status": {"stuck somewhere"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, html.EscapeString(shop.adminText("en", "checkout.TrackingEventInvalid"))) {
		t.Errorf("a free-text event from the form: %d", res.Status)
	}
	if res := ops.post(events, url.Values{"status": {checkout.TrackPickedUp}, "location": {"Shenzhen"}}); res.Status != http.StatusSeeOther {
		t.Errorf("an event from the list: %d", res.Status)
	}

	for _, loc := range []*intl.Locale{de, ja} {
		page := shop.client().get(shop.app.checkout.OrderLink(o, loc.Prefix())).Body
		tracking := html.UnescapeString(page[strings.Index(page, `aria-labelledby="tracking"`):])
		for _, want := range []string{loc.T("checkout.Shipment.out_for_delivery"), loc.T("checkout.Shipment.picked_up"),
			loc.T("checkout.CarrierName.economy") + " · RR123456785CN", "arrived at hub", "Berlin", "Shenzhen", loc.CountryName("CN")} {
			if !strings.Contains(tracking, want) {
				t.Errorf("%s: the tracking lacks %q", loc.Language.Code, want)
			}
		}
		for _, raw := range []string{checkout.TrackOutForDelivery, checkout.TrackPickedUp, "Postal economy"} {
			if strings.Contains(tracking, raw) {
				t.Errorf("%s: the tracking shows %q", loc.Language.Code, raw)
			}
		}
	}
	if !strings.Contains(de.T("checkout.Shipment.out_for_delivery"), "Zustellung") || ja.T("checkout.Shipment.out_for_delivery") != "配達中" {
		t.Error("the tracking events are not translated")
	}
}
