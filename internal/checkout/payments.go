package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stripe/stripe-go/v76"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
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
	ExpiresAt      time.Time
}

// CardLine is one line item on the payment page, in minor units.
type CardLine struct {
	Name     string
	Amount   int64
	Quantity int64
}

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
	loc := s.localeOf(o)
	lines, err := cardLines(o, loc.T, p.Amount)
	if err != nil {
		return "", err
	}
	id, url, err := s.cards.CreateSession(ctx, CardSession{OrderNumber: o.Number, Email: o.Email, Currency: o.Currency,
		Lines: lines, Locale: loc.Language.Code, SuccessURL: successURL, CancelURL: cancelURL,
		IdempotencyKey: "order:" + o.Number + ":session", ExpiresAt: o.PayBy})
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

// HandleStripeWebhook verifies and records a Stripe event, then applies it once: each event ID is stored once
// (a repeat is acknowledged and ignored), and applying is idempotent and tolerant of order — a session that
// expires after it was paid changes nothing, a payment confirmed twice pays once. Only a verified event marks an
// order paid. Errors: ErrBadSignature (nothing is recorded).
func (s *Service) HandleStripeWebhook(ctx context.Context, payload []byte, signature string) (string, error) {
	if s.cards == nil {
		return "", fmt.Errorf("checkout: card payments are not configured: %w", httpx.ErrNotFound)
	}
	ev, err := s.cards.ParseWebhook(payload, signature)
	if err != nil {
		return "", ErrBadSignature
	}
	ctx = actor.With(ctx, actor.Actor{Email: "stripe webhook", Role: "system"})
	st := store{db: s.pool}
	fresh, err := st.recordStripeEvent(ctx, ev.ID, string(ev.Type), payload, time.Unix(ev.Created, 0))
	if err != nil {
		return "", err
	}
	if !fresh {
		return "duplicate", nil
	}
	outcome, err := s.applyStripeEvent(ctx, ev)
	if err != nil {
		return "", err
	}
	return outcome, st.stripeEventProcessed(ctx, ev.ID, outcome)
}

func (s *Service) applyStripeEvent(ctx context.Context, ev stripe.Event) (string, error) {
	switch ev.Type {
	case "checkout.session.completed", "checkout.session.async_payment_succeeded":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return "", err
		}
		if cs.PaymentStatus != stripe.CheckoutSessionPaymentStatusPaid {
			return "awaiting payment", nil
		}
		p, err := (store{db: s.pool}).paymentByRef(ctx, cs.ID)
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
		if err := s.MarkPaid(ctx, p.OrderID, p.ID, amount, chargeRef, "stripe "+ev.ID); err != nil {
			var ue *httpx.UserError
			if errors.As(err, &ue) {
				// Paid for an order that was cancelled meanwhile, or a different amount: ops must look.
				s.log.ErrorContext(ctx, "card payment could not be applied", "order", p.OrderID, "event", ev.ID, "err", err)
				return "needs attention: " + ue.MessageID, nil
			}
			return "", err
		}
		return "paid", nil
	case "checkout.session.expired", "checkout.session.async_payment_failed":
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return "", err
		}
		p, err := (store{db: s.pool}).paymentByRef(ctx, cs.ID)
		if errors.Is(err, ErrOrderNotFound) {
			return "unknown session", nil
		}
		if err != nil {
			return "", err
		}
		o, err := s.Order(ctx, p.OrderID)
		if err != nil {
			return "", err
		}
		if o.Status != StatusPendingPayment {
			return "ignored: order " + string(o.Status), nil
		}
		if err := s.Cancel(ctx, o.ID, string(ev.Type)); err != nil {
			return "", err
		}
		return "cancelled", nil
	}
	return "ignored", nil
}
