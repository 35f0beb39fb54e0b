package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"storefront/internal/landedcost/rulesdata"
)

// Embedded builds a snapshot from the rule files compiled into the binary (package rulesdata), versioned by
// ContentVersion. Each call builds a new snapshot; callers keep the one they use.
func Embedded() (*Snapshot, error) {
	rules, tariff, err := LoadFS(rulesdata.FS)
	if err != nil {
		return nil, err
	}
	return NewSnapshot(rules, tariff, ContentVersion(rules, tariff))
}

// ContentVersion derives a version from the rows themselves: "rules-" and the first 12 hex digits of a SHA-256
// over the rows in id order (tariff rows in key order) with params in canonical JSON. A snapshot rebuilt from
// the database rows therefore carries the same version as one built from the files when the rows are equal,
// whatever order or whitespace the database returns.
func ContentVersion(rules []Rule, tariff []TariffRow) string {
	rs := append([]Rule(nil), rules...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	ts := append([]TariffRow(nil), tariff...)
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if a.Destination != b.Destination {
			return a.Destination < b.Destination
		}
		if a.HSPrefix != b.HSPrefix {
			return a.HSPrefix < b.HSPrefix
		}
		if a.Origin != b.Origin {
			return a.Origin < b.Origin
		}
		if a.Preference != b.Preference {
			return a.Preference < b.Preference
		}
		return a.EffectiveFrom.Before(b.EffectiveFrom)
	})
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range rs {
		var p any
		if json.Unmarshal(r.Params, &p) == nil {
			r.Params, _ = json.Marshal(p)
		}
		_ = enc.Encode(r)
	}
	for _, t := range ts {
		_ = enc.Encode(t)
	}
	return "rules-" + hex.EncodeToString(h.Sum(nil))[:12]
}
