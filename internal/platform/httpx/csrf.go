package httpx

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// CSRFField is the name of the hidden form field that carries the token.
const CSRFField = "csrf_token"

const csrfCookie = "csrf"

type csrfKey struct{}

// CSRF protects every state-changing request (anything but GET, HEAD, OPTIONS, TRACE) with a signed
// double-submit token: a random secret lives in an HttpOnly cookie, forms carry a token derived from it, and a
// request whose token does not match its cookie is refused with 403 before any handler runs. Tokens are bound
// to the secret with HMAC under the shared session key, so every instance verifies every other's tokens, and
// the form value is masked with a fresh pad per page so compressed pages do not leak the secret (BREACH).
//
// exempt lists path prefixes that authenticate otherwise (signed webhooks).
type CSRF struct {
	key    []byte
	secure bool
	exempt []string
}

// NewCSRF returns the CSRF protection keyed with the shared session key.
func NewCSRF(key []byte, secure bool, exempt ...string) *CSRF {
	return &CSRF{key: key, secure: secure, exempt: exempt}
}

// Middleware is the http middleware.
func (c *CSRF) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range c.exempt {
			if strings.HasPrefix(r.URL.Path, p) {
				next.ServeHTTP(w, r)
				return
			}
		}
		secret := c.secretFrom(r)
		if secret == nil {
			secret = make([]byte, 32)
			_, _ = rand.Read(secret)
			http.SetCookie(w, &http.Cookie{
				Name: csrfCookie, Value: base64.RawURLEncoding.EncodeToString(secret), Path: "/",
				HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode, MaxAge: 60 * 60 * 24 * 365,
			})
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		default:
			token := r.Header.Get("X-CSRF-Token")
			if token == "" {
				if err := parseForm(r); err != nil {
					WriteError(w, r, err)
					return
				}
				token = r.PostFormValue(CSRFField)
			}
			if !c.valid(secret, token) {
				WriteError(w, r, Fail(ErrForbidden, "platform.CSRFFailed", nil))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), csrfKey{}, &csrfState{c: c, secret: secret})))
	})
}

type csrfState struct {
	c      *CSRF
	secret []byte
}

// CSRFToken returns a token for a form on the page being rendered, or "" outside the middleware.
func CSRFToken(ctx context.Context) string {
	st, ok := ctx.Value(csrfKey{}).(*csrfState)
	if !ok {
		return ""
	}
	return st.c.token(st.secret)
}

func (c *CSRF) secretFrom(r *http.Request) []byte {
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || len(b) != 32 {
		return nil
	}
	return b
}

// token = base64(pad || (pad XOR mac)), where mac = HMAC(key, secret).
func (c *CSRF) token(secret []byte) string {
	mac := c.mac(secret)
	out := make([]byte, 2*len(mac))
	_, _ = rand.Read(out[:len(mac)])
	for i := range mac {
		out[len(mac)+i] = out[i] ^ mac[i]
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

func (c *CSRF) valid(secret []byte, token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 2*sha256.Size {
		return false
	}
	got := make([]byte, sha256.Size)
	for i := range got {
		got[i] = raw[i] ^ raw[sha256.Size+i]
	}
	return subtle.ConstantTimeCompare(got, c.mac(secret)) == 1
}

func (c *CSRF) mac(secret []byte) []byte {
	h := hmac.New(sha256.New, c.key)
	h.Write([]byte("csrf:"))
	h.Write(secret)
	return h.Sum(nil)
}

// parseForm parses the request body once, so that handlers find it parsed; an oversized body is a clear 413.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(MaxMemoryMultipart)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return Fail(ErrTooLarge, "platform.TooLarge", map[string]any{"Limit": tooBig.Limit >> 20})
	}
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return Fail(ErrInvalid, "platform.BadForm", nil)
	}
	return nil
}

// MaxMemoryMultipart is how much of a multipart body is held in memory; the rest goes to temporary files.
const MaxMemoryMultipart = 4 << 20

// LimitBody caps request bodies at limit bytes; reading beyond it fails with *http.MaxBytesError.
func LimitBody(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			}
			next.ServeHTTP(w, r)
		})
	}
}
