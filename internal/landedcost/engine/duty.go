package engine

import (
	"github.com/shopspring/decimal"
)

// duty decides each line's duty treatment and computes the rounded duty (RULES.md §1.1 step 4):
//
//   - lines of a seller regime that is duty-exempt (UK POS, AU/NZ LVG, NO VOEC) carry none;
//   - a flat duty (EU EUR 3 per item from 2026-07-01) replaces the ad valorem rate for a qualifying consignment;
//   - a value relief (EU EUR 150 until 2026-06-30, UK GBP 135, US USD 800 before 2025-08-29, CA CAD 20/150, AU and
//     NZ 1,000, JP JPY 10,000, KR USD 150/200) removes it, except for HS codes the relief excludes;
//   - an HS exemption (CH industrial goods from 2024) removes it;
//   - otherwise duty = duty_rate × customs value. A missing duty_rate is reported, never taken as zero.
func (q *quoter) duty() error {
	for i := range q.lines {
		lc := &q.lines[i]
		lc.dutyAssessed = lc.scheme == nil || !lc.scheme.DutyExempt
	}
	if err := q.markFlat(); err != nil {
		return err
	}
	rest := func(lc *lineCalc) bool { return lc.dutyAssessed && !lc.flat }
	for i := range q.cfg.reliefs {
		rl := &q.cfg.reliefs[i]
		ok, err := q.reliefApplies(rl, effectDuty, rest)
		if err != nil {
			return err
		}
		if ok {
			relieved := false
			for j := range q.lines {
				if lc := &q.lines[j]; rest(lc) && !hasPrefixIn(lc.hs, rl.ExcludedHS) {
					lc.dutyAssessed, relieved = false, true
				}
			}
			if relieved {
				q.addLabel(rl.Label)
			}
		}
		ok, err = q.reliefApplies(rl, effectFees, nil)
		if err != nil {
			return err
		}
		q.feesRelieved = q.feesRelieved || ok
	}
	for i := range q.lines {
		lc := &q.lines[i]
		if !rest(lc) || q.exempt(lc.hs) {
			continue
		}
		if !lc.line.DutyRate.Valid {
			q.unknown = append(q.unknown, lc.line.ID)
			continue
		}
		lc.adValorem = true
		lc.dutyNum = mul(lc.line.DutyRate.Decimal, lc.cvNum)
	}
	if err := q.flatAmounts(); err != nil {
		return err
	}
	q.adValoremAmounts()
	return nil
}

func (q *quoter) exempt(hs string) bool {
	for _, e := range q.cfg.exemptions {
		if hasPrefixIn(hs, e.HSPrefixes) {
			return true
		}
	}
	return false
}

// markFlat marks the lines a flat duty covers. The consignment test uses every line of the order (the EU test is
// the consignment's intrinsic value); the exclusions are the open questions of RULES.md §13.1, switched by data.
func (q *quoter) markFlat() error {
	f := q.cfg.flat
	if f == nil {
		return nil
	}
	num, overDen := q.basis(f.Max.Basis, nil)
	ok, err := q.within(num, overDen, &f.Max)
	if err != nil || !ok {
		return err
	}
	for i := range q.lines {
		lc := &q.lines[i]
		switch {
		case !lc.dutyAssessed, f.Scope == "seller_scheme" && lc.scheme == nil, f.ExcludePreference && lc.line.Preference != "":
			continue
		case f.ExcludeZeroRate && (!lc.line.DutyRate.Valid || lc.line.DutyRate.Decimal.IsZero()):
			continue
		}
		lc.flat = true
	}
	return nil
}

// flatAmounts charges the flat amount per group (per distinct HS code at hs_digits, per line, per unit or once
// per consignment) and spreads each group's amount over its lines by value.
func (q *quoter) flatAmounts() error {
	f := q.cfg.flat
	flagged := false
	for i := range q.lines {
		flagged = flagged || q.lines[i].flat
	}
	if f == nil || !flagged {
		return nil
	}
	amount, err := q.converted(f.Amount)
	if err != nil {
		return err
	}
	total := decimal.Zero
	done := make([]bool, len(q.lines))
	for i := range q.lines {
		lc := &q.lines[i]
		if !lc.flat || done[i] {
			continue
		}
		switch f.Per {
		case perLine:
			lc.duty, done[i] = amount, true
			total = total.Add(amount)
			continue
		case perUnit:
			lc.duty, done[i] = amount.Mul(decimal.NewFromInt(int64(lc.line.Quantity))), true
			total = total.Add(lc.duty)
			continue
		}
		group := make([]int, 0, len(q.lines))
		for j := i; j < len(q.lines); j++ {
			o := &q.lines[j]
			if o.flat && !done[j] && (f.Per == perConsignment || prefixOf(o.hs, f.HSDigits) == prefixOf(lc.hs, f.HSDigits)) {
				group = append(group, j)
				done[j] = true
			}
		}
		q.spread(amount, group, func(lc *lineCalc) decimal.Decimal { return lc.v }, func(lc *lineCalc, d decimal.Decimal) { lc.duty = d })
		total = total.Add(amount)
	}
	q.dutyTotal = add(q.dutyTotal, total)
	name := f.Label
	if name == "" {
		name = f.Name
	}
	q.dutyCharge(name, f.id, total, decimal.NullDecimal{})
	if !total.IsZero() {
		q.addLabel(f.Label)
	}
	return nil
}

// adValoremAmounts rounds the ad valorem duty once per consignment (or per line where the market rounds per
// line: US, JP) and allocates the consignment amount back to lines by largest remainder.
func (q *quoter) adValoremAmounts() {
	dutyR, _, _ := q.rounders(scopeBorder)
	group := q.sc.idx[:0]
	for i := range q.lines {
		if q.lines[i].adValorem {
			group = append(group, i)
		}
	}
	if len(group) == 0 {
		return
	}
	total := decimal.Zero
	if dutyR.per == perLine {
		for _, i := range group {
			lc := &q.lines[i]
			lc.duty = dutyR.round(lc.dutyNum, q.den)
			total = total.Add(lc.duty)
		}
	} else {
		total = dutyR.round(sumOf(len(group), func(i int) decimal.Decimal { return q.lines[group[i]].dutyNum }), q.den)
		q.spread(total, group, func(lc *lineCalc) decimal.Decimal { return lc.dutyNum }, func(lc *lineCalc, d decimal.Decimal) { lc.duty = d })
	}
	q.dutyTotal = add(q.dutyTotal, total)
	q.dutyCharge("customs duty", "", total, decimal.NullDecimal{})
}

// spread allocates total over the lines in group by largest remainder of weight.
func (q *quoter) spread(total decimal.Decimal, group []int, weight func(*lineCalc) decimal.Decimal, set func(*lineCalc, decimal.Decimal)) {
	k := len(group)
	for n, i := range group {
		q.weights[n] = weight(&q.lines[i])
	}
	allocate(total, q.minor, q.weights[:k], q.amounts[:k], q.rem[:k], q.scratch)
	for n, i := range group {
		set(&q.lines[i], q.amounts[n])
	}
}

func prefixOf(hs string, digits int) string {
	if len(hs) < digits {
		return hs
	}
	return hs[:digits]
}
