package catalog

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/blob"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/pgtest"
	"storefront/locales"
)

var testMarkets = []string{"AE", "AU", "CA", "CH", "DE", "ES", "FR", "GB", "IE", "IT", "JP", "KR", "NL", "NO", "NZ", "SG", "US"}

var testRegions = []intl.Region{
	{Country: "US", Languages: []string{"en"}, DefaultLanguage: "en"},
	{Country: "DE", Languages: []string{"de", "en"}, DefaultLanguage: "de"},
	{Country: "FR", Languages: []string{"fr", "en"}, DefaultLanguage: "fr"},
	{Country: "GB", Languages: []string{"en"}, DefaultLanguage: "en"},
	{Country: "JP", Languages: []string{"ja", "en"}, DefaultLanguage: "ja"},
}

// fakeStorefront prices at base price in USD (tax excluded) and reports fixed stock.
type fakeStorefront struct {
	stock   map[int64]int
	version uint64
	// priced counts the items priced, to tell cached listings from priced ones.
	priced int
}

func (f *fakeStorefront) Market(ctx context.Context) MarketInfo {
	loc := intl.FromContext(ctx)
	return MarketInfo{Code: loc.Region, Country: loc.Region, Currency: "USD"}
}

func (f *fakeStorefront) MarketCode(country string) (string, bool) { return country, true }

func (f *fakeStorefront) Prices(_ context.Context, items []PriceItem) ([]ShelfPrice, error) {
	out := make([]ShelfPrice, len(items))
	f.priced += len(items)
	for i, it := range items {
		out[i] = ShelfPrice{Amount: money.Amount{Number: it.BaseNet.Round(2), Currency: "USD"}}
	}
	return out, nil
}

func (f *fakeStorefront) PricesVersion() uint64 { return f.version }

func (f *fakeStorefront) Available(_ context.Context, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	for _, id := range ids {
		if n, ok := f.stock[id]; ok {
			out[id] = n
		} else {
			out[id] = 10
		}
	}
	return out, nil
}

type testCatalog struct {
	t      testing.TB
	svc    *Service
	msgs   *intl.Messages
	router *intl.Router
	sf     *fakeStorefront
	ctx    context.Context
}

func newTestCatalog(t testing.TB) *testCatalog {
	t.Helper()
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := intl.LoadMessages(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range msgs.Languages() {
		codes = append(codes, l.Code)
	}
	svc, err := NewService(Config{Pool: pgtest.NewPool(t), Blobs: blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Locales: codes, Markets: func() []string { return testMarkets }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := actor.With(context.Background(), actor.Actor{UserID: 7, Email: "mia@example.com", Role: "merchant"})
	return &testCatalog{t: t, svc: svc, msgs: msgs, sf: &fakeStorefront{stock: map[int64]int{}}, ctx: ctx,
		router: intl.NewRouter(msgs, func() []intl.Region { return testRegions }, "https://shop.example")}
}

// mustCategory creates a category with English and German names.
func (c *testCatalog) mustCategory(code string, parent int64, reqs map[string][]string) int64 {
	c.t.Helper()
	id, err := c.svc.CreateCategory(c.ctx, CategoryInput{ParentID: parent, Code: code, Requirements: reqs,
		Texts: map[string]CategoryText{"en": {Name: strings.ToUpper(code[:1]) + code[1:]}, "de": {Name: code + "-de"}}})
	if err != nil {
		c.t.Fatalf("category %s: %v", code, err)
	}
	return id
}

// mustProduct creates an active product with one variant per SKU.
func (c *testCatalog) mustProduct(category int64, texts map[string]ProductText, skus ...string) int64 {
	c.t.Helper()
	id, err := c.svc.CreateProduct(c.ctx, ProductFields{CategoryID: category, Status: StatusDraft, Brand: "Northway"}, texts)
	if err != nil {
		c.t.Fatalf("product: %v", err)
	}
	for i, sku := range skus {
		_, err := c.svc.SaveVariant(c.ctx, id, Variant{SKU: sku, Options: map[string]string{"size": []string{"S", "M", "L", "XL"}[i%4]},
			BasePrice: decimal.NewFromInt(int64(20 + i)), WeightG: 200, HSCode: "610910", OriginCountry: "CN"})
		if err != nil {
			c.t.Fatalf("variant %s: %v", sku, err)
		}
	}
	if err := c.svc.UpdateProduct(c.ctx, id, ProductFields{CategoryID: category, Status: StatusActive, Brand: "Northway"}); err != nil {
		c.t.Fatalf("publish: %v", err)
	}
	return id
}

// storefront serves the catalog's storefront pages like the site does: /{locale}/… with the locale in context.
func (c *testCatalog) storefront() http.Handler {
	h := NewHandler(c.svc, c.sf, nil, c.router)
	r := chi.NewRouter()
	h.RootRoutes(r)
	r.Route("/{locale}", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				loc, ok := c.router.Resolve(chi.URLParam(req, "locale"))
				if !ok {
					httpx.NotFound(w, req)
					return
				}
				next.ServeHTTP(w, req.WithContext(intl.WithLocale(req.Context(), loc)))
			})
		})
		h.StoreRoutes(r)
	})
	return r
}

func get(t testing.TB, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// auditLog returns the latest changes, of one product (productID > 0) or of all listings.
func auditLog(ctx context.Context, s *Service, productID int64, limit int) ([]AuditEntry, error) {
	entries, _, err := s.History(ctx, HistoryFilter{ProductID: productID}, limit, 0)
	return entries, err
}
