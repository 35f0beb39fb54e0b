package catalog

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestListingCachePricesOnceForConcurrentViews: many views of a listing that is not cached yet price it once; a
// failure is not cached; an expired entry is priced again.
func TestListingCachePricesOnceForConcurrentViews(t *testing.T) {
	var c listingCache
	key := listingKey{snap: &snapshot{}, market: "DE", category: 7}
	var computed atomic.Int32
	release := make(chan struct{})
	compute := func() (*sortedItems, error) {
		computed.Add(1)
		<-release
		return &sortedItems{}, nil
	}
	now := time.Now()
	var wg sync.WaitGroup
	results := make([]*sortedItems, 32)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = c.get(key, now, compute)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let every view arrive while the first one prices
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Fatalf("priced %d times for 32 concurrent views, want once", n)
	}
	for _, r := range results {
		if r != results[0] {
			t.Fatal("concurrent views got different listings")
		}
	}

	failing := listingKey{snap: key.snap, market: "FR"}
	if _, err := c.get(failing, now, func() (*sortedItems, error) { return nil, errors.New("no rate") }); err == nil {
		t.Fatal("the error was lost")
	}
	if _, err := c.get(failing, now, func() (*sortedItems, error) { return &sortedItems{}, nil }); err != nil {
		t.Errorf("a failed pricing was cached: %v", err)
	}

	again := 0
	if _, err := c.get(key, now.Add(listingTTL+time.Second), func() (*sortedItems, error) { again++; return &sortedItems{}, nil }); err != nil || again != 1 {
		t.Errorf("an expired listing was not priced again (%d, %v)", again, err)
	}
}

// TestListingCacheKeepsOnlyUnfilteredListingsOfTheCurrentSnapshot: filtered views and search results are not
// cached (their keys come from the query string); a listing of a newer snapshot drops the entries of the older
// one, so they do not keep it in memory.
func TestListingCacheKeepsOnlyUnfilteredListingsOfTheCurrentSnapshot(t *testing.T) {
	snap := &snapshot{}
	m := MarketInfo{Code: "DE", Country: "DE", Currency: "EUR"}
	floor := decimal.NewFromInt(10)
	for name, q := range map[string]ListingQuery{
		"options": {CategoryID: 7, Options: map[string][]string{"size": {"M"}}},
		"price":   {CategoryID: 7, MinPrice: &floor},
		"search":  {Products: []int64{1, 2}},
	} {
		if k := newListingKey(snap, 1, m, q); k != (listingKey{}) {
			t.Errorf("%s: cached under %+v", name, k)
		}
	}
	if k := newListingKey(snap, 1, m, ListingQuery{CategoryID: 7, Page: 3, Options: map[string][]string{}}); k.snap != snap || k.category != 7 {
		t.Errorf("an unfiltered page is not cached: %+v", k)
	}

	var c listingCache
	now := time.Now()
	compute := func() (*sortedItems, error) { return &sortedItems{}, nil }
	for cat := range int64(3) {
		_, _ = c.get(newListingKey(snap, 1, m, ListingQuery{CategoryID: cat}), now, compute)
	}
	newer := &snapshot{}
	_, _ = c.get(newListingKey(newer, 1, m, ListingQuery{CategoryID: 1}), now, compute)
	if len(c.entries) != 1 || c.snap != newer {
		t.Errorf("%d entries after a new snapshot, want only its own", len(c.entries))
	}
}

// TestListingCacheSurvivesAPanickingPricing: a panic while pricing releases the views waiting for that listing
// with an error, and the next view prices it again instead of waiting forever.
func TestListingCacheSurvivesAPanickingPricing(t *testing.T) {
	var c listingCache
	key := listingKey{snap: &snapshot{}, market: "DE", category: 7}
	started, release := make(chan struct{}), make(chan struct{})
	go func() {
		defer func() { _ = recover() }()
		_, _ = c.get(key, time.Now(), func() (*sortedItems, error) {
			close(started)
			<-release
			panic("pricing failed")
		})
	}()
	<-started
	waited := make(chan error, 1)
	go func() {
		_, err := c.get(key, time.Now(), func() (*sortedItems, error) { return &sortedItems{}, nil })
		waited <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the second view wait for the first
	close(release)
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("a view waits forever for a listing whose pricing panicked")
	}
	if _, err := c.get(key, time.Now(), func() (*sortedItems, error) { return &sortedItems{}, nil }); err != nil {
		t.Errorf("the listing is not priced again after the panic: %v", err)
	}
}
