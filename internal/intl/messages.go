// Package intl is the shop's internationalization: the languages it ships (from locales/), message lookup with
// CLDR plural rules through go-i18n, and CLDR formatting of numbers, money and dates for a locale.
package intl

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// DefaultLanguage is the reference language: complete by definition, and the fallback for a missing message.
var DefaultLanguage = language.English

// Language is one shipped UI language.
type Language struct {
	// Tag is the BCP 47 tag ("de", "zh-Hans").
	Tag language.Tag
	// Code is the tag as written in locales/ ("de", "zh-Hans").
	Code string
	// URL is the language part of storefront URLs, lowercase ("de", "zh").
	URL string
	// Name is the language's name in itself ("Deutsch", "日本語"), for selectors.
	Name string
	// RTL is true for right-to-left scripts.
	RTL bool
}

// Dir is the HTML dir attribute value.
func (l Language) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// Messages holds every shipped language's messages.
type Messages struct {
	bundle    *i18n.Bundle
	languages []Language
	byURL     map[string]Language
	byCode    map[string]Language
	ids       map[string]map[string]bool // language code → message IDs it defines
	locs      map[string]*i18n.Localizer // language code → localizer falling back to English
}

// LoadMessages reads every locales/{language}/{module}.json in fsys.
func LoadMessages(fsys fs.FS) (*Messages, error) {
	m := &Messages{
		bundle: i18n.NewBundle(DefaultLanguage),
		byURL:  map[string]Language{}, byCode: map[string]Language{},
		ids: map[string]map[string]bool{}, locs: map[string]*i18n.Localizer{},
	}
	files, err := fs.Glob(fsys, "*/*.json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("intl: no message files")
	}
	for _, file := range files {
		code := path.Dir(file)
		tag, err := language.Parse(code)
		if err != nil {
			return nil, fmt.Errorf("intl: %s: folder name is not a language tag: %w", file, err)
		}
		buf, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		msgs, err := m.bundle.ParseMessageBytes(tag, buf, json.Unmarshal)
		if err != nil {
			return nil, fmt.Errorf("intl: %s: %w", file, err)
		}
		if m.ids[code] == nil {
			m.ids[code] = map[string]bool{}
		}
		for _, msg := range msgs {
			if m.ids[code][msg.ID] {
				return nil, fmt.Errorf("intl: %s: message %q defined twice for %s", file, msg.ID, code)
			}
			m.ids[code][msg.ID] = true
		}
		if err := m.bundle.AddMessages(tag, msgs...); err != nil {
			return nil, fmt.Errorf("intl: %s: %w", file, err)
		}
		if _, seen := m.byCode[code]; !seen {
			lang := newLanguage(tag, code)
			m.byCode[code] = lang
			m.byURL[lang.URL] = lang
			m.languages = append(m.languages, lang)
			m.locs[code] = i18n.NewLocalizer(m.bundle, code, DefaultLanguage.String())
		}
	}
	if _, ok := m.byCode[DefaultLanguage.String()]; !ok {
		return nil, fmt.Errorf("intl: no messages for the default language %s", DefaultLanguage)
	}
	sort.Slice(m.languages, func(i, j int) bool { return m.languages[i].Code < m.languages[j].Code })
	return m, nil
}

func newLanguage(tag language.Tag, code string) Language {
	base, _ := tag.Base()
	script, _ := tag.Script()
	name := display.Self.Name(tag)
	if name == "" {
		name = code
	}
	rtl := false
	switch script.String() {
	case "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg":
		rtl = true
	}
	return Language{Tag: tag, Code: code, URL: strings.ToLower(base.String()), Name: name, RTL: rtl}
}

// Languages returns the shipped languages, sorted by code.
func (m *Messages) Languages() []Language { return m.languages }

// ByURL finds a language by its URL part ("zh" → zh-Hans).
func (m *Messages) ByURL(s string) (Language, bool) {
	l, ok := m.byURL[s]
	return l, ok
}

// ByCode finds a language by its code ("zh-Hans").
func (m *Messages) ByCode(s string) (Language, bool) {
	l, ok := m.byCode[s]
	return l, ok
}

// MissingIDs lists, per language, the message IDs that English has and it lacks.
func (m *Messages) MissingIDs() map[string][]string {
	out := map[string][]string{}
	ref := m.ids[DefaultLanguage.String()]
	for code, ids := range m.ids {
		for id := range ref {
			if !ids[id] {
				out[code] = append(out[code], id)
			}
		}
		sort.Strings(out[code])
	}
	for code, missing := range out {
		if len(missing) == 0 {
			delete(out, code)
		}
	}
	return out
}

// Has reports whether English defines the message ID.
func (m *Messages) Has(id string) bool { return m.ids[DefaultLanguage.String()][id] }
