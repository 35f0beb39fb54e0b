package checkout

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"
)

// Stripe is the CardPayments implementation on Stripe Checkout (stripe-go v76). apiBase points it elsewhere,
// such as stripe-mock in tests and the demo.
type Stripe struct {
	api           *client.API
	webhookSecret string
}

// NewStripe returns the Stripe client; apiBase "" means Stripe's own API.
func NewStripe(secretKey, webhookSecret, apiBase string) *Stripe {
	cfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 30 * time.Second},
		MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelError},
	}
	if apiBase != "" {
		cfg.URL = stripe.String(strings.TrimSuffix(apiBase, "/"))
	}
	backends := &stripe.Backends{
		API:     stripe.GetBackendWithConfig(stripe.APIBackend, cfg),
		Connect: stripe.GetBackendWithConfig(stripe.ConnectBackend, cfg),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, cfg),
	}
	api := &client.API{}
	api.Init(secretKey, backends)
	return &Stripe{api: api, webhookSecret: webhookSecret}
}

// stripeLocales are the Checkout page languages Stripe offers that the shop ships.
var stripeLocales = map[string]string{"en": "en", "de": "de", "fr": "fr", "es": "es", "it": "it", "nl": "nl", "ja": "ja",
	"ko": "ko", "zh-Hans": "zh"}

// CreateSession creates a Checkout Session in payment mode, in the order's currency, with the order's lines.
func (s *Stripe) CreateSession(ctx context.Context, cs CardSession) (string, string, error) {
	params := &stripe.CheckoutSessionParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		ClientReferenceID: stripe.String(cs.OrderNumber),
		CustomerEmail:     stripe.String(cs.Email),
		SuccessURL:        stripe.String(cs.SuccessURL),
		CancelURL:         stripe.String(cs.CancelURL),
		Currency:          stripe.String(strings.ToLower(cs.Currency)),
		Metadata:          map[string]string{"order": cs.OrderNumber},
		PaymentIntentData: &stripe.CheckoutSessionPaymentIntentDataParams{
			Metadata: map[string]string{"order": cs.OrderNumber},
		},
	}
	if l, ok := stripeLocales[cs.Locale]; ok {
		params.Locale = stripe.String(l)
	}
	// The page must close when the order stops waiting for its payment, never at Stripe's default of 24 hours:
	// the end is always sent. Stripe refuses a new session shorter than 30 minutes (the caller checks that before
	// creating one); a repeated request with the same idempotency key returns the session created first.
	if cs.ExpiresAt.IsZero() {
		return "", "", fmt.Errorf("checkout: payment page for order %s without an end", cs.OrderNumber)
	}
	params.ExpiresAt = stripe.Int64(cs.ExpiresAt.Unix())
	for _, l := range cs.Lines {
		params.LineItems = append(params.LineItems, &stripe.CheckoutSessionLineItemParams{
			Quantity: stripe.Int64(l.Quantity),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(cs.Currency)),
				UnitAmount:  stripe.Int64(l.Amount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(l.Name)},
			},
		})
	}
	params.SetIdempotencyKey(cs.IdempotencyKey)
	params.Context = ctx
	sess, err := s.api.CheckoutSessions.New(params)
	if err != nil {
		return "", "", err
	}
	if sess.URL == "" {
		return "", "", fmt.Errorf("stripe returned session %s without a URL", sess.ID)
	}
	return sess.ID, sess.URL, nil
}

// Refund refunds amount (minor units) of a PaymentIntent.
func (s *Stripe) Refund(ctx context.Context, chargeRef string, amount int64, key string) (string, error) {
	params := &stripe.RefundParams{PaymentIntent: stripe.String(chargeRef), Amount: stripe.Int64(amount),
		Reason: stripe.String(string(stripe.RefundReasonRequestedByCustomer))}
	params.SetIdempotencyKey(key)
	params.Context = ctx
	r, err := s.api.Refunds.New(params)
	if err != nil {
		return "", err
	}
	return r.ID, nil
}

// ParseWebhook verifies the Stripe-Signature header (timestamp tolerance 5 minutes) and decodes the event.
func (s *Stripe) ParseWebhook(payload []byte, signature string) (stripe.Event, error) {
	return webhook.ConstructEventWithOptions(payload, signature, s.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
}
