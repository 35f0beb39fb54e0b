package inventory

import (
	"context"
	"sync"
	"time"
)

// ShownStockMaxAge is how old the stock shown on listings and product pages may be. Those pages are read far more
// often than stock changes, and showing "in stock" a moment late sells nothing that is not there: carts and
// checkout always read live stock (Available), and reservations are checked in the database.
const ShownStockMaxAge = 2 * time.Second

// maxShownStock bounds the cache; past it, it starts over.
const maxShownStock = 100_000

// shownStock caches available units per variant for ShownStockMaxAge. It is per instance; the age bound, not an
// invalidation, keeps every instance within ShownStockMaxAge of the database.
type shownStock struct {
	mu      sync.Mutex
	entries map[int64]shownEntry
}

type shownEntry struct {
	available int
	read      time.Time
}

// AvailableToShow returns the units available per variant as Available does, but read at most ShownStockMaxAge
// ago: for showing stock on storefront pages, never for selling.
func (s *Service) AvailableToShow(ctx context.Context, variantIDs []int64) (map[int64]int, error) {
	now := time.Now()
	out := make(map[int64]int, len(variantIDs))
	var missing []int64
	s.shown.mu.Lock()
	for _, id := range variantIDs {
		if e, ok := s.shown.entries[id]; ok && now.Sub(e.read) < ShownStockMaxAge {
			out[id] = e.available
		} else {
			missing = append(missing, id)
		}
	}
	s.shown.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	fresh, err := s.Available(ctx, missing)
	if err != nil {
		return nil, err
	}
	s.shown.mu.Lock()
	if s.shown.entries == nil || len(s.shown.entries)+len(fresh) > maxShownStock {
		s.shown.entries = make(map[int64]shownEntry, len(fresh))
	}
	for id, n := range fresh {
		out[id] = n
		s.shown.entries[id] = shownEntry{available: n, read: now}
	}
	s.shown.mu.Unlock()
	return out, nil
}
