package returns

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/checkout"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// LineRefund is one order line's part of a refund.
type LineRefund struct {
	OrderLineNo int             `json:"line"`
	SKU         string          `json:"sku"`
	Title       string          `json:"title"`
	Units       int             `json:"units"`
	Goods       decimal.Decimal `json:"goods"`
	TaxIncluded decimal.Decimal `json:"tax_included"`
	Tax         decimal.Decimal `json:"tax"`
	Duty        decimal.Decimal `json:"duty"`
}

// Breakdown is what a return refunds, in the order's currency, exact to its minor units.
//
// Goods are the units at the price shown (tax included in tax-inclusive markets; TaxIncluded says how much of
// it was VAT/GST). Tax is the VAT/GST the shop collected beyond the shown prices (negative where the shown
// price included tax the shop did not collect, as in DAP orders whose import VAT the carrier collected). Duty
// is the import duty collected at checkout (DDP only). Shipping is the original shipping, refunded when a whole
// order is withdrawn where the market's law requires it. RestockingFee is kept where the policy allows it.
// Total = Goods + Tax + Duty + Shipping − RestockingFee.
type Breakdown struct {
	Currency         string
	Incoterm         string
	Lines            []LineRefund
	Goods            decimal.Decimal
	TaxIncluded      decimal.Decimal
	Tax              decimal.Decimal
	Duty             decimal.Decimal
	Shipping         decimal.Decimal
	ShippingRefunded bool
	FeeRate          decimal.Decimal
	RestockingFee    decimal.Decimal
	Total            decimal.Decimal
}

// DAP reports whether duty and import taxes were paid to the carrier, not to the shop.
func (b Breakdown) DAP() bool { return b.Incoterm != "DDP" }

// Amount tags a number of the breakdown with its currency.
func (b Breakdown) Amount(d decimal.Decimal) money.Amount {
	return money.Amount{Number: d, Currency: b.Currency}
}

// Refund is a return's refund: its breakdown and the attempt that sends (or sent) it.
type Refund struct {
	ReturnID  int64
	Breakdown Breakdown
	Attempt   int
	// Key is the idempotency key the payment side saw: "return:<id>", then "return:<id>:<attempt>" after a
	// failed attempt.
	Key              string
	Status           string // "pending", "succeeded", "manual" (ops send it by hand), "failed"
	ClaimedAt        *time.Time
	CheckoutRefundID int64
	Error            string
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Sent reports whether the money is on its way back (refunded by the provider or recorded for ops to send).
func (f Refund) Sent() bool { return f.Status == "succeeded" || f.Status == "manual" }

// lineBasis is what a whole order line refunds when every unit comes back.
type lineBasis struct {
	qty                           int
	goods, taxIncluded, tax, duty decimal.Decimal
}

// basis is what an order's refunds are computed from.
type basis struct {
	places   int32
	lines    map[int]lineBasis
	units    int             // every unit of the order
	shipping decimal.Decimal // the shipping paid to the shop
}

// basisOf splits what the shopper paid the shop into per-line amounts, from the order's locked figures.
//
// The shown shipping price may include VAT (SV = the order's tax in prices beyond the lines' own), while the
// landed-cost engine spreads the tax on shipping over the lines' import tax. So each line's tax is what the shop
// collected on it, less the VAT its goods price shows, less its share of the shipping VAT collected; the
// shipping refund is the shipping net of VAT plus the VAT on it the shop collected. The parts add up to what
// was paid: Total − Fees for DDP orders, the amount paid at checkout for DAP orders.
func basisOf(o checkout.Order) (basis, error) {
	places, err := money.MinorUnits(o.Currency)
	if err != nil {
		return basis{}, err
	}
	b := basis{places: places, lines: map[int]lineBasis{}}
	ddp := o.Incoterm == "DDP"
	inPrices := decimal.Zero
	taxWeights := make([]decimal.Decimal, len(o.Lines))
	netWeights := make([]decimal.Decimal, len(o.Lines))
	for i, l := range o.Lines {
		q := decimal.NewFromInt(int64(l.Quantity))
		inPrices = inPrices.Add(l.UnitTaxInPrice.Mul(q))
		taxWeights[i] = l.ImportTax
		netWeights[i] = l.UnitShown.Sub(l.UnitTaxInPrice).Mul(q)
		b.units += l.Quantity
	}
	shippingVAT := o.TaxInPrices.Number.Sub(inPrices)
	// The tax the shop collected: all of it for DDP; for DAP what was paid at checkout beyond the goods and
	// shipping net of the tax in their prices (a seller-collected regime), usually nothing.
	collected := o.Tax.Number
	if !ddp {
		collected = o.DueNow.Number.Sub(o.Goods.Number).Sub(o.Shipping.Number).Add(o.TaxInPrices.Number)
	}
	collected = money.RoundTo(collected, places, money.HalfUp)
	shipTax := shippingVAT
	switch {
	case collected.Equal(o.Tax.Number):
	case o.Tax.Number.IsZero():
		shipTax = decimal.Zero
	default:
		shipTax = money.RoundTo(shippingVAT.Mul(collected).Div(o.Tax.Number), places, money.HalfUp)
	}
	lineTax := allocate(collected, taxWeights, places)
	lineShipTax := allocate(shipTax, netWeights, places)
	for i, l := range o.Lines {
		q := decimal.NewFromInt(int64(l.Quantity))
		lb := lineBasis{qty: l.Quantity, goods: l.UnitShown.Mul(q), taxIncluded: l.UnitTaxInPrice.Mul(q),
			tax: lineTax[i].Sub(l.UnitTaxInPrice.Mul(q)).Sub(lineShipTax[i]), duty: decimal.Zero}
		if ddp {
			lb.duty = l.Duty
		}
		b.lines[l.LineNo] = lb
	}
	b.shipping = o.Shipping.Number.Sub(shippingVAT).Add(shipTax)
	return b, nil
}

// share is what k more units of a line of q units refund of its amount x after p units were refunded:
// round(x·(p+k)/q) − round(x·p/q), HALF_UP to the currency's minor units. Refunding every unit, in any number
// of returns, gives back exactly x.
func share(x decimal.Decimal, p, k, q int, places int32) decimal.Decimal {
	qd := decimal.NewFromInt(int64(q))
	upto := x.Mul(decimal.NewFromInt(int64(p+k))).DivRound(qd, places)
	before := x.Mul(decimal.NewFromInt(int64(p))).DivRound(qd, places)
	return upto.Sub(before)
}

// allocate splits total (in minor units of places) across parts in proportion to non-negative weights, by
// largest remainder, so the shares add up to total exactly; without any weight the parts share equally.
func allocate(total decimal.Decimal, weights []decimal.Decimal, places int32) []decimal.Decimal {
	out := make([]decimal.Decimal, len(weights))
	for i := range out {
		out[i] = decimal.Zero
	}
	total = money.RoundTo(total, places, money.HalfUp)
	if len(weights) == 0 || total.IsZero() {
		return out
	}
	ws := make([]decimal.Decimal, len(weights))
	sum := decimal.Zero
	for i, w := range weights {
		ws[i] = decimal.Max(w, decimal.Zero)
		sum = sum.Add(ws[i])
	}
	if sum.IsZero() {
		for i := range ws {
			ws[i] = decimal.NewFromInt(1)
		}
		sum = decimal.NewFromInt(int64(len(ws)))
	}
	units := total.Abs().Shift(places) // an integer: total is in minor units
	type rem struct {
		i int
		r decimal.Decimal
	}
	rems := make([]rem, len(ws))
	given := decimal.Zero
	for i, w := range ws {
		q, r := units.Mul(w).QuoRem(sum, 0)
		out[i] = q
		given = given.Add(q)
		rems[i] = rem{i, r}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r.GreaterThan(rems[b].r) })
	one := decimal.NewFromInt(1)
	for k := 0; given.LessThan(units); k++ {
		i := rems[k%len(rems)].i
		out[i] = out[i].Add(one)
		given = given.Add(one)
	}
	for i := range out {
		out[i] = out[i].Shift(-places)
		if total.IsNegative() {
			out[i] = out[i].Neg()
		}
	}
	return out
}

// computeRefund is the refund of a return of order o, after the units in prior (per order line) were refunded
// by other returns, under the market's policy.
func computeRefund(o checkout.Order, r Return, prior map[int]int, pol Policy) (Breakdown, error) {
	b, err := basisOf(o)
	if err != nil {
		return Breakdown{}, err
	}
	out := Breakdown{Currency: o.Currency, Incoterm: o.Incoterm, Goods: decimal.Zero, TaxIncluded: decimal.Zero,
		Tax: decimal.Zero, Duty: decimal.Zero, Shipping: decimal.Zero, FeeRate: decimal.Zero, RestockingFee: decimal.Zero}
	if out.Incoterm != "DDP" {
		out.Incoterm = "DAP"
	}
	titles := map[int]checkout.OrderLine{}
	for _, l := range o.Lines {
		titles[l.LineNo] = l
	}
	after := 0
	for _, p := range prior {
		after += p
	}
	for _, l := range r.Lines {
		lb, ok := b.lines[l.OrderLineNo]
		p := prior[l.OrderLineNo]
		if !ok || l.Quantity <= 0 || p+l.Quantity > lb.qty {
			return Breakdown{}, fmt.Errorf("returns: %s: line %d: %d units after %d refunded of %d: %w",
				r.Number, l.OrderLineNo, l.Quantity, p, lb.qty, httpx.ErrConflict)
		}
		lr := LineRefund{OrderLineNo: l.OrderLineNo, SKU: titles[l.OrderLineNo].SKU, Title: titles[l.OrderLineNo].Title, Units: l.Quantity,
			Goods:       share(lb.goods, p, l.Quantity, lb.qty, b.places),
			TaxIncluded: share(lb.taxIncluded, p, l.Quantity, lb.qty, b.places),
			Tax:         share(lb.tax, p, l.Quantity, lb.qty, b.places),
			Duty:        share(lb.duty, p, l.Quantity, lb.qty, b.places)}
		out.Lines = append(out.Lines, lr)
		out.Goods = out.Goods.Add(lr.Goods)
		out.TaxIncluded = out.TaxIncluded.Add(lr.TaxIncluded)
		out.Tax = out.Tax.Add(lr.Tax)
		out.Duty = out.Duty.Add(lr.Duty)
		after += l.Quantity
	}
	// The right of withdrawal: a whole order sent back because the shopper changed their mind, or for any
	// reason within the withdrawal period, gets its original shipping back.
	inPeriod := pol.WithdrawalDays > 0 && !r.CreatedAt.After(r.DeliveredAt.AddDate(0, 0, pol.WithdrawalDays))
	if pol.RefundShippingOnFullReturn && after == b.units && (r.Reason == ReasonChangedMind || inPeriod) && b.shipping.IsPositive() {
		out.Shipping, out.ShippingRefunded = b.shipping, true
	}
	if pol.RestockingFeeRate.IsPositive() && r.Reason.feeApplies() {
		out.FeeRate = pol.RestockingFeeRate
		out.RestockingFee = money.RoundTo(out.Goods.Mul(pol.RestockingFeeRate), b.places, money.HalfUp)
	}
	out.Total = out.Goods.Add(out.Tax).Add(out.Duty).Add(out.Shipping).Sub(out.RestockingFee)
	return out, nil
}

// Errors of refunding.
var (
	ErrRefundInProgress = httpx.Fail(httpx.ErrConflict, "returns.RefundInProgress", nil)
	ErrRefundChanged    = httpx.Fail(httpx.ErrConflict, "returns.RefundChanged", nil)
	ErrNothingToRefund  = httpx.Fail(httpx.ErrConflict, "returns.NothingToRefund", nil)
)

// claimTTL is how long a request sending a refund holds it; after that (a crashed instance) another request
// may resend it under the same idempotency key, which refunds at most once.
const claimTTL = 2 * time.Minute

// Preview is the refund a return would get if it were sent now: the breakdown ops confirm, or the one being (or
// already) sent. Errors: ErrReturnNotFound.
func (s *Service) Preview(ctx context.Context, id int64) (Breakdown, error) {
	r, err := s.Return(ctx, id)
	if err != nil {
		return Breakdown{}, err
	}
	o, err := s.orders.Order(ctx, r.OrderID)
	if err != nil {
		return Breakdown{}, err
	}
	return s.preview(ctx, r, o)
}

// preview is Preview of a return and its order already loaded.
func (s *Service) preview(ctx context.Context, r Return, o checkout.Order) (Breakdown, error) {
	st := store{db: s.pool}
	if f, err := st.refund(ctx, r.ID); err == nil && f.Status != "failed" {
		return f.Breakdown, nil
	} else if err != nil && !errors.Is(err, httpx.ErrNotFound) {
		return Breakdown{}, err
	}
	return compute(ctx, st, r, o)
}

// compute is the refund of return r of order o now, after the units the order's other returns refunded, under
// the market's policy.
func compute(ctx context.Context, st store, r Return, o checkout.Order) (Breakdown, error) {
	pol, err := st.policy(ctx, r.Market)
	if err != nil {
		return Breakdown{}, err
	}
	prior, err := st.refundedUnits(ctx, r.OrderID, r.ID)
	if err != nil {
		return Breakdown{}, err
	}
	return computeRefund(o, r, prior, pol)
}

// RefundOf returns a return's refund record. Errors: ErrNotFound when none was started.
func (s *Service) RefundOf(ctx context.Context, id int64) (Refund, error) {
	return store{db: s.pool}.refund(ctx, id)
}

// Refund sends an inspected return's refund, once: the breakdown ops confirmed (confirmed must equal the total
// computed now, else ErrRefundChanged and nothing is sent) goes to checkout's RefundOrder under an idempotency
// key derived from the return. A repeated or concurrent request returns the refund already sent, or
// ErrRefundInProgress while another request is sending it. Errors: ErrReturnNotFound; ErrConflict user errors
// for a return that is not inspected, a refund above what is left of the payment (returns.RefundTooLarge), a
// refused or failed payment refund (retry sends a new attempt).
func (s *Service) Refund(ctx context.Context, id int64, confirmed money.Amount) (Refund, error) {
	st := store{db: s.pool}
	head, err := st.get(ctx, "id = $1", id, false)
	if err != nil {
		return Refund{}, err
	}
	o, err := s.orders.Order(ctx, head.OrderID)
	if err != nil {
		return Refund{}, err
	}
	who := actor.Label(ctx)
	var f Refund
	var done bool
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		if err := st.lockOrder(ctx, head.OrderID); err != nil {
			return err
		}
		r, err := st.get(ctx, "id = $1", id, true)
		if err != nil {
			return err
		}
		prev, err := st.refund(ctx, id)
		if err != nil && !errors.Is(err, httpx.ErrNotFound) {
			return err
		}
		exists := err == nil
		if exists && prev.Sent() {
			f, done = prev, true // a repeated click or retried request: already refunded
			return nil
		}
		if r.Status != StatusInspected {
			return httpx.Fail(httpx.ErrConflict, "returns.NotRefundable", map[string]any{"Status": r.Status})
		}
		now := s.now()
		switch {
		case exists && prev.Status == "pending" && prev.ClaimedAt != nil && now.Sub(*prev.ClaimedAt) < claimTTL:
			return ErrRefundInProgress
		case exists && prev.Status == "pending":
			// Sent before without an answer (the sender failed or crashed): send the same attempt again, under
			// the same key, so the payment side refunds at most once.
			f = prev
		default:
			b, err := compute(ctx, st, r, o)
			if err != nil {
				return err
			}
			f = Refund{ReturnID: id, Breakdown: b, Attempt: 1, CreatedBy: who}
			if exists {
				f.Attempt = prev.Attempt + 1
			}
			f.Key = refundKey(id, f.Attempt)
		}
		if confirmed.Currency != f.Breakdown.Currency || !confirmed.Number.Equal(f.Breakdown.Total) {
			return ErrRefundChanged
		}
		if !f.Breakdown.Total.IsPositive() {
			return ErrNothingToRefund
		}
		f.Status, f.ClaimedAt = "pending", &now
		return st.claimRefund(ctx, f, now)
	})
	if err != nil || done {
		return f, err
	}

	amount := f.Breakdown.Amount(f.Breakdown.Total)
	paid, err := s.orders.RefundOrder(ctx, head.OrderID, amount, "return "+head.Number, f.Key)
	var ue *httpx.UserError
	refused := errors.As(err, &ue) // a definite no, with its reason
	switch {
	case err == nil && (paid.Status == "succeeded" || paid.Status == "manual"):
		f.Status, f.CheckoutRefundID, f.ClaimedAt = paid.Status, paid.ID, nil
		err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
			st := store{db: tx}
			if err := st.settleRefund(ctx, id, paid.Status, paid.ID, ""); err != nil {
				return err
			}
			// The note is the amount for the record; the page formats it, and shows the refund's status by itself.
			return st.setStatus(ctx, id, StatusInspected, StatusRefunded, who, "refunded", amount.String())
		})
		return f, err
	case err == nil && paid.Status == "failed":
		// The payment side recorded this key as failed: the next attempt needs a new key.
		s.settleFailed(ctx, id, who, "returns.RefundFailed")
		return Refund{}, httpx.Fail(httpx.ErrConflict, "returns.RefundFailed", nil)
	case err == nil:
		// Another request's refund under this key is still being processed by the payment side.
		_ = st.settleRefund(context.WithoutCancel(ctx), id, "pending", 0, "")
		return Refund{}, ErrRefundInProgress
	case refused && errors.Is(err, checkout.ErrRefundTooLarge):
		s.settleFailed(ctx, id, who, ue.MessageID)
		left, lerr := s.orders.Refundable(ctx, head.OrderID)
		if lerr != nil {
			return Refund{}, lerr
		}
		return Refund{}, httpx.Fail(httpx.ErrConflict, "returns.RefundTooLarge",
			map[string]any{"Amount": amount, "Left": left})
	case refused:
		// Refused before anything was recorded (nothing captured, wrong currency…): a definite no.
		s.settleFailed(ctx, id, who, ue.MessageID)
		return Refund{}, err
	default:
		// The outcome is unknown (a network or database failure on the way): release the claim but keep the
		// attempt, so a retry sends the same key and cannot refund twice.
		s.log.ErrorContext(ctx, "return refund not confirmed", "return", head.Number, "err", err)
		uerr := postgres.Transact(context.WithoutCancel(ctx), s.pool, func(tx pgx.Tx) error {
			st := store{db: tx}
			if err := st.settleRefund(ctx, id, "pending", 0, err.Error()); err != nil {
				return err
			}
			return st.event(ctx, id, who, "refund_unconfirmed", "", "", err.Error())
		})
		if uerr != nil {
			s.log.ErrorContext(ctx, "return refund claim not released", "return", head.Number, "err", uerr)
		}
		return Refund{}, httpx.Fail(httpx.ErrConflict, "returns.RefundUnconfirmed", nil)
	}
}

// settleFailed records a refused refund attempt; the return stays inspected so ops can try again. why is the
// message ID of the refusal, which the back office shows in the reader's language.
func (s *Service) settleFailed(ctx context.Context, id int64, who, why string) {
	err := postgres.Transact(context.WithoutCancel(ctx), s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		if err := st.settleRefund(ctx, id, "failed", 0, why); err != nil {
			return err
		}
		return st.event(ctx, id, who, "refund_failed", "", "", why)
	})
	if err != nil {
		s.log.ErrorContext(ctx, "failed refund not recorded", "return", id, "err", err)
	}
}

func refundKey(id int64, attempt int) string {
	key := "return:" + strconv.FormatInt(id, 10)
	if attempt > 1 {
		key += ":" + strconv.Itoa(attempt)
	}
	return key
}
