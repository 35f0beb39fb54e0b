package httpx

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestRejectMalformedText(t *testing.T) {
	h := RejectMalformedText(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	cases := []struct {
		method, target, body string
		want                 int
	}{
		{http.MethodGet, "/de-de/search?q=Kaffeebecher", "", http.StatusOK},
		{http.MethodGet, "/de-de/search?q=%E2%82%AC", "", http.StatusOK}, // €
		{http.MethodGet, "/de-de/search?q=%ff", "", http.StatusUnprocessableEntity},
		{http.MethodGet, "/de-de/search?q=a%00b", "", http.StatusUnprocessableEntity},
		{http.MethodGet, "/de-de/search?q=%zz", "", http.StatusUnprocessableEntity},
		{http.MethodGet, "/de-de/p/%ff", "", http.StatusNotFound},
		{http.MethodPost, "/account/signin", "email=a%00%40b.de", http.StatusUnprocessableEntity},
		{http.MethodPost, "/account/signin", "email=m%C3%BCller%40example.de", http.StatusOK},
	}
	for _, c := range cases {
		req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if err := req.ParseForm(); err != nil {
				t.Fatal(err)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %s %q: %d, want %d", c.method, c.target, c.body, rec.Code, c.want)
		}
	}
}

func TestPageIsAlwaysAUsablePageNumber(t *testing.T) {
	for raw, want := range map[string]int{"": 1, "3": 3, "0": 1, "-5": 1, "x": 1, "9223372036854775807": MaxPage,
		"99999999999999999999": 1} {
		if got := Page(url.Values{"page": {raw}}); got != want {
			t.Errorf("Page(%q) = %d, want %d", raw, got, want)
		}
	}
}
