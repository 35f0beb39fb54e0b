package engine

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// tax computes seller-collected tax on the lines of a seller regime and import tax on the others (RULES.md §1.4):
//
//   - seller regimes tax the sale price including its share of shipping and insurance, plus the duty when the
//     seller recharges it under DDP and the regime's base includes it (EU IOSS, VAT Directive Art. 78; case C03);
//   - import tax is levied on the customs value plus, where the market's base includes them, transport and
//     insurance (CIF markets, and AU/NZ which add them to the FOB customs value), plus the duty, unless a tax
//     relief covers the lines. The duty stays in the import base even when the seller absorbs it, because the
//     base is fixed by law, not by who pays.
func (q *quoter) tax() error {
	for i := range q.lines {
		q.lines[i].border = q.lines[i].scheme == nil
	}
	border := func(lc *lineCalc) bool { return lc.border }
	for i := range q.cfg.reliefs {
		rl := &q.cfg.reliefs[i]
		ok, err := q.reliefApplies(rl, effectTax, border)
		if err != nil {
			return err
		}
		if ok {
			relieved := false
			for j := range q.lines {
				if lc := &q.lines[j]; lc.border && !hasPrefixIn(lc.hs, rl.ExcludedHS) {
					lc.taxRelieved, relieved = true, true
				}
			}
			if relieved {
				q.addLabel(rl.Label)
			}
		}
	}
	recharged := q.ddp && !q.req.SellerAbsorbsDuty
	seller, err := q.taxScope(scopeSeller, func(lc *lineCalc) (decimal.Decimal, bool) {
		if lc.scheme == nil {
			return decimal.Zero, false
		}
		if lc.scheme.BaseIncludesRechargedDuty && recharged {
			return mulAdd(lc.cifNum, lc.duty, q.den), true
		}
		return lc.cifNum, true
	})
	if err != nil {
		return err
	}
	q.sellerTax = seller
	addTransport := q.cfg.market.Valuation == "FOB" && q.cfg.market.TaxBase == taxBaseCIFDuty
	imp, err := q.taxScope(scopeBorder, func(lc *lineCalc) (decimal.Decimal, bool) {
		if !lc.border || lc.taxRelieved {
			return decimal.Zero, false
		}
		base := lc.cvNum
		if !lc.duty.IsZero() {
			base = mulAddBy(base, lc.duty, q.den, q.denCoef)
		}
		if addTransport {
			base = mulAdd(base, q.transport, lc.w)
		}
		return base, true
	})
	if err != nil {
		return err
	}
	q.borderTax = imp
	if imp.IsPositive() || q.dutyTotal.IsPositive() || len(q.unknown) > 0 {
		q.addLabel(q.cfg.market.ImportLabel)
	}
	return nil
}

// taxGroup is one tax component at one rate within one scope: the unit of rounding (RULES.md §1.6: once per tax
// type and VAT rate group per consignment).
type taxGroup struct {
	name   string
	ruleID string
	rate   decimal.Decimal
	idx    []int
	nums   []decimal.Decimal
}

// taxScope taxes the lines for which base returns true, grouping them by component and rate, and returns the
// scope's total. base returns each line's tax base as a numerator over q.den.
func (q *quoter) taxScope(scope string, base func(*lineCalc) (decimal.Decimal, bool)) (decimal.Decimal, error) {
	comps, err := q.cfg.components(q.req.Destination.Region)
	if err != nil {
		return decimal.Zero, err
	}
	groups := q.sc.groups[:0]
	defer func() { q.sc.groups = groups[:0] }()
	for i := range q.lines {
		lc := &q.lines[i]
		num, ok := base(lc)
		if !ok {
			continue
		}
		for _, c := range comps {
			if scope == scopeBorder && !c.atImport {
				continue // RULES.md §6: provincial sales taxes are not collected at the Canadian border (data flag)
			}
			rate, ok := c.rates[lc.category]
			if lc.line.TaxRate.Valid {
				rate, ok = lc.line.TaxRate.Decimal, true
			}
			if !ok {
				return decimal.Zero, reqErr(fmt.Sprintf("lines[%d].tax_category", i), "%s has no %q %s rate on %s",
					q.req.Destination.Country, lc.category, c.name, q.d)
			}
			g := findGroup(groups, c.name, rate)
			if g < 0 {
				groups = q.sc.group(groups, len(q.lines))
				g = len(groups) - 1
				groups[g].name, groups[g].ruleID, groups[g].rate = c.name, c.ruleID, rate
			}
			groups[g].idx = append(groups[g].idx, i)
			groups[g].nums = append(groups[g].nums, num)
			if lc.line.TaxRate.Valid {
				break // a tax_rate override replaces every component with one rate
			}
		}
	}
	_, taxR, baseR := q.rounders(scope)
	due := dueCheckout
	if scope == scopeBorder {
		due = q.borderDue()
	}
	split := q.cfg.split
	if scope != scopeBorder {
		split = nil
	}
	var local []decimal.Decimal
	if split != nil {
		local = make([]decimal.Decimal, len(q.lines))
	}
	total := decimal.Zero
	for gi := range groups {
		total = add(total, q.groupTax(&groups[gi], taxR, baseR, split, local, due, scope == scopeBorder))
	}
	if split != nil {
		total = add(total, q.localTax(split, local, due))
	}
	return total, nil
}

func findGroup(groups []taxGroup, name string, rate decimal.Decimal) int {
	for i := range groups {
		if groups[i].name == name && groups[i].rate.Equal(rate) {
			return i
		}
	}
	return -1
}

// groupTax rounds one group's tax, adds each line's share to the line, records the charge and returns the
// group total.
//
// Per-consignment groups round the group total once and allocate it by largest remainder. Per-line groups (JP)
// first truncate each line's base (JPY 1,000) and tax (JPY 100). With a national/local split (JP consumption
// tax, RULES.md §9) the group computes the national tax at rate × national share and adds each line's unrounded
// local tax (or, per consignment, its national share as the weight) to local for localTax.
func (q *quoter) groupTax(g *taxGroup, taxR rounder, baseR *rounder, split *taxSplitParams, local []decimal.Decimal, due string, border bool) decimal.Decimal {
	rate := g.rate
	if split != nil {
		rate = rate.Mul(split.NationalShare)
	}
	tax := func(num decimal.Decimal) decimal.Decimal {
		den := q.den
		if baseR != nil {
			num, den = baseR.round(num, den), one
		}
		return taxR.roundProduct(num, rate, den)
	}
	k := len(g.idx)
	amounts := q.amounts[:k]
	total := decimal.Zero
	if taxR.per == perLine {
		for n, num := range g.nums {
			amounts[n] = tax(num)
			total = add(total, amounts[n])
		}
	} else {
		total = tax(sumOf(k, func(i int) decimal.Decimal { return g.nums[i] }))
		allocate(total, q.minor, g.nums, amounts, q.rem[:k], q.scratch)
	}
	for n, i := range g.idx {
		q.lines[i].tax = add(q.lines[i].tax, amounts[n])
		if split != nil {
			w := amounts[n]
			if taxR.per == perLine {
				w = q.splitRounder(split.LocalLine).round(w.Mul(decimal.NewFromInt(split.LocalNumerator)), decimal.NewFromInt(split.LocalDenominator))
			}
			local[i] = local[i].Add(w)
		}
	}
	name := g.name
	if split != nil {
		name = split.NationalName
	}
	q.addCharge(Charge{Kind: "tax", Name: name, Rate: decimal.NewNullDecimal(rate), Amount: total, Due: due, BorneBy: borneShopper, RuleID: g.ruleID, border: border})
	return total
}

// localTax computes the local share of a split tax: in per-line mode the sum of the lines' local amounts (each
// already truncated to the yen) truncated to JPY 100 (case C28: 13,397 + 2,510 = 15,907 → 15,900); in
// per-consignment mode the local fraction of the national total. The total is allocated back to lines by
// largest remainder.
func (q *quoter) localTax(split *taxSplitParams, local []decimal.Decimal, due string) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range local {
		sum = sum.Add(l)
	}
	num, den := sum, one
	if _, taxR, _ := q.rounders(scopeBorder); taxR.per != perLine {
		num, den = sum.Mul(decimal.NewFromInt(split.LocalNumerator)), decimal.NewFromInt(split.LocalDenominator)
	}
	total := q.splitRounder(split.LocalTotal).round(num, den)
	allocate(total, q.minor, local, q.amounts, q.rem, q.scratch)
	for i := range q.lines {
		q.lines[i].tax = add(q.lines[i].tax, q.amounts[i])
	}
	q.addCharge(Charge{Kind: "tax", Name: split.LocalName, Amount: total, Due: due, BorneBy: borneShopper, RuleID: q.cfg.splitID, border: true})
	return total
}

// splitRounder resolves a tax-split rounding step; its increments are in the market's currency.
func (q *quoter) splitRounder(s roundSpec) rounder {
	r := rounder{s.Mode, q.minor, s.Per}
	if s.Unit != nil && q.req.Currency == q.cfg.market.Currency && s.Unit.GreaterThan(q.minor) {
		r.unit = *s.Unit
	}
	return r
}
