package engine

import (
	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// quoter holds the working state of one quote.
type quoter struct {
	s     *Snapshot
	req   *Request
	sc    *quoteScratch
	cfg   *config
	d     day
	minor decimal.Decimal
	// minorCoef and fxCoef are minor and the fx rate split for the integer fast path, once per quote.
	minorCoef, fxCoef coef
	denCoef           coef // den split, set once den is known
	domestic          bool
	ddp               bool

	lines     []lineCalc
	goods     decimal.Decimal
	ship, ins decimal.Decimal
	transport decimal.Decimal // ship + ins
	cif       decimal.Decimal // goods + ship + ins
	den       decimal.Decimal // common denominator of every line base (see lineCalc)
	factor    decimal.Decimal // valuation factor (JP personal use 0.6, else 1)
	places    int32

	dutyTotal    decimal.Decimal
	sellerTax    decimal.Decimal
	borderTax    decimal.Decimal
	fees         decimal.Decimal
	sellerFees   decimal.Decimal
	feesRelieved bool
	labels       []string
	charges      []Charge
	unknown      []string
	labelBuf     [4]string

	weights, amounts, rem []decimal.Decimal
	scratch               []uint64
}

// lineCalc is one line's working figures. Bases that include a share of shipping and insurance are kept as
// numerators over q.den (the goods value), so nothing is rounded before the final tax rounding.
type lineCalc struct {
	line      *Line
	hs        string
	category  string
	clearance string
	pref      string // canonical name of a preference claim the rules recognise for this origin, else ""

	v, w   decimal.Decimal // converted line total, allocation weight
	cifNum decimal.Decimal // goods + share of shipping and insurance
	cvNum  decimal.Decimal // customs value on the market's basis (FOB, CIF, JP personal-use value)

	scheme       *schemeRule
	dutyAssessed bool
	flat         bool
	dutyNum      decimal.Decimal // unrounded ad valorem duty, over q.den
	adValorem    bool
	duty         decimal.Decimal
	border       bool // taxed at import
	taxRelieved  bool
	tax          decimal.Decimal
}

// prepare validates the request, resolves the rules in force and converts every amount.
func (q *quoter) prepare() error {
	// validate normalises codes in place; work on a copy so the caller's lines stay as they were.
	q.sc.lines = append(q.sc.lines[:0], q.req.Lines...)
	q.req.Lines = q.sc.lines
	if err := q.validate(); err != nil {
		return err
	}
	r := q.req
	q.d = dayOf(r.AsOf)
	q.cfg = q.s.configFor(r.Destination.Country, q.d)
	if q.cfg == nil {
		return reqErr("destination.country", "no landed-cost rules for %q on %s", r.Destination.Country, q.d)
	}
	if _, err := q.cfg.components(r.Destination.Region); err != nil {
		return err
	}
	places, err := money.MinorUnits(r.Currency)
	if err != nil {
		return reqErr("currency", "unknown currency %q", r.Currency)
	}
	q.minor = minorUnit(places)
	q.minorCoef, q.fxCoef = coefOf(q.minor), coefOf(r.FXRate)
	q.ddp = r.Incoterm == "DDP"
	q.domestic = q.s.territoryAt(r.ShipFrom, q.d) == q.cfg.territory

	q.places = places
	q.labels = q.labelBuf[:0]
	q.charges = make([]Charge, 0, 4)
	n := len(r.Lines)
	q.sc.size(n)
	q.lines = q.sc.calc
	scratch := q.sc.dec
	q.weights, q.amounts, q.rem = scratch[:n:n], scratch[n:2*n:2*n], scratch[2*n:]
	q.scratch = q.sc.u64
	for i := range r.Lines {
		l := &r.Lines[i]
		lc := &q.lines[i]
		lc.line, lc.hs, lc.category = l, l.HSCode, l.TaxCategory
		lc.v = q.convertQty(l.UnitPrice, l.Quantity)
		lc.pref = q.preference(l)
		lc.clearance = q.clearance(l)
	}
	q.goods = sumOf(n, func(i int) decimal.Decimal { return q.lines[i].v })
	q.ship, q.ins = q.convert(r.Shipping), q.convert(r.Insurance)
	q.transport = add(q.ship, q.ins)
	q.cif = add(q.goods, q.transport)
	// Shipping and insurance follow line value (RULES.md §1 convention 4), so a line's CIF value is
	// v + T·v/G = v·(G + T)/G; an order of free lines splits them equally.
	q.den = q.goods
	cifCoef := coefOf(q.cif)
	for i := range q.lines {
		lc := &q.lines[i]
		lc.w = lc.v
		lc.cifNum = mulBy(lc.v, q.cif, cifCoef)
	}
	if q.goods.IsZero() {
		q.den = decimal.New(int64(n), 0)
		for i := range q.lines {
			q.lines[i].w, q.lines[i].cifNum = one, q.transport
		}
	}
	q.denCoef = coefOf(q.den)
	cif := q.cfg.market.Valuation == "CIF"
	q.factor = one
	if r.PersonalUse && q.cfg.personalUse != nil {
		q.factor = q.cfg.personalUse.Factor
	}
	personal := !q.factor.Equal(one)
	for i := range q.lines {
		lc := &q.lines[i]
		switch {
		case cif && !personal:
			lc.cvNum = lc.cifNum
		case cif:
			lc.cvNum = lc.v.Mul(q.factor).Mul(q.den).Add(q.transport.Mul(lc.w))
		default:
			lc.cvNum = lc.v.Mul(q.factor).Mul(q.den)
		}
	}
	return nil
}

// convert converts a merchant amount at fx_rate, HALF_UP to the quote currency's minor units (README §3
// convention 2).
func (q *quoter) convert(d decimal.Decimal) decimal.Decimal {
	return q.convertQty(d, 1)
}

// convertQty converts unit price × quantity.
func (q *quoter) convertQty(price decimal.Decimal, qty int) decimal.Decimal {
	if r, ok := roundScaledCoef(coefOf(price), uint64(qty), q.fxCoef, oneCoef, q.minorCoef, money.HalfUp); ok {
		return r
	}
	if qty != 1 {
		price = price.Mul(decimal.New(int64(qty), 0))
	}
	return money.RoundTo(price.Mul(q.req.FXRate), q.places, money.HalfUp)
}

// unitValue is the converted price of one unit, for per-item tests (NO VOEC, AU LVG, SG OVR).
func (q *quoter) unitValue(lc *lineCalc) decimal.Decimal {
	if lc.line.Quantity == 1 {
		return lc.v
	}
	return q.convert(lc.line.UnitPrice)
}

// preference returns the canonical name of a line's preference claim when the destination recognises it
// (aliases such as CUSMA and T-MEC name USMCA) and the line's origin is a party to it. Any other claim has no
// effect beyond the duty_rate the request already carries.
func (q *quoter) preference(l *Line) string {
	if l.Preference == "" {
		return ""
	}
	for _, p := range q.cfg.preferences {
		if p.Name == l.Preference || contains(p.Aliases, l.Preference) {
			if contains(p.Origins, l.Origin) {
				return p.Name
			}
			return ""
		}
	}
	return ""
}

// clearance returns the line's Korean clearance class: the request's, else the class of its HS code.
func (q *quoter) clearance(l *Line) string {
	if l.KRClearance != "" || q.cfg.clearance == nil {
		return l.KRClearance
	}
	if hasPrefixIn(l.HSCode, q.cfg.clearance.GeneralHSPrefixes) {
		return clearanceGeneral
	}
	return q.cfg.clearance.Default
}

// domesticTax taxes a sale dispatched from inside the destination's customs territory: every tax component of
// the destination (including Canadian PST/QST) on goods plus shipping and insurance, nothing else.
func (q *quoter) domesticTax() error {
	q.labels = append(q.labels, "DOMESTIC")
	total, err := q.taxScope(scopeDomestic, func(lc *lineCalc) (decimal.Decimal, bool) { return lc.cifNum, true })
	q.sellerTax = total
	return err
}

// importCharges runs steps 3 and 4 of Quote for a cross-border sale.
func (q *quoter) importCharges() error {
	if err := q.assignScheme(); err != nil {
		return err
	}
	if err := q.duty(); err != nil {
		return err
	}
	if err := q.tax(); err != nil {
		return err
	}
	if err := q.applyMinCollect(); err != nil {
		return err
	}
	return q.applyFees()
}

// conditionsMet evaluates a rule's conditions against the request and the lines selected by in.
func (q *quoter) conditionsMet(c *conditions, in func(*lineCalc) bool) bool {
	r := q.req
	if len(c.ShipFrom) > 0 && !contains(c.ShipFrom, r.ShipFrom) {
		return false
	}
	if len(c.Channel) > 0 && !contains(c.Channel, r.Channel) {
		return false
	}
	if len(c.TransportMode) > 0 && !contains(c.TransportMode, r.TransportMode) {
		return false
	}
	if c.AirOrPost && r.TransportMode != modeAir && r.Channel != channelPostal {
		return false
	}
	for i := range q.lines {
		lc := &q.lines[i]
		if in != nil && !in(lc) {
			continue
		}
		if c.AllLinesClearance != "" && lc.clearance != c.AllLinesClearance {
			return false
		}
		if contains(c.OriginNot, lc.line.Origin) {
			return false
		}
	}
	return true
}

// basis sums a value basis over the lines selected by in (nil = every line) and reports whether the sum is a
// numerator over q.den. Whole-order sums need no division: CIF over every line is goods + transport.
func (q *quoter) basis(b string, in func(*lineCalc) bool) (num decimal.Decimal, overDen bool) {
	if in == nil {
		switch {
		case b == basisGoods, b == basisCustomsValue && q.cfg.market.Valuation == "FOB" && q.factor.Equal(one):
			return q.goods, false
		case b == basisCIF, b == basisCustomsValue && q.factor.Equal(one):
			return q.cif, false
		}
	}
	sum := decimal.Zero
	for i := range q.lines {
		lc := &q.lines[i]
		if in != nil && !in(lc) {
			continue
		}
		switch b {
		case basisCIF:
			sum = sum.Add(lc.cifNum)
		case basisCustomsValue:
			sum = sum.Add(lc.cvNum)
		default:
			sum = sum.Add(lc.v)
		}
	}
	return sum, b != basisGoods
}

// within compares a basis value with a limit: "not exceeding" when inclusive, "below" otherwise.
func (q *quoter) within(num decimal.Decimal, overDen bool, l *limitParam) (bool, error) {
	amt, err := q.exact(l.Amount, l.Currency)
	if err != nil {
		return false, err
	}
	if overDen {
		amt = amt.Mul(q.den)
	}
	c := num.Cmp(amt)
	return c < 0 || (c == 0 && *l.Inclusive), nil
}

// exact converts a rule amount into the quote currency without rounding (for threshold tests): directly when
// it is already in the quote currency, at fx_rate when it is in the merchant currency, else at the request's
// threshold_fx rate for that currency.
func (q *quoter) exact(amount decimal.Decimal, currency string) (decimal.Decimal, error) {
	r := q.req
	switch {
	case currency == r.Currency:
		return amount, nil
	case currency == r.MerchantCurrency:
		return amount.Mul(r.FXRate), nil
	}
	if rate, ok := r.ThresholdFX[currency]; ok {
		return amount.Mul(rate), nil
	}
	return decimal.Zero, reqErr("threshold_fx", "a %s rate is required: %s rules set amounts in %s and neither currency nor merchant_currency is %s",
		currency, q.req.Destination.Country, currency, currency)
}

// converted is exact rounded HALF_UP to the quote currency's minor units, for flat duties and fees.
func (q *quoter) converted(a amountParam) (decimal.Decimal, error) {
	v, err := q.exact(a.Amount, a.Currency)
	if err != nil {
		return decimal.Zero, err
	}
	return roundQ(v, one, q.minor, money.HalfUp), nil
}

// reliefApplies reports whether a relief with the given effect covers the lines selected by in.
func (q *quoter) reliefApplies(rl *reliefRule, effect string, in func(*lineCalc) bool) (bool, error) {
	if !contains(rl.AppliesTo, effect) || !q.conditionsMet(&rl.When, in) {
		return false, nil
	}
	selected := in == nil && len(q.lines) > 0
	for i := 0; i < len(q.lines) && !selected; i++ {
		selected = in(&q.lines[i])
	}
	if !selected {
		return false, nil
	}
	num, overDen := q.basis(rl.Max.Basis, in)
	return q.within(num, overDen, &rl.Max)
}

// assignScheme marks the lines a seller-collected regime covers (RULES.md §1.5). The first scheme, in rule-id
// order, that the seller may use and that covers at least one line wins.
func (q *quoter) assignScheme() error {
	for i := range q.cfg.schemes {
		sc := &q.cfg.schemes[i]
		if !sc.Mandatory && !contains(q.req.Registrations, sc.Registration) || !q.conditionsMet(&sc.When, nil) {
			continue
		}
		if sc.RequiresBorderTaxRelief {
			relieved, err := q.taxRelievedAtBorder()
			if err != nil {
				return err
			}
			if !relieved {
				continue
			}
		}
		eligible := true
		if sc.Max != nil && sc.Per != perItem {
			num, overDen := q.basis(sc.Max.Basis, nil)
			var err error
			if eligible, err = q.within(num, overDen, sc.Max); err != nil {
				return err
			}
		}
		covered := 0
		for j := range q.lines {
			lc := &q.lines[j]
			ok := eligible && !hasPrefixIn(lc.hs, sc.ExcludedHS)
			if ok && sc.Max != nil && sc.Per == perItem {
				var err error
				if ok, err = q.within(q.unitValue(lc), false, sc.Max); err != nil {
					return err
				}
			}
			if ok {
				lc.scheme = sc
				covered++
			}
		}
		if covered > 0 {
			q.labels = append(q.labels, sc.Label)
			return nil
		}
	}
	return nil
}

// taxRelievedAtBorder reports whether the whole consignment would be relieved of import tax: AU, NZ and SG
// seller regimes apply only to goods the border does not tax (RULES.md §7, §8, §12).
func (q *quoter) taxRelievedAtBorder() (bool, error) {
	for i := range q.cfg.reliefs {
		ok, err := q.reliefApplies(&q.cfg.reliefs[i], effectTax, nil)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (q *quoter) rounders(scope string) (duty, tax rounder, base *rounder) {
	duty = rounder{money.HalfUp, q.minor, perConsignment}
	tax = duty
	p := q.cfg.rounding[scope]
	if p == nil {
		p = q.cfg.rounding[scopeAll]
	}
	if p != nil {
		duty = q.rounderOf(p, p.Duty, duty)
		tax = q.rounderOf(p, p.Tax, tax)
		if p.TaxBase != nil {
			b := q.rounderOf(p, p.TaxBase, duty)
			base = &b
		}
	}
	if q.req.RoundingMode != "" {
		tax.mode = money.RoundingMode(q.req.RoundingMode)
	}
	return duty, tax, base
}

// rounderOf resolves a rounding spec. Its increment applies only when quoting in the row's currency (whole
// kroner, 100 yen); in another currency the mode applies at that currency's minor unit.
func (q *quoter) rounderOf(p *roundingParams, s *roundSpec, def rounder) rounder {
	if s == nil {
		return def
	}
	r := rounder{s.Mode, q.minor, s.Per}
	if s.Unit != nil && (p.Currency == "" || p.Currency == q.req.Currency) && s.Unit.GreaterThan(q.minor) {
		r.unit = *s.Unit
	}
	return r
}

func (q *quoter) addCharge(c Charge) {
	if !c.Amount.IsZero() {
		q.charges = append(q.charges, c)
	}
}

func (q *quoter) borderDue() string {
	if q.ddp {
		return dueCheckout
	}
	return dueDelivery
}

func (q *quoter) addLabel(l string) {
	if l == "" || contains(q.labels, l) {
		return
	}
	q.labels = append(q.labels, l)
}

func (q *quoter) dutyCharge(name, ruleID string, amount decimal.Decimal, rate decimal.NullDecimal) {
	c := Charge{Kind: "duty", Name: name, Rate: rate, Amount: amount, Due: q.borderDue(), BorneBy: borneShopper, RuleID: ruleID, border: true}
	if q.req.SellerAbsorbsDuty {
		c.BorneBy, c.Due = borneSeller, dueCheckout
	}
	q.addCharge(c)
}
