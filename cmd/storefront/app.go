package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/account"
	"storefront/internal/intl"
	"storefront/internal/platform/config"
	"storefront/internal/platform/httpx"
	"storefront/internal/pricing"
	"storefront/internal/site"
	"storefront/locales"
	"storefront/web"
)

// app is the wired shop: every module's service and the HTTP handler over them. This is the only place that
// knows all modules.
type app struct {
	cfg      config.Config
	log      *slog.Logger
	pool     *pgxpool.Pool
	msgs     *intl.Messages
	accounts *account.Service
	pricing  *pricing.Service
	site     *site.Site
	handler  http.Handler
}

// newApp wires the modules on pool.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, pool *pgxpool.Pool) (*app, error) {
	a := &app{cfg: cfg, log: log, pool: pool}
	var err error
	if a.msgs, err = intl.LoadMessages(locales.FS); err != nil {
		return nil, err
	}
	if a.accounts, err = account.NewService(pool, log); err != nil {
		return nil, err
	}
	if a.pricing, err = pricing.NewService(pool, log); err != nil {
		return nil, err
	}
	if err := a.pricing.Reload(ctx); err != nil {
		return nil, err
	}
	router := intl.NewRouter(a.msgs, a.pricing.Regions, cfg.BaseURL.String())
	accounts := account.NewHandler(a.accounts, cfg.Secure())

	sections := []site.Section{
		{Path: "/users", TitleID: "site.SectionUsers", HintID: "site.SectionUsersHint",
			Roles: []account.Role{account.RoleAdmin}, Routes: accounts.AdminRoutes()},
	}
	if a.site, err = site.New(site.Config{Router: router, Markets: a.pricing, Log: log, Secure: cfg.Secure(),
		Sections: sections}); err != nil {
		return nil, err
	}
	a.handler = a.routes(accounts)
	return a, nil
}

// routes is the whole URL space of the shop.
func (a *app) routes(accounts *account.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(httpx.WithRequestID, httpx.AccessLog(a.log), httpx.WithErrorRenderer(a.site), httpx.Recover,
		httpx.SecurityHeaders(a.cfg.Secure()), httpx.LimitBody(32<<20))
	r.NotFound(httpx.NotFound)
	r.MethodNotAllowed(httpx.MethodNotAllowed)

	r.Handle("/static/*", web.Handler())
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	r.Get("/readyz", a.serveReady)

	r.Group(func(r chi.Router) {
		r.Use(middleware.Compress(5, "text/html", "text/plain", "text/xml", "application/xml", "application/json"))
		r.Use(httpx.NewCSRF(a.cfg.SessionKey, a.cfg.Secure(), "/webhooks/").Middleware, accounts.Sessions)
		a.site.Routes(r, a.cfg.BaseURL.String())
		r.Mount("/admin", a.site.AdminRoutes(accounts))
		r.Route("/{locale}", func(r chi.Router) {
			r.Use(a.site.Storefront)
			r.Get("/", httpx.H(a.site.ServeHome))
			r.Mount("/account", accounts.StoreRoutes(nil))
		})
	})
	return r
}

// serveReady handles GET /readyz: 200 when the database answers, 503 otherwise.
func (a *app) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.pool.Ping(ctx); err != nil {
		http.Error(w, fmt.Sprintf("database unavailable: %v", err), http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
