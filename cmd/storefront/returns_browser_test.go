package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"storefront/internal/account"
	"storefront/internal/cart"
	"storefront/internal/checkout"
	"storefront/internal/inventory"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/browsertest"
	"storefront/internal/platform/money"
)

// deliveredOrder places a paid order of one unit of each variant in a storefront, ships it from the warehouse
// stock was allocated from and marks it delivered.
func (s *testShop) deliveredOrder(t *testing.T, prefix string, variantIDs ...int64) checkout.Order {
	t.Helper()
	units := make([][2]int64, len(variantIDs))
	for i, id := range variantIDs {
		units[i] = [2]int64{id, 1}
	}
	return s.deliveredOrderOf(t, prefix, units...)
}

// deliveredOrderOf is deliveredOrder with a quantity per variant ({variant, units}).
func (s *testShop) deliveredOrderOf(t *testing.T, prefix string, lines ...[2]int64) checkout.Order {
	t.Helper()
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops-setup@example.com", Role: "ops"})
	sh := s.shopper(t, prefix)
	ref := cart.Ref{Token: fmt.Sprintf("returns-%d", time.Now().UnixNano())}
	for _, l := range lines {
		if err := s.app.carts.Add(ctx, ref, sh, l[0], int(l[1])); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.app.carts.Get(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	d := checkout.Draft{CartID: c.ID, Email: "retour@example.com", Phone: "+33 1 23 45 67 89", Address: draftAddress(sh.Country),
		Service: checkout.ServiceEconomy}
	if err := s.app.checkout.SaveDraft(ctx, d, sh.Market.Countries); err != nil {
		t.Fatal(err)
	}
	o, err := s.app.checkout.Place(ctx, checkout.PlaceInput{Ref: ref, Shopper: sh, Method: checkout.MethodBankTransfer, Key: ref.Token})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.app.checkout.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "bank transfer received"); err != nil {
		t.Fatal(err)
	}
	qty := map[int]int{}
	for _, l := range o.Lines {
		qty[l.LineNo] = l.Quantity
	}
	sid, err := s.app.checkout.StartShipment(ctx, o.ID, o.Lines[0].WarehouseID, qty)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.app.checkout.PackShipment(ctx, o.ID, sid); err != nil {
		t.Fatal(err)
	}
	if err := s.app.checkout.ShipShipment(ctx, o.ID, sid, "La Poste", "6A12345678901"); err != nil {
		t.Fatal(err)
	}
	if err := s.app.checkout.DeliverShipment(ctx, o.ID, sid); err != nil {
		t.Fatal(err)
	}
	if o, err = s.app.checkout.Order(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

// acceptConfirmations makes the page's "are you sure?" dialogs answer yes, as a person clicking OK would.
func acceptConfirmations(b *browsertest.Browser) {
	b.Run("accept confirmations", chromedp.Evaluate(`window.confirm = () => true`, nil))
}

// TestBrowserShopperReturnsOneOfTwoItems: a shopper in /fr-fr/ sends back one of two items bought from the CN
// warehouse (so the order carried the EU's per-item duty and IOSS VAT); ops approve, receive, restock and refund
// it in the back office. The refund is that item's price plus its share of the VAT and duty, in euros, and the
// stock ledger shows the unit coming back.
func TestBrowserShopperReturnsOneOfTwoItems(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	shop.mustUser("ops-returns@example.com", account.RoleOps)
	first, second := shop.stockedVariant(t, 5), shop.stockedVariant(t, 5)
	o := shop.deliveredOrder(t, "/fr-fr", first.ID, second.ID)
	if o.Currency != "EUR" || o.Incoterm != "DDP" || !o.Duty.Number.IsPositive() {
		t.Fatalf("want a DDP order in EUR with duty, got %s %s duty %s", o.Currency, o.Incoterm, o.Duty)
	}
	var line checkout.OrderLine
	for _, l := range o.Lines {
		if l.VariantID == first.ID {
			line = l
		}
	}
	// The VAT collected on the line beyond what its shown price includes: the VAT on its duty and on its share
	// of the shipping, of which the shipping part stays with the shipping price (not refunded for a partial
	// return). So the line refunds its price, its duty and the VAT on that duty.
	vatOnDuty := money.RoundTo(line.Duty.Mul(line.TaxRate), 2, money.HalfUp)
	want := line.UnitShown.Add(line.Duty).Add(vatOnDuty)

	// The shopper asks for the return from the order page, in French.
	b := browsertest.New(t, shop.URL, browsertest.Options{Width: 390, Height: 844, Mobile: true})
	b.Visit(shop.app.checkout.OrderLink(o, "/fr-fr"))
	if lang := b.Attr("html", "lang"); lang != "fr-FR" {
		t.Fatalf("order page lang %q", lang)
	}
	b.Click("a[href*='/return']")
	if !strings.Contains(b.Location(), "/fr-fr/orders/"+o.Number+"/return") {
		t.Fatalf("the return link led to %s", b.Location())
	}
	b.Screenshot("form")
	b.Fill("#f-qty_"+strconv.Itoa(line.LineNo), "1")
	b.Run("choose reason", chromedp.SetValue("#f-reason", "changed_mind", chromedp.ByQuery))
	b.Fill("#f-comment", "La taille ne convient pas.")
	b.Submit("form.returns-form button[type=submit]")
	if !strings.Contains(b.Location(), "/fr-fr/returns/RMA-") {
		t.Fatalf("after requesting: %s (%s)", b.Location(), b.Text("main"))
	}
	statusURL := strings.TrimPrefix(b.Location(), shop.URL)
	status := b.Text("main")
	if !strings.Contains(status, "€") || !strings.Contains(status, line.Title) {
		t.Errorf("the status page lacks the item or the expected refund in euros: %q", status)
	}
	b.Screenshot("requested")
	rets, err := shop.app.returns.ReturnsOf(context.Background(), o.ID)
	if err != nil || len(rets) != 1 || rets[0].Units() != 1 {
		t.Fatalf("returns of the order: %+v %v", rets, err)
	}
	ret := rets[0]

	// Ops work it through the back office.
	ops := browsertest.New(t, shop.URL, browsertest.Options{})
	ops.Visit("/admin/signin")
	ops.Fill("#f-email", "ops-returns@example.com")
	ops.Fill("#f-password", testPassword)
	ops.Submit("main form button[type=submit]")
	ops.Visit("/admin/returns")
	if !strings.Contains(ops.Text("main"), ret.Number) {
		t.Fatalf("the queue does not list %s", ret.Number)
	}
	ops.Screenshot("queue")
	detail := fmt.Sprintf("/admin/returns/%d", ret.ID)
	ops.Visit(detail)
	acceptConfirmations(ops)
	ops.Submit("form[action$='/approve'] button[type=submit]")
	acceptConfirmations(ops)
	ops.Submit("form[action$='/receive'] button[type=submit]")
	var de int64
	whs, _ := shop.app.inventory.Warehouses(context.Background())
	for _, w := range whs {
		if w.Country == "DE" {
			de = w.ID
		}
	}
	n := strconv.Itoa(line.LineNo)
	ops.Fill("#f-restock_"+n, "1")
	ops.Fill("#f-writeoff_"+n, "0")
	ops.Run("choose warehouse", chromedp.SetValue("#f-warehouse_"+n, strconv.FormatInt(de, 10), chromedp.ByQuery))
	ops.Screenshot("inspect")
	acceptConfirmations(ops)
	ops.Submit("form[action$='/inspect'] button[type=submit]")
	ops.Click("a.button[href$='/refund']")
	ops.Screenshot("refund-breakdown")
	if got := ops.Attr("input[name=total]", "value"); !decimal.RequireFromString(got).Equal(want) {
		t.Errorf("refund shown to ops %s, want %s (price %s + duty %s + VAT on duty %s)", got, want, line.UnitShown, line.Duty, vatOnDuty)
	}
	if cur := ops.Attr("input[name=currency]", "value"); cur != "EUR" {
		t.Errorf("refund currency %s", cur)
	}
	acceptConfirmations(ops)
	ops.Submit("form[action$='/refund'] button[type=submit]")
	ops.Screenshot("refunded")

	refund, err := shop.app.returns.RefundOf(context.Background(), ret.ID)
	if err != nil || !refund.Sent() {
		t.Fatalf("refund: %+v %v", refund, err)
	}
	if !refund.Breakdown.Total.Equal(want) || refund.Breakdown.Currency != "EUR" {
		t.Errorf("refunded %s %s, want %s EUR", refund.Breakdown.Total, refund.Breakdown.Currency, want)
	}
	paid, _ := shop.app.checkout.Refunds(context.Background(), o.ID)
	if len(paid) != 1 || !paid[0].Amount.Number.Equal(want) || paid[0].Amount.Currency != "EUR" {
		t.Errorf("payment refunds: %+v", paid)
	}
	moves, err := shop.app.inventory.Ledger(context.Background(), first.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	returned := false
	for _, m := range moves {
		if m.Kind == inventory.MoveReturned && m.Quantity == 1 && m.WarehouseID == de {
			returned = true
		}
	}
	if !returned {
		t.Errorf("the ledger shows no return into DE: %+v", moves)
	}
	ops.Visit(fmt.Sprintf("/admin/inventory/variants/%d", first.ID))
	if ledger := ops.Text("main"); !strings.Contains(strings.ToLower(ledger), "return") {
		t.Errorf("the stock page does not show the return: %q", ledger)
	}
	ops.Screenshot("ledger")

	// The shopper sees the refund, in French and in euros.
	b.Visit(statusURL)
	if page := b.Text("main"); !strings.Contains(page, "€") {
		t.Errorf("status page after refund: %q", page)
	}
	b.Screenshot("refunded")
}
