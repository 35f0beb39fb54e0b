package catalog

import (
	"errors"
	"sync"
	"time"
)

// sortedItems is a listing before paging: the matching products, priced and sorted, and the option values offered.
// Shared through the cache, so read-only.
type sortedItems struct {
	items  []ListingItem
	facets map[string][]string
}

// listingKey is everything an unfiltered category listing depends on apart from stock: the read model it came
// from, the prices' version, where the shopper is, and the sort. A zero key is not cached.
type listingKey struct {
	snap          *snapshot
	pricesVersion uint64
	market        string
	country       string
	currency      string
	category      int64
	sort          string
}

// newListingKey returns the cache key of q, or the zero key when q is not cached: search results, and listings
// filtered by options or price. Filters come from the query string, so caching them would let anyone fill the
// cache (and push out the listings people browse) with made-up values; a filtered view prices the category
// as it did before the cache.
func newListingKey(snap *snapshot, pricesVersion uint64, m MarketInfo, q ListingQuery) listingKey {
	if q.Products != nil || len(q.Options) > 0 || q.MinPrice != nil || q.MaxPrice != nil {
		return listingKey{}
	}
	return listingKey{snap: snap, pricesVersion: pricesVersion, market: m.Code, country: m.Country, currency: m.Currency,
		category: q.CategoryID, sort: q.Sort}
}

// listingTTL bounds how long a priced listing is reused. Catalog and price changes replace the key (a new
// snapshot, a new prices version) on every instance at once; the TTL covers what changes with time alone: an
// exchange or tax rate whose effective date has just arrived.
const listingTTL = time.Minute

// maxCachedListings bounds the cache: categories × storefronts × sorts.
const maxCachedListings = 2048

// listingCache keeps priced, sorted category listings. Pricing every product of a category on every page view
// was most of a category page's cost; with the cache a page view prices nothing. When an entry is missing (first
// view, a new snapshot or prices version, expiry) one request prices the listing and the others asking for it at
// the same time wait for that result, rather than each pricing the whole category at once.
type listingCache struct {
	mu sync.Mutex
	// snap and pricesVersion are those of the entries: a key of another snapshot or prices version empties the
	// cache, so entries that will never be asked for again do not keep old read models alive.
	snap          *snapshot
	pricesVersion uint64
	entries       map[listingKey]cachedListing
	inflight      map[listingKey]*listingCall
}

type cachedListing struct {
	sorted  *sortedItems
	expires time.Time
}

// errListingAbandoned is what requests waiting for a listing get when the request pricing it panicked.
var errListingAbandoned = errors.New("catalog: pricing the listing was abandoned")

// listingCall is a listing being priced; done closes when sorted or err is set.
type listingCall struct {
	done   chan struct{}
	sorted *sortedItems
	err    error
}

// get returns the cached listing for k, or prices it with compute (once, however many requests ask at once).
// A zero key is never cached.
func (c *listingCache) get(k listingKey, now time.Time, compute func() (*sortedItems, error)) (*sortedItems, error) {
	if k.snap == nil {
		return compute()
	}
	c.mu.Lock()
	if e, ok := c.entries[k]; ok && !now.After(e.expires) {
		c.mu.Unlock()
		return e.sorted, nil
	}
	if call, ok := c.inflight[k]; ok {
		c.mu.Unlock()
		<-call.done
		return call.sorted, call.err
	}
	call := &listingCall{done: make(chan struct{}), err: errListingAbandoned}
	if c.inflight == nil {
		c.inflight = make(map[listingKey]*listingCall)
	}
	c.inflight[k] = call
	c.mu.Unlock()

	// Deferred, so that a panic while pricing still releases the requests waiting for this listing (they get
	// errListingAbandoned) and the next view prices it again.
	defer func() {
		c.mu.Lock()
		delete(c.inflight, k)
		if call.err == nil {
			if k.snap != c.snap || k.pricesVersion != c.pricesVersion || c.entries == nil || len(c.entries) >= maxCachedListings {
				c.entries = make(map[listingKey]cachedListing)
				c.snap, c.pricesVersion = k.snap, k.pricesVersion
			}
			c.entries[k] = cachedListing{sorted: call.sorted, expires: now.Add(listingTTL)}
		}
		c.mu.Unlock()
		close(call.done)
	}()
	call.sorted, call.err = compute()
	return call.sorted, call.err
}
