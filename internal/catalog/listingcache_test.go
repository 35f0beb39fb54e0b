package catalog

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
