package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stripe/stripe-go/v76"

	"storefront/internal/inventory"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// CardPayments is the card payment provider, Stripe Checkout: a hosted payment page per order, refunds, and
// signed webhooks. It sits behind this interface so the shop runs without a Stripe account.
type CardPayments interface {
	// CreateSession opens a hosted payment page for the order's amount due now; it returns the session ID and
	// the URL to send the shopper to. The same idempotency key returns the same session.
	CreateSession(ctx context.Context, s CardSession) (id, url string, err error)
	// Refund returns amount (minor units) of a payment; the same key refunds once.
	Refund(ctx context.Context, chargeRef string, amount int64, key string) (string, error)
	// ParseWebhook verifies a webhook's signature and decodes the event.
	ParseWebhook(payload []byte, signature string) (stripe.Event, error)
}

// CardSession is what a hosted payment page shows and charges.
type CardSession struct {
	OrderNumber    string
	Email          string
	Currency       string
	Lines          []CardLine
	Locale         string
	SuccessURL     string
	CancelURL      string
	IdempotencyKey string
	// ExpiresAt is when the page closes (required): CardSessionEnd of the order's hold.
	ExpiresAt time.Time
}

// CardLine is one line item on the payment page, in minor units.
type CardLine struct {
	Name     string
	Amount   int64
	Quantity int64
}

// Card payment pages close before the order stops waiting for its payment.
const (
	// StripeMinSession is the shortest time Stripe keeps a Checkout Session open.
	StripeMinSession = 30 * time.Minute
	// CardSessionGrace is how long before the end of a card order's hold its payment page closes: a payment made
	// in the page's last second is confirmed (webhook, retries) before the order could expire and its stock be
	// released.
	CardSessionGrace = 5 * time.Minute
	// sessionClockMargin allows for the time between our clock and Stripe's receiving the request.
	sessionClockMargin = time.Minute
)

// CardSessionEnd is when the payment page of a card order due by payBy closes.
func CardSessionEnd(payBy time.Time) time.Time { return payBy.Add(-CardSessionGrace) }

// ErrCardWindowClosed is a card payment page that can no longer be opened: less than Stripe's minimum session
// time is left before the order's hold ends.
var ErrCardWindowClosed = httpx.Fail(httpx.ErrConflict, "checkout.CardWindowClosed", nil)

// threeDecimal lists the currencies Stripe takes in thousandths but only in tens of them.
var threeDecimal = map[string]bool{"BHD": true, "JOD": true, "KWD": true, "OMR": true, "TND": true}

// Chargeable is the amount a card can be charged for an amount due: the same, except in three-decimal currencies,
// where card processors take only multiples of ten minor units; it is then rounded down (the shopper pays at most
// 0.009 less).
func Chargeable(a money.Amount) (money.Amount, error) {
	minor, err := a.Minor()
	if err != nil {
		return money.Amount{}, err
	}
	if threeDecimal[a.Currency] {
		minor -= minor % 10
	}
	return money.FromMinor(minor, a.Currency)
}

// cardLines are the payment page's line items for an order: each order line at its net price, shipping, and
// the duty, VAT/GST and fees due now. They add up exactly to the chargeable amount.
func cardLines(o Order, loc func(id string, kv ...any) string, charge money.Amount) ([]CardLine, error) {
	minor := func(d decimal.Decimal) (int64, error) { return money.Amount{Number: d, Currency: o.Currency}.Minor() }
	var lines []CardLine
	var sum int64
	exact := true
	for _, l := range o.Lines {
		unit, err := minor(l.UnitNet)
		if err != nil {
			return nil, err
		}
		exact = exact && (!threeDecimal[o.Currency] || unit%10 == 0)
		lines = append(lines, CardLine{Name: l.Title + " (" + l.SKU + ")", Amount: unit, Quantity: int64(l.Quantity)})
		sum += unit * int64(l.Quantity)
	}
	// Total = Σ net goods + shipping net + duty + tax + fees, so shipping net is what is left of the total.
	var goodsNet decimal.Decimal
	for _, l := range o.Lines {
		goodsNet = goodsNet.Add(l.UnitNet.Mul(decimal.NewFromInt(int64(l.Quantity))))
	}
	shippingNet := o.Total.Number.Sub(goodsNet).Sub(o.Duty.Number).Sub(o.Tax.Number).Sub(o.Fees.Number)
	add := func(name string, d decimal.Decimal) error {
		if d.IsZero() {
			return nil
		}
		m, err := minor(d)
		if err != nil {
			return err
		}
		if m < 0 {
			return fmt.Errorf("checkout: negative %s on the payment page", name)
		}
		exact = exact && (!threeDecimal[o.Currency] || m%10 == 0)
		lines = append(lines, CardLine{Name: name, Amount: m, Quantity: 1})
		sum += m
		return nil
	}
	if err := add(loc("checkout.Shipping"), shippingNet); err != nil {
		return nil, err
	}
	if o.DueOnDelivery.IsZero() {
		if err := add(loc("checkout.Duty"), o.Duty.Number); err != nil {
			return nil, err
		}
		if err := add(loc("checkout.Tax"), o.Tax.Number); err != nil {
			return nil, err
		}
		if err := add(loc("checkout.Fees"), o.Fees.Number); err != nil {
			return nil, err
		}
	} else if err := add(loc("checkout.TaxesAtCheckout"), o.DueNow.Number.Sub(goodsNet).Sub(shippingNet)); err != nil {
		return nil, err
	}
	want, err := charge.Minor()
	if err != nil {
		return nil, err
	}
	if !exact || sum != want {
		// Amounts a processor cannot take one by one: one line for the whole order.
		return []CardLine{{Name: loc("checkout.OrderLine", "Number", o.Number), Amount: want, Quantity: 1}}, nil
	}
	return lines, nil
}

// StartCardPayment opens the Stripe Checkout page for an order placed with the card method and returns its URL.
// Opening it again (a reload, a second click) returns the same session.
func (s *Service) StartCardPayment(ctx context.Context, o Order, successURL, cancelURL string) (string, error) {
	if s.cards == nil {
		return "", ErrMethod
	}
	if o.Status != StatusPendingPayment || o.PaymentMethod != MethodCard {
		return "", errTransition(o.Status, StatusPaid)
	}
	payments, err := s.Payments(ctx, o.ID)
	if err != nil {
		return "", err
	}
	var p *Payment
	for i := range payments {
		if payments[i].Status == "pending" {
			p = &payments[i]
		}
	}
	if p == nil {
		return "", errTransition(o.Status, StatusPaid)
	}
	// The page closes at a time fixed by the order, so reopening it sends the same request and gets the same
	// session back (idempotency key). A new one must stay open Stripe's minimum; if that would outlast the hold,
	// it is not opened at all.
	end := CardSessionEnd(o.PayBy)
	if p.ProviderRef == "" && end.Sub(s.now()) < StripeMinSession+sessionClockMargin {
		return "", ErrCardWindowClosed
	}
	loc := s.localeOf(o)
	lines, err := cardLines(o, loc.T, p.Amount)
	if err != nil {
		return "", err
	}
	id, url, err := s.cards.CreateSession(ctx, CardSession{OrderNumber: o.Number, Email: o.Email, Currency: o.Currency,
		Lines: lines, Locale: loc.Language.Code, SuccessURL: successURL, CancelURL: cancelURL,
		IdempotencyKey: "order:" + o.Number + ":session", ExpiresAt: end})
	if err != nil {
		return "", fmt.Errorf("checkout: card payment page: %w", err)
	}
	if p.ProviderRef != id {
		if err := (store{db: s.pool}).setPaymentRef(ctx, p.ID, id); err != nil {
			return "", err
		}
	}
	return url, nil
}

// ErrBadSignature is a webhook whose signature does not verify.
var ErrBadSignature = fmt.Errorf("checkout: webhook signature: %w", httpx.ErrInvalid)

// HandleStripeWebhook verifies a Stripe event and, in one transaction, stores it, applies it and marks it
// processed: each event ID is stored once; a repeat of a processed event is acknowledged as "duplicate"; an event
// whose processing failed leaves nothing behind (Stripe's retry applies it afresh). Applying is idempotent and
// tolerant of order — a session that expires after it was paid changes nothing, a payment confirmed twice pays
// once — and a payment for an order that was cancelled meanwhile is refunded at once. Only a verified event
// changes anything. Errors: ErrBadSignature (nothing is recorded).
func (s *Service) HandleStripeWebhook(ctx context.Context, payload []byte, signature string) (string, error) {
	if s.cards == nil {
		return "", fmt.Errorf("checkout: card payments are not configured: %w", httpx.ErrNotFound)
	}
	ev, err := s.cards.ParseWebhook(payload, signature)
	if err != nil {
		return "", ErrBadSignature
	}
	ctx = actor.With(ctx, actor.Actor{Email: "stripe webhook", Role: "system"})
	var outcome string
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		processed, err := st.claimStripeEvent(ctx, ev.ID, string(ev.Type), payload, time.Unix(ev.Created, 0))
		if err != nil {
			return err
		}
		if processed {
			outcome = "duplicate"
			return nil
		}
		if outcome, err = s.applyStripeEvent(ctx, tx, ev); err != nil {
			return err
		}
		return st.stripeEventProcessed(ctx, ev.ID, outcome)
	})
	if err != nil {
		return "", err
	}
	return outcome, nil
}

func (s *Service) applyStripeEvent(ctx context.Context, tx pgx.Tx, ev stripe.Event) (string, error) {
	st := store{db: tx}
	switch ev.Type {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return "", err
		}
		if cs.PaymentStatus != stripe.CheckoutSessionPaymentStatusPaid {
			return "awaiting payment", nil
		}
		p, err := st.paymentByRef(ctx, cs.ID)
		if errors.Is(err, ErrOrderNotFound) {
			return "unknown session", nil
		}
		if err != nil {
			return "", err
		}
		amount, err := money.FromMinor(cs.AmountTotal, strings.ToUpper(string(cs.Currency)))
		if err != nil {
			return "", err
		}
		chargeRef := ""
		if cs.PaymentIntent != nil {
			chargeRef = cs.PaymentIntent.ID
		}
		o, err := st.order(ctx, "id = $1", p.OrderID, true)
		if err != nil {
			return "", err
		}
		if o.Status == StatusCancelled && o.PaidAt == nil {
			return s.refundCancelledPaymentTx(ctx, tx, o, p, amount, chargeRef, ev.ID)
		}
		// Under a savepoint: a payment that cannot be applied leaves the order as it was.
		err = postgres.Transact(ctx, tx, func(sp pgx.Tx) error {
			return s.markPaidTx(ctx, sp, p.OrderID, p.ID, amount, chargeRef, "stripe "+ev.ID)
		})
		var ue *httpx.UserError
		switch {
		case errors.Is(err, inventory.ErrReservationClosed):
			// The hold ran out (its stock was released) before the payment arrived: the order cannot be
			// fulfilled as sold, so it is cancelled and the money goes back.
			if err := s.cancelUnpaidTx(ctx, tx, o, "payment arrived after the hold ran out"); err != nil {
				return "", err
			}
			return s.refundCancelledPaymentTx(ctx, tx, o, p, amount, chargeRef, ev.ID)
		case errors.As(err, &ue):
			// A different amount: ops must look.
			s.log.ErrorContext(ctx, "card payment could not be applied", "order", p.OrderID, "event", ev.ID, "err", err)
			return "needs attention: " + ue.MessageID, nil
		case err != nil:
			return "", err
		}
		return "paid", nil
	case "checkout.session.expired", "checkout.session.async_payment_failed":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return "", err
		}
		p, err := st.paymentByRef(ctx, cs.ID)
		if errors.Is(err, ErrOrderNotFound) {
			return "unknown session", nil
		}
		if err != nil {
			return "", err
		}
		o, err := st.order(ctx, "id = $1", p.OrderID, true)
		if err != nil {
			return "", err
		}
		if o.Status != StatusPendingPayment {
			return "ignored: order " + string(o.Status), nil
		}
		if err := s.cancelUnpaidTx(ctx, tx, o, string(ev.Type)); err != nil {
			return "", err
		}
		return "cancelled", nil
	}
	return "ignored", nil
}

// latePaymentRefundKey is the idempotency key of the refund of a card payment that arrived for a cancelled order:
// one per order, whichever event or retry reports the payment.
func latePaymentRefundKey(number string) string { return "cancelled-order-payment:" + number }

// refundCancelledPaymentTx handles a verified card payment for an order that was cancelled (its stock released)
// before the payment arrived: the money received is recorded on the payment and refunded in full through the
// card provider, recorded as a refund of the order, all in the webhook's transaction; if the provider fails,
// nothing is kept and Stripe's retry of the event tries again under the same idempotency key. The provider is
// called with the order locked: this path is rare, and it keeps the refund and its record together.
func (s *Service) refundCancelledPaymentTx(ctx context.Context, tx pgx.Tx, o Order, p Payment, amount money.Amount,
	chargeRef, eventID string) (string, error) {
	st := store{db: tx}
	key := latePaymentRefundKey(o.Number)
	if r, err := st.refundByKey(ctx, key); err == nil && r.Status == "succeeded" {
		return "refunded: order cancelled", nil // reported again by another event
	} else if err != nil && !errors.Is(err, httpx.ErrNotFound) {
		return "", err
	}
	if chargeRef == "" || s.cards == nil {
		s.log.ErrorContext(ctx, "card payment for a cancelled order cannot be refunded automatically", "order", o.Number, "event", eventID)
		return "needs attention: paid after cancellation, no payment reference", nil
	}
	if err := st.settlePayment(ctx, p.ID, "succeeded", amount.Number, chargeRef); err != nil {
		return "", err
	}
	r := Refund{OrderID: o.ID, PaymentID: p.ID, Amount: amount, Reason: "paid after the order was cancelled",
		Status: "pending", CreatedBy: actor.Label(ctx)}
	if err := st.insertRefund(ctx, &r, key); err != nil {
		return "", err
	}
	minor, err := amount.Minor()
	if err != nil {
		return "", err
	}
	ref, err := s.cards.Refund(ctx, chargeRef, minor, "refund:"+key)
	if err != nil {
		return "", fmt.Errorf("checkout: refund payment for cancelled order %s: %w", o.Number, err)
	}
	if err := st.setRefundStatus(ctx, r.ID, "succeeded", ref); err != nil {
		return "", err
	}
	s.log.WarnContext(ctx, "card payment for a cancelled order refunded", "order", o.Number, "event", eventID, "refund", ref)
	return "refunded: order cancelled", nil
}
