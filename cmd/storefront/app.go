package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/account"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/inventory"
	"storefront/internal/landedcost"
	"storefront/internal/platform/blob"
	"storefront/internal/platform/config"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/mail"
	"storefront/internal/platform/postgres"
	"storefront/internal/pricing"
	"storefront/internal/returns"
	"storefront/internal/site"
	"storefront/locales"
	"storefront/web"
)

// app is the wired shop: every module's service and the HTTP handler over them. This is the only place that
// knows all modules.
type app struct {
	cfg        config.Config
	log        *slog.Logger
	pool       *pgxpool.Pool
	changes    *postgres.Changes
	msgs       *intl.Messages
	router     *intl.Router
	accounts   *account.Service
	pricing    *pricing.Service
	landedcost *landedcost.Service
	inventory  *inventory.Service
	catalog    *catalog.Service
	carts      *cart.Service
	checkout   *checkout.Service
	returns    *returns.Service
	outbox     *mail.Outbox
	site       *site.Site
	handler    http.Handler
}

// newApp wires the modules on pool.
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, pool *pgxpool.Pool) (*app, error) {
	a := &app{cfg: cfg, log: log, pool: pool, changes: postgres.NewChanges(pool, log)}
	var err error
	if a.msgs, err = intl.LoadMessages(locales.FS); err != nil {
		return nil, err
	}
	if a.accounts, err = account.NewService(pool, log); err != nil {
		return nil, err
	}
	if a.landedcost, err = landedcost.NewService(pool, log); err != nil {
		return nil, err
	}
	if a.pricing, err = pricing.NewService(pool, log, a.landedcost, pricing.Config{BaseCurrency: cfg.BaseCurrency, FXMaxAge: cfg.FXMaxAge}); err != nil {
		return nil, err
	}
	if err := a.pricing.Reload(ctx); err != nil {
		return nil, err
	}
	if a.inventory, err = inventory.NewService(pool, log); err != nil {
		return nil, err
	}
	blobs, err := blob.NewDisk(cfg.BlobDir)
	if err != nil {
		return nil, err
	}
	var languages []string
	for _, l := range a.msgs.Languages() {
		languages = append(languages, l.Code)
	}
	if a.catalog, err = catalog.NewService(catalog.Config{Pool: pool, Blobs: blobs, Log: log, Locales: languages,
		Markets: a.marketCodes}); err != nil {
		return nil, err
	}
	if a.carts, err = cart.NewService(pool, log, a.catalog, a.pricing, a.inventory); err != nil {
		return nil, err
	}
	var cards checkout.CardPayments
	if cfg.StripeEnabled() {
		cards = checkout.NewStripe(cfg.StripeSecretKey, cfg.StripeWebhookSecret, cfg.StripeAPIBase)
	}
	if a.checkout, err = checkout.NewService(checkout.Config{Pool: pool, Log: log, Carts: a.carts, Stock: a.inventory,
		Landed: a.landedcost, Messages: a.msgs, Cards: cards, Registrations: cfg.Registrations, Demo: cfg.Demo,
		LinkKey: cfg.SessionKey, BaseURL: cfg.BaseURL.String()}); err != nil {
		return nil, err
	}
	if a.returns, err = returns.NewService(returns.Config{Pool: pool, Log: log, Orders: a.checkout, Stock: a.inventory,
		Markets: a.pricing, Blobs: blobs, ReturnAddress: returnAddress, Messages: a.msgs}); err != nil {
		return nil, err
	}
	if a.outbox, err = mail.NewOutbox(pool, log, cfg.SMTPURL, cfg.MailFrom); err != nil {
		return nil, err
	}
	a.changes.Subscribe(catalog.ChangeTopic, a.catalog.Invalidate)
	a.changes.Subscribe(landedcost.ChangeTopic, a.landedcost.Invalidate)

	a.router = intl.NewRouter(a.msgs, a.pricing.Regions, cfg.BaseURL.String())
	accounts := account.NewHandler(a.accounts, cfg.Secure())
	cartPages := cart.NewHandler(a.carts, a.checkout, cfg.Secure())
	returnPages := returns.NewHandler(a.returns)
	checkoutPages := checkout.NewHandler(a.checkout, a.accounts, returnPages.ReturnLink)
	storefront := catalogStorefront{pricing: a.pricing, inv: a.inventory}
	catalogPages := catalog.NewHandler(a.catalog, storefront,
		importEstimator{checkout: a.checkout, stock: shownStock{inv: a.inventory}}, a.router)

	merchants := []account.Role{account.RoleMerchant, account.RoleAdmin}
	staff := []account.Role{account.RoleMerchant, account.RoleOps, account.RoleAdmin}
	operations := []account.Role{account.RoleOps, account.RoleAdmin}
	returnsAdmin := returns.NewAdminHandler(a.returns)
	sections := []site.Section{
		{Path: "/orders", TitleID: "site.SectionOrders", HintID: "site.SectionOrdersHint", Roles: operations,
			Routes: checkout.NewAdminHandler(a.checkout).Routes()},
		{Path: "/returns", TitleID: "returns.SectionTitle", HintID: "returns.SectionHint", Roles: operations,
			Routes: returnsAdmin.Routes()},
		{Path: "/return-reasons", TitleID: "returns.ReportSectionTitle", HintID: "returns.ReportSectionHint",
			Roles: staff, Routes: returnsAdmin.ReportRoutes()},
		{Path: "/catalog", TitleID: "site.SectionCatalog", HintID: "site.SectionCatalogHint", Roles: merchants,
			Routes: catalog.NewAdminHandler(a.catalog, a.msgs, catalogStock{inv: a.inventory}, "/en-us").Routes()},
		{Path: "/inventory", TitleID: "inventory.SectionTitle", HintID: "inventory.SectionHint", Roles: staff,
			Routes: inventory.NewHandler(a.inventory, inventoryLabels{catalog: a.catalog}).AdminRoutes()},
		{Path: "/pricing", TitleID: "pricing.Section", HintID: "pricing.SectionHint", Roles: merchants,
			Routes: pricing.NewHandler(a.pricing, cfg.FXMaxAge).AdminRoutes()},
		{Path: "/landed-cost", TitleID: "landedcost.SectionTitle", HintID: "landedcost.SectionHint", Roles: staff,
			Routes: landedcost.NewHandler(a.landedcost).AdminRoutes()},
		{Path: "/users", TitleID: "site.SectionUsers", HintID: "site.SectionUsersHint",
			Roles: []account.Role{account.RoleAdmin}, Routes: accounts.AdminRoutes()},
		{Path: "/mail", TitleID: "site.SectionMail", HintID: "site.SectionMailHint",
			Roles: []account.Role{account.RoleAdmin}, Routes: site.MailRoutes(a.outbox)},
	}
	if a.site, err = site.New(site.Config{Router: a.router, Markets: a.pricing, Log: log, Secure: cfg.Secure(),
		Sections: sections, Nav: catalogPages.Nav, CartCount: cartPages.Count}); err != nil {
		return nil, err
	}
	a.handler = a.routes(accounts, catalogPages, cartPages, checkoutPages, returnPages)
	return a, nil
}

// returnAddress is where returned parcels go; the instructions around it are in the shopper's language.
const returnAddress = `Borderless Goods Returns
Unit 4, Logistikpark 12
04435 Schkeuditz
Germany`

func (a *app) marketCodes() []string {
	var codes []string
	for _, m := range a.pricing.Markets() {
		codes = append(codes, m.Code)
	}
	return codes
}

// routes is the whole URL space of the shop.
func (a *app) routes(accounts *account.Handler, catalogPages *catalog.Handler, cartPages *cart.Handler,
	checkoutPages *checkout.Handler, returnPages *returns.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(httpx.WithRequestID, httpx.AccessLog(a.log), httpx.WithErrorRenderer(a.site), httpx.Recover,
		httpx.SecurityHeaders(a.cfg.Secure()), httpx.LimitBody(32<<20))
	r.NotFound(httpx.NotFound)
	r.MethodNotAllowed(httpx.MethodNotAllowed)

	r.Handle("/static/*", web.Handler())
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	r.Get("/readyz", a.serveReady)
	checkoutPages.WebhookRoutes(r)
	if a.cfg.BenchEndpoints {
		r.Mount("/bench/pprof", profiles())
	}

	r.Group(func(r chi.Router) {
		r.Use(httpx.Compress(gzip.DefaultCompression, "text/html", "text/plain", "text/xml", "application/xml", "application/json"))
		r.Use(httpx.NewCSRF(a.cfg.SessionKey, a.cfg.Secure(), "/webhooks/").Middleware, httpx.RejectMalformedText,
			accounts.Sessions)
		a.site.Routes(r, a.cfg.BaseURL.String())
		catalogPages.RootRoutes(r)
		if a.cfg.BenchEndpoints {
			r.Method(http.MethodGet, "/bench/reference", &referencePages{shop: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				a.handler.ServeHTTP(w, r)
			})})
		}
		r.Mount("/admin", a.site.AdminRoutes(accounts))
		r.Route("/{locale}", func(r chi.Router) {
			r.Use(a.site.Storefront)
			catalogPages.StoreRoutes(r)
			cartPages.Routes(r)
			checkoutPages.StoreRoutes(r)
			returnPages.StoreRoutes(r)
			// Signing in merges the guest's cart into the account's.
			r.Mount("/account", accounts.StoreRoutes(func(w http.ResponseWriter, r *http.Request, u account.User) {
				cartPages.SignedIn(w, r, u.ID)
			}))
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
