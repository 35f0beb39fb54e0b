package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

const dateLayout = "2006-01-02"

// Rule is one effective-dated rule row. Its shape matches the Postgres table
// (id text, destination text, kind text, effective_from date, effective_to date null, params jsonb, source text),
// so the same rows can be loaded from the embedded files or read back from the database.
//
// EffectiveFrom is inclusive and EffectiveTo is exclusive: a row with effective_to 2026-07-01 applies up to and
// including 2026-06-30 (a Postgres daterange '[)'). A nil EffectiveTo means open-ended.
type Rule struct {
	ID            string
	Destination   string // ISO 3166-1 alpha-2 country, or a customs-territory code such as "EU"
	Kind          string // one of the kinds documented in package rulesdata
	EffectiveFrom time.Time
	EffectiveTo   *time.Time
	Params        json.RawMessage
	Source        string
}

// TariffRow is one effective-dated ad valorem rate for an HS-code prefix, storable as the Postgres row
// (destination, hs_prefix, origin, preference, rate, effective_from, effective_to, source).
//
// Destination is a customs territory ("EU", "US", "CH" …). Origin "" means any origin. Preference "" is the
// MFN/general rate; a named preference (e.g. "USMCA") applies only to lines that claim it and whose origin is
// the row's origin. Rate is a fraction ("0.12" = 12 %).
type TariffRow struct {
	Destination   string
	HSPrefix      string
	Origin        string
	Preference    string
	Rate          decimal.Decimal
	EffectiveFrom time.Time
	EffectiveTo   *time.Time
	Source        string
}

type ruleJSON struct {
	ID            string          `json:"id"`
	Destination   string          `json:"destination"`
	Kind          string          `json:"kind"`
	EffectiveFrom string          `json:"effective_from"`
	EffectiveTo   *string         `json:"effective_to"`
	Params        json.RawMessage `json:"params"`
	Source        string          `json:"source"`
}

// MarshalJSON renders the row with dates as "YYYY-MM-DD" and a null effective_to when open-ended.
func (r Rule) MarshalJSON() ([]byte, error) {
	return json.Marshal(ruleJSON{
		ID: r.ID, Destination: r.Destination, Kind: r.Kind,
		EffectiveFrom: r.EffectiveFrom.Format(dateLayout), EffectiveTo: formatDatePtr(r.EffectiveTo),
		Params: r.Params, Source: r.Source,
	})
}

// UnmarshalJSON reads the row format of the rule files.
func (r *Rule) UnmarshalJSON(b []byte) error {
	var j ruleJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return err
	}
	from, err := parseDate(j.EffectiveFrom)
	if err != nil {
		return fmt.Errorf("rule %q: effective_from: %w", j.ID, err)
	}
	to, err := parseDatePtr(j.EffectiveTo)
	if err != nil {
		return fmt.Errorf("rule %q: effective_to: %w", j.ID, err)
	}
	*r = Rule{ID: j.ID, Destination: j.Destination, Kind: j.Kind, EffectiveFrom: from, EffectiveTo: to,
		Params: j.Params, Source: j.Source}
	return nil
}

type tariffJSON struct {
	Destination   string  `json:"destination"`
	HSPrefix      string  `json:"hs_prefix"`
	Origin        string  `json:"origin"`
	Preference    string  `json:"preference"`
	Rate          string  `json:"rate"`
	EffectiveFrom string  `json:"effective_from"`
	EffectiveTo   *string `json:"effective_to"`
	Source        string  `json:"source"`
}

// MarshalJSON renders the row with the rate as a decimal string and dates as "YYYY-MM-DD".
func (t TariffRow) MarshalJSON() ([]byte, error) {
	return json.Marshal(tariffJSON{
		Destination: t.Destination, HSPrefix: t.HSPrefix, Origin: t.Origin, Preference: t.Preference,
		Rate: t.Rate.String(), EffectiveFrom: t.EffectiveFrom.Format(dateLayout),
		EffectiveTo: formatDatePtr(t.EffectiveTo), Source: t.Source,
	})
}

// UnmarshalJSON reads the row format of the tariff files.
func (t *TariffRow) UnmarshalJSON(b []byte) error {
	var j tariffJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return err
	}
	rate, err := decimal.NewFromString(j.Rate)
	if err != nil {
		return fmt.Errorf("tariff %s %s: rate %q is not a decimal", j.Destination, j.HSPrefix, j.Rate)
	}
	from, err := parseDate(j.EffectiveFrom)
	if err != nil {
		return fmt.Errorf("tariff %s %s: effective_from: %w", j.Destination, j.HSPrefix, err)
	}
	to, err := parseDatePtr(j.EffectiveTo)
	if err != nil {
		return fmt.Errorf("tariff %s %s: effective_to: %w", j.Destination, j.HSPrefix, err)
	}
	*t = TariffRow{Destination: j.Destination, HSPrefix: j.HSPrefix, Origin: j.Origin, Preference: j.Preference,
		Rate: rate, EffectiveFrom: from, EffectiveTo: to, Source: j.Source}
	return nil
}

// LoadFS reads every rules/*.json file (each a JSON array of rule rows) and every tariff/*.json file (each a
// JSON array of tariff rows) of fsys, in file-name order. It checks only the file format; NewSnapshot
// validates the content.
func LoadFS(fsys fs.FS) ([]Rule, []TariffRow, error) {
	var rules []Rule
	var tariff []TariffRow
	err := eachJSON(fsys, "rules", func(name string, b []byte) error {
		var rows []Rule
		if err := strictUnmarshal(b, &rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rules = append(rules, rows...)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = eachJSON(fsys, "tariff", func(name string, b []byte) error {
		var rows []TariffRow
		if err := strictUnmarshal(b, &rows); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		tariff = append(tariff, rows...)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return rules, tariff, nil
}

func eachJSON(fsys fs.FS, dir string, fn func(name string, b []byte) error) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("landed-cost rules: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p := path.Join(dir, n)
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("landed-cost rules: %w", err)
		}
		if err := fn(p, b); err != nil {
			return err
		}
	}
	return nil
}

// strictUnmarshal decodes exactly one JSON value and rejects unknown fields, so a misspelt parameter in a rule
// file is an error instead of a silently ignored setting.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a YYYY-MM-DD date", s)
	}
	return t, nil
}

func parseDatePtr(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := parseDate(*s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

func formatDatePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(dateLayout)
	return &s
}

// day is a calendar date as yyyymmdd, which orders like the date and needs no time zone.
type day int32

// openEnd is later than any date a rule can name.
const openEnd day = 99991231

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day(y*10000 + int(m)*100 + d)
}

func endDay(t *time.Time) day {
	if t == nil {
		return openEnd
	}
	return dayOf(*t)
}

func (d day) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}
