package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"storefront/internal/checkout"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
)

// userError reports whether err is a conflict carrying the localized message id.
func userError(err error, id string) bool {
	var ue *httpx.UserError
	return errors.Is(err, httpx.ErrConflict) && errors.As(err, &ue) && ue.MessageID == id
}

// TestServiceEnforcesTheOrderLifecycle tries the forbidden steps through the service's own methods: a cancelled
// or unpaid order never gets parcel work, an order being picked cannot be cancelled (the audited history was
// paid → cancelled → shipped), abandoning the payment never cancels a paid order, and cancelling a paid order
// refunds it and puts its stock back, once.
func TestServiceEnforcesTheOrderLifecycle(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops@example.com", Role: "ops"})
	svc := shop.app.checkout
	item := shop.stockedVariant(t, 5)
	available := func() int {
		t.Helper()
		avail, err := shop.app.inventory.Available(ctx, []int64{item.ID})
		if err != nil {
			t.Fatal(err)
		}
		return avail[item.ID]
	}
	status := func(id int64) checkout.Status {
		t.Helper()
		o, err := svc.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return o.Status
	}
	place := func(method string) checkout.Order {
		t.Helper()
		o, err := shop.placeOrder(ctx, "/en-de", shop.shopper(t, "/en-de"), item.ID, 1, method)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}

	t.Run("picking blocks cancelling", func(t *testing.T) {
		o := place(checkout.MethodBankTransfer)
		if err := svc.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "transfer"); err != nil {
			t.Fatal(err)
		}
		sid, err := svc.StartShipment(ctx, o.ID, o.Lines[0].WarehouseID, map[int]int{1: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.CancelAndRefund(ctx, o.ID, "changed my mind"); !userError(err, "checkout.AlreadyPicking") {
			t.Errorf("cancelled an order being picked: %v", err)
		}
		if err := svc.CancelAndRefund(ctx, o.ID, "changed my mind"); !userError(err, "checkout.AlreadyPicking") {
			t.Errorf("ops cancelled an order being picked: %v", err)
		}
		if got := status(o.ID); got != checkout.StatusPaid {
			t.Errorf("status %s, want paid", got)
		}
		// An order cancelled with a parcel in the works (as the old code allowed) gets no further parcel work.
		if _, err := shop.pool.Exec(ctx, `UPDATE checkout_orders SET status = 'cancelled' WHERE id = $1`, o.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.PackShipment(ctx, o.ID, sid); !userError(err, "checkout.NotShippable") {
			t.Errorf("packed a parcel of a cancelled order: %v", err)
		}
		if _, err := shop.pool.Exec(ctx, `UPDATE checkout_shipments SET status = 'packed' WHERE id = $1`, sid); err != nil {
			t.Fatal(err)
		}
		if err := svc.ShipShipment(ctx, o.ID, sid, "DHL", "JD0123456789"); !userError(err, "checkout.NotShippable") {
			t.Errorf("shipped a parcel of a cancelled order: %v", err)
		}
		if _, err := svc.StartShipment(ctx, o.ID, o.Lines[0].WarehouseID, map[int]int{1: 1}); !userError(err, "checkout.NotShippable") {
			t.Errorf("started a parcel of a cancelled order: %v", err)
		}
		if _, err := shop.pool.Exec(ctx, `UPDATE checkout_shipments SET status = 'shipped' WHERE id = $1`, sid); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeliverShipment(ctx, o.ID, sid); !userError(err, "checkout.NotShippable") {
			t.Errorf("delivered a parcel of a cancelled order: %v", err)
		}
		_ = svc.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "transfer reported again") // a repeat: changes nothing
		if got := status(o.ID); got != checkout.StatusCancelled {
			t.Errorf("status %s, want it to stay cancelled", got)
		}
		events, _ := svc.Events(ctx, o.ID)
		for _, e := range events {
			if e.From == string(checkout.StatusCancelled) {
				t.Errorf("the cancelled order moved on to %s", e.To)
			}
		}
	})

	t.Run("unpaid order ships nothing", func(t *testing.T) {
		o := place(checkout.MethodBankTransfer)
		if _, err := svc.StartShipment(ctx, o.ID, o.Lines[0].WarehouseID, map[int]int{1: 1}); !userError(err, "checkout.NotShippable") {
			t.Errorf("started a parcel of an unpaid order: %v", err)
		}
		if err := svc.CancelUnpaid(ctx, o.ID, "abandoned"); err != nil {
			t.Fatal(err)
		}
		if err := svc.CancelUnpaid(ctx, o.ID, "abandoned again"); err != nil {
			t.Errorf("cancelling twice: %v", err)
		}
	})

	t.Run("cancelling a paid order refunds and restocks", func(t *testing.T) {
		before := available()
		o := place(checkout.MethodBankTransfer)
		if err := svc.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "transfer"); err != nil {
			t.Fatal(err)
		}
		if err := svc.CancelUnpaid(ctx, o.ID, "abandoned"); !userError(err, "checkout.NotPending") {
			t.Errorf("abandoning the payment of a paid order: %v", err)
		}
		for i := 0; i < 2; i++ { // a repeated cancellation refunds and restocks once
			if err := svc.CancelAndRefund(ctx, o.ID, "out of stock at the supplier"); err != nil {
				t.Fatalf("cancel #%d: %v", i, err)
			}
		}
		if got := status(o.ID); got != checkout.StatusCancelled {
			t.Errorf("status %s, want cancelled", got)
		}
		refunds, _ := svc.Refunds(ctx, o.ID)
		if len(refunds) != 1 || !refunds[0].Amount.Number.Equal(o.DueNow.Number) || refunds[0].Status != "manual" {
			t.Errorf("refunds %+v, want one manual refund of %s (a bank transfer is sent back by ops)", refunds, o.DueNow)
		}
		if left, _ := svc.Refundable(ctx, o.ID); !left.IsZero() {
			t.Errorf("%s of the payment not refunded", left)
		}
		if got := available(); got != before {
			t.Errorf("available %d after cancelling, want %d", got, before)
		}
		if bad, err := shop.app.inventory.CheckLedger(ctx); err != nil || len(bad) > 0 {
			t.Errorf("ledger mismatches: %v %v", bad, err)
		}
	})

	t.Run("test payment page cannot cancel a paid order", func(t *testing.T) {
		o := place(checkout.MethodTest)
		c := shop.client()
		payURL := "/en-de/checkout/pay/" + o.Number + "?key=" + url.QueryEscape(strings.Split(svc.OrderLink(o, ""), "key=")[1])
		if res := c.post(payURL, url.Values{"outcome": {"succeed"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("test payment: %d", res.Status)
		}
		res := c.post(payURL, url.Values{"outcome": {"cancel"}})
		if res.Status != http.StatusConflict {
			t.Errorf("cancel outcome on a paid order: %d, want 409", res.Status)
		}
		if got := status(o.ID); got != checkout.StatusPaid {
			t.Errorf("status %s after the cancel outcome, want paid", got)
		}
		pending := place(checkout.MethodTest)
		payURL = "/en-de/checkout/pay/" + pending.Number + "?key=" + url.QueryEscape(strings.Split(svc.OrderLink(pending, ""), "key=")[1])
		if res := c.post(payURL, url.Values{"outcome": {"cancel"}}); res.Status != http.StatusSeeOther {
			t.Errorf("cancel outcome on an unpaid order: %d", res.Status)
		}
		if got := status(pending.ID); got != checkout.StatusCancelled {
			t.Errorf("status %s after abandoning the test payment, want cancelled", got)
		}
	})
}
