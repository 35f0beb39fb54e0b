package checkout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// Refund is money returned to the shopper, in the currency of the payment it comes from.
type Refund struct {
	ID          int64
	OrderID     int64
	PaymentID   int64
	Amount      money.Amount
	Reason      string
	Status      string // "succeeded" (card), "manual" (bank transfer, test payments: ops send it), "failed"
	ProviderRef string
	CreatedBy   string
	CreatedAt   time.Time
}

// ErrRefundTooLarge is a refund above what was captured less what was already refunded.
var ErrRefundTooLarge = httpx.Fail(httpx.ErrConflict, "checkout.RefundTooLarge", nil)

// RefundOrder returns amount of an order's captured payment to the shopper, once per key: the same key (a double
// click, a retried request) returns the first refund. Card payments are refunded through Stripe; bank transfers
// and test payments are recorded as manual. The database refuses a refund beyond the remaining captured amount,
// so concurrent refunds cannot add up to more. Errors: ErrOrderNotFound; ErrRefundTooLarge; ErrInvalid for a
// non-positive amount or another currency.
func (s *Service) RefundOrder(ctx context.Context, orderID int64, amount money.Amount, reason, key string) (Refund, error) {
	if !amount.Number.IsPositive() {
		return Refund{}, httpx.Invalid("amount", "checkout.RefundPositive", nil)
	}
	st := store{db: s.pool}
	if r, err := st.refundByKey(ctx, key); err == nil {
		return r, nil
	} else if !errors.Is(err, httpx.ErrNotFound) {
		return Refund{}, err
	}
	payments, err := st.payments(ctx, orderID)
	if err != nil {
		return Refund{}, err
	}
	var p *Payment
	for i := range payments {
		if payments[i].Status == "succeeded" {
			p = &payments[i]
		}
	}
	if p == nil {
		return Refund{}, httpx.Fail(httpx.ErrConflict, "checkout.NothingCaptured", nil)
	}
	if amount.Currency != p.Captured.Currency {
		return Refund{}, httpx.Invalid("amount", "checkout.RefundCurrency", map[string]any{"Currency": p.Captured.Currency})
	}
	if _, err := amount.Minor(); err != nil {
		return Refund{}, httpx.Invalid("amount", "checkout.RefundPrecision", nil)
	}
	status := "manual"
	if p.Method == MethodCard {
		status = "pending"
	}
	r := Refund{OrderID: orderID, PaymentID: p.ID, Amount: amount, Reason: reason, Status: status, CreatedBy: actor.Label(ctx)}
	err = st.insertRefund(ctx, &r, key)
	if c, ok := postgres.IsCheckViolation(err); ok && c == "checkout_refunds_within_capture" {
		return Refund{}, ErrRefundTooLarge
	}
	if _, dup := postgres.IsUniqueViolation(err); dup {
		return st.refundByKey(ctx, key)
	}
	if err != nil {
		return Refund{}, err
	}
	if p.Method != MethodCard {
		return r, nil
	}
	if err := s.sendCardRefund(ctx, st, *p, &r, key); err != nil {
		return Refund{}, err
	}
	return r, nil
}

// sendCardRefund sends a recorded card refund (pending, or failed before) to the provider under an idempotency key
// derived from key, so a retry never refunds twice, and records the outcome.
func (s *Service) sendCardRefund(ctx context.Context, st store, p Payment, r *Refund, key string) error {
	if s.cards == nil || p.ChargeRef == "" {
		_ = st.setRefundStatus(ctx, r.ID, "failed", "")
		return fmt.Errorf("checkout: card refund of order %d: no card payment reference", r.OrderID)
	}
	if r.Status == "failed" {
		// Counted against the payment again (the database checks it) before it is retried.
		err := st.setRefundStatus(ctx, r.ID, "pending", "")
		if c, ok := postgres.IsCheckViolation(err); ok && c == "checkout_refunds_within_capture" {
			return ErrRefundTooLarge
		} else if err != nil {
			return err
		}
	}
	minor, err := r.Amount.Minor()
	if err != nil {
		return err
	}
	ref, err := s.cards.Refund(ctx, p.ChargeRef, minor, "refund:"+key)
	if err != nil {
		_ = st.setRefundStatus(context.WithoutCancel(ctx), r.ID, "failed", "")
		r.Status = "failed"
		return fmt.Errorf("checkout: card refund of order %d: %w", r.OrderID, err)
	}
	r.Status, r.ProviderRef = "succeeded", ref
	return st.setRefundStatus(ctx, r.ID, "succeeded", ref)
}

// Refunds lists an order's refunds.
func (s *Service) Refunds(ctx context.Context, orderID int64) ([]Refund, error) {
	return store{db: s.pool}.refunds(ctx, orderID)
}

// Refundable is what is left to refund of an order's captured payment.
func (s *Service) Refundable(ctx context.Context, orderID int64) (money.Amount, error) {
	left, _, err := refundable(ctx, store{db: s.pool}, orderID)
	return left, err
}

// refundable is what is left to refund of an order's captured payment, and that payment (nil when nothing was
// captured).
func refundable(ctx context.Context, st store, orderID int64) (money.Amount, *Payment, error) {
	payments, err := st.payments(ctx, orderID)
	if err != nil {
		return money.Amount{}, nil, err
	}
	refunds, err := st.refunds(ctx, orderID)
	if err != nil {
		return money.Amount{}, nil, err
	}
	var p *Payment
	for i := range payments {
		if payments[i].Status == "succeeded" {
			p = &payments[i]
		}
	}
	if p == nil {
		return money.Amount{Number: decimal.Zero}, nil, nil
	}
	left := p.Captured
	for _, r := range refunds {
		if r.Status != "failed" && r.PaymentID == p.ID {
			left.Number = left.Number.Sub(r.Amount.Number)
		}
	}
	return left, p, nil
}

// cancelRefundKey is the idempotency key of the refund that cancelling a paid order makes.
func cancelRefundKey(number string) string { return "cancel:" + number }

// CancelAndRefund cancels an order that has not started shipping, all or nothing: an unpaid order releases its
// stock; a paid one turns cancelled together with the record of its full refund (what is left of the payment)
// and with its units booked back into the warehouses they were sold from, then the refund is sent (card).
// Calling it again on a cancelled order sends a card refund the provider refused before, and never refunds or
// restocks twice. Errors: ErrOrderNotFound;
// ErrConflict for an order being prepared (checkout.AlreadyPicking) or past shipping (checkout.BadTransition).
func (s *Service) CancelAndRefund(ctx context.Context, orderID int64, note string) error {
	var o Order
	err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		var err error
		if o, err = st.order(ctx, "id = $1", orderID, true); err != nil {
			return err
		}
		switch {
		case o.Status == StatusCancelled:
			return nil // below: finish what an interrupted cancellation left undone
		case o.Status == StatusPendingPayment:
			return s.cancelUnpaidTx(ctx, tx, o, note)
		case !CanTransition(o.Status, StatusCancelled):
			return errTransition(o.Status, StatusCancelled)
		}
		// Under the order's lock, so no parcel can be started meanwhile (StartShipment takes the same lock).
		if picking, err := st.hasShipments(ctx, orderID); err != nil {
			return err
		} else if picking {
			return httpx.Fail(httpx.ErrConflict, "checkout.AlreadyPicking", nil)
		}
		if err := st.setStatus(ctx, orderID, o.Status, StatusCancelled, actor.Label(ctx), note); err != nil {
			return err
		}
		// The sold units come back in this transaction, so exactly when the order turns cancelled: once.
		for _, l := range o.Lines {
			if err := s.stock.ReturnTx(ctx, tx, l.VariantID, l.WarehouseID, l.Quantity, "cancel:"+o.Number); err != nil {
				return fmt.Errorf("checkout: restock cancelled order %s: %w", o.Number, err)
			}
		}
		return s.recordCancelRefund(ctx, st, o)
	})
	if err != nil || o.PaidAt == nil {
		// Never paid (or paid after it was cancelled, which the webhook refunds): nothing to refund.
		return err
	}
	return s.sendCancelRefund(ctx, o)
}

// cancellationUnfinished reports whether a cancelled paid order's card refund was not accepted by the provider,
// which CancelAndRefund, called again, sends.
func (s *Service) cancellationUnfinished(ctx context.Context, o Order) (bool, error) {
	if o.Status != StatusCancelled || o.PaidAt == nil {
		return false, nil
	}
	return store{db: s.pool}.cancelRefundOpen(ctx, cancelRefundKey(o.Number))
}

// recordCancelRefund records, in the cancellation's transaction, the refund of what is left of a paid order's
// payment: manual for bank transfers and test payments (ops send it), pending for cards until the provider
// confirms it.
func (s *Service) recordCancelRefund(ctx context.Context, st store, o Order) error {
	key := cancelRefundKey(o.Number)
	if _, err := st.refundByKey(ctx, key); err == nil {
		return nil // recorded by an earlier attempt
	} else if !errors.Is(err, httpx.ErrNotFound) {
		return err
	}
	left, p, err := refundable(ctx, st, o.ID)
	if err != nil || p == nil || !left.Number.IsPositive() {
		return err
	}
	status := "manual"
	if p.Method == MethodCard {
		status = "pending"
	}
	r := Refund{OrderID: o.ID, PaymentID: p.ID, Amount: left, Reason: "order cancelled", Status: status, CreatedBy: actor.Label(ctx)}
	return st.insertRefund(ctx, &r, key)
}

// sendCancelRefund sends a cancelled order's card refund unless it already went through.
func (s *Service) sendCancelRefund(ctx context.Context, o Order) error {
	st := store{db: s.pool}
	key := cancelRefundKey(o.Number)
	r, err := st.refundByKey(ctx, key)
	if errors.Is(err, httpx.ErrNotFound) {
		return nil // nothing was left to refund
	}
	if err != nil || (r.Status != "pending" && r.Status != "failed") {
		return err
	}
	payments, err := st.payments(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, p := range payments {
		if p.ID == r.PaymentID {
			return s.sendCardRefund(ctx, st, p, &r, key)
		}
	}
	return fmt.Errorf("checkout: payment %d of refund %s: %w", r.PaymentID, key, httpx.ErrNotFound)
}
