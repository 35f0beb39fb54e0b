package engine

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// Quote is the landed cost of one request (README §1.2). Every amount is in Currency, rounded to its ISO 4217
// minor units, and rendered in JSON as a decimal string with exactly those decimals.
type Quote struct {
	Currency string
	// Regime labels the treatment applied (e.g. "EU_IOSS", "UK_POS", "IMPORT", "DOMESTIC"); informational.
	Regime    string
	Goods     decimal.Decimal
	Shipping  decimal.Decimal
	Insurance decimal.Decimal
	// Duty is the customs duty the shopper bears; duty the seller absorbs is in SellerDuty instead.
	Duty decimal.Decimal
	// Tax is all VAT/GST/consumption tax on the order, seller-collected or levied at import.
	Tax decimal.Decimal
	// Fees are the government and postal fees the shopper bears.
	Fees          decimal.Decimal
	Total         decimal.Decimal
	DueAtCheckout decimal.Decimal
	DueOnDelivery decimal.Decimal
	Lines         []QuoteLine
	// Charges itemises Duty, Tax, Fees and the seller-borne amounts by rule.
	Charges []Charge
	// SellerDuty and SellerFees are borne by the seller and are not part of Total: absorbed duty
	// (seller_absorbs_duty) and levies that must not be passed on to the consumer (FR small-parcel tax).
	SellerDuty decimal.Decimal
	SellerFees decimal.Decimal
	// DutyUnknown is set when a line whose duty matters has no duty_rate. Those lines carry zero duty, so Duty
	// and any import tax computed on top of it are lower bounds; the shop should not sell DDP on this quote.
	DutyUnknown      bool
	DutyUnknownLines []string
	RulesVersion     string
}

// QuoteLine is one line's share of the duty and tax; lines sum exactly to Quote.Duty and Quote.Tax.
type QuoteLine struct {
	ID   string
	Duty decimal.Decimal
	Tax  decimal.Decimal
}

// Charge is one duty, tax or fee component of a quote.
type Charge struct {
	Kind    string // "duty", "tax" or "fee"
	Name    string
	Rate    decimal.NullDecimal
	Amount  decimal.Decimal
	Due     string // "checkout" or "delivery"
	BorneBy string // "shopper" or "seller"
	RuleID  string

	border bool // levied at import (subject to minimum-collection rules)
}

const (
	dueCheckout = "checkout"
	dueDelivery = "delivery"
)

// MarshalJSON renders the quote in the contract's shape with money as fixed-decimal strings.
func (q Quote) MarshalJSON() ([]byte, error) {
	places, err := money.MinorUnits(q.Currency)
	if err != nil {
		return nil, err
	}
	m := func(d decimal.Decimal) string { return d.StringFixed(places) }
	type lineJSON struct {
		ID   string `json:"id"`
		Duty string `json:"duty"`
		Tax  string `json:"tax"`
	}
	type chargeJSON struct {
		Kind    string `json:"kind"`
		Name    string `json:"name"`
		Rate    string `json:"rate,omitempty"`
		Amount  string `json:"amount"`
		Due     string `json:"due"`
		BorneBy string `json:"borne_by"`
		RuleID  string `json:"rule_id,omitempty"`
	}
	type sellerJSON struct {
		Duty string `json:"duty"`
		Fees string `json:"fees"`
	}
	out := struct {
		Currency         string       `json:"currency"`
		Regime           string       `json:"regime"`
		Goods            string       `json:"goods"`
		Shipping         string       `json:"shipping"`
		Insurance        string       `json:"insurance"`
		Duty             string       `json:"duty"`
		Tax              string       `json:"tax"`
		Fees             string       `json:"fees"`
		Total            string       `json:"total"`
		DueAtCheckout    string       `json:"due_at_checkout"`
		DueOnDelivery    string       `json:"due_on_delivery"`
		Lines            []lineJSON   `json:"lines"`
		DutyUnknown      bool         `json:"duty_unknown,omitempty"`
		DutyUnknownLines []string     `json:"duty_unknown_lines,omitempty"`
		SellerBorne      *sellerJSON  `json:"seller_borne,omitempty"`
		Charges          []chargeJSON `json:"charges"`
		RulesVersion     string       `json:"rules_version"`
	}{
		Currency: q.Currency, Regime: q.Regime, Goods: m(q.Goods), Shipping: m(q.Shipping), Insurance: m(q.Insurance),
		Duty: m(q.Duty), Tax: m(q.Tax), Fees: m(q.Fees), Total: m(q.Total),
		DueAtCheckout: m(q.DueAtCheckout), DueOnDelivery: m(q.DueOnDelivery),
		Lines: make([]lineJSON, len(q.Lines)), DutyUnknown: q.DutyUnknown, DutyUnknownLines: q.DutyUnknownLines,
		Charges: make([]chargeJSON, len(q.Charges)), RulesVersion: q.RulesVersion,
	}
	for i, l := range q.Lines {
		out.Lines[i] = lineJSON{l.ID, m(l.Duty), m(l.Tax)}
	}
	for i, c := range q.Charges {
		cj := chargeJSON{Kind: c.Kind, Name: c.Name, Amount: m(c.Amount), Due: c.Due, BorneBy: c.BorneBy, RuleID: c.RuleID}
		if c.Rate.Valid {
			cj.Rate = c.Rate.Decimal.String()
		}
		out.Charges[i] = cj
	}
	if !q.SellerDuty.IsZero() || !q.SellerFees.IsZero() {
		out.SellerBorne = &sellerJSON{m(q.SellerDuty), m(q.SellerFees)}
	}
	return json.Marshal(out)
}

// Quote computes the landed cost of req under the rules in force on req.AsOf (README §1, RULES.md §1.1):
//
//  1. every merchant amount (line total, unit price, shipping, insurance) is converted at fx_rate and rounded
//     HALF_UP to the destination currency's minor units;
//  2. a dispatch from inside the destination's customs territory is a domestic sale: destination VAT/GST on
//     goods, shipping and insurance, no duty or import fees (an extension of the contract);
//  3. otherwise lines qualifying for a seller-collected regime (IOSS, UK POS, LVG, VOEC, OVR, mail-order) are
//     taxed on the sale price including delivery at checkout; duty follows the flat-duty, relief, exemption and
//     ad valorem rules; the remaining lines are taxed at import on the market's tax base;
//  4. minimum-collection rules (DE EUR 1, CH CHF 5, KR KRW 10,000) and fees are applied;
//  5. duty and tax are rounded once per consignment (per tax component and rate) unless the market rounds per
//     line, and allocated back to lines by largest remainder.
//
// It returns a *RequestError for invalid input or an unsupported destination or date. Quote reads only the
// snapshot and the request.
func (s *Snapshot) Quote(req Request) (Quote, error) {
	sc := getScratch()
	defer sc.release()
	sc.req = req
	sc.q = quoter{s: s, req: &sc.req, sc: sc}
	q := &sc.q
	if err := q.prepare(); err != nil {
		return Quote{}, err
	}
	var err error
	if q.domestic {
		err = q.domesticTax()
	} else {
		err = q.importCharges()
	}
	if err != nil {
		return Quote{}, err
	}
	return q.result(), nil
}

// Channels and transport modes of a request.
const (
	channelCourier = "courier"
	channelPostal  = "postal"
	modeAir        = "air"
	modeSea        = "sea"
	modeLand       = "land"

	clearanceList    = "list"
	clearanceGeneral = "general"
)

var taxCategories = []string{"standard", "reduced", "super_reduced", "zero"}

// validate checks the request fields that do not depend on the market's rules.
func (q *quoter) validate() error {
	r := q.req
	if r.AsOf.IsZero() {
		return reqErr("as_of", "required (YYYY-MM-DD)")
	}
	r.Destination.Country = upper(r.Destination.Country)
	r.Destination.Region = upper(r.Destination.Region)
	if err := checkCountry("destination.country", r.Destination.Country); err != nil {
		return err
	}
	r.ShipFrom = upper(r.ShipFrom)
	if err := checkCountry("ship_from", r.ShipFrom); err != nil {
		return err
	}
	r.Channel = strings.ToLower(strings.TrimSpace(r.Channel))
	if r.Channel == "" {
		r.Channel = channelCourier // README §5: where a case names no channel it is courier
	}
	if err := oneOfField("channel", r.Channel, channelCourier, channelPostal); err != nil {
		return err
	}
	r.TransportMode = strings.ToLower(strings.TrimSpace(r.TransportMode))
	if r.TransportMode == "" {
		r.TransportMode = modeAir // README §1.4: absent = air, the normal parcel case
	}
	if err := oneOfField("transport_mode", r.TransportMode, modeAir, modeSea, modeLand); err != nil {
		return err
	}
	r.Currency, r.MerchantCurrency = upper(r.Currency), upper(r.MerchantCurrency)
	for _, c := range []struct{ field, code string }{{"currency", r.Currency}, {"merchant_currency", r.MerchantCurrency}} {
		if c.code == "" {
			return reqErr(c.field, "required")
		}
		if !isCurrency(c.code) {
			return reqErr(c.field, "unknown currency %q", c.code)
		}
	}
	if !r.FXRate.IsPositive() {
		return reqErr("fx_rate", "must be a positive decimal string")
	}
	r.Incoterm = upper(r.Incoterm)
	if err := oneOfField("incoterm", r.Incoterm, "DDP", "DAP"); err != nil {
		return err
	}
	for i, reg := range r.Registrations {
		if !q.s.registrations[reg] {
			return reqErr(fmt.Sprintf("registrations[%d]", i), "unknown registration %q", reg)
		}
	}
	if r.Shipping.IsNegative() {
		return reqErr("shipping", "must not be negative")
	}
	if r.Insurance.IsNegative() {
		return reqErr("insurance", "must not be negative")
	}
	if r.RoundingMode != "" {
		m, err := money.ParseRoundingMode(r.RoundingMode)
		if err != nil {
			return reqErr("rounding_mode", "%v", err)
		}
		r.RoundingMode = string(m)
	}
	if r.SellerAbsorbsDuty && r.Incoterm != "DDP" {
		return reqErr("seller_absorbs_duty", "requires incoterm DDP (under DAP the shopper pays the duty on delivery)")
	}
	for code, rate := range r.ThresholdFX {
		if !isCurrency(code) {
			return reqErr("threshold_fx", "unknown currency %q", code)
		}
		if !rate.IsPositive() {
			return reqErr("threshold_fx."+code, "must be positive")
		}
	}
	if len(r.Lines) == 0 {
		return reqErr("lines", "at least one line is required")
	}
	for i := range r.Lines {
		if err := validateLine(r.Lines, i); err != nil {
			return err
		}
	}
	return nil
}

var maxDutyRate = decimal.NewFromInt(10)

// validateLine checks and normalises lines[i]. The field path is only built for an error, and duplicate ids are
// found by scanning the earlier lines, so a valid line costs no allocation.
func validateLine(lines []Line, i int) error {
	l := &lines[i]
	p := linePath(i)
	if l.ID == "" {
		return reqErr(p(".id"), "required")
	}
	for j := 0; j < i; j++ {
		if lines[j].ID == l.ID {
			return reqErr(p(".id"), "duplicate line id %q", l.ID)
		}
	}
	l.HSCode = strings.ReplaceAll(strings.TrimSpace(l.HSCode), ".", "")
	if !isDigits(l.HSCode) || len(l.HSCode) < 6 || len(l.HSCode) > 10 {
		return reqErr(p(".hs_code"), "must be 6 to 10 digits")
	}
	l.Origin = upper(l.Origin)
	if !isCountry(l.Origin) {
		return checkCountry(p(".origin"), l.Origin)
	}
	if l.UnitPrice.IsNegative() {
		return reqErr(p(".unit_price"), "must not be negative")
	}
	if l.Quantity < 1 {
		return reqErr(p(".quantity"), "must be a positive integer")
	}
	if l.DutyRate.Valid && (l.DutyRate.Decimal.IsNegative() || exceeds(l.DutyRate.Decimal, maxDutyRate)) {
		return reqErr(p(".duty_rate"), "must be a fraction such as \"0.12\" (0 to 10)")
	}
	if l.TaxRate.Valid {
		if err := checkFraction("", l.TaxRate.Decimal); err != nil {
			return reqErr(p(".tax_rate"), "must be a fraction in [0, 1)")
		}
	}
	l.TaxCategory = strings.ToLower(strings.TrimSpace(l.TaxCategory))
	if l.TaxCategory == "" && !l.TaxRate.Valid {
		return reqErr(p(".tax_category"), "required (standard, reduced, super_reduced or zero)")
	}
	if l.TaxCategory != "" && !contains(taxCategories, l.TaxCategory) {
		return oneOfField(p(".tax_category"), l.TaxCategory, taxCategories...)
	}
	l.KRClearance = strings.ToLower(strings.TrimSpace(l.KRClearance))
	if l.KRClearance != "" && l.KRClearance != clearanceList && l.KRClearance != clearanceGeneral {
		return oneOfField(p(".kr_clearance"), l.KRClearance, clearanceList, clearanceGeneral)
	}
	l.Preference = upper(l.Preference)
	return nil
}

func linePath(i int) func(string) string {
	return func(field string) string { return fmt.Sprintf("lines[%d]%s", i, field) }
}

func checkCountry(field, code string) error {
	if code == "" {
		return reqErr(field, "required")
	}
	if !isCountry(code) {
		return reqErr(field, "unknown country %q", code)
	}
	return nil
}

func oneOfField(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return reqErr(field, "%q is not one of %s", v, strings.Join(allowed, ", "))
}
