package site

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/language"

	"storefront/internal/account"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
	"storefront/internal/site/views"
)

// Section is one area of the back office, mounted at /admin{Path} for the roles listed. The dashboard and the
// navigation show each user only the sections their role may open.
type Section struct {
	Path    string // "/catalog"
	TitleID string // message ID of the section's name
	HintID  string // message ID of a one-line description
	Roles   []account.Role
	Routes  http.Handler
}

// Allows reports whether role may use the section.
func (s Section) Allows(role account.Role) bool {
	for _, r := range s.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Sections returns the configured back-office sections.
func (s *Site) Sections() []Section { return s.sections }

const adminLangCookie = "admin_lang"

// adminLocale is the back office's language for the request: the user's choice (cookie), else the best
// Accept-Language match between English and Simplified Chinese.
func (s *Site) adminLocale(r *http.Request) *intl.Locale {
	msgs := s.router.Messages()
	if c, err := r.Cookie(adminLangCookie); err == nil {
		if lang, ok := s.adminLang[c.Value]; ok {
			return msgs.Locale(lang, "")
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	supported := []language.Tag{language.English, language.SimplifiedChinese}
	_, idx, conf := language.NewMatcher(supported).Match(tags...)
	if conf != language.No && idx == 1 {
		return msgs.Locale(s.adminLang["zh-Hans"], "")
	}
	return msgs.Locale(s.adminLang["en"], "")
}

// Admin sets the back office's locale and chrome for every /admin request.
func (s *Site) Admin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := intl.WithLocale(r.Context(), s.adminLocale(r))
		ctx = ui.WithAdminChrome(ctx, s.adminChrome)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Site) adminChrome(w http.ResponseWriter, r *http.Request) ui.AdminChrome {
	loc := intl.FromContext(r.Context())
	css, js, icon := assets()
	c := ui.AdminChrome{
		Lang: loc.BCP47(), Dir: loc.Dir(), Title: loc.T("site.AdminTitle"), HomeURL: "/admin",
		SkipLabel: loc.T("site.SkipToContent"), NavLabel: loc.T("site.AdminNavigation"),
		CSRF: httpx.CSRFToken(r.Context()), Stylesheet: css, Script: js, Favicon: icon,
	}
	for _, code := range AdminLanguages {
		lang := s.adminLang[code]
		c.Languages = append(c.Languages, ui.Link{Label: lang.Name, Current: lang.Code == loc.Language.Code,
			URL: "/admin/language?to=" + url.QueryEscape(code) + "&next=" + url.QueryEscape(r.URL.RequestURI())})
	}
	if u, ok := account.CurrentUser(r.Context()); ok {
		c.User = u.Email + " · " + loc.T("account.Role."+string(u.Role))
		c.SignOut = &ui.Link{Label: loc.T("site.SignOut"), URL: "/admin/signout"}
		c.Nav = append(c.Nav, ui.Link{Label: loc.T("site.Dashboard"), URL: "/admin", Current: r.URL.Path == "/admin"})
		for _, sec := range s.sections {
			if sec.Allows(u.Role) {
				c.Nav = append(c.Nav, ui.Link{Label: loc.T(sec.TitleID), URL: "/admin" + sec.Path,
					Current: strings.HasPrefix(r.URL.Path, "/admin"+sec.Path)})
			}
		}
	}
	if kind, id, ok := httpx.TakeFlash(w, r); ok && s.router.Messages().Has(id) {
		c.Flashes = append(c.Flashes, ui.Flash{Kind: kind, Text: loc.T(id)})
	}
	return c
}

// StaffRoles may enter the back office.
var StaffRoles = []account.Role{account.RoleMerchant, account.RoleOps, account.RoleAdmin}

// AdminRoutes builds /admin: sign-in and sign-out open to all, the language switch, the dashboard for staff,
// and each section behind its roles.
func (s *Site) AdminRoutes(auth *account.Handler) chi.Router {
	r := chi.NewRouter()
	r.Use(s.Admin, httpx.NoStore)
	auth.MountAdminAuth(r)
	r.Get("/language", s.serveAdminLanguage)
	r.With(account.RequireRole("/admin/signin", StaffRoles...)).Get("/", httpx.H(s.serveDashboard))
	for _, sec := range s.sections {
		r.With(account.RequireRole("/admin/signin", sec.Roles...)).Mount(sec.Path, sec.Routes)
	}
	return r
}

// serveAdminLanguage handles GET /admin/language?to=zh-Hans&next=…: remembers the back-office language.
func (s *Site) serveAdminLanguage(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if _, ok := s.adminLang[to]; ok {
		http.SetCookie(w, &http.Cookie{Name: adminLangCookie, Value: to, Path: "/admin", MaxAge: 60 * 60 * 24 * 365,
			HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	}
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/admin") {
		next = "/admin"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// serveDashboard handles GET /admin: the sections the user's role may open.
func (s *Site) serveDashboard(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	u, _ := account.CurrentUser(r.Context())
	var tiles []views.Tile
	for _, sec := range s.sections {
		if sec.Allows(u.Role) {
			tiles = append(tiles, views.Tile{Title: loc.T(sec.TitleID), Hint: loc.T(sec.HintID), URL: "/admin" + sec.Path})
		}
	}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("site.Dashboard"), views.Dashboard(views.DashboardProps{
		Greeting: loc.T("site.Welcome", "Name", displayName(u)), Tiles: tiles, Empty: loc.T("site.NoSections"),
	}))
}

func displayName(u account.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}
