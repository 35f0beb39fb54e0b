package engine

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// The rule kinds. Package rulesdata documents every kind's params; the structs below are their typed form,
// decoded once when a Snapshot is built so that quoting never touches JSON.
const (
	kindTerritory      = "territory"
	kindMarket         = "market"
	kindPersonalUse    = "personal_use"
	kindVATRates       = "vat_rates"
	kindRelief         = "relief"
	kindSellerScheme   = "seller_scheme"
	kindFlatDuty       = "flat_duty"
	kindDutyExemption  = "duty_exemption"
	kindFee            = "fee"
	kindMinCollect     = "min_collect"
	kindRounding       = "rounding"
	kindTaxSplit       = "tax_split"
	kindClearance      = "clearance_classes"
	kindPreference     = "preference"
	kindAdditionalDuty = "additional_duty"
)

// Bases a value test can compare.
const (
	basisGoods        = "goods"         // intrinsic value: converted line totals, no transport or insurance
	basisCIF          = "cif"           // goods + shipping + insurance
	basisCustomsValue = "customs_value" // the market's valuation basis (FOB or CIF, JP personal-use value)
	basisItem         = "item"          // converted price of one unit (per-item tests)
)

type amountParam struct {
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
}

func (a *amountParam) check(field string) error {
	if a.Amount.IsNegative() {
		return fmt.Errorf("%s.amount: must not be negative", field)
	}
	if !isCurrency(a.Currency) {
		return fmt.Errorf("%s.currency: unknown currency %q", field, a.Currency)
	}
	return nil
}

// limitParam is a value test: the basis value compared with amount, "not exceeding" when inclusive and
// "below" otherwise.
type limitParam struct {
	Amount    decimal.Decimal `json:"amount"`
	Currency  string          `json:"currency"`
	Inclusive *bool           `json:"inclusive"`
	Basis     string          `json:"basis"`
}

func (l *limitParam) check(field string, bases ...string) error {
	if err := (&amountParam{l.Amount, l.Currency}).check(field); err != nil {
		return err
	}
	if l.Inclusive == nil {
		return fmt.Errorf("%s.inclusive: required (true = not exceeding, false = below)", field)
	}
	return oneOf(field+".basis", l.Basis, bases...)
}

// conditions narrow when a relief, scheme or fee applies. Empty lists mean "any".
type conditions struct {
	ShipFrom          []string `json:"ship_from"`
	Channel           []string `json:"channel"`
	TransportMode     []string `json:"transport_mode"`
	AirOrPost         bool     `json:"air_or_post"`
	AllLinesClearance string   `json:"all_lines_clearance"`
	OriginNot         []string `json:"origin_not"`
}

func (c *conditions) check(field string) error {
	for _, ch := range c.Channel {
		if err := oneOf(field+".channel", ch, channelCourier, channelPostal); err != nil {
			return err
		}
	}
	for _, m := range c.TransportMode {
		if err := oneOf(field+".transport_mode", m, modeAir, modeSea, modeLand); err != nil {
			return err
		}
	}
	if c.AllLinesClearance != "" {
		return oneOf(field+".all_lines_clearance", c.AllLinesClearance, clearanceList, clearanceGeneral)
	}
	return nil
}

// roundSpec is one rounding step: mode, the increment in currency units ("0.01", "1", "100", "0.05"; absent =
// the currency's minor unit) and whether it applies per line or once per consignment (and rate group).
type roundSpec struct {
	Mode money.RoundingMode `json:"mode"`
	Unit *decimal.Decimal   `json:"unit"`
	Per  string             `json:"per"`
}

func (r *roundSpec) check(field string) error {
	if _, err := money.ParseRoundingMode(string(r.Mode)); err != nil {
		return fmt.Errorf("%s.mode: %w", field, err)
	}
	if r.Unit != nil && !r.Unit.IsPositive() {
		return fmt.Errorf("%s.unit: must be positive", field)
	}
	if r.Per == "" {
		r.Per = perConsignment
	}
	return oneOf(field+".per", r.Per, perConsignment, perLine)
}

const (
	perConsignment = "consignment"
	perLine        = "line"
	perHSCode      = "hs_code"
	perUnit        = "unit"
	perItem        = "item"
)

type territoryParams struct {
	Members []string `json:"members"`
}

type marketParams struct {
	Currency    string `json:"currency"`
	Valuation   string `json:"valuation"`
	TaxBase     string `json:"tax_base"`
	ImportLabel string `json:"import_label"`
}

// Import tax bases (RULES.md §1.4).
const (
	taxBaseCIFDuty = "cif_duty" // customs value + transport and insurance to the destination + duty
	taxBaseFOBDuty = "fob_duty" // goods value + duty, transport excluded (Canada, ETA s 215)
)

type personalUseParams struct {
	Factor decimal.Decimal `json:"factor"`
}

type vatRatesParams struct {
	Region    string                     `json:"region"`
	Component string                     `json:"component"`
	AtImport  *bool                      `json:"at_import"`
	Rates     map[string]decimal.Decimal `json:"rates"`
}

type reliefParams struct {
	Name       string     `json:"name"`
	AppliesTo  []string   `json:"applies_to"`
	Max        limitParam `json:"max"`
	When       conditions `json:"when"`
	ExcludedHS []string   `json:"excluded_hs"`
	Label      string     `json:"label"`
}

type schemeParams struct {
	Name                      string      `json:"name"`
	Registration              string      `json:"registration"`
	Mandatory                 bool        `json:"mandatory"`
	Label                     string      `json:"label"`
	Max                       *limitParam `json:"max"`
	Per                       string      `json:"per"`
	When                      conditions  `json:"when"`
	RequiresBorderTaxRelief   bool        `json:"requires_border_tax_relief"`
	DutyExempt                bool        `json:"duty_exempt"`
	BaseIncludesRechargedDuty bool        `json:"base_includes_recharged_duty"`
	// ExcludedHS lists HS prefixes the regime never covers (excise goods, NO VOEC foodstuffs); such lines are
	// imported normally.
	ExcludedHS []string `json:"excluded_hs"`
}

type flatDutyParams struct {
	Name              string      `json:"name"`
	Amount            amountParam `json:"amount"`
	Per               string      `json:"per"`
	HSDigits          int         `json:"hs_digits"`
	Max               limitParam  `json:"max"`
	Scope             string      `json:"scope"`
	ExcludeZeroRate   bool        `json:"exclude_zero_rate"`
	ExcludePreference bool        `json:"exclude_preference"`
	Label             string      `json:"label"`
}

type dutyExemptionParams struct {
	Name       string   `json:"name"`
	HSPrefixes []string `json:"hs_prefixes"`
}

type feeParams struct {
	Name                  string           `json:"name"`
	Amount                *amountParam     `json:"amount"`
	Rate                  *decimal.Decimal `json:"rate"`
	Min                   *amountParam     `json:"min"`
	Max                   *amountParam     `json:"max"`
	Per                   string           `json:"per"`
	HSDigits              int              `json:"hs_digits"`
	BorneBy               string           `json:"borne_by"`
	Basis                 string           `json:"basis"`
	ValueMin              *limitParam      `json:"value_min"`
	ValueMax              *limitParam      `json:"value_max"`
	When                  conditions       `json:"when"`
	WaivedByRelief        bool             `json:"waived_by_relief"`
	RequiresBorderCharges bool             `json:"requires_border_charges"`
	ExemptPreferences     []string         `json:"exempt_preferences"`
}

const (
	borneShopper = "shopper"
	borneSeller  = "seller"
)

type minCollectParams struct {
	Name      string      `json:"name"`
	AppliesTo []string    `json:"applies_to"`
	Amount    amountParam `json:"amount"`
	Inclusive *bool       `json:"inclusive"`
}

// Rounding scopes: border (customs assessment), seller (tax a registered seller collects at checkout) and
// domestic (a sale inside the customs territory).
const (
	scopeAll      = "all"
	scopeBorder   = "border"
	scopeSeller   = "seller"
	scopeDomestic = "domestic"
)

type roundingParams struct {
	Scope    string     `json:"scope"`
	Currency string     `json:"currency"`
	Duty     *roundSpec `json:"duty"`
	Tax      *roundSpec `json:"tax"`
	TaxBase  *roundSpec `json:"tax_base"`
}

type taxSplitParams struct {
	NationalName     string          `json:"national_name"`
	LocalName        string          `json:"local_name"`
	NationalShare    decimal.Decimal `json:"national_share"`
	LocalNumerator   int64           `json:"local_numerator"`
	LocalDenominator int64           `json:"local_denominator"`
	LocalLine        roundSpec       `json:"local_line"`
	LocalTotal       roundSpec       `json:"local_total"`
}

type clearanceParams struct {
	Default           string   `json:"default"`
	GeneralHSPrefixes []string `json:"general_hs_prefixes"`
}

type preferenceParams struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
	Origins []string `json:"origins"`
}

type additionalDutyParams struct {
	Name              string          `json:"name"`
	Rate              decimal.Decimal `json:"rate"`
	HSPrefixes        []string        `json:"hs_prefixes"`
	Origins           []string        `json:"origins"`
	ExemptPreferences []string        `json:"exempt_preferences"`
}

// parsedRule is a Rule with its params decoded and checked, and the key that must not overlap in time for the
// same destination and kind.
type parsedRule struct {
	Rule
	from, to day
	key      string
	params   any
}

// parseParams decodes r.Params for r.Kind, validates it and returns the typed params with the overlap key.
func parseParams(r Rule) (any, string, error) {
	dec := func(v any) error {
		if len(r.Params) == 0 {
			return fmt.Errorf("params: required")
		}
		if err := strictUnmarshal(r.Params, v); err != nil {
			return fmt.Errorf("params: %w", err)
		}
		return nil
	}
	switch r.Kind {
	case kindTerritory:
		var p territoryParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if len(p.Members) == 0 {
			return nil, "", fmt.Errorf("params.members: required")
		}
		for _, m := range p.Members {
			if !isCountry(m) {
				return nil, "", fmt.Errorf("params.members: unknown country %q", m)
			}
		}
		return &p, "", nil
	case kindMarket:
		var p marketParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if !isCurrency(p.Currency) {
			return nil, "", fmt.Errorf("params.currency: unknown currency %q", p.Currency)
		}
		if err := oneOf("params.valuation", p.Valuation, "CIF", "FOB"); err != nil {
			return nil, "", err
		}
		if err := oneOf("params.tax_base", p.TaxBase, taxBaseCIFDuty, taxBaseFOBDuty); err != nil {
			return nil, "", err
		}
		if p.TaxBase == taxBaseFOBDuty && p.Valuation != "FOB" {
			return nil, "", fmt.Errorf("params.tax_base: fob_duty needs valuation FOB (a CIF customs value already includes transport)")
		}
		if p.ImportLabel == "" {
			p.ImportLabel = "IMPORT"
		}
		return &p, "", nil
	case kindPersonalUse:
		var p personalUseParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if !p.Factor.IsPositive() || p.Factor.GreaterThan(decimal.NewFromInt(1)) {
			return nil, "", fmt.Errorf("params.factor: must be in (0, 1]")
		}
		return &p, "", nil
	case kindVATRates:
		var p vatRatesParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if p.Component == "" {
			return nil, "", fmt.Errorf("params.component: required")
		}
		if p.AtImport == nil {
			t := true
			p.AtImport = &t
		}
		if len(p.Rates) == 0 {
			return nil, "", fmt.Errorf("params.rates: required")
		}
		for c, v := range p.Rates {
			if err := checkFraction("params.rates."+c, v); err != nil {
				return nil, "", err
			}
		}
		return &p, p.Region + "|" + p.Component, nil
	case kindRelief:
		var p reliefParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if err := checkEffects("params.applies_to", p.AppliesTo, effectDuty, effectTax, effectFees); err != nil {
			return nil, "", err
		}
		if err := p.Max.check("params.max", basisGoods, basisCIF, basisCustomsValue); err != nil {
			return nil, "", err
		}
		if err := p.When.check("params.when"); err != nil {
			return nil, "", err
		}
		return &p, p.Name, needName(p.Name)
	case kindSellerScheme:
		var p schemeParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if p.Registration == "" || p.Label == "" {
			return nil, "", fmt.Errorf("params.registration and params.label: required")
		}
		if p.Max != nil {
			if err := oneOf("params.per", p.Per, perConsignment, perItem); err != nil {
				return nil, "", err
			}
			bases := []string{basisGoods, basisCIF, basisCustomsValue}
			if p.Per == perItem {
				bases = []string{basisItem}
			}
			if err := p.Max.check("params.max", bases...); err != nil {
				return nil, "", err
			}
		}
		if err := p.When.check("params.when"); err != nil {
			return nil, "", err
		}
		return &p, p.Name, needName(p.Name)
	case kindFlatDuty:
		var p flatDutyParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if err := p.Amount.check("params.amount"); err != nil {
			return nil, "", err
		}
		if err := oneOf("params.per", p.Per, perHSCode, perLine, perUnit, perConsignment); err != nil {
			return nil, "", err
		}
		if p.Per == perHSCode && (p.HSDigits < 2 || p.HSDigits > 10) {
			return nil, "", fmt.Errorf("params.hs_digits: must be 2 to 10")
		}
		if err := p.Max.check("params.max", basisGoods, basisCIF, basisCustomsValue); err != nil {
			return nil, "", err
		}
		if err := oneOf("params.scope", p.Scope, "all", "seller_scheme"); err != nil {
			return nil, "", err
		}
		return &p, p.Name, needName(p.Name)
	case kindDutyExemption:
		var p dutyExemptionParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if len(p.HSPrefixes) == 0 {
			return nil, "", fmt.Errorf("params.hs_prefixes: required")
		}
		return &p, p.Name, needName(p.Name)
	case kindFee:
		var p feeParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if err := p.check(); err != nil {
			return nil, "", err
		}
		return &p, p.Name, needName(p.Name)
	case kindMinCollect:
		var p minCollectParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if err := checkEffects("params.applies_to", p.AppliesTo, effectDuty, effectTax); err != nil {
			return nil, "", err
		}
		if err := p.Amount.check("params.amount"); err != nil {
			return nil, "", err
		}
		if p.Inclusive == nil {
			return nil, "", fmt.Errorf("params.inclusive: required")
		}
		return &p, p.Name, needName(p.Name)
	case kindRounding:
		var p roundingParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if err := oneOf("params.scope", p.Scope, scopeAll, scopeBorder, scopeSeller, scopeDomestic); err != nil {
			return nil, "", err
		}
		if p.Currency != "" && !isCurrency(p.Currency) {
			return nil, "", fmt.Errorf("params.currency: unknown currency %q", p.Currency)
		}
		for name, s := range map[string]*roundSpec{"duty": p.Duty, "tax": p.Tax, "tax_base": p.TaxBase} {
			if s != nil {
				if err := s.check("params." + name); err != nil {
					return nil, "", err
				}
			}
		}
		return &p, p.Scope, nil
	case kindTaxSplit:
		var p taxSplitParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if err := checkFraction("params.national_share", p.NationalShare); err != nil {
			return nil, "", err
		}
		if p.LocalNumerator < 0 || p.LocalDenominator <= 0 {
			return nil, "", fmt.Errorf("params.local_numerator/local_denominator: must form a non-negative fraction")
		}
		if err := p.LocalLine.check("params.local_line"); err != nil {
			return nil, "", err
		}
		if err := p.LocalTotal.check("params.local_total"); err != nil {
			return nil, "", err
		}
		return &p, "", nil
	case kindClearance:
		var p clearanceParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		return &p, "", oneOf("params.default", p.Default, clearanceList, clearanceGeneral)
	case kindPreference:
		var p preferenceParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if len(p.Origins) == 0 {
			return nil, "", fmt.Errorf("params.origins: required")
		}
		return &p, p.Name, needName(p.Name)
	case kindAdditionalDuty:
		var p additionalDutyParams
		if err := dec(&p); err != nil {
			return nil, "", err
		}
		if p.Rate.IsNegative() {
			return nil, "", fmt.Errorf("params.rate: must not be negative")
		}
		return &p, p.Name, needName(p.Name)
	}
	return nil, "", fmt.Errorf("unknown kind %q", r.Kind)
}

func (p *feeParams) check() error {
	if (p.Amount == nil) == (p.Rate == nil) {
		return fmt.Errorf("params: exactly one of amount and rate is required")
	}
	if p.Amount != nil {
		if err := p.Amount.check("params.amount"); err != nil {
			return err
		}
	} else if err := checkFraction("params.rate", *p.Rate); err != nil {
		return err
	}
	for name, a := range map[string]*amountParam{"min": p.Min, "max": p.Max} {
		if a != nil {
			if err := a.check("params." + name); err != nil {
				return err
			}
		}
	}
	if p.Per == "" {
		p.Per = perConsignment
	}
	if err := oneOf("params.per", p.Per, perConsignment, perHSCode, perLine, perUnit); err != nil {
		return err
	}
	if p.Per == perHSCode && (p.HSDigits < 2 || p.HSDigits > 10) {
		return fmt.Errorf("params.hs_digits: must be 2 to 10")
	}
	if err := oneOf("params.borne_by", p.BorneBy, borneShopper, borneSeller); err != nil {
		return err
	}
	if p.Basis == "" {
		p.Basis = basisGoods
	}
	if err := oneOf("params.basis", p.Basis, basisGoods, basisCustomsValue); err != nil {
		return err
	}
	for name, l := range map[string]*limitParam{"value_min": p.ValueMin, "value_max": p.ValueMax} {
		if l != nil {
			if err := l.check("params."+name, basisGoods, basisCustomsValue); err != nil {
				return err
			}
		}
	}
	return p.When.check("params.when")
}

// Effects a relief or minimum-collection rule can remove.
const (
	effectDuty = "duty"
	effectTax  = "tax"
	effectFees = "fees"
)

func checkEffects(field string, got []string, allowed ...string) error {
	if len(got) == 0 {
		return fmt.Errorf("%s: required", field)
	}
	for _, g := range got {
		if err := oneOf(field, g, allowed...); err != nil {
			return err
		}
	}
	return nil
}

func oneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s: %q is not one of %s", field, v, strings.Join(allowed, ", "))
}

func checkFraction(field string, v decimal.Decimal) error {
	if v.IsNegative() || v.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return fmt.Errorf("%s: %s is not a fraction in [0, 1)", field, v)
	}
	return nil
}

func needName(name string) error {
	if name == "" {
		return fmt.Errorf("params.name: required")
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func hasPrefixIn(code string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}
