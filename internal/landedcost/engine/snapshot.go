package engine

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Snapshot is an immutable, validated set of rules and tariff rows. Build it once (NewSnapshot) and share it;
// every method is safe for concurrent use because nothing in it changes after construction.
//
// For every destination country the snapshot pre-resolves the rules in force into one config per interval
// between rule changes, so a quote only looks up the interval containing its date.
type Snapshot struct {
	version       string
	rules         []parsedRule
	tariff        []tariffEntry
	timelines     map[string]*timeline
	territoryOf   map[string][]membership
	territories   map[string]bool
	tariffBy      map[string][]tariffEntry
	registrations map[string]bool
}

type membership struct {
	territory string
	from, to  day
}

type timeline struct {
	starts []day
	cfgs   []*config
}

// config holds the rules in force for one destination country during one interval.
type config struct {
	country, territory string
	market             *marketParams
	personalUse        *personalUseParams
	vat                map[string][]vatComponent
	reliefs            []reliefRule
	schemes            []schemeRule
	flat               *flatRule
	exemptions         []*dutyExemptionParams
	fees               []feeRule
	minCollect         []minCollectRule
	rounding           map[string]*roundingParams
	split              *taxSplitParams
	splitID            string
	clearance          *clearanceParams
	preferences        []*preferenceParams
	additional         []*additionalDutyParams
}

type vatComponent struct {
	ruleID   string
	name     string
	atImport bool
	rates    map[string]decimal.Decimal
}

type reliefRule struct {
	id string
	*reliefParams
}

type schemeRule struct {
	id string
	*schemeParams
}

type flatRule struct {
	id string
	*flatDutyParams
}

type feeRule struct {
	id string
	*feeParams
}

type minCollectRule struct {
	id string
	*minCollectParams
}

type tariffEntry struct {
	TariffRow
	from, to day
}

// NewSnapshot validates rules and tariff rows and indexes them. It fails on an unknown kind, params that do
// not decode or validate, an unknown destination, a duplicate rule id, an empty or inverted date range, and two
// rows of the same destination, kind and key (e.g. the same VAT component, relief or fee name) whose date
// ranges overlap. version identifies the rule set in every quote (e.g. a content hash or a release tag).
func NewSnapshot(rules []Rule, tariff []TariffRow, version string) (*Snapshot, error) {
	s := &Snapshot{
		version:       version,
		timelines:     map[string]*timeline{},
		territoryOf:   map[string][]membership{},
		territories:   map[string]bool{},
		tariffBy:      map[string][]tariffEntry{},
		registrations: map[string]bool{},
	}
	ids := map[string]bool{}
	for _, r := range rules {
		if r.ID == "" {
			return nil, fmt.Errorf("rule with destination %q kind %q: id: required", r.Destination, r.Kind)
		}
		if ids[r.ID] {
			return nil, fmt.Errorf("rule %q: duplicate id", r.ID)
		}
		ids[r.ID] = true
		p, key, err := parseParams(r)
		if err != nil {
			return nil, fmt.Errorf("rule %q (%s %s): %w", r.ID, r.Destination, r.Kind, err)
		}
		pr := parsedRule{Rule: r, from: dayOf(r.EffectiveFrom), to: endDay(r.EffectiveTo), key: key, params: p}
		if pr.to <= pr.from {
			return nil, fmt.Errorf("rule %q: effective_to %s is not after effective_from %s", r.ID, pr.to, pr.from)
		}
		if r.Source == "" {
			return nil, fmt.Errorf("rule %q: source: required", r.ID)
		}
		s.rules = append(s.rules, pr)
		if r.Kind == kindTerritory {
			s.territories[r.Destination] = true
			for _, m := range p.(*territoryParams).Members {
				s.territoryOf[m] = append(s.territoryOf[m], membership{r.Destination, pr.from, pr.to})
			}
		}
		if sp, ok := p.(*schemeParams); ok {
			s.registrations[sp.Registration] = true
		}
	}
	sort.Slice(s.rules, func(i, j int) bool {
		a, b := s.rules[i], s.rules[j]
		if a.Destination != b.Destination {
			return a.Destination < b.Destination
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.key != b.key {
			return a.key < b.key
		}
		if a.from != b.from {
			return a.from < b.from
		}
		return a.ID < b.ID
	})
	if err := s.checkRules(); err != nil {
		return nil, err
	}
	if err := s.indexTariff(tariff); err != nil {
		return nil, err
	}
	s.buildTimelines()
	return s, nil
}

// checkRules rejects unknown destinations, overlapping rows for one key and countries in two territories at once.
func (s *Snapshot) checkRules() error {
	for i, r := range s.rules {
		if !isCountry(r.Destination) && !s.territories[r.Destination] {
			return fmt.Errorf("rule %q: destination %q is neither an ISO country nor a customs territory", r.ID, r.Destination)
		}
		if i > 0 {
			p := s.rules[i-1]
			if p.Destination == r.Destination && p.Kind == r.Kind && p.key == r.key && r.from < p.to {
				return fmt.Errorf("rules %q and %q overlap: same destination %s, kind %s and key %q from %s",
					p.ID, r.ID, r.Destination, r.Kind, r.key, r.from)
			}
		}
	}
	for c, ms := range s.territoryOf {
		for i := range ms {
			for j := i + 1; j < len(ms); j++ {
				if ms[i].from < ms[j].to && ms[j].from < ms[i].to {
					return fmt.Errorf("country %s is in territories %s and %s at the same time", c, ms[i].territory, ms[j].territory)
				}
			}
		}
	}
	return nil
}

func (s *Snapshot) indexTariff(rows []TariffRow) error {
	type key struct{ dest, prefix, origin, pref string }
	seen := map[key][]tariffEntry{}
	for _, t := range rows {
		e := tariffEntry{TariffRow: t, from: dayOf(t.EffectiveFrom), to: endDay(t.EffectiveTo)}
		where := fmt.Sprintf("tariff %s %s origin %q preference %q", t.Destination, t.HSPrefix, t.Origin, t.Preference)
		switch {
		case !isCountry(t.Destination) && !s.territories[t.Destination]:
			return fmt.Errorf("%s: unknown destination", where)
		case !isDigits(t.HSPrefix) || len(t.HSPrefix) < 2 || len(t.HSPrefix) > 10:
			return fmt.Errorf("%s: hs_prefix must be 2 to 10 digits", where)
		case t.Origin != "" && !isCountry(t.Origin):
			return fmt.Errorf("%s: unknown origin", where)
		case t.Preference != "" && t.Origin == "":
			return fmt.Errorf("%s: a preference row needs the qualifying origin", where)
		case t.Rate.IsNegative() || t.Rate.GreaterThan(decimal.NewFromInt(10)):
			return fmt.Errorf("%s: rate %s is not a fraction", where, t.Rate)
		case e.to <= e.from:
			return fmt.Errorf("%s: effective_to is not after effective_from", where)
		case t.Source == "":
			return fmt.Errorf("%s: source: required", where)
		}
		k := key{t.Destination, t.HSPrefix, t.Origin, t.Preference}
		for _, o := range seen[k] {
			if e.from < o.to && o.from < e.to {
				return fmt.Errorf("%s: date ranges overlap (%s and %s)", where, o.from, e.from)
			}
		}
		seen[k] = append(seen[k], e)
		s.tariff = append(s.tariff, e)
		s.tariffBy[t.Destination] = append(s.tariffBy[t.Destination], e)
	}
	for _, list := range s.tariffBy {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].HSPrefix) > len(list[j].HSPrefix) })
	}
	return nil
}

// buildTimelines resolves, for every country that some rule can reach, the config of each interval between
// consecutive rule changes.
func (s *Snapshot) buildTimelines() {
	countries := map[string]bool{}
	for c := range s.territoryOf {
		countries[c] = true
	}
	for _, r := range s.rules {
		if isCountry(r.Destination) {
			countries[r.Destination] = true
		}
	}
	for c := range countries {
		dests := map[string]bool{c: true}
		for _, m := range s.territoryOf[c] {
			dests[m.territory] = true
		}
		cuts := map[day]bool{}
		var relevant []parsedRule
		for _, r := range s.rules {
			if dests[r.Destination] {
				relevant = append(relevant, r)
				cuts[r.from] = true
				if r.to != openEnd {
					cuts[r.to] = true
				}
			}
		}
		tl := &timeline{}
		for d := range cuts {
			tl.starts = append(tl.starts, d)
		}
		sort.Slice(tl.starts, func(i, j int) bool { return tl.starts[i] < tl.starts[j] })
		for _, d := range tl.starts {
			tl.cfgs = append(tl.cfgs, s.resolve(c, d, relevant))
		}
		s.timelines[c] = tl
	}
}

func (s *Snapshot) territoryAt(country string, d day) string {
	for _, m := range s.territoryOf[country] {
		if m.from <= d && d < m.to {
			return m.territory
		}
	}
	return country
}

// resolve builds the config of country on day d from the rows that can reach it, or nil when no market rule is
// in force. A country-level row replaces the territory-level row of the same kind and key (e.g. a member
// state's own rounding).
func (s *Snapshot) resolve(country string, d day, rules []parsedRule) *config {
	terr := s.territoryAt(country, d)
	chosen := map[string]parsedRule{}
	var order []string
	for _, r := range rules {
		if r.from > d || d >= r.to || (r.Destination != country && r.Destination != terr) {
			continue
		}
		k := r.Kind + "\x00" + r.key
		if prev, ok := chosen[k]; ok && prev.Destination == country && r.Destination != country {
			continue
		}
		if _, ok := chosen[k]; !ok {
			order = append(order, k)
		}
		chosen[k] = r
	}
	cfg := &config{country: country, territory: terr, vat: map[string][]vatComponent{}, rounding: map[string]*roundingParams{}}
	for _, k := range order {
		r := chosen[k]
		switch p := r.params.(type) {
		case *marketParams:
			cfg.market = p
		case *personalUseParams:
			cfg.personalUse = p
		case *vatRatesParams:
			cfg.vat[p.Region] = append(cfg.vat[p.Region], vatComponent{r.ID, p.Component, *p.AtImport, p.Rates})
		case *reliefParams:
			cfg.reliefs = append(cfg.reliefs, reliefRule{r.ID, p})
		case *schemeParams:
			cfg.schemes = append(cfg.schemes, schemeRule{r.ID, p})
		case *flatDutyParams:
			cfg.flat = &flatRule{r.ID, p}
		case *dutyExemptionParams:
			cfg.exemptions = append(cfg.exemptions, p)
		case *feeParams:
			cfg.fees = append(cfg.fees, feeRule{r.ID, p})
		case *minCollectParams:
			cfg.minCollect = append(cfg.minCollect, minCollectRule{r.ID, p})
		case *roundingParams:
			cfg.rounding[p.Scope] = p
		case *taxSplitParams:
			cfg.split, cfg.splitID = p, r.ID
		case *clearanceParams:
			cfg.clearance = p
		case *preferenceParams:
			cfg.preferences = append(cfg.preferences, p)
		case *additionalDutyParams:
			cfg.additional = append(cfg.additional, p)
		}
	}
	if cfg.market == nil || len(cfg.vat[""]) == 0 {
		return nil
	}
	sort.Slice(cfg.reliefs, func(i, j int) bool { return cfg.reliefs[i].id < cfg.reliefs[j].id })
	sort.Slice(cfg.schemes, func(i, j int) bool { return cfg.schemes[i].id < cfg.schemes[j].id })
	sort.Slice(cfg.fees, func(i, j int) bool { return cfg.fees[i].id < cfg.fees[j].id })
	sort.Slice(cfg.minCollect, func(i, j int) bool { return cfg.minCollect[i].id < cfg.minCollect[j].id })
	for region := range cfg.vat {
		list := cfg.vat[region]
		sort.Slice(list, func(i, j int) bool { return list[i].ruleID < list[j].ruleID })
	}
	return cfg
}

// configFor returns the config of country on d, or nil when no rules cover that country on that day.
func (s *Snapshot) configFor(country string, d day) *config {
	tl := s.timelines[country]
	if tl == nil {
		return nil
	}
	i := sort.Search(len(tl.starts), func(i int) bool { return tl.starts[i] > d }) - 1
	if i < 0 {
		return nil
	}
	return tl.cfgs[i]
}

// Version identifies the rule set the snapshot was built from.
func (s *Snapshot) Version() string { return s.version }

// CustomsTerritory returns the customs territory a country belongs to under the current (open-ended)
// membership rows, e.g. "EU" for DE or FR and "CH" for LI; a country in no territory is its own territory.
func (s *Snapshot) CustomsTerritory(country string) string {
	country = upper(country)
	for _, m := range s.territoryOf[country] {
		if m.to == openEnd {
			return m.territory
		}
	}
	return country
}

// InForce lists the rules and tariff rows in force on a date for a destination, with their sources, for an
// admin viewer. destination may be a country (its own rows plus its customs territory's rows) or a territory
// code such as "EU" (the territory's rows only).
func (s *Snapshot) InForce(destination string, on time.Time) ([]Rule, []TariffRow) {
	d := dayOf(on)
	destination = upper(destination)
	terr := destination
	if !s.territories[destination] {
		terr = s.territoryAt(destination, d)
	}
	var rules []Rule
	for _, r := range s.rules {
		if r.from <= d && d < r.to && (r.Destination == destination || r.Destination == terr) {
			rules = append(rules, r.Rule)
		}
	}
	var rows []TariffRow
	for _, t := range s.tariff {
		if t.from <= d && d < t.to && t.Destination == terr {
			rows = append(rows, t.TariffRow)
		}
	}
	return rules, rows
}

// TaxRate returns the VAT/GST rate of a tax category ("standard", "reduced", "super_reduced", "zero") for a
// country, and for Canada a province or territory (region), on a date: the sum of every component a domestic
// sale carries (e.g. GST + PST in BC), which is the rate a tax-inclusive shelf price contains. An empty region
// in Canada gives the federal GST alone.
func (s *Snapshot) TaxRate(country, region, taxCategory string, on time.Time) (decimal.Decimal, error) {
	country, region = upper(country), upper(region)
	cfg := s.configFor(country, dayOf(on))
	if cfg == nil {
		return decimal.Zero, fmt.Errorf("landed cost: no rules for %q on %s", country, on.Format(dateLayout))
	}
	comps, err := cfg.components(region)
	if err != nil {
		return decimal.Zero, err
	}
	sum := decimal.Zero
	for _, c := range comps {
		r, ok := c.rates[taxCategory]
		if !ok {
			return decimal.Zero, fmt.Errorf("landed cost: %s has no %q %s rate on %s", country, taxCategory, c.name, on.Format(dateLayout))
		}
		sum = sum.Add(r)
	}
	return sum, nil
}

// components returns the tax components of a region: the region's own rows when it has any, else the
// country-wide rows. A region the country does not define is an error only where regions exist (Canada).
func (c *config) components(region string) ([]vatComponent, error) {
	if region != "" {
		if comps, ok := c.vat[region]; ok {
			return comps, nil
		}
		if len(c.vat) > 1 {
			return nil, &RequestError{Field: "destination.region", Msg: fmt.Sprintf("unknown region %q for %s", region, c.country)}
		}
	}
	return c.vat[""], nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
