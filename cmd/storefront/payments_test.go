package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"storefront/internal/checkout"
	"storefront/internal/platform/actor"
)

// stripeCall is a request the shop made to the Stripe API.
type stripeCall struct {
	at     time.Time
	method string
	path   string
	form   url.Values
	header http.Header
}

// stripeRecorder sits between the shop and stripe-mock and records the shop's requests.
type stripeRecorder struct {
	mu    sync.Mutex
	calls []stripeCall
	// failRefunds makes Stripe refuse refunds.
	failRefunds bool
}

func (r *stripeRecorder) find(method, path string) []stripeCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []stripeCall
	for _, c := range r.calls {
		if c.method == method && c.path == path {
			out = append(out, c)
		}
	}
	return out
}

// recordedStripeShop serves a seeded shop whose Stripe client talks to stripe-mock through a recorder.
func recordedStripeShop(t *testing.T) (*testShop, *stripeRecorder) {
	t.Helper()
	mock, err := url.Parse(stripeMock(t))
	if err != nil {
		t.Fatal(err)
	}
	rec := &stripeRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(mock)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		rec.mu.Lock()
		rec.calls = append(rec.calls, stripeCall{at: time.Now(), method: r.Method, path: r.URL.Path, form: form, header: r.Header.Clone()})
		fail := rec.failRefunds && r.URL.Path == "/v1/refunds"
		rec.mu.Unlock()
		if fail {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":{"type":"invalid_request_error","message":"refunds are unavailable"}}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	shop := seededShopWith(t, map[string]string{"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": testWebhookSecret,
		"STRIPE_API_BASE": srv.URL})
	return shop, rec
}

// sendStripeEvent posts a signed checkout.session event about the order's session to the shop's webhook and
// returns the status and the outcome the shop answered.
func sendStripeEvent(t *testing.T, shop *testShop, o checkout.Order, id, typ, paymentStatus string) (int, string) {
	t.Helper()
	ctx := context.Background()
	payments, err := shop.app.checkout.Payments(ctx, o.ID)
	if err != nil || len(payments) != 1 {
		t.Fatalf("payments of %s: %v %v", o.Number, payments, err)
	}
	minor, _ := payments[0].Amount.Minor()
	body := fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"created":%d,"api_version":"2023-10-16","data":{"object":{"id":%q,"object":"checkout.session","payment_status":%q,"amount_total":%d,"currency":%q,"payment_intent":"pi_%s"}}}`,
		id, typ, time.Now().Unix(), payments[0].ProviderRef, paymentStatus, minor, strings.ToLower(o.Currency), o.Number)
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(body), Secret: testWebhookSecret})
	req, _ := http.NewRequest(http.MethodPost, shop.URL+"/webhooks/stripe", strings.NewReader(body))
	req.Header.Set("Stripe-Signature", sp.Header)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, strings.TrimSpace(string(out))
}

// placeCardOrder places a card order for one unit and opens its Stripe page.
func placeCardOrder(t *testing.T, shop *testShop, variantID int64) checkout.Order {
	t.Helper()
	ctx := context.Background()
	o, err := shop.placeOrder(ctx, "/en-de", shop.shopper(t, "/en-de"), variantID, 1, checkout.MethodCard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := shop.app.checkout.StartCardPayment(ctx, o, shop.URL+"/done", shop.URL+"/cancel"); err != nil {
		t.Fatalf("card payment page: %v", err)
	}
	return o
}

// TestCardPaymentPageClosesBeforeTheOrderExpires: the Stripe Checkout Session of a card order is created with an
// end (expires_at) at least Stripe's 30 minutes away and before the order's payment deadline, after which the
// order is cancelled and its stock released — so the page can never take money for a cancelled order.
func TestCardPaymentPageClosesBeforeTheOrderExpires(t *testing.T) {
	t.Parallel()
	shop, rec := recordedStripeShop(t)
	item := shop.stockedVariant(t, 3)
	o := placeCardOrder(t, shop, item.ID)
	calls := rec.find(http.MethodPost, "/v1/checkout/sessions")
	if len(calls) == 0 {
		t.Fatal("no Checkout Session was created")
	}
	c := calls[len(calls)-1]
	raw := c.form.Get("expires_at")
	if raw == "" {
		t.Fatalf("the Checkout Session was created without expires_at: Stripe keeps it open 24 hours while the order is cancelled at %s", o.PayBy)
	}
	unix, _ := strconv.ParseInt(raw, 10, 64)
	end := time.Unix(unix, 0)
	if life := end.Sub(c.at); life < 30*time.Minute {
		t.Errorf("session lives %s, below Stripe's minimum of 30 minutes", life)
	}
	if !end.Before(o.PayBy) {
		t.Errorf("session ends at %s, not before the order's payment deadline %s", end, o.PayBy)
	}
	// Until the page has closed and a little after, the order waits for its payment.
	if n, err := shop.app.checkout.ExpireUnpaid(actor.With(context.Background(), actor.System), end.Add(time.Minute)); err != nil || n != 0 {
		t.Errorf("the order expired a minute after its payment page closed: %d %v", n, err)
	}
}

// TestPaymentForCancelledOrderIsRefunded: a verified payment that arrives for an order that was already cancelled
// (its stock released) is not kept: it is refunded at once through Stripe, under a key derived from the order, and
// recorded as a refund of the order — once, however often Stripe reports it.
func TestPaymentForCancelledOrderIsRefunded(t *testing.T) {
	t.Parallel()
	shop, rec := recordedStripeShop(t)
	ctx := context.Background()
	sys := actor.With(ctx, actor.System)
	item := shop.stockedVariant(t, 3)

	check := func(t *testing.T, o checkout.Order) {
		t.Helper()
		got, _ := shop.app.checkout.Order(ctx, o.ID)
		if got.Status != checkout.StatusCancelled {
			t.Errorf("order %s is %s, want it to stay cancelled", o.Number, got.Status)
		}
		refunds, _ := shop.app.checkout.Refunds(ctx, o.ID)
		payments, _ := shop.app.checkout.Payments(ctx, o.ID)
		if len(refunds) != 1 || refunds[0].Status != "succeeded" || refunds[0].ProviderRef == "" ||
			!refunds[0].Amount.Number.Equal(payments[0].Amount.Number) {
			t.Fatalf("refunds %+v, want one succeeded refund of %s", refunds, payments[0].Amount)
		}
		if payments[0].Status != "succeeded" || !payments[0].Captured.Number.Equal(payments[0].Amount.Number) {
			t.Errorf("payment %+v: the money received is not recorded", payments[0])
		}
		if left, _ := shop.app.checkout.Refundable(ctx, o.ID); !left.IsZero() {
			t.Errorf("%s of the late payment kept", left)
		}
		var calls []stripeCall
		for _, c := range rec.find(http.MethodPost, "/v1/refunds") {
			if c.form.Get("payment_intent") == "pi_"+o.Number {
				calls = append(calls, c)
			}
		}
		if len(calls) != 1 || !strings.Contains(calls[0].header.Get("Idempotency-Key"), o.Number) {
			t.Errorf("%d refund requests to Stripe, want one under a key derived from the order", len(calls))
		}
	}

	t.Run("cancelled", func(t *testing.T) {
		o := placeCardOrder(t, shop, item.ID)
		if n, err := shop.app.checkout.ExpireUnpaid(sys, o.PayBy.Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		code, outcome := sendStripeEvent(t, shop, o, "evt_late_"+o.Number, "checkout.session.completed", "paid")
		if code != http.StatusOK || !strings.HasPrefix(outcome, "refunded") {
			t.Fatalf("late payment: %d %q, want it refunded", code, outcome)
		}
		if code, outcome := sendStripeEvent(t, shop, o, "evt_late_"+o.Number, "checkout.session.completed", "paid"); code != http.StatusOK || outcome != "duplicate" {
			t.Errorf("repeat: %d %q", code, outcome)
		}
		if code, _ := sendStripeEvent(t, shop, o, "evt_late_async_"+o.Number, "checkout.session.async_payment_succeeded", "paid"); code != http.StatusOK {
			t.Errorf("second report of the payment: %d", code)
		}
		check(t, o)
		avail, _ := shop.app.inventory.Available(ctx, []int64{item.ID})
		if avail[item.ID] != 3 {
			t.Errorf("available %d, want all 3 units back", avail[item.ID])
		}
	})

	t.Run("hold ran out", func(t *testing.T) {
		// The reservation expired (the stock job ran) but the order was not yet cancelled when the payment came.
		o := placeCardOrder(t, shop, item.ID)
		if _, err := shop.app.inventory.ReleaseExpired(sys, o.PayBy.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		code, outcome := sendStripeEvent(t, shop, o, "evt_late_"+o.Number, "checkout.session.completed", "paid")
		if code != http.StatusOK || !strings.HasPrefix(outcome, "refunded") {
			t.Fatalf("payment after the hold: %d %q, want it refunded", code, outcome)
		}
		check(t, o)
	})
	if bad, err := shop.app.inventory.CheckLedger(ctx); err != nil || len(bad) > 0 {
		t.Errorf("ledger mismatches: %v %v", bad, err)
	}
}

// TestWebhookFailingMidwayIsProcessedOnRetry: an event whose processing fails is answered with a 5xx and leaves
// nothing recorded as handled, so Stripe's retry of the same event applies it (instead of "duplicate"); after
// that it is stored once, processed, and further repeats change nothing.
func TestWebhookFailingMidwayIsProcessedOnRetry(t *testing.T) {
	t.Parallel()
	shop, _ := recordedStripeShop(t)
	ctx := context.Background()
	item := shop.stockedVariant(t, 3)
	o := placeCardOrder(t, shop, item.ID)
	// An address the outbox cannot send to (saved before drafts were checked strictly): queuing the
	// confirmation fails, and with it marking the order paid.
	if _, err := shop.pool.Exec(ctx, `UPDATE checkout_orders SET email = 'a@b@c.com' WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	evt := "evt_retry_" + o.Number
	if code, outcome := sendStripeEvent(t, shop, o, evt, "checkout.session.completed", "paid"); code < 500 {
		t.Fatalf("failed processing answered %d %q: Stripe would not retry", code, outcome)
	}
	if got, _ := shop.app.checkout.Order(ctx, o.ID); got.Status != checkout.StatusPendingPayment {
		t.Fatalf("status %s after a failed event", got.Status)
	}
	if _, err := shop.pool.Exec(ctx, `UPDATE checkout_orders SET email = 'guest@example.com' WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	code, outcome := sendStripeEvent(t, shop, o, evt, "checkout.session.completed", "paid")
	if code != http.StatusOK || outcome != "paid" {
		t.Fatalf("Stripe's retry: %d %q, want it applied", code, outcome)
	}
	if got, _ := shop.app.checkout.Order(ctx, o.ID); got.Status != checkout.StatusPaid {
		t.Fatalf("status %s after the retry, want paid", got.Status)
	}
	if code, outcome := sendStripeEvent(t, shop, o, evt, "checkout.session.completed", "paid"); code != http.StatusOK || outcome != "duplicate" {
		t.Errorf("repeat after success: %d %q", code, outcome)
	}
	var stored, processed int
	if err := shop.pool.QueryRow(ctx, `SELECT count(*), count(processed_at) FROM checkout_stripe_events WHERE id = $1`, evt).
		Scan(&stored, &processed); err != nil {
		t.Fatal(err)
	}
	if stored != 1 || processed != 1 {
		t.Errorf("event stored %d times, processed %d, want once each", stored, processed)
	}
	events, _ := shop.app.checkout.Events(ctx, o.ID)
	paid := 0
	for _, e := range events {
		if e.To == string(checkout.StatusPaid) {
			paid++
		}
	}
	if paid != 1 {
		t.Errorf("%d transitions to paid", paid)
	}
}

// TestCancellingACardOrderRefundsThroughStripeOnce: ops cancelling a paid card order refunds it through Stripe
// and restocks it; when Stripe refuses the refund, the order is cancelled with the refund recorded as failed and
// cancelling again retries it (same idempotency key) without restocking twice.
func TestCancellingACardOrderRefundsThroughStripeOnce(t *testing.T) {
	t.Parallel()
	shop, rec := recordedStripeShop(t)
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops@example.com", Role: "ops"})
	item := shop.stockedVariant(t, 3)
	o := placeCardOrder(t, shop, item.ID)
	if code, outcome := sendStripeEvent(t, shop, o, "evt_paid_"+o.Number, "checkout.session.completed", "paid"); code != http.StatusOK || outcome != "paid" {
		t.Fatalf("payment: %d %q", code, outcome)
	}
	rec.mu.Lock()
	rec.failRefunds = true
	rec.mu.Unlock()
	if err := shop.app.checkout.CancelAndRefund(ctx, o.ID, "cancelled by ops"); err == nil {
		t.Error("a refund Stripe refused was reported as done")
	}
	got, _ := shop.app.checkout.Order(ctx, o.ID)
	refunds, _ := shop.app.checkout.Refunds(ctx, o.ID)
	if got.Status != checkout.StatusCancelled || len(refunds) != 1 || refunds[0].Status != "failed" {
		t.Fatalf("after a refused refund: status %s, refunds %+v", got.Status, refunds)
	}
	rec.mu.Lock()
	rec.failRefunds = false
	rec.mu.Unlock()
	for i := 0; i < 2; i++ {
		if err := shop.app.checkout.CancelAndRefund(ctx, o.ID, "cancelled by ops"); err != nil {
			t.Fatalf("retry #%d: %v", i, err)
		}
	}
	refunds, _ = shop.app.checkout.Refunds(ctx, o.ID)
	payments, _ := shop.app.checkout.Payments(ctx, o.ID)
	if len(refunds) != 1 || refunds[0].Status != "succeeded" || refunds[0].ProviderRef == "" || !refunds[0].Amount.Number.Equal(payments[0].Captured.Number) {
		t.Errorf("refunds %+v, want one succeeded refund of %s", refunds, payments[0].Captured)
	}
	keys := map[string]bool{}
	for _, c := range rec.find(http.MethodPost, "/v1/refunds") {
		keys[c.header.Get("Idempotency-Key")] = true
	}
	if len(keys) != 1 {
		t.Errorf("refund requests under %d idempotency keys, want 1: %v", len(keys), keys)
	}
	avail, _ := shop.app.inventory.Available(ctx, []int64{item.ID})
	if avail[item.ID] != 3 {
		t.Errorf("available %d after cancelling, want the 3 units back once", avail[item.ID])
	}
}
