package intl

import (
	"strings"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/ar_AE"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/de_AT"
	"github.com/go-playground/locales/de_CH"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/en_AE"
	"github.com/go-playground/locales/en_AU"
	"github.com/go-playground/locales/en_CA"
	"github.com/go-playground/locales/en_CH"
	"github.com/go-playground/locales/en_DE"
	"github.com/go-playground/locales/en_GB"
	"github.com/go-playground/locales/en_IE"
	"github.com/go-playground/locales/en_NL"
	"github.com/go-playground/locales/en_NZ"
	"github.com/go-playground/locales/en_SG"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/es_US"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/fr_CA"
	"github.com/go-playground/locales/fr_CH"
	"github.com/go-playground/locales/it"
	"github.com/go-playground/locales/it_CH"
	"github.com/go-playground/locales/ja"
	"github.com/go-playground/locales/ko"
	"github.com/go-playground/locales/nl"
	"github.com/go-playground/locales/nl_BE"
	"github.com/go-playground/locales/zh_Hans"
	"github.com/go-playground/locales/zh_Hans_SG"
)

// dateLocales are the CLDR calendar data (month names, date patterns) the shop uses, generated from CLDR by
// go-playground/locales. Regional variants are listed where their dates differ from the language default
// (en-GB writes 25 Nov 2026, en-US Nov 25, 2026); other regions use the language's default.
var dateLocales = map[string]func() locales.Translator{
	"ar": ar.New, "ar-AE": ar_AE.New,
	"de": de.New, "de-AT": de_AT.New, "de-CH": de_CH.New,
	"en": en.New, "en-AE": en_AE.New, "en-AU": en_AU.New, "en-CA": en_CA.New, "en-CH": en_CH.New,
	"en-DE": en_DE.New, "en-GB": en_GB.New, "en-IE": en_IE.New, "en-NL": en_NL.New, "en-NZ": en_NZ.New,
	"en-SG": en_SG.New,
	"es":    es.New, "es-US": es_US.New,
	"fr": fr.New, "fr-CA": fr_CA.New, "fr-CH": fr_CH.New,
	"it": it.New, "it-CH": it_CH.New,
	"ja": ja.New, "ko": ko.New,
	"nl": nl.New, "nl-BE": nl_BE.New,
	"zh-Hans": zh_Hans.New, "zh-Hans-SG": zh_Hans_SG.New,
}

func dateTranslator(code, region string) locales.Translator {
	if region != "" {
		if mk, ok := dateLocales[code+"-"+strings.ToUpper(region)]; ok {
			return mk()
		}
	}
	if mk, ok := dateLocales[code]; ok {
		return mk()
	}
	return en.New()
}
