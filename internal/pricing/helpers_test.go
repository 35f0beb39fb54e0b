package pricing

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/pgtest"
)

// fakeTaxes stands in for the landed-cost rules: country → category → rate.
type fakeTaxes map[string]map[string]string

func (f fakeTaxes) TaxRate(country, region, category string, on time.Time) (decimal.Decimal, error) {
	r, ok := f[country][category]
	if !ok {
		return decimal.Zero, fmt.Errorf("no %s rate in %s: %w", category, country, httpx.ErrNotFound)
	}
	return decimal.RequireFromString(r), nil
}

// testTaxes has the rates of the seeded markets' countries that the tests use.
var testTaxes = fakeTaxes{
	"DE": {"standard": "0.19", "reduced": "0.07", "zero": "0"},
	"FR": {"standard": "0.20", "reduced": "0.055", "super_reduced": "0.021", "zero": "0"},
	"NL": {"standard": "0.21", "reduced": "0.09", "zero": "0"},
	"GB": {"standard": "0.20", "reduced": "0.05", "zero": "0"},
	"CH": {"standard": "0.081", "reduced": "0.026", "zero": "0"},
	"JP": {"standard": "0.10", "reduced": "0.08", "zero": "0"},
	"KR": {"standard": "0.10", "reduced": "0.10", "zero": "0"},
}

var ctxSystem = actor.With(context.Background(), actor.System)

func newTestService(t testing.TB) (*Service, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewPool(t)
	s, err := NewService(pool, slog.New(slog.NewTextHandler(io.Discard, nil)), testTaxes,
		Config{BaseCurrency: "USD", FXMaxAge: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, pool
}

// mustLoadJSON stores USD-based rates effective at the time, e.g. mustLoadJSON(t, s, at, "EUR", "0.8650").
func mustLoadJSON(t testing.TB, s *Service, at time.Time, pairs ...string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `{"base":"USD","effective_at":%q,"source":"test","rates":{`, at.UTC().Format(time.RFC3339))
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%q", pairs[i], pairs[i+1])
	}
	b.WriteString("}}")
	if _, err := s.LoadRates(ctxSystem, strings.NewReader(b.String()), FormatJSON, "test"); err != nil {
		t.Fatalf("load rates: %v", err)
	}
}

func mustMarket(t testing.TB, s *Service, code string) Market {
	t.Helper()
	m, err := s.Market(code)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func countRates(t testing.TB, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pricing_fx_rates`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
