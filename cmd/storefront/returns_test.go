package main

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/actor"
	"storefront/internal/returns"
)

// TestJPYReturnsRefundWholeYenAndAddUpToWhatWasPaid: a yen order returned one unit, then the other two, through
// the real checkout and returns services: every refund is whole yen, and together they give back exactly the
// goods, tax and duty paid for the three units, never more than was captured.
func TestJPYReturnsRefundWholeYenAndAddUpToWhatWasPaid(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	item := shop.stockedVariant(t, 10)
	o := shop.deliveredOrderOf(t, "/ja-jp", [2]int64{item.ID, 3})
	if o.Currency != "JPY" || len(o.Lines) != 1 {
		t.Fatalf("order %s in %s with %d lines", o.Number, o.Currency, len(o.Lines))
	}
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops@example.com", Role: "ops"})
	line := o.Lines[0]
	refund := func(units int) returns.Breakdown {
		t.Helper()
		r, err := shop.app.returns.Request(ctx, o.ID, returns.RequestInput{Quantities: map[int]int{line.LineNo: units},
			Reason: returns.ReasonDefective, Locale: "ja"})
		if err != nil {
			t.Fatal(err)
		}
		if err := shop.app.returns.Approve(ctx, r.ID, "返送先: 東京", ""); err != nil {
			t.Fatal(err)
		}
		if err := shop.app.returns.Receive(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := shop.app.returns.Inspect(ctx, r.ID, []returns.Inspection{{OrderLineNo: line.LineNo, Restock: units,
			WarehouseID: line.WarehouseID}}); err != nil {
			t.Fatal(err)
		}
		b, err := shop.app.returns.Preview(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		f, err := shop.app.returns.Refund(ctx, r.ID, b.Amount(b.Total))
		if err != nil || !f.Sent() {
			t.Fatalf("refund: %+v %v", f, err)
		}
		return f.Breakdown
	}
	one, two := refund(1), refund(2)
	for _, b := range []returns.Breakdown{one, two} {
		if b.Currency != "JPY" || !b.Total.Equal(b.Total.Truncate(0)) {
			t.Errorf("refund %s %s is not whole yen", b.Total, b.Currency)
		}
	}
	paid := line.UnitShown.Mul(decimal.NewFromInt(3)).Add(line.Duty)
	got := one.Goods.Add(two.Goods).Add(one.Duty).Add(two.Duty)
	if !got.Equal(paid) {
		t.Errorf("goods and duty refunded %s, paid %s", got, paid)
	}
	refunds, err := shop.app.checkout.Refunds(ctx, o.ID)
	if err != nil || len(refunds) != 2 {
		t.Fatalf("refunds of the order: %+v %v", refunds, err)
	}
	sum := decimal.Zero
	for _, r := range refunds {
		sum = sum.Add(r.Amount.Number)
	}
	if !sum.Equal(one.Total.Add(two.Total)) || sum.GreaterThan(o.DueNow.Number) {
		t.Errorf("refunded %s in all, paid %s", sum, o.DueNow)
	}
	// Nothing is left to refund for those units: a third request is refused.
	if _, err := shop.app.returns.Request(ctx, o.ID, returns.RequestInput{Quantities: map[int]int{line.LineNo: 1},
		Reason: returns.ReasonDefective, Locale: "ja"}); err == nil {
		t.Error("a fourth unit of a three-unit line was accepted for return")
	}
}
