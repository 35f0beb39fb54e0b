package intl

import (
	"sync"
	"time"
	_ "time/tzdata" // the binary carries the zone database, so times show right on minimal hosts too
)

// countryZones is the time zone people in each served country read times in (the most populous zone where a
// country has several).
var countryZones = map[string]string{
	"US": "America/New_York", "CA": "America/Toronto", "GB": "Europe/London", "IE": "Europe/Dublin",
	"DE": "Europe/Berlin", "FR": "Europe/Paris", "NL": "Europe/Amsterdam", "IT": "Europe/Rome", "ES": "Europe/Madrid",
	"CH": "Europe/Zurich", "NO": "Europe/Oslo", "AU": "Australia/Sydney", "NZ": "Pacific/Auckland", "JP": "Asia/Tokyo",
	"SG": "Asia/Singapore", "KR": "Asia/Seoul", "AE": "Asia/Dubai",
}

var zones sync.Map // country → *time.Location

func zoneOf(country string) *time.Location {
	if z, ok := zones.Load(country); ok {
		return z.(*time.Location)
	}
	loc := time.UTC
	if name, ok := countryZones[country]; ok {
		if l, err := time.LoadLocation(name); err == nil {
			loc = l
		}
	}
	zones.Store(country, loc)
	return loc
}
