package returns

import (
	"errors"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/checkout"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
)

func TestShareGivesBackExactlyTheLineOverAnySplit(t *testing.T) {
	// Every way of returning q units in several returns refunds exactly x, where rounding each unit's share
	// separately would not (1.000 / 3 = 0.333 three times is 0.999).
	cases := []struct {
		x      string
		q      int
		places int32
	}{{"1.000", 3, 3}, {"0.925", 3, 3}, {"1000", 3, 0}, {"12.35", 2, 2}, {"-7.48", 3, 2}, {"0.01", 7, 2}, {"99.99", 6, 2}}
	for _, c := range cases {
		x := d(c.x)
		var splits func(left int, acc []int)
		splits = func(left int, acc []int) {
			if left == 0 {
				sum, p := decimal.Zero, 0
				for _, k := range acc {
					sum = sum.Add(share(x, p, k, c.q, c.places))
					p += k
				}
				if !sum.Equal(x) {
					t.Errorf("x %s over %v of %d: refunded %s", c.x, acc, c.q, sum)
				}
				return
			}
			for k := 1; k <= left; k++ {
				splits(left-k, append(append([]int(nil), acc...), k))
			}
		}
		splits(c.q, nil)
	}
	if got := share(d("12.35"), 0, 1, 2, 2); !got.Equal(d("6.18")) {
		t.Errorf("half of 12.35 = %s, want 6.18 (HALF_UP)", got)
	}
	if got := share(d("1.000"), 0, 1, 3, 3); !got.Equal(d("0.333")) {
		t.Errorf("a third of 1.000 KWD = %s", got)
	}
}

func TestAllocateAddsUpExactly(t *testing.T) {
	got := allocate(d("0.80"), []decimal.Decimal{d("100.82"), d("16.80")}, 2)
	if !got[0].Equal(d("0.69")) || !got[1].Equal(d("0.11")) {
		t.Errorf("0.80 by value: %v", got)
	}
	got = allocate(d("-1.00"), []decimal.Decimal{d("1"), d("1"), d("1")}, 2)
	if s := got[0].Add(got[1]).Add(got[2]); !s.Equal(d("-1")) {
		t.Errorf("-1.00 in thirds: %v (sum %s)", got, s)
	}
	got = allocate(d("5"), []decimal.Decimal{decimal.Zero, decimal.Zero}, 0)
	if !got[0].Add(got[1]).Equal(d("5")) {
		t.Errorf("without weights: %v", got)
	}
}

// TestEURRefundOfOneOfTwoItems: returning one of two mugs of a German DDP order refunds the mug as shown, its
// share of the import VAT beyond the VAT in its price, and half the line's duty, to the cent.
func TestEURRefundOfOneOfTwoItems(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -20))
	r := e.inspected(o, map[int]int{1: 1}, ReasonDefective)
	b := e.refund(r.ID)
	// The mug line's tax beyond its prices: import VAT 22.31 − VAT in prices 2 × 9.58 − its share of the VAT in
	// the shipping price (0.80 split by net value 100.82 : 16.80 → 0.69) = 2.46; one unit of two → 1.23.
	// Duty 12.35 / 2 = 6.175 → 6.18.
	want := map[string]string{"goods": "59.99", "vat in goods": "9.58", "tax": "1.23", "duty": "6.18", "shipping": "0",
		"fee": "0", "total": "67.40"}
	got := map[string]decimal.Decimal{"goods": b.Goods, "vat in goods": b.TaxIncluded, "tax": b.Tax, "duty": b.Duty,
		"shipping": b.Shipping, "fee": b.RestockingFee, "total": b.Total}
	for k, v := range want {
		if !got[k].Equal(d(v)) {
			t.Errorf("%s = %s, want %s", k, got[k], v)
		}
	}
	if b.Currency != "EUR" || b.DAP() {
		t.Errorf("currency %s, DAP %v", b.Currency, b.DAP())
	}
	if left := e.orders.totalRefunded(o.ID); !left.Equal(d("67.40")) {
		t.Errorf("payment refunded %s", left)
	}
	if e.status(r.ID) != StatusRefunded {
		t.Errorf("status %s", e.status(r.ID))
	}

	// The second mug gets the rest of the line: 1.23 and 6.17, so the line's duty comes back exactly (12.35).
	r2 := e.inspected(o, map[int]int{1: 1}, ReasonDefective)
	b2 := e.refund(r2.ID)
	if !b2.Tax.Equal(d("1.23")) || !b2.Duty.Equal(d("6.17")) || !b2.Total.Equal(d("67.39")) {
		t.Errorf("second mug: tax %s duty %s total %s", b2.Tax, b2.Duty, b2.Total)
	}
}

// TestEUFullWithdrawalRefundsShipping: the whole order sent back (over two returns) because the shopper changed
// their mind refunds everything paid, shipping included: the order's total to the cent.
func TestEUFullWithdrawalRefundsShipping(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -25)) // outside the 14 days, inside the 30-day window
	first := e.refund(e.inspected(o, map[int]int{1: 1}, ReasonChangedMind).ID)
	if first.ShippingRefunded || !first.RestockingFee.IsZero() {
		t.Errorf("part of the order: shipping %v, fee %s", first.ShippingRefunded, first.RestockingFee)
	}
	last := e.refund(e.inspected(o, map[int]int{1: 1, 2: 1}, ReasonChangedMind).ID)
	if !last.ShippingRefunded || !last.Shipping.Equal(d("4.99")) {
		t.Errorf("whole order back: shipping %s (%v)", last.Shipping, last.ShippingRefunded)
	}
	if got := e.orders.totalRefunded(o.ID); !got.Equal(o.Total.Number) {
		t.Errorf("refunded %s of a %s order", got, o.Total.Number)
	}
}

func TestShippingOnFullReturnOnlyUnderWithdrawal(t *testing.T) {
	e := newEnv(t)
	late := e.orders.add(deOrder(), t0.AddDate(0, 0, -20))
	b := e.refund(e.inspected(late, map[int]int{1: 2, 2: 1}, ReasonDefective).ID)
	if b.ShippingRefunded {
		t.Error("shipping refunded for a defective return after the 14-day withdrawal period")
	}
	early := e.orders.add(deOrder(), t0.AddDate(0, 0, -10))
	b = e.refund(e.inspected(early, map[int]int{1: 2, 2: 1}, ReasonDefective).ID)
	if !b.ShippingRefunded || !b.Total.Equal(d("163.11")) {
		t.Errorf("whole order within 14 days: shipping %v, total %s", b.ShippingRefunded, b.Total)
	}
	us := e.orders.add(usOrder(), t0.AddDate(0, 0, -3))
	b = e.refund(e.inspected(us, map[int]int{1: 2}, ReasonDefective).ID)
	if b.ShippingRefunded || !b.Total.Equal(d("80")) {
		t.Errorf("US whole order: shipping %v, total %s (the US policy does not refund shipping)", b.ShippingRefunded, b.Total)
	}
}

// TestJPYAndKWDRefundsAreExact: yen (no decimals) and dinars (three) refund exactly; all units over two returns
// give back the line's goods, tax and duty to the last yen and fils.
func TestJPYAndKWDRefundsAreExact(t *testing.T) {
	e := newEnv(t)
	jp := e.orders.add(jpOrder(), t0.AddDate(0, 0, -5))
	one := e.refund(e.inspected(jp, map[int]int{1: 1}, ReasonDefective).ID)
	// Tax beyond prices: 1,322 − 3 × 362 − 136 (shipping) = 100 → 33; duty 1,000 / 3 → 333.
	if !one.Goods.Equal(d("3980")) || !one.Tax.Equal(d("33")) || !one.Duty.Equal(d("333")) || !one.Total.Equal(d("4346")) {
		t.Errorf("JPY one unit: %+v", one)
	}
	two := e.refund(e.inspected(jp, map[int]int{1: 2}, ReasonDefective).ID)
	if !two.Tax.Equal(d("67")) || !two.Duty.Equal(d("667")) {
		t.Errorf("JPY two units: tax %s duty %s", two.Tax, two.Duty)
	}
	if s := one.Duty.Add(two.Duty); !s.Equal(d("1000")) {
		t.Errorf("JPY duty refunded %s of 1000", s)
	}
	if s := one.Goods.Add(two.Goods).Add(one.Tax).Add(two.Tax); !s.Equal(d("12040")) {
		t.Errorf("JPY goods and tax refunded %s of 11940 + 100", s)
	}
	for _, b := range []Breakdown{one, two} {
		if _, err := b.Amount(b.Total).Minor(); err != nil {
			t.Errorf("JPY total %s is not whole yen", b.Total)
		}
	}

	kw := e.orders.add(kwOrder(), t0.AddDate(0, 0, -5))
	one = e.refund(e.inspected(kw, map[int]int{1: 1}, ReasonDefective).ID)
	if !one.Goods.Equal(d("12.345")) || !one.Tax.Equal(d("0.308")) || !one.Duty.Equal(d("0.333")) || !one.Total.Equal(d("12.986")) {
		t.Errorf("KWD one unit: %+v", one)
	}
	two = e.refund(e.inspected(kw, map[int]int{1: 2}, ReasonDefective).ID)
	if !two.Tax.Equal(d("0.617")) || !two.Duty.Equal(d("0.667")) || !two.Total.Equal(d("25.974")) {
		t.Errorf("KWD two units: %+v", two)
	}
	if got := e.orders.totalRefunded(kw.ID); !got.Equal(d("38.96")) {
		t.Errorf("KWD refunded %s, want goods + tax + duty = 38.960 exactly", got)
	}
}

func TestRestockingFeeOnlyWherePolicyAndReasonAllow(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		order  checkout.Order
		reason Reason
		fee    string
	}{
		{usOrder(), ReasonChangedMind, "4.00"}, // 10% of 40.00
		{usOrder(), ReasonDefective, "0"},
		{usOrder(), ReasonWrongItem, "0"},
		{usOrder(), ReasonDamaged, "0"},
		{usOrder(), ReasonNotAsDescribed, "0"},
		{jpOrder(), ReasonChangedMind, "398"}, // 10% of 3,980 yen
		{deOrder(), ReasonChangedMind, "0"},   // EU: no restocking fee
	}
	for _, c := range cases {
		o := e.orders.add(c.order, t0.AddDate(0, 0, -3))
		b := e.refund(e.inspected(o, map[int]int{1: 1}, c.reason).ID)
		if !b.RestockingFee.Equal(d(c.fee)) {
			t.Errorf("%s %s: fee %s, want %s", o.Market, c.reason, b.RestockingFee, c.fee)
		}
		if want := b.Goods.Add(b.Tax).Add(b.Duty).Add(b.Shipping).Sub(b.RestockingFee); !b.Total.Equal(want) {
			t.Errorf("%s %s: total %s ≠ parts %s", o.Market, c.reason, b.Total, want)
		}
	}
}

// TestDAPRefundsGoodsOnly: duty and import VAT were paid to the carrier, so a Swiss DAP order refunds what the
// shop was paid for the goods: the price shown less the VAT in it, which the shop never collected.
func TestDAPRefundsGoodsOnly(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(chOrder(), t0.AddDate(0, 0, -3))
	b := e.refund(e.inspected(o, map[int]int{1: 1}, ReasonDefective).ID)
	if !b.DAP() || !b.Duty.IsZero() || !b.Goods.Equal(d("49.95")) || !b.Tax.Equal(d("-3.74")) || !b.Total.Equal(d("46.21")) {
		t.Errorf("DAP: %+v", b)
	}
	b = e.refund(e.inspected(o, map[int]int{1: 1}, ReasonDefective).ID)
	if got := e.orders.totalRefunded(o.ID); !got.Equal(d("92.42")) || b.ShippingRefunded {
		t.Errorf("both units: refunded %s (want the goods net of VAT, 92.42), shipping %v", got, b.ShippingRefunded)
	}
}

// TestConcurrentRefundsSendOnce: many requests to refund the same return at once make one refund; the others
// are told it is in progress, and a retry afterwards returns the refund already made.
func TestConcurrentRefundsSendOnce(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -3))
	r := e.inspected(o, map[int]int{1: 1}, ReasonDefective)
	b, err := e.svc.Preview(e.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.orders.entered, e.orders.release = make(chan struct{}), make(chan struct{})
	const n = 25
	results := make(chan error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.svc.Refund(e.ctx, r.ID, b.Amount(b.Total))
			results <- err
		}()
	}
	close(start)
	<-e.orders.entered // one request is sending the refund and holds it there
	if err := e.svc.Close(e.ctx, r.ID, ""); !errors.Is(err, ErrRefundInProgress) {
		t.Errorf("closing while the refund is being sent: %v", err)
	}
	inProgress := 0
	for range n - 1 {
		if err := <-results; errors.Is(err, ErrRefundInProgress) {
			inProgress++
		} else {
			t.Errorf("concurrent request: %v", err)
		}
	}
	close(e.orders.release)
	if err := <-results; err != nil {
		t.Errorf("the sending request: %v", err)
	}
	wg.Wait()
	e.orders.entered, e.orders.release = nil, nil
	if calls := e.orders.refundCalls(); calls != 1 || inProgress != n-1 {
		t.Errorf("%d refund calls, %d told in progress", calls, inProgress)
	}
	f, err := e.svc.Refund(e.ctx, r.ID, b.Amount(b.Total))
	if err != nil || !f.Sent() || f.Key != "return:"+itoa(r.ID) {
		t.Errorf("retry after success: %+v %v", f, err)
	}
	if calls := e.orders.refundCalls(); calls != 1 {
		t.Errorf("a retry called the payment again: %d calls", calls)
	}
	if got := e.orders.totalRefunded(o.ID); !got.Equal(b.Total) {
		t.Errorf("refunded %s, want %s once", got, b.Total)
	}
}

// TestRefundRetriesAreIdempotent: a refund whose answer was lost is retried under the same key (refunding once);
// one the provider refused is retried under a new key.
func TestRefundRetriesAreIdempotent(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -3))
	r := e.inspected(o, map[int]int{1: 1}, ReasonDefective)
	b, _ := e.svc.Preview(e.ctx, r.ID)
	total := b.Amount(b.Total)

	// The provider refunds, but the answer is lost on the way back.
	e.orders.next = func(key string, amount money.Amount) (checkout.Refund, error) {
		e.orders.refunds[key] = checkout.Refund{ID: 77, OrderID: o.ID, Amount: amount, Status: "succeeded"}
		return checkout.Refund{}, errors.New("connection reset by peer")
	}
	if _, err := e.svc.Refund(e.ctx, r.ID, total); !isUserError(err, "returns.RefundUnconfirmed") {
		t.Fatalf("lost answer: %v", err)
	}
	if e.status(r.ID) != StatusInspected {
		t.Errorf("status after a lost answer: %s", e.status(r.ID))
	}
	f, err := e.svc.Refund(e.ctx, r.ID, total)
	if err != nil || f.Status != "succeeded" || f.CheckoutRefundID != 77 || f.Key != "return:"+itoa(r.ID) {
		t.Fatalf("retry: %+v %v", f, err)
	}
	if got := e.orders.totalRefunded(o.ID); !got.Equal(b.Total) {
		t.Errorf("refunded %s after a retry, want %s once", got, b.Total)
	}

	// A refused refund is recorded and retried under a new key.
	r2 := e.inspected(o, map[int]int{1: 1}, ReasonDefective)
	b2, _ := e.svc.Preview(e.ctx, r2.ID)
	e.orders.next = func(key string, amount money.Amount) (checkout.Refund, error) {
		rf := checkout.Refund{ID: 78, OrderID: o.ID, Amount: amount, Status: "failed"}
		e.orders.refunds[key] = rf
		return rf, nil
	}
	if _, err := e.svc.Refund(e.ctx, r2.ID, b2.Amount(b2.Total)); !isUserError(err, "returns.RefundFailed") {
		t.Fatalf("refused: %v", err)
	}
	f, err = e.svc.Refund(e.ctx, r2.ID, b2.Amount(b2.Total))
	if err != nil || f.Attempt != 2 || f.Key != "return:"+itoa(r2.ID)+":2" || !f.Sent() {
		t.Errorf("second attempt: %+v %v", f, err)
	}
	events, _ := e.svc.Events(e.ctx, r2.ID)
	if !hasAction(events, "refund_failed") || !hasAction(events, "refunded") {
		t.Errorf("audit trail: %+v", events)
	}
}

func TestRefundRefusals(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -3))
	r := e.inspected(o, map[int]int{1: 1}, ReasonDefective)
	b, _ := e.svc.Preview(e.ctx, r.ID)

	// A confirmed amount that is not what would be sent sends nothing.
	if _, err := e.svc.Refund(e.ctx, r.ID, amt("1.00", "EUR")); !errors.Is(err, ErrRefundChanged) {
		t.Errorf("wrong confirmation: %v", err)
	}
	if _, err := e.svc.RefundOf(e.ctx, r.ID); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("a refused confirmation recorded a refund: %v", err)
	}

	// More than is left of the payment (ops refunded by hand meanwhile): refused, clearly, and nothing refunded.
	e.orders.captured[o.ID] = d("50")
	_, err := e.svc.Refund(e.ctx, r.ID, b.Amount(b.Total))
	var ue *httpx.UserError
	if !errors.As(err, &ue) || ue.MessageID != "returns.RefundTooLarge" || !errors.Is(err, httpx.ErrConflict) {
		t.Fatalf("too large: %v", err)
	}
	if left, ok := ue.Data["Left"].(money.Amount); !ok || !left.Number.Equal(d("50")) {
		t.Errorf("too large does not say what is left: %v", ue.Data)
	}
	if e.status(r.ID) != StatusInspected || !e.orders.totalRefunded(o.ID).IsZero() {
		t.Errorf("after a refused refund: %s, refunded %s", e.status(r.ID), e.orders.totalRefunded(o.ID))
	}

	// Not inspected yet: nothing is sent.
	r2 := e.request(o, map[int]int{2: 1}, ReasonDefective)
	b2, _ := e.svc.Preview(e.ctx, r2.ID)
	calls := e.orders.refundCalls()
	if _, err := e.svc.Refund(e.ctx, r2.ID, b2.Amount(b2.Total)); !isUserError(err, "returns.NotRefundable") {
		t.Errorf("refund of a requested return: %v", err)
	}
	if e.orders.refundCalls() != calls {
		t.Error("a return that is not inspected was sent to the payment")
	}
}

func hasAction(events []Event, action string) bool {
	for _, e := range events {
		if e.Action == action {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return decimal.NewFromInt(n).String() }
