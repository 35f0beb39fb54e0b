package intl

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"storefront/internal/platform/ui"
)

// Region is a country the storefront serves, with the languages offered there. The pricing module knows them
// (markets); intl turns them into URL prefixes, negotiation and hreflang.
type Region struct {
	Country         string
	Languages       []string
	DefaultLanguage string
	// Currency is the currency prices are shown in there (ISO 4217), named in the selector; "" to leave it out.
	Currency string
}

// LocaleCookie remembers the visitor's chosen storefront ("de-de") for the next visit to "/".
const LocaleCookie = "locale"

// Router maps storefront URL prefixes (/{lang}-{country}) to locales.
type Router struct {
	msgs    *Messages
	regions func() []Region
	base    string
	// derived holds what every page computes from the regions (locales, sorted country lists), until the
	// regions change.
	derived atomic.Pointer[regionViews]
}

// regionViews is computed once per set of regions.
type regionViews struct {
	regions   []Region
	locales   []*Locale
	countries sync.Map // language code → []ui.Option sorted for that language, none selected
}

// views returns the views of the current regions, computing them when the regions changed (a new slice).
func (rt *Router) views() *regionViews {
	regs := rt.regions()
	if v := rt.derived.Load(); v != nil && sameRegions(v.regions, regs) {
		return v
	}
	v := &regionViews{regions: regs}
	for _, reg := range regs {
		for _, code := range reg.Languages {
			if lang, ok := rt.msgs.ByCode(code); ok {
				v.locales = append(v.locales, rt.msgs.Locale(lang, reg.Country))
			}
		}
	}
	rt.derived.Store(v)
	return v
}

// sameRegions reports whether two region lists are the same slice (pricing hands out one until it reloads).
func sameRegions(a, b []Region) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// NewRouter returns a router over the shipped messages and the served regions; base is the shop's public
// origin for absolute hreflang URLs.
func NewRouter(msgs *Messages, regions func() []Region, base string) *Router {
	return &Router{msgs: msgs, regions: regions, base: strings.TrimSuffix(base, "/")}
}

// Messages returns the message catalog.
func (rt *Router) Messages() *Messages { return rt.msgs }

// Resolve turns a URL prefix such as "de-de" or "zh-sg" into a locale; ok is false for a prefix that is not a
// served country with one of its languages (including upper-case spellings: URLs are lowercase).
func (rt *Router) Resolve(prefix string) (*Locale, bool) {
	langURL, country, found := strings.Cut(prefix, "-")
	if !found || prefix != strings.ToLower(prefix) {
		return nil, false
	}
	lang, ok := rt.msgs.ByURL(langURL)
	if !ok {
		return nil, false
	}
	country = strings.ToUpper(country)
	for _, reg := range rt.regions() {
		if reg.Country == country && contains(reg.Languages, lang.Code) {
			return rt.msgs.Locale(lang, country), true
		}
	}
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Negotiate picks the storefront for a visitor arriving at "/": the remembered choice (cookie), else the
// first Accept-Language entry the shop can serve (its country when it names one, else the country where that
// language is at home), else English for the United States.
func (rt *Router) Negotiate(r *http.Request) *Locale {
	if c, err := r.Cookie(LocaleCookie); err == nil {
		if loc, ok := rt.Resolve(c.Value); ok {
			return loc
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	regions := rt.regions()
	for _, tag := range tags {
		if loc := rt.match(tag, regions); loc != nil {
			return loc
		}
	}
	if loc, ok := rt.Resolve("en-us"); ok {
		return loc
	}
	if len(regions) > 0 {
		if lang, ok := rt.msgs.ByCode(regions[0].DefaultLanguage); ok {
			return rt.msgs.Locale(lang, regions[0].Country)
		}
	}
	return rt.msgs.Default()
}

func (rt *Router) match(tag language.Tag, regions []Region) *Locale {
	lang, ok := rt.languageFor(tag)
	if !ok {
		return nil
	}
	region, confidence := tag.Region()
	// An explicit country (de-CH) is honoured when served; a guessed one (de → DE) only ranks candidates.
	if confidence == language.Exact {
		for _, reg := range regions {
			if reg.Country == region.String() && contains(reg.Languages, lang.Code) {
				return rt.msgs.Locale(lang, reg.Country)
			}
		}
	}
	for _, reg := range regions {
		if reg.Country == region.String() && contains(reg.Languages, lang.Code) {
			return rt.msgs.Locale(lang, reg.Country)
		}
	}
	for _, reg := range regions {
		if reg.DefaultLanguage == lang.Code {
			return rt.msgs.Locale(lang, reg.Country)
		}
	}
	for _, reg := range regions {
		if contains(reg.Languages, lang.Code) {
			return rt.msgs.Locale(lang, reg.Country)
		}
	}
	return nil
}

// languageFor maps a requested tag to a shipped language: exact code, then the base language with the
// script the shop ships (zh, zh-CN, zh-SG → zh-Hans; zh-TW is not Simplified Chinese and does not match).
func (rt *Router) languageFor(tag language.Tag) (Language, bool) {
	if l, ok := rt.msgs.ByCode(tag.String()); ok {
		return l, true
	}
	base, _ := tag.Base()
	script, _ := tag.Script()
	for _, l := range rt.msgs.Languages() {
		lb, _ := l.Tag.Base()
		ls, _ := l.Tag.Script()
		if lb == base && ls == script {
			return l, true
		}
	}
	return Language{}, false
}

// Base is the shop's public origin without a trailing slash ("https://shop.example").
func (rt *Router) Base() string { return rt.base }

// URL is the absolute URL of a storefront path in a locale: URL(de-DE, "/cart") = "https://shop/de-de/cart".
func (rt *Router) URL(loc *Locale, path string) string { return rt.base + loc.Path(path) }

// Alternates lists the hreflang alternates of a storefront path (without prefix) in every served locale,
// plus x-default (English, United States, or the first locale).
func (rt *Router) Alternates(path string) []ui.Alternate {
	var out []ui.Alternate
	var fallback string
	for _, reg := range rt.regions() {
		for _, code := range reg.Languages {
			lang, ok := rt.msgs.ByCode(code)
			if !ok {
				continue
			}
			loc := rt.msgs.Locale(lang, reg.Country)
			u := rt.base + loc.Path(path)
			out = append(out, ui.Alternate{Hreflang: loc.BCP47(), URL: u})
			if fallback == "" || loc.BCP47() == "en-US" {
				fallback = u
			}
		}
	}
	if fallback != "" {
		out = append(out, ui.Alternate{Hreflang: "x-default", URL: fallback})
	}
	return out
}

// AlternatesFunc lists hreflang alternates of a page whose path differs per locale (localized slugs): path
// returns the page's path in a locale, or ok=false where the page does not exist (not sold in that market).
func (rt *Router) AlternatesFunc(path func(loc *Locale) (string, bool)) []ui.Alternate {
	var out []ui.Alternate
	var fallback string
	for _, loc := range rt.Locales() {
		p, ok := path(loc)
		if !ok {
			continue
		}
		u := rt.base + loc.Path(p)
		out = append(out, ui.Alternate{Hreflang: loc.BCP47(), URL: u})
		if fallback == "" || loc.BCP47() == "en-US" {
			fallback = u
		}
	}
	if fallback != "" {
		out = append(out, ui.Alternate{Hreflang: "x-default", URL: fallback})
	}
	return out
}

// Locales lists every served locale (a country with each of its languages). The slice is shared: do not change
// it.
func (rt *Router) Locales() []*Locale { return rt.views().locales }

// Selector builds the country/language chooser for the current locale, with country names in the visitor's
// language (CLDR, via x/text) sorted for that language. next is the path to stay on after switching.
func (rt *Router) Selector(cur *Locale, next string) ui.Selector {
	s := ui.Selector{
		Action: "/locale", Next: next,
		Legend: cur.T("intl.ShopIn"), CountryLabel: cur.T("intl.Country"), LanguageLabel: cur.T("intl.Language"),
		Submit: cur.T("intl.Change"),
	}
	sorted := rt.countryOptions(cur.Language)
	region := strings.ToLower(cur.Region)
	s.Countries = make([]ui.Option, len(sorted))
	for i, o := range sorted {
		o.Selected = o.Value == region
		s.Countries[i] = o
	}
	for _, lang := range rt.msgs.Languages() {
		s.Languages = append(s.Languages, ui.Option{Value: lang.URL, Label: lang.Name, Selected: lang.Code == cur.Language.Code})
	}
	return s
}

// countryOptions lists the served countries named in lang and sorted by its collation; computed once per
// language and set of regions.
func (rt *Router) countryOptions(lang Language) []ui.Option {
	v := rt.views()
	if opts, ok := v.countries.Load(lang.Code); ok {
		return opts.([]ui.Option)
	}
	namer := display.Regions(lang.Tag)
	var opts []ui.Option
	for _, reg := range v.regions {
		name := reg.Country
		if r, err := language.ParseRegion(reg.Country); err == nil {
			if n := namer.Name(r); n != "" {
				name = n
			}
		}
		if reg.Currency != "" {
			// The currency comes with the country: saying which one is what makes the selector a currency
			// selector too.
			name += " (" + reg.Currency + ")"
		}
		opts = append(opts, ui.Option{Value: strings.ToLower(reg.Country), Label: name})
	}
	coll := collate.New(lang.Tag)
	sort.SliceStable(opts, func(i, j int) bool { return coll.CompareString(opts[i].Label, opts[j].Label) < 0 })
	v.countries.Store(lang.Code, opts)
	return opts
}

// Choose resolves a selector submission: the country, and the language if that country offers it, else the
// country's default language. ok is false for a country that is not served.
func (rt *Router) Choose(country, langURL string) (*Locale, bool) {
	country = strings.ToUpper(country)
	for _, reg := range rt.regions() {
		if reg.Country != country {
			continue
		}
		if lang, ok := rt.msgs.ByURL(langURL); ok && contains(reg.Languages, lang.Code) {
			return rt.msgs.Locale(lang, country), true
		}
		if lang, ok := rt.msgs.ByCode(reg.DefaultLanguage); ok {
			return rt.msgs.Locale(lang, country), true
		}
	}
	return nil, false
}
