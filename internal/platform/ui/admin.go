package ui

import (
	"context"
	"net/http"

	"github.com/a-h/templ"
)

// AdminChrome is the frame of a back-office page: navigation for the sections the user's role may open, who
// is signed in, and the admin language switch (English, Simplified Chinese).
type AdminChrome struct {
	Lang, Dir  string
	Title      string
	HomeURL    string
	SkipLabel  string
	NavLabel   string
	Nav        []Link
	User       string
	SignOut    *Link
	Languages  []Link
	CSRF       string
	Flashes    []Flash
	Stylesheet string
	Script     string
	Favicon    string
}

// AdminChromeFunc builds the admin chrome for a request.
type AdminChromeFunc func(w http.ResponseWriter, r *http.Request) AdminChrome

type adminChromeKey struct{}

// WithAdminChrome installs how admin pages below get their chrome.
func WithAdminChrome(ctx context.Context, f AdminChromeFunc) context.Context {
	return context.WithValue(ctx, adminChromeKey{}, f)
}

// AdminChromeFor returns the admin chrome of the request.
func AdminChromeFor(w http.ResponseWriter, r *http.Request) AdminChrome {
	if f, ok := r.Context().Value(adminChromeKey{}).(AdminChromeFunc); ok {
		return f(w, r)
	}
	return AdminChrome{Lang: "en", Dir: "ltr", Title: "Admin", HomeURL: "/admin"}
}

// RenderAdmin writes a back-office page with status.
func RenderAdmin(w http.ResponseWriter, r *http.Request, status int, title string, body templ.Component) error {
	w.Header().Set("Cache-Control", "no-store")
	return RenderComponent(w, r, status, AdminLayout(AdminChromeFor(w, r), title, body))
}
