package httpx

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCompressGzipsLargeCompressibleResponses(t *testing.T) {
	page := "<!doctype html><p>" + strings.Repeat("Borderless Goods ", 200) + "</p>"
	h := Compress(gzip.DefaultCompression, "text/html", "application/json")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, page[:len(page)/2])
			_, _ = io.WriteString(w, page[len(page)/2:])
		case "/small":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true}`)
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			_, _ = io.WriteString(w, page)
		case "/redirect":
			http.Redirect(w, r, "/page", http.StatusSeeOther)
		}
	}))
	get := func(path, acceptEncoding, method string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	res := get("/page", "br, gzip;q=0.8", http.MethodGet)
	if res.Code != http.StatusNotFound || res.Header().Get("Content-Encoding") != "gzip" || res.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("page: %d %v", res.Code, res.Header())
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != page || res.Header().Get("Content-Length") == "" {
		t.Errorf("decompressed body differs or has no length (%d bytes)", len(body))
	}

	for _, c := range []struct{ name, path, enc, method string }{
		{"no gzip asked", "/page", "", http.MethodGet},
		{"gzip refused", "/page", "gzip;q=0, identity", http.MethodGet},
		{"small body", "/small", "gzip", http.MethodGet},
		{"not compressible", "/image", "gzip", http.MethodGet},
		{"redirect", "/redirect", "gzip", http.MethodGet},
	} {
		res := get(c.path, c.enc, c.method)
		if res.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed", c.name)
		}
		if c.path != "/redirect" && res.Body.Len() == 0 {
			t.Errorf("%s: empty body", c.name)
		}
	}
	if res := get("/redirect", "gzip", http.MethodGet); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/page" {
		t.Errorf("redirect lost: %d %v", res.Code, res.Header())
	}
}

// TestCompressDropsTheBufferedPageOfAPanic: a handler that panics after writing part of its page leaves the
// answer to Recover (a 500), not a fragment sent as 200.
func TestCompressDropsTheBufferedPageOfAPanic(t *testing.T) {
	h := Recover(Compress(gzip.DefaultCompression, "text/html")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<p>"+strings.Repeat("half a page ", 200))
		panic("template failed")
	})))
	req := httptest.NewRequest(http.MethodGet, "/page", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "half a page") ||
		rec.Header().Get("Content-Encoding") != "" {
		t.Fatalf("panic answered %d, %v: %.80q", rec.Code, rec.Header(), rec.Body.String())
	}
}
