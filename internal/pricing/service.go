// Package pricing owns markets, currencies, exchange rates and price lists: what a product costs in the
// shopper's market, converted, rounded and shown with or without tax as the market wants.
//
// Everything a price needs (markets, the effective-dated exchange rates and the price lists) is held in an
// in-memory snapshot, rebuilt by Reload and after every change made through this service, so pricing a listing
// costs no database round trip. Instances that did not make a change see it at their next periodic Reload.
package pricing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
)

// ErrUnknownMarket is returned for a country no active market serves, or a market code that does not exist.
var ErrUnknownMarket = fmt.Errorf("pricing: market %w", httpx.ErrNotFound)

// TaxRates answers the VAT/GST rate of a tax category ("standard", "reduced", "super_reduced", "zero") in a
// country (and region, "" where the country has one rate) on a date, as a fraction (0.19). The landed-cost
// module's rules provide it through an adapter the command wires. It must answer for every category in every
// country a tax-inclusive market serves, and for the reference country of a fixed-gross market (a country
// without a super-reduced rate answers with the rate it applies to such goods).
type TaxRates interface {
	TaxRate(country, region, category string, on time.Time) (decimal.Decimal, error)
}

// Config is the pricing service's configuration.
type Config struct {
	// BaseCurrency is the merchant's currency: base prices are net amounts in it (config BASE_CURRENCY).
	BaseCurrency string
	// FXMaxAge is how old the rate in force may be before StaleRates reports it (config FX_MAX_AGE).
	FXMaxAge time.Duration
}

// rateHistory is how far back the in-memory rates answer exactly: RateAt for an older time finds the rate in
// force then only if no newer one took effect before the window (otherwise ErrNoRate). Locked carts and orders
// carry their own FXQuote, so nothing needs older rates.
const rateHistory = 400 * 24 * time.Hour

// Service is the pricing module's API.
type Service struct {
	pool   *pgxpool.Pool
	log    *slog.Logger
	taxes  TaxRates
	base   string
	maxAge time.Duration

	// reload serializes Reloads, so a slow periodic reload cannot install data older than a change's reload.
	reload    sync.Mutex
	mu        sync.RWMutex
	markets   []Market
	byCountry map[string]Market
	regions   []intl.Region // of the active markets; shared, so read-only
	rates     rateBook
	lists     listIndex
	// version counts reloads, so caches of computed prices know when to drop them.
	version atomic.Uint64
}

// NewService returns the pricing service. It fails on a missing dependency, an unknown base currency or a
// non-positive FXMaxAge. Call Reload before use.
func NewService(pool *pgxpool.Pool, log *slog.Logger, taxes TaxRates, cfg Config) (*Service, error) {
	if pool == nil || log == nil || taxes == nil {
		return nil, errors.New("pricing: NewService needs a pool, a logger and tax rates")
	}
	if !money.IsCurrency(cfg.BaseCurrency) {
		return nil, fmt.Errorf("pricing: base currency %q is not an ISO 4217 code", cfg.BaseCurrency)
	}
	if cfg.FXMaxAge <= 0 {
		return nil, errors.New("pricing: FXMaxAge must be positive")
	}
	return &Service{pool: pool, log: log, taxes: taxes, base: cfg.BaseCurrency, maxAge: cfg.FXMaxAge,
		rates: newRateBook(nil, nil), lists: listIndex{}}, nil
}

// BaseCurrency is the currency of base prices.
func (s *Service) BaseCurrency() string { return s.base }

func (s *Service) store() store { return store{db: s.pool} }

// Reload reads markets, exchange rates and price lists from the database into memory. It runs at start, after
// every change made through this service, and periodically (so that changes made on other instances arrive).
func (s *Service) Reload(ctx context.Context) error {
	s.reload.Lock()
	defer s.reload.Unlock()
	st := s.store()
	markets, err := st.markets(ctx)
	if err != nil {
		return fmt.Errorf("pricing: load markets: %w", err)
	}
	rows, err := st.ratesSince(ctx, time.Now().Add(-rateHistory))
	if err != nil {
		return fmt.Errorf("pricing: load rates: %w", err)
	}
	items, err := st.allListItems(ctx)
	if err != nil {
		return fmt.Errorf("pricing: load price lists: %w", err)
	}
	byCountry := map[string]Market{}
	for _, m := range markets {
		if !m.Active {
			continue
		}
		for _, c := range m.Countries {
			byCountry[c] = m
		}
	}
	pivots := []string{"EUR"}
	if s.base != "EUR" {
		pivots = append(pivots, s.base)
	}
	book := newRateBook(rows, pivots)
	lists := newListIndex(items)
	s.mu.Lock()
	s.markets, s.byCountry, s.rates, s.lists, s.regions = markets, byCountry, book, lists, regionsOf(markets)
	s.mu.Unlock()
	s.version.Add(1)
	return nil
}

// Version changes whenever markets, rates or price lists were reloaded: prices computed under another version
// may be out of date.
func (s *Service) Version() uint64 { return s.version.Load() }

// Markets returns every market, active or not, in display order.
func (s *Service) Markets() []Market {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.markets
}

// Market returns the market with the code, active or not. Errors: ErrUnknownMarket.
func (s *Service) Market(code string) (Market, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, m := range s.markets {
		if m.Code == code {
			return m, nil
		}
	}
	return Market{}, ErrUnknownMarket
}

// Limits of the market settings the admin may choose.
var (
	maxFXBuffer   = decimal.RequireFromString("0.25")
	maxReturnDays = 365
)

// UpdateMarket validates and saves a market's settings, then reloads. Errors: ErrUnknownMarket; field errors
// (ErrInvalid) for an unknown rounding rule or a charm rule in a currency without cents, a buffer outside 0–25%
// or with more than two decimals of a percent, an incoterm other than DDP or DAP, return days outside 0–365, a
// fixed gross in a tax-exclusive market, or a fixed gross without a reference country served in the same
// currency.
func (s *Service) UpdateMarket(ctx context.Context, code string, in MarketSettings) error {
	m, err := s.Market(code)
	if err != nil {
		return err
	}
	in.GrossReferenceCountry = strings.ToUpper(strings.TrimSpace(in.GrossReferenceCountry))
	if err := s.checkMarket(m, in).Err(); err != nil {
		return err
	}
	if err := s.store().updateMarket(ctx, code, in); err != nil {
		return err
	}
	return s.Reload(ctx)
}

// checkMarket validates settings for market m (see UpdateMarket).
func (s *Service) checkMarket(m Market, in MarketSettings) httpx.FieldErrors {
	var fe httpx.FieldErrors
	switch {
	case !in.Rounding.valid():
		fe.Add("rounding", "pricing.RoundingUnknown", nil)
	case in.Rounding.Charm() && minorUnits(m.Currency) < 2:
		fe.Add("rounding", "pricing.CharmNeedsCents", map[string]any{"Currency": m.Currency})
	}
	if in.FXBuffer.IsNegative() || in.FXBuffer.GreaterThan(maxFXBuffer) || !in.FXBuffer.Equal(in.FXBuffer.Round(4)) {
		fe.Add("fx_buffer", "pricing.BufferRange", map[string]any{"Max": maxFXBuffer.Shift(2).String()})
	}
	if in.Incoterm != "DDP" && in.Incoterm != "DAP" {
		fe.Add("incoterm", "pricing.IncotermUnknown", nil)
	}
	if in.ReturnDays < 0 || in.ReturnDays > maxReturnDays {
		fe.Add("return_days", "pricing.ReturnDaysRange", map[string]any{"Max": maxReturnDays})
	}
	if in.FixedGross && !in.TaxInclusive {
		fe.Add("fixed_gross", "pricing.FixedGrossNeedsInclusive", nil)
	}
	if ref := strings.ToUpper(strings.TrimSpace(in.GrossReferenceCountry)); ref != "" || in.FixedGross {
		if !s.servedIn(ref, m.Currency) {
			fe.Add("gross_reference_country", "pricing.ReferenceCountryInvalid", map[string]any{"Currency": m.Currency})
		}
	}
	return fe
}

// servedIn reports whether a market (active or not) of the currency serves the country.
func (s *Service) servedIn(country, currency string) bool {
	for _, m := range s.Markets() {
		if m.Currency == currency && m.Serves(country) {
			return true
		}
	}
	return false
}

// MarketFor returns the active market serving a country. Errors: ErrUnknownMarket.
func (s *Service) MarketFor(country string) (Market, error) {
	s.mu.RLock()
	m, ok := s.byCountry[country]
	s.mu.RUnlock()
	if !ok {
		return Market{}, ErrUnknownMarket
	}
	return m, nil
}

// Regions lists, for the storefront's URL routing and selector, every country served with its languages. The
// slice is shared until the next reload: callers must not change it.
func (s *Service) Regions() []intl.Region {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.regions
}

// regionsOf lists the countries of the active markets with their languages.
func regionsOf(markets []Market) []intl.Region {
	var out []intl.Region
	for _, m := range markets {
		if !m.Active {
			continue
		}
		for _, c := range m.Countries {
			out = append(out, intl.Region{Country: c, Languages: m.Locales, DefaultLanguage: m.DefaultLocale, Currency: m.Currency})
		}
	}
	return out
}

// marketCurrencies lists the presentment currencies of the active markets other than the base currency, sorted.
func (s *Service) marketCurrencies() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	for _, m := range s.markets {
		if m.Active && m.Currency != s.base && !seen[m.Currency] {
			seen[m.Currency] = true
			out = append(out, m.Currency)
		}
	}
	sort.Strings(out)
	return out
}

// RateAt returns the exchange rate base→quote in force at the time, without any buffer: the stored rate of the
// pair, its inverse, or a cross rate through EUR or the base currency, whichever is newest (see FXQuote). The
// identity quote is returned for base == quote. Errors: ErrInvalid for an unknown currency; ErrNoRate (a fault
// of the shop's data, not of the request) when no rate is in force.
func (s *Service) RateAt(base, quote string, at time.Time) (FXQuote, error) {
	if !money.IsCurrency(base) || !money.IsCurrency(quote) {
		return FXQuote{}, fmt.Errorf("pricing: rate %s→%s: %w", base, quote, httpx.ErrInvalid)
	}
	s.mu.RLock()
	book := s.rates
	s.mu.RUnlock()
	q, ok := book.quote(base, quote, at)
	if !ok {
		return FXQuote{}, fmt.Errorf("%w: %s→%s at %s", ErrNoRate, base, quote, at.UTC().Format(time.RFC3339))
	}
	return q, nil
}

// Convert converts an amount to another currency at the rate in force at the time (no buffer), rounded HALF_UP
// to the target's minor units; for shipping fees, thresholds and other amounts that are not shelf prices.
// Errors: as RateAt.
func (s *Service) Convert(amount money.Amount, to string, at time.Time) (money.Amount, FXQuote, error) {
	q, err := s.RateAt(amount.Currency, to, at)
	if err != nil {
		return money.Amount{}, FXQuote{}, err
	}
	out := money.Amount{Number: amount.Number.Mul(q.Rate), Currency: to}.Round(money.HalfUp)
	return out, q, nil
}

// StaleRates lists the market currencies whose rate from the base currency, in force at now, took effect more
// than the configured FXMaxAge before now, or that have no rate at all; sorted by currency. The admin shows them
// as a warning; the dashboard may too.
func (s *Service) StaleRates(now time.Time) []StaleRate {
	return s.staleRates(now, s.maxAge)
}

func (s *Service) staleRates(now time.Time, maxAge time.Duration) []StaleRate {
	var out []StaleRate
	for _, cur := range s.marketCurrencies() {
		q, err := s.RateAt(s.base, cur, now)
		if err != nil {
			out = append(out, StaleRate{Base: s.base, Quote: cur, Missing: true})
			continue
		}
		if age := now.Sub(q.EffectiveAt); age > maxAge {
			out = append(out, StaleRate{Base: s.base, Quote: cur, EffectiveAt: q.EffectiveAt, Age: age})
		}
	}
	return out
}

type marketKey struct{}

// WithMarket returns ctx carrying the request's market.
func WithMarket(ctx context.Context, m Market) context.Context {
	return context.WithValue(ctx, marketKey{}, m)
}

// MarketFrom returns the request's market.
func MarketFrom(ctx context.Context) (Market, bool) {
	m, ok := ctx.Value(marketKey{}).(Market)
	return m, ok
}
