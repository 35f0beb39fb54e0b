package main

import (
	"bytes"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync"
)

// referencePages is the load test's yardstick (BENCH_ENDPOINTS=1): GET /bench/reference?page=/de-de/c/… renders
// that shop page once, as an anonymous shopper would get it, and from then on serves the same bytes from memory
// through the same middleware as every shop page. Its throughput is what this HTTP stack manages with no work
// behind the page, so the load test reports every endpoint as a share of it.
type referencePages struct {
	shop  http.Handler
	mu    sync.Mutex
	pages map[string][]byte
}

func (p *referencePages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page := r.URL.Query().Get("page")
	if !strings.HasPrefix(page, "/") || strings.HasPrefix(page, "/bench/") {
		http.Error(w, "page must be a path of the shop", http.StatusBadRequest)
		return
	}
	body, err := p.rendered(r, page)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(body)
}

func (p *referencePages) rendered(r *http.Request, page string) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if body, ok := p.pages[page]; ok {
		return body, nil
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, page, nil)
	if err != nil {
		return nil, err
	}
	rec := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	p.shop.ServeHTTP(rec, req)
	if rec.status != http.StatusOK {
		return nil, &referenceError{page: page, status: rec.status}
	}
	if p.pages == nil {
		p.pages = map[string][]byte{}
	}
	p.pages[page] = rec.body.Bytes()
	return p.pages[page], nil
}

type referenceError struct {
	page   string
	status int
}

func (e *referenceError) Error() string {
	return "reference page " + e.page + " answered " + http.StatusText(e.status)
}

// bufferedResponse keeps a response in memory.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

// profiles serves the Go runtime's profiles (BENCH_ENDPOINTS=1), so the load test can record where a busy
// server spends its time.
func profiles() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/bench/pprof/profile", pprof.Profile)
	mux.Handle("/bench/pprof/heap", pprof.Handler("heap"))
	mux.Handle("/bench/pprof/allocs", pprof.Handler("allocs"))
	return mux
}
