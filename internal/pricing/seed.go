package pricing

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/postgres"
)

// demoRates are USD-based rates for every market currency (and KWD and BHD, the three-decimal currencies),
// at plausible late-2026 levels; they are not market data.
//
//go:embed demodata/rates.json
var demoRates []byte

// demoEURPrices are the euro shelf prices the demo list cycles through: the same gross in every euro country.
var demoEURPrices = []string{"19.99", "29.99", "49.99", "9.99", "39.99", "24.99"}

// SeedDemoRates stores the demo rates ("demo rates" source) effective at the start of at's UTC day, so seeding
// again the same day changes nothing and a later seed refreshes them.
func (s *Service) SeedDemoRates(ctx context.Context, at time.Time) error {
	rates, source, err := parseJSON(demoRates)
	if err != nil {
		return fmt.Errorf("pricing: demo rates: %w", err)
	}
	day := at.UTC().Truncate(24 * time.Hour)
	for i := range rates {
		rates[i].EffectiveAt = day
	}
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		return store{db: tx}.insertRates(ctx, rates, source, actor.System.Label())
	})
	if err != nil {
		return fmt.Errorf("pricing: seed demo rates: %w", err)
	}
	return s.Reload(ctx)
}

// SeedDemoPriceLists creates the demo euro price list, if missing, with fixed gross prices (19.99, 29.99, …)
// for the SKUs; SKUs already in the list keep their price, so seeding again changes nothing.
func (s *Service) SeedDemoPriceLists(ctx context.Context, skus []string) error {
	if len(skus) == 0 {
		return nil
	}
	prices := make([]string, len(skus))
	for i := range skus {
		prices[i] = demoEURPrices[i%len(demoEURPrices)]
	}
	err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		id, ok, err := st.listIDByCurrency(ctx, "EUR")
		if err != nil {
			return err
		}
		if !ok {
			if id, err = st.insertList(ctx, "Euro shelf prices", "", "EUR"); err != nil {
				return err
			}
		}
		return st.insertItems(ctx, id, skus, prices, actor.System.Label())
	})
	if err != nil {
		return fmt.Errorf("pricing: seed demo price list: %w", err)
	}
	return s.Reload(ctx)
}
