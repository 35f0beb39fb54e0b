package httpx

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ErrMalformedText is input holding a NUL byte or text that is not UTF-8: PostgreSQL refuses to store or compare
// it, so it is turned away at the door with a message instead of failing deep inside a query.
var ErrMalformedText = Fail(ErrInvalid, "platform.MalformedText", nil)

// RejectMalformedText refuses requests whose path, query or (already parsed) form values are not valid UTF-8 or
// contain NUL: a path like that names nothing (404); text like that is refused (422). Mount it after the
// middleware that parses forms (CSRF), so posted forms are checked too; uploaded files are not text and are
// left to their handlers.
func RejectMalformedText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) {
			NotFound(w, r)
			return
		}
		query, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil || !cleanValues(query) || !cleanValues(r.PostForm) ||
			(r.MultipartForm != nil && !cleanValues(r.MultipartForm.Value)) {
			WriteError(w, r, ErrMalformedText)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func cleanValues(vs map[string][]string) bool {
	for k, list := range vs {
		if !cleanText(k) {
			return false
		}
		for _, v := range list {
			if !cleanText(v) {
				return false
			}
		}
	}
	return true
}
