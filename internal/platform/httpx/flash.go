package httpx

import (
	"net/http"
	"strings"
)

const flashCookie = "flash"

// SetFlash queues a one-time message for the next page the visitor sees (after a redirect): a kind ("ok",
// "info", "warn", "bad") and a message ID, which the page translates. Only IDs travel in the cookie, never text.
func SetFlash(w http.ResponseWriter, kind, messageID string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: kind + ":" + messageID, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// TakeFlash returns the queued message, if any, and clears it.
func TakeFlash(w http.ResponseWriter, r *http.Request) (kind, messageID string, ok bool) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return "", "", false
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	kind, messageID, ok = strings.Cut(c.Value, ":")
	switch kind {
	case "ok", "info", "warn", "bad":
	default:
		return "", "", false
	}
	return kind, messageID, ok && messageID != ""
}
