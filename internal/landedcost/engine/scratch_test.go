package engine

import (
	"encoding/json"
	"sync"
	"testing"
)

// TestQuoteScratchReuse quotes random requests from several goroutines, with rejected requests in between, and
// compares every result with the one computed alone: the pooled working buffers carry nothing from one quote to
// the next.
func TestQuoteScratchReuse(t *testing.T) {
	s := snap(t)
	const n = 300
	reqs := make([]Request, n)
	want := make([]string, n)
	for i := range reqs {
		reqs[i] = fuzzRequest(s, int64(i))
		q, err := s.Quote(reqs[i])
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		b, _ := json.Marshal(q)
		want[i] = string(b)
	}
	bad := reqs[0]
	bad.Lines = append([]Line(nil), bad.Lines...)
	bad.Lines[len(bad.Lines)-1].HSCode = "61A910"
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; k < n; k++ {
				i := (k*7 + w*13) % n
				if k%5 == 0 {
					if _, err := s.Quote(bad); err == nil {
						t.Error("invalid hs_code accepted")
					}
				}
				q, err := s.Quote(reqs[i])
				if err != nil {
					t.Errorf("seed %d: %v", i, err)
					return
				}
				if b, _ := json.Marshal(q); string(b) != want[i] {
					t.Errorf("seed %d: quote differs after buffer reuse:\n%s\nwant\n%s", i, b, want[i])
					return
				}
			}
		}(w)
	}
	wg.Wait()
}

// TestQuoteAllocations bounds the allocations of the benchmark's 10-line quote, which dominate its cost (the
// benchmark must stay within 20 µs). Before the working buffers were pooled it made 178.
func TestQuoteAllocations(t *testing.T) {
	s := snap(t)
	req := benchRequest()
	if _, err := s.Quote(req); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(200, func() { _, _ = s.Quote(req) })
	if allocs > 165 {
		t.Errorf("a 10-line quote makes %.0f allocations, want at most 165", allocs)
	}
}
