package account

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"storefront/internal/account/views"
	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "sid"

type userKey struct{}

// CurrentUser returns the signed-in user of the request, if any.
func CurrentUser(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}

// WithUser returns ctx carrying u as the signed-in user, and as the actor other modules record in their audit
// trails.
func WithUser(ctx context.Context, u User) context.Context {
	ctx = actor.With(ctx, actor.Actor{UserID: u.ID, Email: u.Email, Role: string(u.Role)})
	return context.WithValue(ctx, userKey{}, u)
}

// Handler serves the account pages.
type Handler struct {
	svc    *Service
	secure bool
}

// NewHandler returns the account HTTP handler; secure makes cookies Secure (https).
func NewHandler(svc *Service, secure bool) *Handler {
	return &Handler{svc: svc, secure: secure}
}

// Sessions loads the signed-in user from the session cookie into the request context. A request without the
// cookie costs nothing; an unknown or expired token clears the cookie.
func (h *Handler) Sessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(SessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, err := h.svc.SessionUser(r.Context(), c.Value)
		switch {
		case err == nil:
			r = r.WithContext(WithUser(r.Context(), u))
		case errors.Is(err, httpx.ErrUnauthenticated):
			h.clearCookie(w)
		default:
			httpx.WriteError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireRole lets through users with one of roles. Anonymous visitors are sent to the back-office sign-in
// (GET) or refused with 401 (other methods); signed-in users without the role get 403.
func RequireRole(signInPath string, roles ...Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok := CurrentUser(r.Context())
			if !ok {
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					http.Redirect(w, r, signInPath+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				httpx.WriteError(w, r, httpx.Fail(httpx.ErrUnauthenticated, "account.SignInRequired", nil))
				return
			}
			for _, role := range roles {
				if u.Role == role {
					next.ServeHTTP(w, r)
					return
				}
			}
			httpx.WriteError(w, r, httpx.Fail(httpx.ErrForbidden, "account.RoleForbidden", nil))
		})
	}
}

// HasRole reports whether the request's user has one of roles.
func HasRole(ctx context.Context, roles ...Role) bool {
	u, ok := CurrentUser(ctx)
	if !ok {
		return false
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

func (h *Handler) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionLifetime.Seconds()),
	})
}

func (h *Handler) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// SignedIn is called after a successful sign-in with the new user, so other modules can react (the cart module
// merges the guest cart). The site wires it.
type SignedIn func(w http.ResponseWriter, r *http.Request, u User)

// StoreRoutes are the shopper's account pages, mounted under the locale prefix.
func (h *Handler) StoreRoutes(onSignIn SignedIn) chi.Router {
	r := chi.NewRouter()
	r.Use(httpx.NoStore)
	r.Get("/signin", httpx.H(h.serveSignIn))
	r.Post("/signin", httpx.H(h.serveSignInPost(onSignIn)))
	r.Get("/signup", httpx.H(h.serveSignUp))
	r.Post("/signup", httpx.H(h.serveSignUpPost(onSignIn)))
	r.Post("/signout", httpx.H(h.serveSignOut))
	r.Get("/", httpx.H(h.serveProfile))
	r.Post("/addresses/{id}/delete", httpx.H(h.serveDeleteAddress))
	return r
}

// safeNext keeps a post-sign-in redirect on this site: a local path, never "//host" or a scheme.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	return next
}

// serveSignIn handles GET /{locale}/account/signin.
func (h *Handler) serveSignIn(w http.ResponseWriter, r *http.Request) error {
	return h.renderSignIn(w, r, http.StatusOK, r.URL.Query().Get("next"), "", "")
}

func (h *Handler) renderSignIn(w http.ResponseWriter, r *http.Request, status int, next, email, errMsg string) error {
	loc := intl.FromContext(r.Context())
	p := views.SignInProps{
		Title: loc.T("account.SignInTitle"), Action: loc.Path("/account/signin"),
		CSRF: httpx.CSRFToken(r.Context()), Next: next, Error: errMsg,
		Email: ui.FieldProps{Name: "email", Label: loc.T("account.Email"), Type: "email", Value: email,
			Required: true, Autocomplete: "email"},
		Password: ui.FieldProps{Name: "password", Label: loc.T("account.Password"), Type: "password",
			Required: true, Autocomplete: "current-password"},
		Submit:       loc.T("account.SignIn"),
		SignUpPrompt: loc.T("account.NoAccountYet"),
		SignUpLink:   &ui.Link{Label: loc.T("account.CreateAccount"), URL: loc.Path("/account/signup") + nextQuery(next)},
	}
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.SignIn(p))
}

func nextQuery(next string) string {
	if next == "" {
		return ""
	}
	return "?next=" + url.QueryEscape(next)
}

// serveSignInPost handles POST /{locale}/account/signin.
func (h *Handler) serveSignInPost(onSignIn SignedIn) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		loc := intl.FromContext(r.Context())
		next := safeNext(r.PostFormValue("next"), loc.Path("/account"))
		email := r.PostFormValue("email")
		u, err := h.signIn(w, r, email, r.PostFormValue("password"))
		if err != nil {
			var ue *httpx.UserError
			if errors.As(err, &ue) {
				return h.renderSignIn(w, r, httpx.Status(err), next, email, loc.Message(ue.MessageID, ue.Data))
			}
			return err
		}
		if onSignIn != nil {
			onSignIn(w, r, u)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
}

// signIn authenticates and starts a fresh session, replacing any previous one.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request, email, password string) (User, error) {
	u, err := h.svc.Authenticate(r.Context(), email, password, httpx.ClientIP(r))
	if err != nil {
		return User{}, err
	}
	previous := ""
	if c, err := r.Cookie(SessionCookie); err == nil {
		previous = c.Value
	}
	token, err := h.svc.StartSession(r.Context(), u.ID, previous, r.UserAgent(), httpx.ClientIP(r))
	if err != nil {
		return User{}, err
	}
	h.setCookie(w, token)
	return u, nil
}

// serveSignUp handles GET /{locale}/account/signup.
func (h *Handler) serveSignUp(w http.ResponseWriter, r *http.Request) error {
	return h.renderSignUp(w, r, http.StatusOK, r.URL.Query().Get("next"), NewUser{}, nil)
}

func (h *Handler) renderSignUp(w http.ResponseWriter, r *http.Request, status int, next string, in NewUser, errs httpx.FieldErrors) error {
	loc := intl.FromContext(r.Context())
	fieldErr := func(field string) string {
		if e := errs.For(field); e != nil {
			return loc.Message(e.MessageID, e.Data)
		}
		return ""
	}
	var all []string
	for _, e := range errs {
		all = append(all, loc.Message(e.MessageID, e.Data))
	}
	p := views.SignUpProps{
		Title: loc.T("account.SignUpTitle"), Intro: loc.T("account.SignUpIntro"),
		Action: loc.Path("/account/signup"), CSRF: httpx.CSRFToken(r.Context()), Next: next,
		Errors: all, ErrorTitle: loc.T("platform.FixErrors"),
		Name: ui.FieldProps{Name: "name", Label: loc.T("account.Name"), Value: in.Name, Autocomplete: "name",
			Error: fieldErr("name")},
		Email: ui.FieldProps{Name: "email", Label: loc.T("account.Email"), Type: "email", Value: in.Email,
			Required: true, Autocomplete: "email", Error: fieldErr("email")},
		Password: ui.FieldProps{Name: "password", Label: loc.T("account.Password"), Type: "password",
			Required: true, Autocomplete: "new-password", Error: fieldErr("password"),
			Hint: loc.T("account.PasswordHint", "Min", minPasswordLen)},
		Submit:       loc.T("account.CreateAccount"),
		SignInPrompt: loc.T("account.HaveAccount"),
		SignInLink:   ui.Link{Label: loc.T("account.SignIn"), URL: loc.Path("/account/signin") + nextQuery(next)},
	}
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.SignUp(p))
}

// serveSignUpPost handles POST /{locale}/account/signup: creates a shopper account and signs it in.
func (h *Handler) serveSignUpPost(onSignIn SignedIn) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		loc := intl.FromContext(r.Context())
		next := safeNext(r.PostFormValue("next"), loc.Path("/account"))
		in := NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
			Password: r.PostFormValue("password"), Role: RoleShopper, Locale: loc.BCP47()}
		if _, err := h.svc.CreateUser(r.Context(), in); err != nil {
			if fe, ok := httpx.AsFieldErrors(err); ok {
				in.Password = ""
				return h.renderSignUp(w, r, http.StatusUnprocessableEntity, next, in, fe)
			}
			if errors.Is(err, ErrEmailTaken) {
				in.Password = ""
				return h.renderSignUp(w, r, http.StatusConflict, next, in,
					httpx.FieldErrors{{Kind: httpx.ErrConflict, Field: "email", MessageID: "account.EmailTaken"}})
			}
			return err
		}
		u, err := h.signIn(w, r, in.Email, in.Password)
		if err != nil {
			return err
		}
		if onSignIn != nil {
			onSignIn(w, r, u)
		}
		httpx.SetFlash(w, "ok", "account.Welcome")
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
}

// serveSignOut handles POST …/signout (storefront and back office): ends the session and goes home.
func (h *Handler) serveSignOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := h.svc.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	h.clearCookie(w)
	home := "/"
	if loc := intl.FromContext(r.Context()); loc != nil && loc.Prefix() != "" {
		home = loc.Path("/")
	}
	httpx.SetFlash(w, "ok", "account.SignedOut")
	http.Redirect(w, r, home, http.StatusSeeOther)
	return nil
}

// serveProfile handles GET /{locale}/account: who is signed in.
func (h *Handler) serveProfile(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	u, ok := CurrentUser(r.Context())
	if !ok {
		http.Redirect(w, r, loc.Path("/account/signin")+nextQuery(r.URL.RequestURI()), http.StatusSeeOther)
		return nil
	}
	p := views.ProfileProps{
		Title: loc.T("account.ProfileTitle"),
		Facts: []views.Fact{
			{Label: loc.T("account.Name"), Value: u.Name},
			{Label: loc.T("account.Email"), Value: u.Email},
			{Label: loc.T("account.MemberSince"), Value: loc.Date(u.CreatedAt)},
		},
	}
	p.Links = append(p.Links, ui.Link{Label: loc.T("account.Orders"), URL: loc.Path("/orders")})
	if u.Staff() {
		p.Links = append(p.Links, ui.Link{Label: loc.T("account.BackOffice"), URL: "/admin"})
	}
	addrs, err := h.svc.Addresses(r.Context(), u.ID)
	if err != nil {
		return err
	}
	p.AddressesTitle, p.NoAddresses, p.Delete = loc.T("account.Addresses"), loc.T("account.NoAddresses"), loc.T("account.Delete")
	p.CSRF = httpx.CSRFToken(r.Context())
	for _, a := range addrs {
		lines := []string{a.Name, a.Line1}
		if a.Line2 != "" {
			lines = append(lines, a.Line2)
		}
		lines = append(lines, strings.TrimSpace(a.PostalCode+" "+a.City+" "+a.Region), loc.CountryName(a.Country))
		p.Addresses = append(p.Addresses, views.AddressRow{Lines: lines,
			DeleteURL: loc.Path("/account/addresses/" + strconv.FormatInt(a.ID, 10) + "/delete")})
	}
	return ui.Render(w, r, http.StatusOK, ui.Head{Title: p.Title, NoIndex: true}, views.Profile(p))
}

// serveDeleteAddress handles POST /{locale}/account/addresses/{id}/delete.
func (h *Handler) serveDeleteAddress(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	u, ok := CurrentUser(r.Context())
	if !ok {
		return httpx.Fail(httpx.ErrUnauthenticated, "account.SignInRequired", nil)
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return httpx.ErrNotFound
	}
	if err := h.svc.DeleteAddress(r.Context(), u.ID, id); err != nil {
		return err
	}
	httpx.SetFlash(w, "ok", "account.AddressDeleted")
	http.Redirect(w, r, loc.Path("/account"), http.StatusSeeOther)
	return nil
}

// MountAdminAuth adds the back-office sign-in and sign-out, reachable without a role, to the /admin router.
func (h *Handler) MountAdminAuth(r chi.Router) {
	r.Get("/signin", httpx.H(h.serveAdminSignIn))
	r.Post("/signin", httpx.H(h.serveAdminSignInPost))
	r.Post("/signout", httpx.H(h.serveSignOut))
}

// serveAdminSignIn handles GET /admin/signin.
func (h *Handler) serveAdminSignIn(w http.ResponseWriter, r *http.Request) error {
	return h.renderAdminSignIn(w, r, http.StatusOK, r.URL.Query().Get("next"), "", "")
}

func (h *Handler) renderAdminSignIn(w http.ResponseWriter, r *http.Request, status int, next, email, errMsg string) error {
	loc := intl.FromContext(r.Context())
	p := views.SignInProps{
		Title: loc.T("account.SignInTitle"), Action: "/admin/signin",
		CSRF: httpx.CSRFToken(r.Context()), Next: next, Error: errMsg,
		Email: ui.FieldProps{Name: "email", Label: loc.T("account.Email"), Type: "email", Value: email,
			Required: true, Autocomplete: "username"},
		Password: ui.FieldProps{Name: "password", Label: loc.T("account.Password"), Type: "password",
			Required: true, Autocomplete: "current-password"},
		Submit: loc.T("account.SignIn"),
	}
	return ui.RenderAdmin(w, r, status, p.Title, views.SignIn(p))
}

// serveAdminSignInPost handles POST /admin/signin.
func (h *Handler) serveAdminSignInPost(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	next := safeNext(r.PostFormValue("next"), "/admin")
	email := r.PostFormValue("email")
	if _, err := h.signIn(w, r, email, r.PostFormValue("password")); err != nil {
		var ue *httpx.UserError
		if errors.As(err, &ue) {
			return h.renderAdminSignIn(w, r, httpx.Status(err), next, email, loc.Message(ue.MessageID, ue.Data))
		}
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// AdminRoutes is user management (admins only; the back office mounts it behind the role check).
func (h *Handler) AdminRoutes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveUsers))
	r.Post("/", httpx.H(h.serveCreateUser))
	r.Post("/{id}/role", httpx.H(h.serveSetRole))
	return r
}

const usersPerPage = 50

// serveUsers handles GET /admin/users.
func (h *Handler) serveUsers(w http.ResponseWriter, r *http.Request) error {
	return h.renderUsers(w, r, http.StatusOK, NewUser{Role: RoleMerchant}, nil)
}

func (h *Handler) renderUsers(w http.ResponseWriter, r *http.Request, status int, in NewUser, errs httpx.FieldErrors) error {
	loc := intl.FromContext(r.Context())
	q := r.URL.Query().Get("q")
	page := httpx.Page(r.URL.Query())
	users, err := h.svc.Users(r.Context(), q, usersPerPage+1, (page-1)*usersPerPage)
	if err != nil {
		return err
	}
	more := len(users) > usersPerPage
	if more {
		users = users[:usersPerPage]
	}
	roleOptions := func(selected Role) []ui.Option {
		opts := make([]ui.Option, len(Roles))
		for i, role := range Roles {
			opts[i] = ui.Option{Value: string(role), Label: loc.T("account.Role." + string(role)), Selected: role == selected}
		}
		return opts
	}
	p := views.UsersProps{
		CSRF:    httpx.CSRFToken(r.Context()),
		Search:  ui.Search{Action: "/admin/users", Label: loc.T("account.SearchUsers"), Query: q, Button: loc.T("platform.Search")},
		Headers: []string{loc.T("account.UserID"), loc.T("account.Email"), loc.T("account.Name"), loc.T("account.Role"), loc.T("account.MemberSince"), ""},
		Empty:   loc.T("account.NoUsers"), PagesLabel: loc.T("platform.Pages"),
		CreateTitle: loc.T("account.CreateStaff"), CreateURL: "/admin/users",
		ErrorTitle: loc.T("platform.FixErrors"), Create: loc.T("account.CreateAccount"),
	}
	for _, u := range users {
		id := strconv.FormatInt(u.ID, 10)
		p.Rows = append(p.Rows, views.UserRow{ID: id, Email: u.Email, Name: u.Name,
			Role: loc.T("account.Role." + string(u.Role)), Created: loc.Date(u.CreatedAt),
			RoleForm: views.RoleForm{Action: "/admin/users/" + id + "/role", Label: loc.T("account.Role"),
				Options: roleOptions(u.Role), Submit: loc.T("account.ChangeRole")}})
	}
	if page > 1 {
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Previous"), Rel: "prev",
			URL: "/admin/users?q=" + url.QueryEscape(q) + "&page=" + strconv.Itoa(page-1)})
	}
	if page > 1 || more {
		p.Pages = append(p.Pages, ui.PageLink{Label: strconv.Itoa(page), Current: true})
	}
	if more {
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Next"), Rel: "next",
			URL: "/admin/users?q=" + url.QueryEscape(q) + "&page=" + strconv.Itoa(page+1)})
	}
	fieldErr := func(field string) string {
		if e := errs.For(field); e != nil {
			return loc.Message(e.MessageID, e.Data)
		}
		return ""
	}
	for _, e := range errs {
		p.Errors = append(p.Errors, loc.Message(e.MessageID, e.Data))
	}
	p.Email = ui.FieldProps{Name: "email", Label: loc.T("account.Email"), Type: "email", Value: in.Email, Required: true, Error: fieldErr("email")}
	p.Name = ui.FieldProps{Name: "name", Label: loc.T("account.Name"), Value: in.Name, Error: fieldErr("name")}
	p.Password = ui.FieldProps{Name: "password", Label: loc.T("account.Password"), Type: "password", Required: true,
		Error: fieldErr("password"), Hint: loc.T("account.PasswordHint", "Min", minPasswordLen), Autocomplete: "new-password"}
	p.Role = ui.SelectProps{Name: "role", Label: loc.T("account.Role"), Options: roleOptions(in.Role), Error: fieldErr("role")}
	return ui.RenderAdmin(w, r, status, loc.T("account.UsersTitle"), views.Users(p))
}

// serveCreateUser handles POST /admin/users: creates an account with any role.
func (h *Handler) serveCreateUser(w http.ResponseWriter, r *http.Request) error {
	in := NewUser{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Password: r.PostFormValue("password"), Role: Role(r.PostFormValue("role"))}
	if _, err := h.svc.CreateUser(r.Context(), in); err != nil {
		in.Password = ""
		if fe, ok := httpx.AsFieldErrors(err); ok {
			return h.renderUsers(w, r, http.StatusUnprocessableEntity, in, fe)
		}
		if errors.Is(err, ErrEmailTaken) {
			return h.renderUsers(w, r, http.StatusConflict, in,
				httpx.FieldErrors{{Kind: httpx.ErrConflict, Field: "email", MessageID: "account.EmailTaken"}})
		}
		return err
	}
	httpx.SetFlash(w, "ok", "account.UserCreated")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}

// serveSetRole handles POST /admin/users/{id}/role.
func (h *Handler) serveSetRole(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return httpx.ErrNotFound
	}
	role, err := ParseRole(r.PostFormValue("role"))
	if err != nil {
		return err
	}
	if err := h.svc.SetRole(r.Context(), id, role); err != nil {
		return err
	}
	httpx.SetFlash(w, "ok", "account.RoleChanged")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
