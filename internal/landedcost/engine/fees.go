package engine

import (
	"strings"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// applyMinCollect drops import charges below a market's minimum (RULES.md §1.6): DE import taxes under EUR 1,
// CH import VAT of CHF 5.00 or less (case C31), KR taxes under KRW 10,000. The test uses the rounded import
// amounts named by the rule, summed; tax a registered seller collects at checkout is never dropped.
func (q *quoter) applyMinCollect() error {
	for i := range q.cfg.minCollect {
		mc := &q.cfg.minCollect[i]
		duty, tax := contains(mc.AppliesTo, effectDuty), contains(mc.AppliesTo, effectTax)
		sum := decimal.Zero
		if duty {
			sum = add(sum, q.dutyTotal)
		}
		if tax {
			sum = add(sum, q.borderTax)
		}
		if sum.IsZero() {
			continue
		}
		limit, err := q.exact(mc.Amount.Amount, mc.Amount.Currency)
		if err != nil {
			return err
		}
		if c := sum.Cmp(limit); c > 0 || (c == 0 && !*mc.Inclusive) {
			continue
		}
		kept := q.charges[:0]
		for _, c := range q.charges {
			if c.border && ((duty && c.Kind == "duty") || (tax && c.Kind == "tax")) {
				continue
			}
			kept = append(kept, c)
		}
		q.charges = kept
		for j := range q.lines {
			lc := &q.lines[j]
			if duty {
				lc.duty = decimal.Zero
			}
			if tax && lc.border {
				lc.tax = decimal.Zero
			}
		}
		if duty {
			q.dutyTotal = decimal.Zero
		}
		if tax {
			q.borderTax = decimal.Zero
		}
		q.addLabel(strings.ToUpper(mc.Name))
	}
	return nil
}

// applyFees adds the government and postal fees (RULES.md §1.1 step 6): US MPF (informal flat, formal ad
// valorem with minimum and maximum, not on USMCA-originating goods) and HMF (ocean only), AU import processing
// and biosecurity charges, the IT contributo, the Canada Post handling fee on mail that attracts duty or tax,
// and seller-borne levies such as the FR small-parcel tax, which are reported but kept out of the shopper's
// total.
func (q *quoter) applyFees() error {
	for i := range q.cfg.fees {
		f := &q.cfg.fees[i]
		if !q.conditionsMet(&f.When, nil) || (f.WaivedByRelief && q.feesRelieved) {
			continue
		}
		if f.RequiresBorderCharges && q.dutyTotal.IsZero() && q.borderTax.IsZero() {
			continue
		}
		ok, err := q.feeValueInRange(f)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		payable := func(lc *lineCalc) bool { return lc.pref == "" || !contains(f.ExemptPreferences, lc.pref) }
		amount, err := q.feeAmount(f, payable)
		if err != nil {
			return err
		}
		if amount.IsZero() {
			continue
		}
		c := Charge{Kind: "fee", Name: f.Name, Amount: amount, Due: q.borderDue(), BorneBy: f.BorneBy, RuleID: f.id}
		if f.Rate != nil {
			c.Rate = decimal.NewNullDecimal(*f.Rate)
		}
		if f.BorneBy == borneSeller {
			q.sellerFees = add(q.sellerFees, amount)
			c.Due = dueCheckout
		} else {
			q.fees = add(q.fees, amount)
		}
		q.addCharge(c)
	}
	return nil
}

// feeValueInRange checks a fee's value band on the whole consignment (the entry type and the AU charge band
// depend on the value of everything declared together).
func (q *quoter) feeValueInRange(f *feeRule) (bool, error) {
	if f.ValueMax != nil {
		num, overDen := q.basis(f.ValueMax.Basis, nil)
		ok, err := q.within(num, overDen, f.ValueMax)
		if err != nil || !ok {
			return false, err
		}
	}
	if f.ValueMin != nil {
		num, overDen := q.basis(f.ValueMin.Basis, nil)
		below, err := q.within(num, overDen, &limitParam{
			Amount: f.ValueMin.Amount, Currency: f.ValueMin.Currency, Inclusive: boolPtr(!*f.ValueMin.Inclusive),
		})
		if err != nil || below {
			return false, err
		}
	}
	return true, nil
}

// feeAmount computes a fixed fee per consignment, distinct HS code, line or unit, or an ad valorem fee on the
// payable lines' value rounded HALF_UP to the minor unit and kept within its minimum and maximum.
func (q *quoter) feeAmount(f *feeRule, payable func(*lineCalc) bool) (decimal.Decimal, error) {
	count, units := 0, 0
	var codes []string
	for i := range q.lines {
		lc := &q.lines[i]
		if !payable(lc) {
			continue
		}
		count++
		units += lc.line.Quantity
		if f.Per == perHSCode && !contains(codes, prefixOf(lc.hs, f.HSDigits)) {
			codes = append(codes, prefixOf(lc.hs, f.HSDigits))
		}
	}
	if count == 0 {
		return decimal.Zero, nil
	}
	if f.Amount != nil {
		a, err := q.converted(*f.Amount)
		if err != nil {
			return decimal.Zero, err
		}
		n := 1
		switch f.Per {
		case perHSCode:
			n = len(codes)
		case perLine:
			n = count
		case perUnit:
			n = units
		}
		return a.Mul(decimal.NewFromInt(int64(n))), nil
	}
	num, overDen := q.basis(f.Basis, payable)
	den := one
	if overDen {
		den = q.den
	}
	amount := roundQ(num.Mul(*f.Rate), den, q.minor, money.HalfUp)
	if f.Min != nil {
		lo, err := q.converted(*f.Min)
		if err != nil {
			return decimal.Zero, err
		}
		amount = decimal.Max(amount, lo)
	}
	if f.Max != nil {
		hi, err := q.converted(*f.Max)
		if err != nil {
			return decimal.Zero, err
		}
		amount = decimal.Min(amount, hi)
	}
	return amount, nil
}

func boolPtr(b bool) *bool { return &b }

// result assembles the quote: totals, the checkout/delivery split (README §1.3) and the per-line shares.
func (q *quoter) result() Quote {
	r := q.req
	out := Quote{
		Currency: r.Currency, Goods: q.goods, Shipping: q.ship, Insurance: q.ins,
		Tax: add(q.sellerTax, q.borderTax), Fees: q.fees, SellerFees: q.sellerFees,
		RulesVersion: q.s.version, DutyUnknown: len(q.unknown) > 0, DutyUnknownLines: q.unknown,
		Charges: q.charges, Lines: make([]QuoteLine, len(q.lines)),
	}
	out.Duty = q.dutyTotal
	if r.SellerAbsorbsDuty {
		out.Duty, out.SellerDuty = decimal.Zero, q.dutyTotal
	}
	for i := range q.lines {
		lc := &q.lines[i]
		out.Lines[i] = QuoteLine{ID: lc.line.ID, Duty: lc.duty, Tax: lc.tax}
		if r.SellerAbsorbsDuty {
			out.Lines[i].Duty = decimal.Zero
		}
	}
	atCheckout := q.cif // goods + shipping + insurance
	parts := [4]decimal.Decimal{atCheckout, out.Duty, out.Tax, out.Fees}
	out.Total = sumOf(len(parts), func(i int) decimal.Decimal { return parts[i] })
	if q.ddp {
		out.DueAtCheckout, out.DueOnDelivery = out.Total, decimal.Zero
	} else {
		out.DueAtCheckout = add(atCheckout, q.sellerTax)
		out.DueOnDelivery = out.Total.Sub(out.DueAtCheckout)
	}
	if len(q.labels) == 0 {
		q.labels = append(q.labels, q.cfg.market.ImportLabel)
	}
	out.Regime = strings.Join(q.labels, "+")
	return out
}
