// Package landedcost prices what crosses a border: customs duty, import VAT/GST and fees per destination and
// date. The quote engine (package engine) is a pure function of a rules snapshot and a request; this package
// keeps the rules as data in PostgreSQL (loaded from the shipped rule files), caches the snapshot in memory,
// rebuilds it when any instance changes a rule, and shows the rules in force in the back office.
package landedcost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/landedcost/engine"
	"storefront/internal/landedcost/rulesdata"
	"storefront/internal/platform/postgres"
)

// ChangeTopic is the postgres.Changes topic of rule edits.
const ChangeTopic = "landedcost"

// Service is the landed-cost module's API.
type Service struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	current  atomic.Pointer[engine.Snapshot]
	stale    atomic.Bool
	reloadMu sync.Mutex
}

// NewService returns the service; the snapshot is built on first use.
func NewService(pool *pgxpool.Pool, log *slog.Logger) (*Service, error) {
	if pool == nil || log == nil {
		return nil, errors.New("landedcost: NewService needs a pool and a logger")
	}
	s := &Service{pool: pool, log: log}
	s.stale.Store(true)
	return s, nil
}

// SyncRuleFiles loads the shipped rule files into the database. Rows missing from the database are added; with
// overwrite, rows whose content differs from the files are replaced too. It returns how many rows changed.
func (s *Service) SyncRuleFiles(ctx context.Context, overwrite bool) (int, error) {
	rules, tariff, err := engine.LoadFS(rulesdata.FS)
	if err != nil {
		return 0, fmt.Errorf("landedcost: rule files: %w", err)
	}
	var n int
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if n, err = (store{db: tx}).upsertFiles(ctx, rules, tariff, overwrite); err != nil {
			return err
		}
		if n > 0 {
			return postgres.Notify(ctx, tx, ChangeTopic)
		}
		return nil
	})
	if err == nil && n > 0 {
		s.Invalidate()
	}
	return n, err
}

// Invalidate marks the snapshot stale; the next use rebuilds it from the database.
func (s *Service) Invalidate() { s.stale.Store(true) }

// Snapshot returns the rules in memory, rebuilding them first when stale. Quoting never touches the database.
func (s *Service) Snapshot(ctx context.Context) (*engine.Snapshot, error) {
	if cur := s.current.Load(); cur != nil && !s.stale.Load() {
		return cur, nil
	}
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if cur := s.current.Load(); cur != nil && !s.stale.Load() {
		return cur, nil
	}
	s.stale.Store(false)
	st := store{db: s.pool}
	rules, err := st.rules(ctx)
	if err == nil && len(rules) == 0 {
		// A database that was migrated but never synced: the shipped files are the rules.
		if _, err = s.SyncRuleFiles(ctx, false); err == nil {
			s.stale.Store(false)
			rules, err = st.rules(ctx)
		}
	}
	if err != nil {
		s.stale.Store(true)
		return nil, fmt.Errorf("landedcost: load rules: %w", err)
	}
	tariff, err := st.tariff(ctx)
	if err != nil {
		s.stale.Store(true)
		return nil, fmt.Errorf("landedcost: load tariff: %w", err)
	}
	snap, err := engine.NewSnapshot(rules, tariff, engine.ContentVersion(rules, tariff))
	if err != nil {
		s.stale.Store(true)
		return nil, fmt.Errorf("landedcost: rules in the database are inconsistent: %w", err)
	}
	s.current.Store(snap)
	return snap, nil
}

// Quote prices a request with the current rules.
func (s *Service) Quote(ctx context.Context, req engine.Request) (engine.Quote, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return engine.Quote{}, err
	}
	return snap.Quote(req)
}

// TaxRate is the destination's VAT/GST rate for a tax category on a date (for tax-inclusive shelf prices).
func (s *Service) TaxRate(country, region, category string, on time.Time) (decimal.Decimal, error) {
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		return decimal.Zero, err
	}
	return snap.TaxRate(country, region, category, on)
}

// DutyRate looks up the tariff: the applicable ad valorem rate for an HS code from an origin, with a claimed
// preference; ok is false when no rate is on file (the duty is unknown, never assumed zero).
func (s *Service) DutyRate(ctx context.Context, destination, hsCode, origin, preference string, on time.Time) (decimal.Decimal, bool, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return decimal.Zero, false, err
	}
	rate, _, ok := snap.DutyRate(destination, hsCode, origin, preference, on)
	return rate, ok, nil
}

// CustomsTerritory returns the customs territory of a country ("EU" for DE, FR…; the country otherwise).
func (s *Service) CustomsTerritory(ctx context.Context, country string) (string, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	return snap.CustomsTerritory(country), nil
}

// TerritoryMembers lists the countries in the same customs territory as country (itself included), among
// candidates: a warehouse in one of them makes a sale domestic.
func (s *Service) TerritoryMembers(ctx context.Context, country string, candidates []string) ([]string, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	t := snap.CustomsTerritory(country)
	var out []string
	for _, c := range candidates {
		if snap.CustomsTerritory(c) == t {
			out = append(out, c)
		}
	}
	return out, nil
}
