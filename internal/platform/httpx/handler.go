package httpx

import (
	"context"
	"log/slog"
	"net/http"
)

// HandlerFunc is an HTTP handler that returns an error instead of writing one. Handlers write nothing before
// they know they succeed; the adapter turns an error into the right status and page.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorRenderer writes the error page for err with status. The site installs one (localized, through templ)
// with WithErrorRenderer; without it a plain-text page is written.
type ErrorRenderer interface {
	RenderError(w http.ResponseWriter, r *http.Request, status int, err error)
}

type rendererKey struct{}

// WithErrorRenderer installs the error renderer for every request below it.
func WithErrorRenderer(er ErrorRenderer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), rendererKey{}, er)))
		})
	}
}

// H adapts a HandlerFunc to net/http.
func H(h HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, err)
		}
	}
}

// WriteError maps err to its status, logs it when it is a server fault (5xx only: a 404 is not our failure), and
// renders the error page.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status >= 500 {
		slog.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "path", r.URL.Path,
			"request_id", RequestID(r.Context()))
	}
	if er, ok := r.Context().Value(rendererKey{}).(ErrorRenderer); ok {
		er.RenderError(w, r, status, err)
		return
	}
	http.Error(w, http.StatusText(status), status)
}

// NotFound is the handler for unknown routes: the error page with 404.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, r, ErrNotFound)
}

// MethodNotAllowed answers a known route requested with the wrong method (chi has set the Allow header).
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	WriteError(w, r, ErrMethod)
}
