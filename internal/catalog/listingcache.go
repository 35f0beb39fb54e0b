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
// was most of a category page's cost; with the cache a page view prices nothing. When an entry is missing (first
// view, a new snapshot or prices version, expiry) one request prices the listing and the others asking for it at
// the same time wait for that result, rather than each pricing the whole category at once.
type listingCache struct {
	mu       sync.Mutex
	entries  map[listingKey]cachedListing
	inflight map[listingKey]*listingCall
}

type cachedListing struct {
	sorted  *sortedItems
	expires time.Time
}

// listingCall is a listing being priced; done closes when sorted or err is set.
type listingCall struct {
	done   chan struct{}
	sorted *sortedItems
	err    error
}

// get returns the cached listing for k, or prices it with compute (once, however many requests ask at once).
// A zero key (search results) is never cached.
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
	call := &listingCall{done: make(chan struct{})}
	if c.inflight == nil {
		c.inflight = make(map[listingKey]*listingCall)
	}
	c.inflight[k] = call
	c.mu.Unlock()

	call.sorted, call.err = compute()
	c.mu.Lock()
	delete(c.inflight, k)
	if call.err == nil {
		if c.entries == nil || len(c.entries) >= maxCachedListings {
			// Entries of older snapshots or prices are never asked for again; starting over drops them too.
			c.entries = make(map[listingKey]cachedListing)
		}
		c.entries[k] = cachedListing{sorted: call.sorted, expires: now.Add(listingTTL)}
	}
	c.mu.Unlock()
	close(call.done)
	return call.sorted, call.err
}
