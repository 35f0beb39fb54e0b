package pricing

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// Rate is one stored exchange rate: 1 Base = Rate Quote from EffectiveAt on.
type Rate struct {
	ID          int64
	Base, Quote string
	Rate        decimal.Decimal
	EffectiveAt time.Time
	Source      string
	CreatedAt   time.Time
	CreatedBy   string
}

// RateInput is a rate to store.
type RateInput struct {
	Base, Quote string
	Rate        decimal.Decimal
	EffectiveAt time.Time
	// Source says where the rate comes from; LoadRates sets it for a whole file.
	Source string
}

// The rate file formats LoadRates reads.
const (
	// FormatAuto detects the format from the content: XML is ECB, a JSON object is FormatJSON.
	FormatAuto = "auto"
	// FormatECB is the European Central Bank's euro reference rates (eurofxref-daily.xml, or the 90-day and
	// historical files with several days): Cube/Cube[@time]/Cube[@currency,@rate], rates per 1 EUR. Each day is
	// stored as EUR→X rates effective at 15:00 UTC that day (the ECB publishes around 16:00 CET).
	FormatECB = "ecb"
	// FormatJSON is the shop's own format, one effective time and base currency per file, rates as decimal
	// strings (1 base = rate quote), source optional:
	//
	//	{"base": "USD", "effective_at": "2026-11-24T16:00:00Z", "source": "Treasury desk",
	//	 "rates": {"EUR": "0.8650", "JPY": "152.40"}}
	FormatJSON = "json"
)

// maxRatesFile bounds a rates file; the ECB's complete history since 1999 is several megabytes of XML.
const maxRatesFile = 16 << 20

// errRates is the invalid-input error of a rates file with a message for the admin and readable text for the
// command line.
func errRates(id string, data map[string]any, format string, args ...any) error {
	return fmt.Errorf("pricing: rates: "+format+": %w", append(args, httpx.Fail(httpx.ErrInvalid, id, data))...)
}

// SetRate stores a rate entered by hand; a rate newer than the one in force overrides it from its
// EffectiveAt on (rows are never changed, see FXQuote). Storing an identical rate again returns the stored one.
// Errors: field errors (ErrInvalid) for unknown or equal currencies, a rate that is not positive or has more
// than RateScale decimals, a missing time or source.
func (s *Service) SetRate(ctx context.Context, in RateInput) (Rate, error) {
	in.Base = strings.ToUpper(strings.TrimSpace(in.Base))
	in.Quote = strings.ToUpper(strings.TrimSpace(in.Quote))
	in.Source = strings.TrimSpace(in.Source)
	var fe httpx.FieldErrors
	if !money.IsCurrency(in.Base) {
		fe.Add("base", "pricing.CurrencyUnknown", map[string]any{"Currency": in.Base})
	}
	switch {
	case !money.IsCurrency(in.Quote):
		fe.Add("quote", "pricing.CurrencyUnknown", map[string]any{"Currency": in.Quote})
	case in.Quote == in.Base:
		fe.Add("quote", "pricing.RateSameCurrency", nil)
	}
	switch {
	case !in.Rate.IsPositive():
		fe.Add("rate", "pricing.RateNotPositive", nil)
	case !in.Rate.Equal(in.Rate.Round(RateScale)):
		fe.Add("rate", "pricing.RateTooPrecise", map[string]any{"Places": RateScale})
	}
	if in.EffectiveAt.IsZero() {
		fe.Add("effective_at", "pricing.DateInvalid", nil)
	}
	if in.Source == "" || len(in.Source) > 300 {
		fe.Add("source", "pricing.SourceRequired", nil)
	}
	if err := fe.Err(); err != nil {
		return Rate{}, err
	}
	r, err := s.store().insertRate(ctx, in, actor.Label(ctx))
	if err != nil {
		return Rate{}, err
	}
	return r, s.Reload(ctx)
}

// Rates returns the most recently stored rates, newest first, for the admin's audit view.
func (s *Service) Rates(ctx context.Context, limit int) ([]Rate, error) {
	return s.store().recentRates(ctx, limit)
}

// LoadRates reads a rates file in format (FormatAuto, FormatECB or FormatJSON) and stores all of its rates in
// one transaction, or none when any is wrong. source names where the file came from (a path or URL); it is
// stored with each rate after the name the file gives itself ("European Central Bank · eurofxref-daily.xml").
// n is the number of rates in the file; rates already stored identically are not stored twice. Errors
// (ErrInvalid, with a message for the admin): a malformed, empty or oversized file, an unknown currency, a rate
// that is not a positive decimal string, a malformed date, a currency twice in one day.
func (s *Service) LoadRates(ctx context.Context, r io.Reader, format, source string) (n int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRatesFile+1))
	if err != nil {
		return 0, fmt.Errorf("pricing: read rates: %w", err)
	}
	if len(data) > maxRatesFile {
		return 0, errRates("pricing.RatesTooLarge", map[string]any{"MB": maxRatesFile >> 20}, "file larger than %d MB", maxRatesFile>>20)
	}
	if format == FormatAuto {
		format = detectFormat(data)
	}
	var (
		rates []RateInput
		named string
	)
	switch format {
	case FormatECB:
		rates, named, err = parseECB(data)
	case FormatJSON:
		rates, named, err = parseJSON(data)
	default:
		return 0, errRates("pricing.RatesFormatUnknown", nil, "not an ECB XML or JSON rates file")
	}
	if err != nil {
		return 0, err
	}
	src := joinSource(named, strings.TrimSpace(source))
	if src == "" {
		return 0, errRates("pricing.SourceRequired", nil, "no source")
	}
	if len(src) > 300 {
		src = src[:300]
	}
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		return store{db: tx}.insertRates(ctx, rates, src, actor.Label(ctx))
	})
	if err != nil {
		return 0, err
	}
	return len(rates), s.Reload(ctx)
}

// FetchRates loads a rates file from a local path or an http(s) URL, detecting its format (see LoadRates); the
// `storefront fx load` command and a scheduled refresh call it. client should have a timeout; nil means
// http.DefaultClient. Errors: as LoadRates, or the fetch's failure (a status other than 200 is one).
func (s *Service) FetchRates(ctx context.Context, client *http.Client, pathOrURL string) (n int, err error) {
	if client == nil {
		client = http.DefaultClient
	}
	if strings.HasPrefix(pathOrURL, "http://") || strings.HasPrefix(pathOrURL, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, pathOrURL, nil)
		if err != nil {
			return 0, fmt.Errorf("pricing: fetch rates: %w", err)
		}
		req.Header.Set("Accept", "application/xml, application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("pricing: fetch rates: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("pricing: fetch rates from %s: HTTP %s", pathOrURL, resp.Status)
		}
		return s.LoadRates(ctx, resp.Body, FormatAuto, pathOrURL)
	}
	f, err := os.Open(pathOrURL)
	if err != nil {
		return 0, fmt.Errorf("pricing: rates file: %w", err)
	}
	defer f.Close()
	return s.LoadRates(ctx, f, FormatAuto, pathOrURL)
}

func detectFormat(data []byte) string {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte("<")):
		return FormatECB
	case bytes.HasPrefix(data, []byte("{")):
		return FormatJSON
	}
	return ""
}

func joinSource(named, given string) string {
	switch {
	case named == "":
		return given
	case given == "" || given == named:
		return named
	}
	return named + " · " + given
}

// ecbEnvelope is the ECB reference-rates document; names match whatever their XML namespace.
type ecbEnvelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Sender  string   `xml:"Sender>name"`
	Days    []struct {
		Time  string `xml:"time,attr"`
		Rates []struct {
			Currency string `xml:"currency,attr"`
			Rate     string `xml:"rate,attr"`
		} `xml:"Cube"`
	} `xml:"Cube>Cube"`
}

// ecbPublication is when a day's reference rates take effect: the ECB publishes them around 16:00 CET; 15:00
// UTC is that time in winter and an hour after it in summer, so a rate never takes effect before it exists.
const ecbPublication = 15 * time.Hour

func parseECB(data []byte) ([]RateInput, string, error) {
	var doc ecbEnvelope
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, "", errRates("pricing.RatesMalformed", map[string]any{"Detail": err.Error()}, "malformed XML: %v", err)
	}
	var out []RateInput
	for _, day := range doc.Days {
		date, err := time.Parse(time.DateOnly, strings.TrimSpace(day.Time))
		if err != nil {
			return nil, "", errRates("pricing.RatesBadDate", map[string]any{"Value": day.Time}, "date %q is not YYYY-MM-DD", day.Time)
		}
		at := date.Add(ecbPublication)
		seen := map[string]bool{}
		for _, c := range day.Rates {
			r, err := parseRate("EUR", c.Currency, c.Rate, at, seen)
			if err != nil {
				return nil, "", err
			}
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, "", errRates("pricing.RatesEmpty", nil, "no rates in the file")
	}
	return out, strings.TrimSpace(doc.Sender), nil
}

type jsonRates struct {
	Base        string                     `json:"base"`
	EffectiveAt string                     `json:"effective_at"`
	Source      string                     `json:"source"`
	Rates       map[string]json.RawMessage `json:"rates"`
}

func parseJSON(data []byte) ([]RateInput, string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc jsonRates
	if err := dec.Decode(&doc); err != nil {
		return nil, "", errRates("pricing.RatesMalformed", map[string]any{"Detail": err.Error()}, "malformed JSON: %v", err)
	}
	if !money.IsCurrency(doc.Base) {
		return nil, "", errRates("pricing.RatesUnknownCurrency", map[string]any{"Currency": doc.Base}, "unknown base currency %q", doc.Base)
	}
	at, err := time.Parse(time.RFC3339, doc.EffectiveAt)
	if err != nil {
		return nil, "", errRates("pricing.RatesBadDate", map[string]any{"Value": doc.EffectiveAt}, "effective_at %q is not an RFC 3339 time", doc.EffectiveAt)
	}
	codes := make([]string, 0, len(doc.Rates))
	for c := range doc.Rates {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	out := make([]RateInput, 0, len(codes))
	seen := map[string]bool{}
	for _, c := range codes {
		var value string
		if err := json.Unmarshal(doc.Rates[c], &value); err != nil {
			return nil, "", errRates("pricing.RatesNotString", map[string]any{"Currency": c}, "rate of %s is not a decimal string", c)
		}
		r, err := parseRate(doc.Base, c, value, at.UTC(), seen)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, "", errRates("pricing.RatesEmpty", nil, "no rates in the file")
	}
	return out, strings.TrimSpace(doc.Source), nil
}

// parseRate validates one rate of a file; seen holds the currencies already read for the same time.
func parseRate(base, quote, value string, at time.Time, seen map[string]bool) (RateInput, error) {
	quote = strings.TrimSpace(quote)
	data := map[string]any{"Currency": quote, "Value": value}
	if !money.IsCurrency(quote) {
		return RateInput{}, errRates("pricing.RatesUnknownCurrency", data, "unknown currency %q", quote)
	}
	if quote == base {
		return RateInput{}, errRates("pricing.RatesSameCurrency", data, "rate of %s to itself", quote)
	}
	if seen[quote] {
		return RateInput{}, errRates("pricing.RatesDuplicate", data, "%s given twice for %s", quote, at.Format(time.RFC3339))
	}
	seen[quote] = true
	d, err := decimal.NewFromString(strings.TrimSpace(value))
	if err != nil {
		return RateInput{}, errRates("pricing.RatesBadNumber", data, "rate %q of %s is not a decimal number", value, quote)
	}
	if !d.IsPositive() {
		return RateInput{}, errRates("pricing.RatesNotPositive", data, "rate %s of %s is not positive", value, quote)
	}
	if !d.Equal(d.Round(RateScale)) {
		data["Places"] = RateScale
		return RateInput{}, errRates("pricing.RatesTooPrecise", data, "rate %s of %s has more than %d decimals", value, quote, RateScale)
	}
	return RateInput{Base: base, Quote: quote, Rate: d, EffectiveAt: at}, nil
}
