package engine

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// DutyRate looks up the ad valorem duty rate for an HS code (6 to 10 digits; dots are ignored) imported from
// origin into destination on a date. destination may be a country (mapped to its customs territory, FR → EU)
// or a territory code.
//
// A claimed preference (e.g. "USMCA", or an alias such as "CUSMA") is used when a preference row of that name
// exists for the line's origin; otherwise the MFN/general rows apply. Within a class the longest HS prefix wins
// and, at equal length, an origin-specific row wins over an any-origin row. Additional duties in force for the
// destination (US Chapter 99 surcharges, data kind additional_duty) are added unless the claimed preference is
// exempt from them. source names the rows used; ok is false when no row matches.
func (s *Snapshot) DutyRate(destination, hsCode, origin, preference string, on time.Time) (rate decimal.Decimal, source string, ok bool) {
	d := dayOf(on)
	destination, origin = upper(destination), upper(origin)
	hs := strings.ReplaceAll(strings.TrimSpace(hsCode), ".", "")
	terr := destination
	if !s.territories[destination] {
		terr = s.territoryAt(destination, d)
	}
	cfg := s.configFor(destination, d)
	pref, valid := canonicalPreference(cfg, upper(preference), origin)
	var best *tariffEntry
	if pref != "" {
		best = s.bestRow(terr, hs, origin, pref, d)
	}
	if best == nil {
		best = s.bestRow(terr, hs, origin, "", d)
	}
	if best == nil {
		return decimal.Zero, "", false
	}
	rate, source = best.Rate, best.Source
	if cfg != nil {
		for _, a := range cfg.additional {
			if (len(a.HSPrefixes) == 0 || hasPrefixIn(hs, a.HSPrefixes)) &&
				(len(a.Origins) == 0 || contains(a.Origins, origin)) &&
				!(valid && contains(a.ExemptPreferences, pref)) {
				rate = rate.Add(a.Rate)
				source += "; + " + a.Name
			}
		}
	}
	return rate, source, true
}

func (s *Snapshot) bestRow(terr, hs, origin, pref string, d day) *tariffEntry {
	var best *tariffEntry
	rows := s.tariffBy[terr]
	for i := range rows {
		t := &rows[i]
		if t.Preference != pref || t.from > d || d >= t.to || !strings.HasPrefix(hs, t.HSPrefix) {
			continue
		}
		if t.Origin != "" && t.Origin != origin {
			continue
		}
		if best == nil {
			best = t
			continue
		}
		if len(t.HSPrefix) < len(best.HSPrefix) {
			break // rows are sorted longest prefix first
		}
		if best.Origin == "" && t.Origin != "" {
			best = t
		}
	}
	return best
}

// canonicalPreference maps a claimed preference or one of its aliases to the name the rules use, and reports
// whether the destination's preference rules recognise the claim for origin.
func canonicalPreference(cfg *config, claim, origin string) (string, bool) {
	if claim == "" || cfg == nil {
		return claim, false
	}
	for _, p := range cfg.preferences {
		if p.Name == claim || contains(p.Aliases, claim) {
			return p.Name, contains(p.Origins, origin)
		}
	}
	return claim, false
}
