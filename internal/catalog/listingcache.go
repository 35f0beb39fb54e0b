package catalog

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// sortedItems is a listing before paging: the matching products, priced and sorted, and the option values offered.
// Shared through the cache, so read-only.
type sortedItems struct {
	items  []ListingItem
	facets map[string][]string
}

// listingKey is everything a category listing depends on apart from stock: the read model it came from, the
// prices' version, where the shopper is, and the query without its page.
type listingKey struct {
	snap          *snapshot
	pricesVersion uint64
	market        string
	country       string
	currency      string
	category      int64
	sort          string
	options       string
	minPrice      string
	maxPrice      string
}

func newListingKey(snap *snapshot, pricesVersion uint64, m MarketInfo, q ListingQuery) listingKey {
	k := listingKey{snap: snap, pricesVersion: pricesVersion, market: m.Code, country: m.Country, currency: m.Currency,
		category: q.CategoryID, sort: q.Sort}
	if len(q.Options) > 0 {
		names := make([]string, 0, len(q.Options))
		for name := range q.Options {
			names = append(names, name)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, name := range names {
			vals := append([]string(nil), q.Options[name]...)
			sort.Strings(vals)
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(strings.Join(vals, "\x1f"))
			b.WriteByte('\x1e')
		}
		k.options = b.String()
	}
	if q.MinPrice != nil {
		k.minPrice = q.MinPrice.String()
	}
	if q.MaxPrice != nil {
		k.maxPrice = q.MaxPrice.String()
	}
	return k
}

// listingTTL bounds how long a priced listing is reused. Catalog and price changes replace the key (a new
// snapshot, a new prices version) on every instance at once; the TTL covers what changes with time alone: an
// exchange or tax rate whose effective date has just arrived.
const listingTTL = time.Minute

// maxCachedListings bounds the cache: listings × storefronts × sorts × filters people actually use.
const maxCachedListings = 2048

// listingCache keeps priced, sorted category listings. Pricing every product of a category on every page view
// was most of a category page's cost; with the cache a page view prices nothing.
type listingCache struct {
	mu      sync.Mutex
	entries map[listingKey]cachedListing
}

type cachedListing struct {
	sorted  *sortedItems
	expires time.Time
}

func (c *listingCache) get(k listingKey, now time.Time) (*sortedItems, bool) {
	if k.snap == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.sorted, true
}

func (c *listingCache) put(k listingKey, sorted *sortedItems, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedListings {
		// Entries of older snapshots or prices are never asked for again; starting over drops them too.
		c.entries = make(map[listingKey]cachedListing)
	}
	c.entries[k] = cachedListing{sorted: sorted, expires: now.Add(listingTTL)}
}
