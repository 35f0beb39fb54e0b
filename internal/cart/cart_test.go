package cart

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/catalog"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/pgtest"
	"storefront/internal/platform/postgres"
	"storefront/internal/pricing"
)

// errHeldConnection is what the fake modules return when they are called while the cart holds the pool's only
// connection in a transaction: under load, with every connection held that way, the real shop deadlocks.
var errHeldConnection = errors.New("another module was called while the cart held a connection in a transaction")

// pooled stands for a module that reads the database: each call needs a connection of its own.
type pooled struct{ pool *pgxpool.Pool }

func (p pooled) use(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("%w: %v", errHeldConnection, err)
	}
	conn.Release()
	return nil
}

// fakeCatalog sells its items in every market except the ones listed per variant.
type fakeCatalog struct {
	pooled
	items     map[int64]catalog.Item
	notSoldIn map[int64][]string
}

func (f *fakeCatalog) Items(ctx context.Context, ids []int64, locale, market string) (map[int64]catalog.Item, error) {
	if err := f.use(ctx); err != nil {
		return nil, err
	}
	out := map[int64]catalog.Item{}
	for _, id := range ids {
		it, ok := f.items[id]
		if !ok {
			continue
		}
		it.Title = it.Title + " (" + locale + ")"
		it.Sellable = true
		for _, m := range f.notSoldIn[id] {
			if m == market {
				it.Sellable = false
			}
		}
		out[id] = it
	}
	return out, nil
}

type fakeStock struct{ pooled }

func (f fakeStock) AvailableToShow(ctx context.Context, ids []int64) (map[int64]int, error) {
	return f.Available(ctx, ids)
}

func (f fakeStock) Available(ctx context.Context, ids []int64) (map[int64]int, error) {
	if err := f.use(ctx); err != nil {
		return nil, err
	}
	out := map[int64]int{}
	for _, id := range ids {
		out[id] = 100
	}
	return out, nil
}

// checkedPrices is the real pricing service, made to take a connection per call like a module that reads the
// database.
type checkedPrices struct {
	pooled
	*pricing.Service
}

func (p checkedPrices) Price(ctx context.Context, m pricing.Market, country string, in pricing.PriceInput, at time.Time) (pricing.Price, error) {
	if err := p.use(ctx); err != nil {
		return pricing.Price{}, err
	}
	return p.Service.Price(ctx, m, country, in, at)
}

type fakeTaxes struct{}

func (fakeTaxes) TaxRate(country, region, category string, on time.Time) (decimal.Decimal, error) {
	switch country {
	case "JP":
		return decimal.RequireFromString("0.10"), nil
	case "GB":
		return decimal.RequireFromString("0.20"), nil
	case "DE":
		return decimal.RequireFromString("0.19"), nil
	}
	return decimal.Zero, fmt.Errorf("no rate in %s: %w", country, httpx.ErrNotFound)
}

type testCart struct {
	t       *testing.T
	svc     *Service
	prices  *pricing.Service
	catalog *fakeCatalog
	ctx     context.Context
	now     time.Time
}

// newTestCart is the cart service on a pool of ONE connection, with the real pricing service (USD base, rates
// for JPY, GBP and EUR) and fake catalog and stock that each need a connection per call.
func newTestCart(t *testing.T) *testCart {
	t.Helper()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pool, err := postgres.Open(ctx, url, func(c *pgxpool.Config) { c.MaxConns = 1 })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	prices, err := pricing.NewService(pool, log, fakeTaxes{}, pricing.Config{BaseCurrency: "USD", FXMaxAge: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rates := fmt.Sprintf(`{"base":"USD","effective_at":%q,"source":"test","rates":{"JPY":"150","GBP":"0.8","EUR":"0.9"}}`,
		now.Add(-time.Hour).UTC().Format(time.RFC3339))
	if _, err := prices.LoadRates(actor.With(ctx, actor.System), strings.NewReader(rates), pricing.FormatJSON, "test"); err != nil {
		t.Fatal(err)
	}
	if err := prices.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	cat := &fakeCatalog{pooled: pooled{pool}, items: map[int64]catalog.Item{}, notSoldIn: map[int64][]string{}}
	for id := int64(1); id <= MaxLines+5; id++ {
		cat.items[id] = catalog.Item{Variant: catalog.Variant{ID: id, SKU: fmt.Sprintf("SKU-%d", id),
			BasePrice: decimal.NewFromInt(10 + id), TaxCategory: "standard"}, Title: fmt.Sprintf("Item %d", id)}
	}
	svc, err := NewService(pool, log, cat, checkedPrices{pooled{pool}, prices}, fakeStock{pooled{pool}})
	if err != nil {
		t.Fatal(err)
	}
	tc := &testCart{t: t, svc: svc, prices: prices, catalog: cat, ctx: ctx, now: now}
	svc.now = func() time.Time { return tc.now }
	return tc
}

func (c *testCart) shopper(country, locale string) Shopper {
	c.t.Helper()
	m, err := c.prices.MarketFor(country)
	if err != nil {
		c.t.Fatal(err)
	}
	return Shopper{Market: m, Country: country, Locale: locale}
}

func (c *testCart) mustAdd(ref Ref, sh Shopper, variant int64, qty int) {
	c.t.Helper()
	if err := c.svc.Add(c.ctx, ref, sh, variant, qty); err != nil {
		c.t.Fatalf("add %d × %d in %s: %v", qty, variant, sh.Market.Code, err)
	}
}

func (c *testCart) mustGet(ref Ref) Cart {
	c.t.Helper()
	got, err := c.svc.Get(c.ctx, ref)
	if err != nil {
		c.t.Fatal(err)
	}
	return got
}

func quantities(c Cart) map[int64]int {
	out := map[int64]int{}
	for _, l := range c.Lines {
		out[l.VariantID] = l.Quantity
	}
	return out
}

// TestMergeRepricesGuestLinesIntoTheUsersMarket: a guest cart in dollars merged into a signed-in shopper's cart in
// yen brings its lines over priced in yen (no dollar line in a yen cart, which made the cart page fail for a
// day), adds up quantities to at most MaxPerLine, and the cart page then works.
func TestMergeRepricesGuestLinesIntoTheUsersMarket(t *testing.T) {
	c := newTestCart(t)
	us, jp := c.shopper("US", "en"), c.shopper("JP", "ja")
	user, guest := Ref{UserID: 42}, Ref{Token: "guest-token-0123456789abcdef"}
	c.mustAdd(user, jp, 1, 2)
	c.mustAdd(guest, us, 1, 9)
	c.mustAdd(guest, us, 2, 1)

	// Signing in on the US storefront.
	if err := c.svc.Merge(c.ctx, guest.Token, user.UserID, us); err != nil {
		t.Fatal(err)
	}
	got := c.mustGet(user)
	if got.Market != "JP" || got.Currency != "JPY" {
		t.Fatalf("the account's cart moved to %s/%s", got.Market, got.Currency)
	}
	if q := quantities(got); q[1] != MaxPerLine || q[2] != 1 || len(q) != 2 {
		t.Errorf("quantities %v, want 1: %d (capped), 2: 1", q, MaxPerLine)
	}
	for _, l := range got.Lines {
		if l.Price.Shown.Currency != "JPY" || l.Price.FX.Quote != "JPY" {
			t.Errorf("line %d priced in %s with a %s→%s rate", l.VariantID, l.Price.Shown.Currency, l.Price.FX.Base, l.Price.FX.Quote)
		}
	}
	if g := c.mustGet(guest); g.ID != 0 {
		t.Error("the guest cart survived the merge")
	}
	v, err := c.svc.View(c.ctx, user, jp)
	if err != nil {
		t.Fatalf("the merged cart cannot be shown in Japan: %v", err)
	}
	if len(v.Notices) != 0 || !v.CanCheckout || v.Subtotal.Currency != "JPY" || len(v.Lines) != 2 {
		t.Errorf("view: notices %v, can check out %v, subtotal %v, %d lines", v.Notices, v.CanCheckout, v.Subtotal, len(v.Lines))
	}
	// Shown in the US later, the whole cart is priced for the US.
	v, err = c.svc.View(c.ctx, user, us)
	if err != nil || v.Subtotal.Currency != "USD" || len(v.Notices) != 1 || v.Notices[0].ID != "cart.RepricedMarket" {
		t.Errorf("view in the US: %+v %v", v.Notices, err)
	}
}

// TestMergeKeepsItemsTheUsersMarketDoesNotSell: nothing disappears at sign-in; an item the account's market does
// not sell comes over (priced there) and the cart shows it as a problem.
func TestMergeKeepsItemsTheUsersMarketDoesNotSell(t *testing.T) {
	c := newTestCart(t)
	us, jp := c.shopper("US", "en"), c.shopper("JP", "ja")
	c.catalog.notSoldIn[3] = []string{"JP"}
	user, guest := Ref{UserID: 43}, Ref{Token: "guest-token-unsold-0123456789"}
	c.mustAdd(user, jp, 1, 1)
	c.mustAdd(guest, us, 3, 1)
	if err := c.svc.Merge(c.ctx, guest.Token, user.UserID, us); err != nil {
		t.Fatal(err)
	}
	v, err := c.svc.View(c.ctx, user, jp)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Lines) != 2 || v.Lines[1].VariantID != 3 || v.Lines[1].Problem != "cart.LineUnavailable" || v.CanCheckout {
		t.Errorf("lines %+v", v.Lines)
	}
}

// TestMergeRespectsMaxLines: a full account cart takes no new lines from the guest's, but still adds up the
// quantities of items it has.
func TestMergeRespectsMaxLines(t *testing.T) {
	c := newTestCart(t)
	us, jp := c.shopper("US", "en"), c.shopper("JP", "ja")
	user, guest := Ref{UserID: 44}, Ref{Token: "guest-token-full-0123456789ab"}
	for id := int64(1); id <= MaxLines; id++ {
		c.mustAdd(user, jp, id, 1)
	}
	c.mustAdd(guest, us, 1, 3)
	c.mustAdd(guest, us, MaxLines+1, 1)
	c.mustAdd(guest, us, MaxLines+2, 1)
	if err := c.svc.Merge(c.ctx, guest.Token, user.UserID, us); err != nil {
		t.Fatal(err)
	}
	got := c.mustGet(user)
	if q := quantities(got); len(got.Lines) != MaxLines || q[1] != 4 {
		t.Errorf("%d lines, item 1 × %d; want %d lines, item 1 × 4", len(got.Lines), q[1], MaxLines)
	}
	// Same market, same currency: the guest's line keeps nothing of its own but its quantity.
	c2 := newTestCart(t)
	user, guest = Ref{UserID: 45}, Ref{Token: "guest-token-same-0123456789ab"}
	c2.mustAdd(user, c2.shopper("JP", "ja"), 1, 8)
	c2.mustAdd(guest, c2.shopper("JP", "ja"), 1, 5)
	c2.mustAdd(guest, c2.shopper("JP", "ja"), 2, 10)
	if err := c2.svc.Merge(c2.ctx, guest.Token, user.UserID, c2.shopper("US", "en")); err != nil {
		t.Fatal(err)
	}
	if q := quantities(c2.mustGet(user)); q[1] != MaxPerLine || q[2] != 10 {
		t.Errorf("same-market merge: %v", q)
	}
}

// TestViewRepricesLinesInAnotherCurrency: a cart already holding a line in another currency than its own (as the
// old merge left them) is priced again when shown, not refused.
func TestViewRepricesLinesInAnotherCurrency(t *testing.T) {
	c := newTestCart(t)
	us, jp := c.shopper("US", "en"), c.shopper("JP", "ja")
	user := Ref{UserID: 46}
	c.mustAdd(user, jp, 1, 1)
	usd, err := c.prices.Price(c.ctx, us.Market, "US", pricing.PriceInput{VariantID: 2, SKU: "SKU-2", BaseNet: decimal.NewFromInt(12),
		TaxCategory: "standard"}, c.now)
	if err != nil {
		t.Fatal(err)
	}
	cart := c.mustGet(user)
	if err := (store{db: c.svc.pool}).putLine(c.ctx, cart.ID, Line{VariantID: 2, Quantity: 1, Price: usd, CapturedAt: c.now}); err != nil {
		t.Fatal(err)
	}
	v, err := c.svc.View(c.ctx, user, jp)
	if err != nil {
		t.Fatalf("a dollar line in a yen cart fails the cart page: %v", err)
	}
	if len(v.Lines) != 2 || v.Subtotal.Currency != "JPY" || len(v.Notices) != 1 || v.Notices[0].ID != "cart.RepricedMarket" {
		t.Errorf("view: %d lines, subtotal %v, notices %v", len(v.Lines), v.Subtotal, v.Notices)
	}
	for _, l := range c.mustGet(user).Lines {
		if l.Price.Shown.Currency != "JPY" {
			t.Errorf("line %d still in %s", l.VariantID, l.Price.Shown.Currency)
		}
	}
}

// TestSwitchingMarketNamesTheItemsItRemoves: items the new market does not sell leave the cart, and the notice
// names each of them in the shopper's language; an item no longer in the catalog is removed with its own notice.
func TestSwitchingMarketNamesTheItemsItRemoves(t *testing.T) {
	c := newTestCart(t)
	us, jp := c.shopper("US", "en"), c.shopper("JP", "ja")
	c.catalog.notSoldIn[2] = []string{"JP"}
	c.catalog.notSoldIn[3] = []string{"JP", "GB"}
	guest := Ref{Token: "guest-token-switch-0123456789"}
	for id := int64(1); id <= 4; id++ {
		c.mustAdd(guest, us, id, 1)
	}
	delete(c.catalog.items, 4) // the merchant deleted the variant

	v, err := c.svc.View(c.ctx, guest, jp)
	if err != nil {
		t.Fatal(err)
	}
	var notices []string
	for _, n := range v.Notices {
		notices = append(notices, fmt.Sprintf("%s %v", n.ID, n.Data))
	}
	want := []string{"cart.RepricedMarket map[]", "cart.RemovedNotSold map[Item:Item 2 (ja)]",
		"cart.RemovedNotSold map[Item:Item 3 (ja)]", "cart.RemovedDiscontinued map[]"}
	if strings.Join(notices, "; ") != strings.Join(want, "; ") {
		t.Errorf("notices\n%s\nwant\n%s", strings.Join(notices, "; "), strings.Join(want, "; "))
	}
	if len(v.Lines) != 1 || v.Lines[0].VariantID != 1 || !v.CanCheckout {
		t.Errorf("lines %+v", v.Lines)
	}
	if q := quantities(c.mustGet(guest)); len(q) != 1 {
		t.Errorf("stored lines %v", q)
	}
	// Shown again: nothing more to tell.
	if v, err := c.svc.View(c.ctx, guest, jp); err != nil || len(v.Notices) != 0 {
		t.Errorf("second view: %v %v", v.Notices, err)
	}
	// In its own market an item that stopped being sold stays, as a problem the shopper sees.
	c.catalog.notSoldIn[1] = []string{"JP"}
	c.now = c.now.Add(RepriceAfter + time.Hour)
	v, err = c.svc.View(c.ctx, guest, jp)
	if err != nil || len(v.Lines) != 1 || v.Lines[0].Problem != "cart.LineUnavailable" || len(v.Notices) != 1 ||
		v.Notices[0].ID != "cart.RepricedRate" {
		t.Errorf("rate refresh in the same market: %+v %+v %v", v.Notices, v.Lines, err)
	}
}

// TestAddInAnotherMarketKeepsWhatItCannotPrice: adding in another market brings the cart over without dropping
// anything silently; the cart page then removes what cannot be sold, naming it.
func TestAddInAnotherMarketKeepsWhatItCannotPrice(t *testing.T) {
	c := newTestCart(t)
	us, jp := c.shopper("US", "en"), c.shopper("JP", "ja")
	guest := Ref{Token: "guest-token-add-0123456789abc"}
	c.mustAdd(guest, us, 1, 1)
	c.mustAdd(guest, us, 2, 1)
	delete(c.catalog.items, 2)
	c.mustAdd(guest, jp, 3, 1)
	if got := c.mustGet(guest); got.Market != "JP" || len(got.Lines) != 3 {
		t.Fatalf("after adding in Japan: %s with %d lines", got.Market, len(got.Lines))
	}
	v, err := c.svc.View(c.ctx, guest, jp)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Lines) != 2 || len(v.Notices) != 2 || v.Notices[1].ID != "cart.RemovedDiscontinued" {
		t.Errorf("view: %d lines, notices %+v", len(v.Lines), v.Notices)
	}
}

// TestAddRefusesAnyQuantityAboveTheLimit: a quantity too large to add to the line's (an edited form) is the
// shopper's error, never a wrapped-around negative line the database refuses with a 500.
func TestAddRefusesAnyQuantityAboveTheLimit(t *testing.T) {
	c := newTestCart(t)
	us := c.shopper("US", "en")
	guest := Ref{Token: "guest-token-huge-0123456789abc"}
	c.mustAdd(guest, us, 1, 1)
	for _, qty := range []int{MaxPerLine + 1, math.MaxInt} {
		err := c.svc.Add(c.ctx, guest, us, 1, qty)
		var ue *httpx.UserError
		if !errors.As(err, &ue) || ue.MessageID != "cart.MaxPerLine" {
			t.Errorf("adding %d to a line of 1: %v, want cart.MaxPerLine", qty, err)
		}
	}
	if q := quantities(c.mustGet(guest)); q[1] != 1 {
		t.Errorf("line holds %d after refused adds, want 1", q[1])
	}
}
