package intl

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bojanz/currency"
	"github.com/go-playground/locales"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"storefront/internal/platform/money"
)

// Locale is a language spoken in a country: it translates messages and formats numbers, money and dates the
// way people there read them (de-CH writes 1’234.50, de-DE 1.234,50). Locales are immutable and shared.
type Locale struct {
	Language Language
	// Region is the ISO 3166-1 country whose conventions apply ("DE"), or "" for the language's defaults.
	Region string

	msgs      *Messages
	localizer *i18n.Localizer
	money     *currency.Formatter
	number    *currency.Formatter
	dates     locales.Translator
	// formatted remembers Money's results: the CLDR formatter builds a string replacer per call, which made
	// price formatting most of a listing's allocations, and shops show the same prices over and over.
	formatted formatCache
}

// formatCache maps an amount ("EUR 19.99") or a number with its most decimals ("2 1234.5") to its formatted
// text, up to maxFormatted entries per locale (then it starts over).
type formatCache struct {
	mu sync.RWMutex
	m  map[string]string
}

const maxFormatted = 20_000

func (c *formatCache) get(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.m[key]
	return s, ok
}

func (c *formatCache) put(key, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxFormatted {
		c.m = make(map[string]string)
	}
	c.m[key] = s
}

var localeCache sync.Map // "de-CH" → *Locale

// Locale returns the shared locale for a language and region.
func (m *Messages) Locale(lang Language, region string) *Locale {
	region = strings.ToUpper(region)
	key := lang.Code + "-" + region
	if l, ok := localeCache.Load(key); ok && l.(*Locale).msgs == m {
		return l.(*Locale)
	}
	l := &Locale{Language: lang, Region: region, msgs: m, localizer: m.locs[lang.Code]}
	cldr := currency.NewLocale(l.BCP47())
	l.money = currency.NewFormatter(cldr)
	l.number = currency.NewFormatter(cldr)
	l.number.CurrencyDisplay = currency.DisplayNone
	l.number.MinDigits = 0
	l.dates = dateTranslator(lang.Code, region)
	localeCache.Store(key, l)
	return l
}

// Default returns English with no region, the locale of last resort (logs, fallbacks).
func (m *Messages) Default() *Locale {
	return m.Locale(m.byCode[DefaultLanguage.String()], "")
}

// BCP47 returns the locale's tag with its region, e.g. "de-CH", "zh-Hans-SG"; it is the HTML lang attribute.
func (l *Locale) BCP47() string {
	if l.Region == "" {
		return l.Language.Code
	}
	return l.Language.Code + "-" + l.Region
}

// Dir is the HTML dir attribute: "rtl" for Arabic, else "ltr".
func (l *Locale) Dir() string { return l.Language.Dir() }

// T translates a message ID. Template data come as key/value pairs: T("cart.Added", "Name", title).
// A missing ID renders as the ID itself, so a gap is visible rather than blank (and tests catch it).
func (l *Locale) T(id string, kv ...any) string {
	s, err := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(kv)})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Lookup translates a message ID that may not exist (a colour name, say); ok is false when no language has it.
func (l *Locale) Lookup(id string, kv ...any) (string, bool) {
	// A message missing in this language but present in English comes back with an error and the English text.
	s, _ := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: pairs(kv)})
	return s, s != ""
}

// N translates a message with plural forms chosen by count under the language's CLDR plural rules; Count is
// available to the message template, already formatted for the locale.
func (l *Locale) N(id string, count int, kv ...any) string {
	data := pairs(kv)
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = l.Int(count)
	s, err := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: data})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Message translates a UserError-style message: an ID with template data.
func (l *Locale) Message(id string, data map[string]any) string {
	s, err := l.localizer.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil && s == "" {
		return id
	}
	return s
}

func pairs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return data
}

// Money formats an amount with the CLDR pattern, symbol and digits of the locale: "1.234,56 €" in de-DE,
// "€1,234.56" in en-IE, "￥1,235" in ja-JP. The amount is shown with exactly its currency's minor units; it
// must already be rounded (rounding is a priced step, never a display side effect).
func (l *Locale) Money(a money.Amount) string {
	fixed := a.Fixed()
	key := a.Currency + " " + fixed
	if s, ok := l.formatted.get(key); ok {
		return s
	}
	amt, err := currency.NewAmount(fixed, a.Currency)
	if err != nil {
		return a.String()
	}
	s := l.money.Format(amt)
	l.formatted.put(key, s)
	return s
}

// Number formats a decimal with the locale's separators and at most maxPlaces decimals.
func (l *Locale) Number(d decimal.Decimal, maxPlaces int32) string {
	digits := d.String()
	key := strconv.Itoa(int(maxPlaces)) + " " + digits
	if s, ok := l.formatted.get(key); ok {
		return s
	}
	f := *l.number
	f.MaxDigits = uint8(maxPlaces)
	// The currency is irrelevant (not displayed); USD only carries the number through the CLDR formatter.
	amt, err := currency.NewAmount(digits, "USD")
	if err != nil {
		return digits
	}
	s := f.Format(amt)
	l.formatted.put(key, s)
	return s
}

// Int formats an integer with the locale's grouping.
func (l *Locale) Int(n int) string { return l.Number(decimal.NewFromInt(int64(n)), 0) }

// Percent formats a fraction (0.19) as a percentage the locale's way ("19 %" in de, "19%" in en).
func (l *Locale) Percent(fraction decimal.Decimal) string {
	pct := fraction.Shift(2)
	places := uint64(0)
	if !pct.Equal(pct.Truncate(0)) {
		places = uint64(-pct.Exponent())
		if places > 2 {
			places = 2
		}
	}
	// A percentage is a display value, not money: the float conversion cannot change what is charged.
	f, _ := pct.Round(int32(places)).Float64()
	return l.dates.FmtPercent(f, places)
}

// Date formats a calendar date in the locale's medium style ("25.11.2026", "Nov 25, 2026", "2026/11/25").
func (l *Locale) Date(t time.Time) string { return l.dates.FmtDateMedium(t) }

// LongDate formats a date with the month spelled out ("25. November 2026").
func (l *Locale) LongDate(t time.Time) string { return l.dates.FmtDateLong(t) }

// DateTime formats a date and a time of day in the locale's medium and short styles, in the time zone of the
// locale's country (UTC for a locale without one, such as the back office's).
func (l *Locale) DateTime(t time.Time) string {
	t = t.In(zoneOf(l.Region))
	return l.dates.FmtDateMedium(t) + " " + l.dates.FmtTimeShort(t)
}

type localeKey struct{}

// WithLocale returns ctx carrying the request's locale.
func WithLocale(ctx context.Context, l *Locale) context.Context {
	return context.WithValue(ctx, localeKey{}, l)
}

// FromContext returns the request's locale, or nil outside a localized request.
func FromContext(ctx context.Context) *Locale {
	l, _ := ctx.Value(localeKey{}).(*Locale)
	return l
}

// CountryName is a country's name in the locale's language, from CLDR through x/text ("Deutschland" for DE
// in German); the code itself when unknown.
func (l *Locale) CountryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(l.Language.Tag).Name(r); n != "" {
		return n
	}
	return code
}

// LanguageName is a language's name in the locale's language ("Französisch" for fr in German); the code itself
// when unknown.
func (l *Locale) LanguageName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if n := display.Tags(l.Language.Tag).Name(tag); n != "" {
		return n
	}
	return code
}

// Prefix is the storefront URL prefix of the locale, "/de-de"; "" for a locale without a region.
func (l *Locale) Prefix() string {
	if l.Region == "" {
		return ""
	}
	return "/" + l.Language.URL + "-" + strings.ToLower(l.Region)
}

// Path returns a storefront path under the locale's prefix: Path("/cart") = "/de-de/cart".
func (l *Locale) Path(p string) string { return l.Prefix() + p }
