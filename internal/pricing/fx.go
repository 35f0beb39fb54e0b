package pricing

import (
	"errors"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// RateScale is the number of decimal places of every rate this package stores, derives or hands out (a cart or
// order that keeps an FXQuote's Rate needs a column with this scale to re-price identically).
const RateScale = 12

// ErrNoRate is returned when no exchange rate between two currencies is in force at the requested time. That is
// the shop's fault (its rates were not loaded), not the request's: it wraps none of httpx's user error kinds, so a
// page that fails with it is a server error and logged as one, and the site shows the shopper that prices for
// their country are temporarily unavailable (503) instead of a missing page.
var ErrNoRate = errors.New("pricing: no exchange rate in force")

// FXQuote is the exchange rate a price or conversion used: 1 Base = Rate Quote. It is what a cart line captures
// and an order locks, so that the line can be re-priced (PriceWithRate) and refunded identically later.
type FXQuote struct {
	Base, Quote string
	// Rate is the rate applied: MarketRate × (1 + Buffer), rounded HALF_UP to RateScale places.
	Rate decimal.Decimal
	// MarketRate is the rate from the stored rates, before the market's buffer.
	MarketRate decimal.Decimal
	// Buffer is the market's FX buffer added to the rate (0.02 = 2%); 0 for plain conversions.
	Buffer decimal.Decimal
	// RateID is the stored rate the quote comes from; for a cross rate, the pivot→Quote leg. 0 for the identity
	// quote of a currency to itself.
	RateID int64
	// ViaRateID is the pivot→Base leg of a cross rate; 0 otherwise.
	ViaRateID int64
	// Via is the pivot currency of a cross rate ("EUR"); "" for a direct or inverted stored rate.
	Via string
	// Inverted is true when the quote is the inverse of a stored Quote→Base rate.
	Inverted bool
	// EffectiveAt is when the rate took effect; for a cross rate, the older of its two legs.
	EffectiveAt time.Time
	// Source is where the stored rate came from ("European Central Bank · eurofxref-daily.xml").
	Source string
}

// identityQuote is the quote of a currency to itself: no rate is needed and no buffer applies.
func identityQuote(currency string) FXQuote {
	return FXQuote{Base: currency, Quote: currency, Rate: one, MarketRate: one, Buffer: decimal.Zero}
}

// withBuffer returns q with buffer added to the applied rate.
func (q FXQuote) withBuffer(buffer decimal.Decimal) FXQuote {
	if q.Base == q.Quote || buffer.IsZero() {
		return q
	}
	q.Buffer = buffer
	q.Rate = money.RoundTo(q.MarketRate.Mul(one.Add(buffer)), RateScale, money.HalfUp)
	return q
}

// StaleRate is a market currency whose exchange rate from the base currency is older than the configured
// maximum age, or missing altogether.
type StaleRate struct {
	Base, Quote string
	// EffectiveAt is when the rate in force took effect; zero when Missing.
	EffectiveAt time.Time
	Age         time.Duration
	Missing     bool
}

// rateRow is one stored rate.
type rateRow struct {
	id          int64
	base, quote string
	rate        decimal.Decimal
	effectiveAt time.Time
	source      string
}

type pair struct{ base, quote string }

// rateBook is the in-memory snapshot of every stored rate, per pair in ascending (effective_at, id) order, so
// a lookup is a binary search and pricing needs no database round trip. It is immutable once built.
type rateBook struct {
	pairs  map[pair][]rateRow
	pivots []string
}

func newRateBook(rows []rateRow, pivots []string) rateBook {
	b := rateBook{pairs: map[pair][]rateRow{}, pivots: pivots}
	for _, r := range rows {
		k := pair{r.base, r.quote}
		b.pairs[k] = append(b.pairs[k], r)
	}
	for _, rows := range b.pairs {
		sort.SliceStable(rows, func(i, j int) bool {
			if !rows[i].effectiveAt.Equal(rows[j].effectiveAt) {
				return rows[i].effectiveAt.Before(rows[j].effectiveAt)
			}
			return rows[i].id < rows[j].id
		})
	}
	return b
}

// stored returns the row of base→quote in force at t: the newest effective_at <= t, the newest id among equals.
func (b rateBook) stored(base, quote string, at time.Time) (rateRow, bool) {
	rows := b.pairs[pair{base, quote}]
	i := sort.Search(len(rows), func(i int) bool { return rows[i].effectiveAt.After(at) })
	if i == 0 {
		return rateRow{}, false
	}
	return rows[i-1], true
}

// leg is 1 base = rate quote from a stored row, used directly or inverted.
type leg struct {
	row      rateRow
	rate     decimal.Decimal
	inverted bool
}

func (b rateBook) leg(base, quote string, at time.Time) (leg, bool) {
	direct, okD := b.stored(base, quote, at)
	inverse, okI := b.stored(quote, base, at)
	switch {
	case okD && (!okI || !inverse.effectiveAt.After(direct.effectiveAt)):
		return leg{row: direct, rate: direct.rate}, true
	case okI:
		return leg{row: inverse, rate: invert(inverse.rate), inverted: true}, true
	}
	return leg{}, false
}

func invert(rate decimal.Decimal) decimal.Decimal { return one.DivRound(rate, RateScale) }

// quote finds the rate base→quote in force at t. Candidates are the stored pair, its inverse, and cross rates
// through each pivot (EUR, then the shop's base currency): pivot→quote ÷ pivot→base. The candidate whose
// oldest leg is newest wins, so a fresh ECB file supersedes an old direct rate and an admin's override
// supersedes this morning's ECB rates; on a tie the direct rate wins over the inverse, and both over a cross.
func (b rateBook) quote(base, quote string, at time.Time) (FXQuote, bool) {
	if base == quote {
		return identityQuote(base), true
	}
	var best FXQuote
	found := false
	consider := func(q FXQuote) {
		if !found || q.EffectiveAt.After(best.EffectiveAt) {
			best, found = q, true
		}
	}
	if l, ok := b.leg(base, quote, at); ok {
		consider(FXQuote{Base: base, Quote: quote, MarketRate: l.rate, RateID: l.row.id, Inverted: l.inverted,
			EffectiveAt: l.row.effectiveAt, Source: l.row.source})
	}
	for _, p := range b.pivots {
		if p == base || p == quote {
			continue
		}
		toQuote, ok1 := b.leg(p, quote, at)
		toBase, ok2 := b.leg(p, base, at)
		if !ok1 || !ok2 {
			continue
		}
		eff, src := toQuote.row.effectiveAt, toQuote.row.source
		if toBase.row.effectiveAt.Before(eff) {
			eff = toBase.row.effectiveAt
		}
		if toBase.row.source != src {
			src += " + " + toBase.row.source
		}
		consider(FXQuote{Base: base, Quote: quote, MarketRate: toQuote.rate.DivRound(toBase.rate, RateScale),
			RateID: toQuote.row.id, ViaRateID: toBase.row.id, Via: p, EffectiveAt: eff, Source: src})
	}
	if !found {
		return FXQuote{}, false
	}
	best.Rate, best.Buffer = best.MarketRate, decimal.Zero
	return best, true
}
