package inventory

import (
	"context"
	"sync"
	"time"
)

// ShownStockMaxAge is how old the stock shown on storefront pages (listings, product pages and their shipping
// estimate) may be. Those pages are read far more often than stock changes, and showing "in stock" a moment late
// sells nothing that is not there: carts and checkout read live stock (Available, Allocate) and reservations
// are checked in the database.
const ShownStockMaxAge = 2 * time.Second

// maxShownVariants bounds the cache; past it, it starts over.
const maxShownVariants = 100_000

// shownStock caches, per variant, its sellable stock by warehouse, and the warehouse list, for ShownStockMaxAge.
// It is per instance; the age bound, not an invalidation, keeps every instance within ShownStockMaxAge of the
// database.
type shownStock struct {
	mu         sync.Mutex
	variants   map[int64]shownVariant
	warehouses []Warehouse
	whRead     time.Time
}

type shownVariant struct {
	rows []sellable
	read time.Time
}

// shownRows returns the sellable rows of the variants, from the cache where fresh enough.
func (s *Service) shownRows(ctx context.Context, variantIDs []int64) (map[int64][]sellable, error) {
	now := time.Now()
	out := make(map[int64][]sellable, len(variantIDs))
	var missing []int64
	s.shown.mu.Lock()
	for _, id := range variantIDs {
		if e, ok := s.shown.variants[id]; ok && now.Sub(e.read) < ShownStockMaxAge {
			out[id] = e.rows
		} else {
			missing = append(missing, id)
		}
	}
	s.shown.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := s.store().sellable(ctx, missing)
	if err != nil {
		return nil, err
	}
	fresh := make(map[int64][]sellable, len(missing))
	for _, id := range missing {
		fresh[id] = nil // no sellable stock is an answer too
	}
	for _, r := range rows {
		fresh[r.variantID] = append(fresh[r.variantID], r)
	}
	s.shown.mu.Lock()
	if s.shown.variants == nil || len(s.shown.variants)+len(fresh) > maxShownVariants {
		s.shown.variants = make(map[int64]shownVariant, len(fresh))
	}
	for id, rs := range fresh {
		out[id] = rs
		s.shown.variants[id] = shownVariant{rows: rs, read: now}
	}
	s.shown.mu.Unlock()
	return out, nil
}

// AvailableToShow returns the units available per variant as Available does, but read at most ShownStockMaxAge
// ago: for showing stock on storefront pages, never for selling.
func (s *Service) AvailableToShow(ctx context.Context, variantIDs []int64) (map[int64]int, error) {
	rows, err := s.shownRows(ctx, variantIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(variantIDs))
	for _, id := range variantIDs {
		n := 0
		for _, r := range rows[id] {
			n += r.available
		}
		out[id] = n
	}
	return out, nil
}

// AllocateToShow chooses warehouses as Allocate does, from stock read at most ShownStockMaxAge ago: for telling
// a shopper where an item would ship from, never for reserving it.
func (s *Service) AllocateToShow(ctx context.Context, items []Item, preferredCountries []string) ([]Allocation, error) {
	order, want, err := wanted(items)
	if err != nil || len(order) == 0 {
		return nil, err
	}
	byVariant, err := s.shownRows(ctx, order)
	if err != nil {
		return nil, err
	}
	var rows []sellable
	for _, id := range order {
		rows = append(rows, byVariant[id]...)
	}
	return allocate(rows, order, want, preferredCountries)
}

// WarehousesToShow lists the warehouses as Warehouses does, read at most ShownStockMaxAge ago. The slice is
// shared with other callers until it is read again: do not change it.
func (s *Service) WarehousesToShow(ctx context.Context) ([]Warehouse, error) {
	now := time.Now()
	s.shown.mu.Lock()
	if s.shown.warehouses != nil && now.Sub(s.shown.whRead) < ShownStockMaxAge {
		ws := s.shown.warehouses
		s.shown.mu.Unlock()
		return ws, nil
	}
	s.shown.mu.Unlock()
	ws, err := s.Warehouses(ctx)
	if err != nil {
		return nil, err
	}
	s.shown.mu.Lock()
	s.shown.warehouses, s.shown.whRead = ws, now
	s.shown.mu.Unlock()
	return ws, nil
}
