package site

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"storefront/internal/intl"
)

// regionName is a country's name in the locale's language (CLDR through x/text).
func regionName(loc *intl.Locale, country string) string {
	r, err := language.ParseRegion(country)
	if err != nil {
		return country
	}
	if n := display.Regions(loc.Language.Tag).Name(r); n != "" {
		return n
	}
	return country
}
