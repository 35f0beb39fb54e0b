package checkout

import (
	"context"
	"errors"
	"fmt"
	"time"

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
	if s.cards == nil || p.ChargeRef == "" {
		_ = st.setRefundStatus(ctx, r.ID, "failed", "")
		return Refund{}, fmt.Errorf("checkout: card refund of order %d: no card payment reference", orderID)
	}
	minor, _ := amount.Minor()
	ref, err := s.cards.Refund(ctx, p.ChargeRef, minor, "refund:"+key)
	if err != nil {
		_ = st.setRefundStatus(ctx, r.ID, "failed", "")
		return Refund{}, fmt.Errorf("checkout: card refund: %w", err)
	}
	r.Status, r.ProviderRef = "succeeded", ref
	return r, st.setRefundStatus(ctx, r.ID, "succeeded", ref)
}

// Refunds lists an order's refunds.
func (s *Service) Refunds(ctx context.Context, orderID int64) ([]Refund, error) {
	return store{db: s.pool}.refunds(ctx, orderID)
}

// Refundable is what is left to refund of an order's captured payment.
func (s *Service) Refundable(ctx context.Context, orderID int64) (money.Amount, error) {
	st := store{db: s.pool}
	payments, err := st.payments(ctx, orderID)
	if err != nil {
		return money.Amount{}, err
	}
	refunds, err := st.refunds(ctx, orderID)
	if err != nil {
		return money.Amount{}, err
	}
	var left money.Amount
	for _, p := range payments {
		if p.Status == "succeeded" {
			left = p.Captured
		}
	}
	if left.Currency == "" {
		return money.Amount{Number: decimal.Zero}, nil
	}
	for _, r := range refunds {
		if r.Status != "failed" {
			left.Number = left.Number.Sub(r.Amount.Number)
		}
	}
	return left, nil
}

// CancelAndRefund cancels an order that has not shipped. An unpaid order just releases its stock; a paid one is
// refunded in full (once, whatever the retries) and its stock goes back to the warehouses it was sold from.
func (s *Service) CancelAndRefund(ctx context.Context, orderID int64, note string) error {
	o, err := s.Order(ctx, orderID)
	if err != nil {
		return err
	}
	if o.Status == StatusCancelled {
		return nil
	}
	if !CanTransition(o.Status, StatusCancelled) {
		return errTransition(o.Status, StatusCancelled)
	}
	if shipments, err := s.Shipments(ctx, orderID); err != nil {
		return err
	} else if len(shipments) > 0 {
		return httpx.Fail(httpx.ErrConflict, "checkout.AlreadyPicking", nil)
	}
	if o.Status != StatusPaid {
		return s.Cancel(ctx, orderID, note)
	}
	left, err := s.Refundable(ctx, orderID)
	if err != nil {
		return err
	}
	if left.Number.IsPositive() {
		if _, err := s.RefundOrder(ctx, orderID, left, "order cancelled", "cancel:"+o.Number); err != nil {
			return err
		}
	}
	if err := s.Cancel(ctx, orderID, note); err != nil {
		return err
	}
	for _, l := range o.Lines {
		if err := s.stock.Return(ctx, l.VariantID, l.WarehouseID, l.Quantity, "cancel:"+o.Number); err != nil {
			return fmt.Errorf("checkout: restock cancelled order %s: %w", o.Number, err)
		}
	}
	return nil
}
