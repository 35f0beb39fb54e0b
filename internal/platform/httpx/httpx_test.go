package httpx

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestStatusOfErrorKinds(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{fmt.Errorf("catalog: product 4: %w", ErrNotFound), 404},
		{Invalid("email", "x", nil), 422},
		{fmt.Errorf("wrapped: %w", Fail(ErrConflict, "x", nil)), 409},
		{ErrForbidden, 403},
		{ErrUnauthenticated, 401},
		{ErrTooManyRequests, 429},
		{ErrTooLarge, 413},
		{errors.New("database exploded"), 500},
		{FieldErrors{{Kind: ErrInvalid, Field: "a", MessageID: "x"}}, 422},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestRecoverTurnsPanicsInto500AndLogsTheStack(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&logs, nil)))
	defer slog.SetDefault(prev)
	h := Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("panic not logged with stack: %s", logs.String())
	}
}

func TestCSRF(t *testing.T) {
	c := NewCSRF([]byte(strings.Repeat("k", 32)), false, "/webhooks/")
	var seenToken string
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenToken = CSRFToken(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))
	// A first GET hands out the cookie and a token.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/form", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || seenToken == "" {
		t.Fatalf("no CSRF cookie/token: %v %q", cookies, seenToken)
	}
	post := func(token string, withCookie bool, path string) int {
		form := url.Values{CSRFField: {token}}
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if withCookie {
			req.AddCookie(cookies[0])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := post(seenToken, true, "/form"); got != http.StatusNoContent {
		t.Errorf("valid token refused: %d", got)
	}
	// Tokens are masked differently on every page, and each one is valid.
	first := seenToken
	if !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(first) {
		t.Errorf("token not URL-safe: %q", first)
	}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/form", nil)
	req.AddCookie(cookies[0])
	h.ServeHTTP(rec, req)
	if seenToken == first {
		t.Error("token not re-masked per page")
	}
	if got := post(seenToken, true, "/form"); got != http.StatusNoContent {
		t.Errorf("second token refused: %d", got)
	}
	for name, code := range map[string]int{
		"no token":       post("", true, "/form"),
		"no cookie":      post(seenToken, false, "/form"),
		"tampered token": post(seenToken[:len(seenToken)-2]+"AA", true, "/form"),
		"garbage":        post("not-a-token", true, "/form"),
	} {
		if code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	if got := post("", false, "/webhooks/stripe"); got != http.StatusNoContent {
		t.Errorf("exempt path checked: %d", got)
	}
}

func TestOversizedFormIsA413(t *testing.T) {
	c := NewCSRF([]byte(strings.Repeat("k", 32)), false)
	h := LimitBody(1024)(c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a="+strings.Repeat("x", 4096)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
}

func TestRequestIDIsKeptOnlyWhenSane(t *testing.T) {
	h := WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for in, keep := range map[string]bool{"abc-123": true, "<script>": false, strings.Repeat("a", 100): false} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Request-ID", in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("X-Request-ID"); (got == in) != keep || got == "" {
			t.Errorf("X-Request-ID %q → %q", in, got)
		}
	}
}
