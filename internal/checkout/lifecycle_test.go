package checkout

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/pgtest"
)

// TestCardPaymentPageClosesBeforeTheHoldEnds: the Stripe page of a card order always closes before the order
// stops holding its stock (so nobody pays for an order already cancelled), and lives at least Stripe's minimum
// of 30 minutes; the Stripe adapter always sends that end instead of leaving Stripe's default of 24 hours.
func TestCardPaymentPageClosesBeforeTheHoldEnds(t *testing.T) {
	placed := time.Now()
	payBy := placed.Add(PayWithinCard)
	end := CardSessionEnd(payBy)
	if !end.Before(payBy) {
		t.Errorf("payment page closes at %s, not before the hold ends at %s", end, payBy)
	}
	// The page is opened right after the order is placed; allow it a few minutes and Stripe's clock a minute.
	if end.Sub(placed.Add(5*time.Minute)) < StripeMinSession+sessionClockMargin {
		t.Errorf("a page opened 5 minutes after placing would live %s, below Stripe's minimum of %s", end.Sub(placed.Add(5*time.Minute)), StripeMinSession)
	}

	forms := make(chan url.Values, 4)
	stripeAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		forms <- form
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"cs_test_1","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_1"}`)
	}))
	defer stripeAPI.Close()
	st := NewStripe("sk_test_123", "whsec_test", stripeAPI.URL)
	cs := CardSession{OrderNumber: "BG-2026-001001", Email: "a@example.com", Currency: "EUR", SuccessURL: "http://shop/ok",
		CancelURL: "http://shop/cancel", IdempotencyKey: "order:BG-2026-001001:session", ExpiresAt: end,
		Lines: []CardLine{{Name: "Tee", Amount: 2500, Quantity: 1}}}
	if _, _, err := st.CreateSession(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	if got := (<-forms).Get("expires_at"); got != strconv.FormatInt(end.Unix(), 10) {
		t.Errorf("expires_at sent to Stripe = %q, want %d (the order's hold end less the grace)", got, end.Unix())
	}
	cs.ExpiresAt = time.Time{}
	if _, _, err := st.CreateSession(context.Background(), cs); err == nil {
		t.Error("a payment page without an end was opened")
	}
}

// TestGuestEmailMustBeOneBareAddress: SaveDraft accepts only what the mail outbox can send to, so an order's
// e-mails (and so marking it paid) never fail on its address.
func TestGuestEmailMustBeOneBareAddress(t *testing.T) {
	pool := pgtest.NewPool(t)
	s := &Service{pool: pool, now: time.Now}
	ctx := context.Background()
	addr := Address{Name: "Ada Lovelace", Line1: "1 Example Street", City: "Berlin", PostalCode: "10115", Country: "DE"}
	for i, email := range []string{"a@b@c.com", "a,b@c.com", "Ada <ada@example.com>", "<ada@example.com>", "ada@", "@example.com",
		"ada example@example.com", `"ada lovelace"@example.com`, "ada@example.com (Ada)", ""} {
		d := Draft{CartID: int64(100 + i), Email: email, Phone: "+49 30 1234567", Address: addr, Service: ServiceEconomy}
		err := s.SaveDraft(ctx, d, []string{"DE"})
		fe, ok := httpx.AsFieldErrors(err)
		if !ok || fe.For("email") == nil || fe.For("email").MessageID != "checkout.EmailInvalid" {
			t.Errorf("e-mail %q: %v, want the field error checkout.EmailInvalid", email, err)
		}
	}
	for i, email := range []string{"ada@example.com", " Ada.Lovelace+shop@Example.co.uk ", "ä@example.de"} {
		d := Draft{CartID: int64(200 + i), Email: email, Phone: "+49 30 1234567", Address: addr, Service: ServiceEconomy}
		if err := s.SaveDraft(ctx, d, []string{"DE"}); err != nil {
			t.Errorf("e-mail %q refused: %v", email, err)
		}
	}
	if d, _ := s.Draft(ctx, 201); d.Email != "ada.lovelace+shop@example.co.uk" {
		t.Errorf("saved e-mail %q, want it trimmed and in lower case", d.Email)
	}
}

// TestStoreRefusesStatusChangesOutsideTheLifecycle: whatever a caller asks, the store moves an order only along
// CanTransition — a cancelled order never ships, a paid one never skips to delivered.
func TestStoreRefusesStatusChangesOutsideTheLifecycle(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	st := store{db: pool}
	eur := func(s string) money.Amount {
		return money.Amount{Number: decimal.RequireFromString(s), Currency: "EUR"}
	}
	o := Order{Number: "BG-2026-009001", Email: "a@example.com", Locale: "en", Market: "DE", Country: "DE", Currency: "EUR",
		Address: Address{Name: "A", Line1: "x", City: "y", Country: "DE"}, Service: ServiceEconomy, Carrier: "Post", Incoterm: "DDP",
		Goods: eur("10"), Shipping: eur("0"), Duty: eur("0"), Tax: eur("0"), TaxInPrices: eur("0"), Fees: eur("0"), Total: eur("10"),
		DueNow: eur("10"), DueOnDelivery: eur("0"), Regimes: []string{}, Quote: []byte("[]"), RulesVersion: "test",
		PaymentMethod: MethodBankTransfer, ReservationRef: "order:BG-2026-009001", PayBy: time.Now().Add(time.Hour)}
	if err := st.insertOrder(ctx, &o, "key-9001"); err != nil {
		t.Fatal(err)
	}
	status := func() Status {
		got, err := st.order(ctx, "id = $1", o.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	refused := func(from, to Status) {
		t.Helper()
		err := st.setStatus(ctx, o.ID, from, to, "test", "")
		if !errors.Is(err, httpx.ErrConflict) {
			t.Errorf("%s → %s: %v, want a conflict", from, to, err)
		}
		var ue *httpx.UserError
		if !errors.As(err, &ue) || ue.MessageID != "checkout.BadTransition" {
			t.Errorf("%s → %s: %v, want the localized checkout.BadTransition", from, to, err)
		}
		if got := status(); got != from {
			t.Fatalf("after a refused %s → %s the order is %s", from, to, got)
		}
	}
	refused(StatusPendingPayment, StatusShipped)
	if err := st.setStatus(ctx, o.ID, StatusPendingPayment, StatusPaid, "test", ""); err != nil {
		t.Fatal(err)
	}
	refused(StatusPaid, StatusDelivered)
	refused(StatusPaid, StatusPendingPayment)
	if err := st.setStatus(ctx, o.ID, StatusPaid, StatusCancelled, "test", ""); err != nil {
		t.Fatal(err)
	}
	refused(StatusCancelled, StatusShipped)
	refused(StatusCancelled, StatusPartiallyShipped)
	refused(StatusCancelled, StatusPaid)
	events, _ := st.events(ctx, o.ID)
	if len(events) != 2 {
		t.Errorf("%d status events recorded, want 2 (paid, cancelled): refused changes must leave no trace", len(events))
	}
}

// TestUnfinishedCancellationIsOffered: a paid order whose cancellation a failure interrupted (the card refund not
// accepted) is offered to ops to finish; one cancelled completely is not. (Stock comes back in the cancelling
// transaction itself, so it is never left half done.)
func TestUnfinishedCancellationIsOffered(t *testing.T) {
	pool := pgtest.NewPool(t)
	ctx := context.Background()
	s := &Service{pool: pool, now: time.Now}
	st := store{db: pool}
	eur := func(s string) money.Amount {
		return money.Amount{Number: decimal.RequireFromString(s), Currency: "EUR"}
	}
	o := Order{Number: "BG-2026-009002", Email: "a@example.com", Locale: "en", Market: "DE", Country: "DE", Currency: "EUR",
		Address: Address{Name: "A", Line1: "x", City: "y", Country: "DE"}, Service: ServiceEconomy, Carrier: "Post", Incoterm: "DDP",
		Goods: eur("20"), Shipping: eur("0"), Duty: eur("0"), Tax: eur("0"), TaxInPrices: eur("0"), Fees: eur("0"), Total: eur("20"),
		DueNow: eur("20"), DueOnDelivery: eur("0"), Regimes: []string{}, Quote: []byte("[]"), RulesVersion: "test",
		PaymentMethod: MethodCard, ReservationRef: "order:BG-2026-009002", PayBy: time.Now().Add(time.Hour)}
	if err := st.insertOrder(ctx, &o, "key-9002"); err != nil {
		t.Fatal(err)
	}
	for no := 1; no <= 2; no++ {
		l := OrderLine{LineNo: no, VariantID: int64(no), SKU: "SKU", Title: "Tee", Quantity: 1, UnitShown: decimal.NewFromInt(10),
			UnitNet: decimal.NewFromInt(10), WarehouseID: 1, WarehouseCountry: "DE"}
		if err := st.insertLine(ctx, o.ID, l); err != nil {
			t.Fatal(err)
		}
	}
	p := Payment{OrderID: o.ID, Method: MethodCard, Amount: eur("20")}
	if err := st.insertPayment(ctx, &p, "order:BG-2026-009002:payment:1"); err != nil {
		t.Fatal(err)
	}
	unfinished := func() bool {
		t.Helper()
		got, err := st.order(ctx, "id = $1", o.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		left, err := s.cancellationUnfinished(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		return left
	}
	if unfinished() {
		t.Error("an order awaiting payment has an unfinished cancellation")
	}
	if err := st.settlePayment(ctx, p.ID, "succeeded", p.Amount.Number, "pi_1"); err != nil {
		t.Fatal(err)
	}
	if err := st.setStatus(ctx, o.ID, StatusPendingPayment, StatusPaid, "test", ""); err != nil {
		t.Fatal(err)
	}
	if err := st.setStatus(ctx, o.ID, StatusPaid, StatusCancelled, "test", ""); err != nil {
		t.Fatal(err)
	}
	if unfinished() {
		t.Error("a paid order cancelled with no refund left open is offered again")
	}
	r := Refund{OrderID: o.ID, PaymentID: p.ID, Amount: eur("20"), Reason: "order cancelled", Status: "pending", CreatedBy: "test"}
	if err := st.insertRefund(ctx, &r, cancelRefundKey(o.Number)); err != nil {
		t.Fatal(err)
	}
	if !unfinished() {
		t.Error("a cancellation whose card refund is still pending is not offered to finish")
	}
	if err := st.setRefundStatus(ctx, r.ID, "succeeded", "re_1"); err != nil {
		t.Fatal(err)
	}
	if unfinished() {
		t.Error("a finished cancellation is offered again")
	}
}
