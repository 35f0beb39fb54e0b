// Package pricing owns markets, currencies, exchange rates and price lists: what a product costs in the
// shopper's market, converted, rounded and shown with or without tax as the market wants.
package pricing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
)

// ErrUnknownMarket is returned for a country no active market serves.
var ErrUnknownMarket = fmt.Errorf("pricing: market %w", httpx.ErrNotFound)

// Service is the pricing module's API.
type Service struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu        sync.RWMutex
	markets   []Market
	byCountry map[string]Market
}

// NewService returns the pricing service.
func NewService(pool *pgxpool.Pool, log *slog.Logger) (*Service, error) {
	if pool == nil || log == nil {
		return nil, errors.New("pricing: NewService needs a pool and a logger")
	}
	return &Service{pool: pool, log: log}, nil
}

// Reload reads markets from the database into memory; it runs at start and whenever another instance reports
// a change.
func (s *Service) Reload(ctx context.Context) error {
	markets, err := store{db: s.pool}.markets(ctx)
	if err != nil {
		return fmt.Errorf("pricing: load markets: %w", err)
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
	s.mu.Lock()
	s.markets, s.byCountry = markets, byCountry
	s.mu.Unlock()
	return nil
}

// Markets returns every market, active or not, in display order.
func (s *Service) Markets() []Market {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.markets
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

// Regions lists, for the storefront's URL routing and selector, every country served with its languages.
func (s *Service) Regions() []intl.Region {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []intl.Region
	for _, m := range s.markets {
		if !m.Active {
			continue
		}
		for _, c := range m.Countries {
			out = append(out, intl.Region{Country: c, Languages: m.Locales, DefaultLanguage: m.DefaultLocale})
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
