package returns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/inventory"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/blob"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/pgtest"
	"storefront/internal/pricing"
	"storefront/locales"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// fakeOrders is checkout as the returns module sees it: orders built by hand, delivery dates, and a payment that
// refunds at most what was captured, once per key, like checkout's RefundOrder.
type fakeOrders struct {
	mu        sync.Mutex
	orders    map[int64]checkout.Order
	delivered map[int64]time.Time
	captured  map[int64]decimal.Decimal
	refunds   map[string]checkout.Refund
	calls     int
	sales     []checkout.Sales
	// next, when set, decides the outcome of the next RefundOrder call instead of refunding normally.
	next func(key string, amount money.Amount) (checkout.Refund, error)
	// entered and release let a test hold a refund in flight.
	entered chan struct{}
	release chan struct{}
}

func newFakeOrders() *fakeOrders {
	return &fakeOrders{orders: map[int64]checkout.Order{}, delivered: map[int64]time.Time{}, captured: map[int64]decimal.Decimal{},
		refunds: map[string]checkout.Refund{}}
}

// add registers an order, delivered at the time given (zero: not delivered), paid in full at checkout.
func (f *fakeOrders) add(o checkout.Order, deliveredAt time.Time) checkout.Order {
	f.mu.Lock()
	defer f.mu.Unlock()
	o.ID = int64(len(f.orders) + 1)
	if o.Number == "" {
		o.Number = fmt.Sprintf("BG-2026-%06d", 1000+o.ID)
	}
	if !deliveredAt.IsZero() {
		o.Status = checkout.StatusDelivered
		f.delivered[o.ID] = deliveredAt
	} else if o.Status == "" {
		o.Status = checkout.StatusShipped
	}
	f.orders[o.ID] = o
	f.captured[o.ID] = o.DueNow.Number
	return o
}

func (f *fakeOrders) Order(_ context.Context, id int64) (checkout.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.orders[id]
	if !ok {
		return checkout.Order{}, checkout.ErrOrderNotFound
	}
	return o, nil
}

func (f *fakeOrders) OrderByNumber(_ context.Context, number string) (checkout.Order, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.orders {
		if o.Number == number {
			return o, nil
		}
	}
	return checkout.Order{}, checkout.ErrOrderNotFound
}

func (f *fakeOrders) DeliveredAt(_ context.Context, id int64) (time.Time, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	at, ok := f.delivered[id]
	return at, ok, nil
}

func (f *fakeOrders) refunded(orderID int64) decimal.Decimal {
	sum := decimal.Zero
	for _, r := range f.refunds {
		if r.OrderID == orderID && r.Status != "failed" {
			sum = sum.Add(r.Amount.Number)
		}
	}
	return sum
}

func (f *fakeOrders) RefundOrder(_ context.Context, orderID int64, amount money.Amount, reason, key string) (checkout.Refund, error) {
	f.mu.Lock()
	f.calls++
	entered, release, next := f.entered, f.release, f.next
	f.next = nil
	f.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
		<-release
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.refunds[key]; ok {
		return r, nil
	}
	if next != nil {
		return next(key, amount)
	}
	o := f.orders[orderID]
	if amount.Currency != o.Currency {
		return checkout.Refund{}, httpx.Invalid("amount", "checkout.RefundCurrency", nil)
	}
	if _, err := amount.Minor(); err != nil {
		return checkout.Refund{}, httpx.Invalid("amount", "checkout.RefundPrecision", nil)
	}
	if f.refunded(orderID).Add(amount.Number).GreaterThan(f.captured[orderID]) {
		return checkout.Refund{}, checkout.ErrRefundTooLarge
	}
	r := checkout.Refund{ID: int64(len(f.refunds) + 1), OrderID: orderID, Amount: amount, Reason: reason, Status: "manual"}
	f.refunds[key] = r
	return r, nil
}

func (f *fakeOrders) Refundable(_ context.Context, orderID int64) (money.Amount, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return money.Amount{Number: f.captured[orderID].Sub(f.refunded(orderID)), Currency: f.orders[orderID].Currency}, nil
}

func (f *fakeOrders) ValidLink(number, key string) bool { return key != "" && key == "key-"+number }

func (f *fakeOrders) OrderLink(o checkout.Order, prefix string) string {
	return prefix + "/orders/" + o.Number + "?key=" + f.LinkKey(o.Number)
}

func (f *fakeOrders) LinkKey(number string) string { return "key-" + number }

func (f *fakeOrders) SalesBySKU(context.Context, time.Time) ([]checkout.Sales, error) {
	return f.sales, nil
}

// totalRefunded is what the fake payment refunded of an order.
func (f *fakeOrders) totalRefunded(orderID int64) decimal.Decimal {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refunded(orderID)
}

func (f *fakeOrders) refundCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// fakeStock records the units booked back into stock.
type fakeStock struct {
	mu       sync.Mutex
	returned []string
	fail     error
}

var testWarehouses = []inventory.Warehouse{
	{ID: 1, Code: "CN-SZX", Name: "Shenzhen", Country: "CN", Active: true},
	{ID: 2, Code: "DE-FRA", Name: "Frankfurt", Country: "DE", Active: true},
	{ID: 3, Code: "XX-OLD", Name: "Closed", Country: "DE", Active: false},
}

func (s *fakeStock) Warehouses(context.Context) ([]inventory.Warehouse, error) {
	return testWarehouses, nil
}

func (s *fakeStock) Return(_ context.Context, variantID, warehouseID int64, qty int, ref string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.returned = append(s.returned, fmt.Sprintf("%d×%d→%d %s", qty, variantID, warehouseID, ref))
	return nil
}

// fakeMarkets are the markets with their return windows.
type fakeMarkets map[string]pricing.Market

func (m fakeMarkets) Market(code string) (pricing.Market, error) {
	if mk, ok := m[code]; ok {
		return mk, nil
	}
	return pricing.Market{}, fmt.Errorf("pricing: market %s: %w", code, httpx.ErrNotFound)
}

func testMarkets() fakeMarkets {
	return fakeMarkets{
		"DE": {Code: "DE", Currency: "EUR", TaxInclusive: true, Incoterm: "DDP", ReturnDays: 30},
		"US": {Code: "US", Currency: "USD", Incoterm: "DDP", ReturnDays: 30},
		"JP": {Code: "JP", Currency: "JPY", TaxInclusive: true, Incoterm: "DDP", ReturnDays: 30},
		"CH": {Code: "CH", Currency: "CHF", TaxInclusive: true, Incoterm: "DAP", ReturnDays: 30},
		"KW": {Code: "KW", Currency: "KWD", Incoterm: "DDP", ReturnDays: 30},
	}
}

// env is a returns service on a fresh database with fakes around it, at a fixed time.
type env struct {
	t      *testing.T
	svc    *Service
	pool   *pgxpool.Pool
	orders *fakeOrders
	stock  *fakeStock
	blobs  *blob.Disk
	now    time.Time
	ctx    context.Context
}

// t0 is "now" in the tests; orders are delivered relative to it.
var t0 = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.NewPool(t)
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, pool: pool, orders: newFakeOrders(), stock: &fakeStock{}, blobs: blobs, now: t0,
		ctx: actor.With(context.Background(), actor.Actor{UserID: 9, Email: "ops@example.com", Role: "ops"})}
	e.svc, err = NewService(Config{Pool: pool, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Orders: e.orders, Stock: e.stock,
		Markets: testMarkets(), Blobs: blobs, ReturnAddress: "Returns Dept, 1 Example Road, Frankfurt", Messages: testMessages(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.now = func() time.Time { return e.now }
	return e
}

func amt(s, cur string) money.Amount { return money.MustNew(s, cur) }

// deOrder is a German DDP order shipped from China, prices shown with 19% VAT:
//
//	line 1: 2 × MUG at 59.99 (VAT in price 9.58 each), duty 12.35, import VAT 22.31 for the line
//	line 2: 1 × TEA at 19.99 (VAT in price 3.19), duty 2.03, import VAT 4.61
//	shipping 4.99 shown, 4.19 net (VAT 0.80)
//
// Items 139.97; tax in prices 2×9.58 + 3.19 + 0.80 = 23.15; tax 26.92; duty 14.38; total 139.97 + 4.99 + 14.38 +
// (26.92 − 23.15) = 163.11, all paid at checkout.
func deOrder() checkout.Order {
	return checkout.Order{Market: "DE", Country: "DE", Currency: "EUR", Locale: "de", Incoterm: "DDP", TaxIncluded: true,
		Email: "anna@example.com", UserID: 42,
		Goods: amt("139.97", "EUR"), Shipping: amt("4.99", "EUR"), Duty: amt("14.38", "EUR"), Tax: amt("26.92", "EUR"),
		TaxInPrices: amt("23.15", "EUR"), Fees: amt("0", "EUR"), Total: amt("163.11", "EUR"), DueNow: amt("163.11", "EUR"),
		DueOnDelivery: amt("0", "EUR"),
		Lines: []checkout.OrderLine{
			{LineNo: 1, VariantID: 11, SKU: "MUG-RED", Title: "Red mug", Quantity: 2, UnitShown: d("59.99"), UnitNet: d("50.41"),
				UnitTaxInPrice: d("9.58"), TaxRate: d("0.19"), Duty: d("12.35"), ImportTax: d("22.31"), Origin: "CN", Supplier: "Jingdezhen Kilns",
				WarehouseID: 1, WarehouseCountry: "CN"},
			{LineNo: 2, VariantID: 12, SKU: "TEA-OOLONG", Title: "Oolong tea", Quantity: 1, UnitShown: d("19.99"), UnitNet: d("16.80"),
				UnitTaxInPrice: d("3.19"), TaxRate: d("0.19"), Duty: d("2.03"), ImportTax: d("4.61"), Origin: "TW", Supplier: "Alishan Tea",
				WarehouseID: 1, WarehouseCountry: "CN"},
		}}
}

// jpOrder is a Japanese DDP order in yen (no decimals): 3 × 3,980 (362 consumption tax in each price), duty
// 1,000 and import tax 1,322 for the line (not divisible by 3), shipping 1,500 (136 tax). Total 11,940 + 1,500 +
// 1,000 + (1,322 − 1,222) = 14,540.
func jpOrder() checkout.Order {
	return checkout.Order{Market: "JP", Country: "JP", Currency: "JPY", Locale: "ja", Incoterm: "DDP", TaxIncluded: true,
		Email: "ken@example.com",
		Goods: amt("11940", "JPY"), Shipping: amt("1500", "JPY"), Duty: amt("1000", "JPY"), Tax: amt("1322", "JPY"),
		TaxInPrices: amt("1222", "JPY"), Fees: amt("0", "JPY"), Total: amt("14540", "JPY"), DueNow: amt("14540", "JPY"),
		DueOnDelivery: amt("0", "JPY"),
		Lines: []checkout.OrderLine{{LineNo: 1, VariantID: 21, SKU: "FAN-PAPER", Title: "Paper fan", Quantity: 3, UnitShown: d("3980"),
			UnitNet: d("3618"), UnitTaxInPrice: d("362"), TaxRate: d("0.10"), Duty: d("1000"), ImportTax: d("1322"), Origin: "CN",
			Supplier: "Hangzhou Fans", WarehouseID: 1}}}
}

// kwOrder is a Kuwaiti DDP order in dinars (three decimals), prices without tax: 3 × 12.345, duty 1.000 and tax
// 0.925 for the line, shipping 2.500. Total 37.035 + 2.500 + 1.000 + 0.925 = 41.460.
func kwOrder() checkout.Order {
	return checkout.Order{Market: "KW", Country: "KW", Currency: "KWD", Locale: "ar", Incoterm: "DDP",
		Email: "sara@example.com",
		Goods: amt("37.035", "KWD"), Shipping: amt("2.5", "KWD"), Duty: amt("1", "KWD"), Tax: amt("0.925", "KWD"),
		TaxInPrices: amt("0", "KWD"), Fees: amt("0", "KWD"), Total: amt("41.46", "KWD"), DueNow: amt("41.46", "KWD"),
		DueOnDelivery: amt("0", "KWD"),
		Lines: []checkout.OrderLine{{LineNo: 1, VariantID: 31, SKU: "LAMP-BRASS", Title: "Brass lamp", Quantity: 3, UnitShown: d("12.345"),
			UnitNet: d("12.345"), UnitTaxInPrice: d("0"), TaxRate: d("0.05"), Duty: d("1"), ImportTax: d("0.925"), Origin: "IN",
			Supplier: "Moradabad Brass", WarehouseID: 1}}}
}

// chOrder is a Swiss DAP order, prices shown with 8.1% VAT that the carrier collects at the border with the duty
// and fees: 2 × 49.95 (3.74 VAT in each price), duty 3.00, import VAT 8.10, shipping 8.95 (0.67 VAT), fees
// 11.50. Paid at checkout: the goods and shipping net of VAT, 92.42 + 8.28 = 100.70.
func chOrder() checkout.Order {
	return checkout.Order{Market: "CH", Country: "CH", Currency: "CHF", Locale: "de", Incoterm: "DAP", TaxIncluded: true,
		Email: "urs@example.com",
		Goods: amt("99.90", "CHF"), Shipping: amt("8.95", "CHF"), Duty: amt("3.00", "CHF"), Tax: amt("8.10", "CHF"),
		TaxInPrices: amt("8.15", "CHF"), Fees: amt("11.50", "CHF"), Total: amt("123.30", "CHF"), DueNow: amt("100.70", "CHF"),
		DueOnDelivery: amt("22.60", "CHF"),
		Lines: []checkout.OrderLine{{LineNo: 1, VariantID: 41, SKU: "BAG-WOVEN", Title: "Woven bag", Quantity: 2, UnitShown: d("49.95"),
			UnitNet: d("46.21"), UnitTaxInPrice: d("3.74"), TaxRate: d("0.081"), Duty: d("3.00"), ImportTax: d("8.10"), Origin: "VN",
			Supplier: "Hanoi Weavers", WarehouseID: 1}}}
}

// usOrder is a US DDP order: 2 × 40.00, no duty or tax, shipping 7.00.
func usOrder() checkout.Order {
	return checkout.Order{Market: "US", Country: "US", Currency: "USD", Locale: "en", Incoterm: "DDP",
		Email: "joe@example.com",
		Goods: amt("80", "USD"), Shipping: amt("7", "USD"), Duty: amt("0", "USD"), Tax: amt("0", "USD"),
		TaxInPrices: amt("0", "USD"), Fees: amt("0", "USD"), Total: amt("87", "USD"), DueNow: amt("87", "USD"),
		DueOnDelivery: amt("0", "USD"),
		Lines: []checkout.OrderLine{{LineNo: 1, VariantID: 51, SKU: "SCARF-SILK", Title: "Silk scarf", Quantity: 2, UnitShown: d("40"),
			UnitNet: d("40"), Duty: d("0"), ImportTax: d("0"), Origin: "CN", Supplier: "Suzhou Silk", WarehouseID: 1}}}
}

// request asks for a return and fails the test when it is refused.
func (e *env) request(o checkout.Order, qty map[int]int, reason Reason) Return {
	e.t.Helper()
	r, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: qty, Reason: reason})
	if err != nil {
		e.t.Fatalf("request %v of %s: %v", qty, o.Number, err)
	}
	return r
}

// inspected takes a return through approval, receipt and inspection (everything written off, so no stock is
// booked) to where it can be refunded.
func (e *env) inspected(o checkout.Order, qty map[int]int, reason Reason) Return {
	e.t.Helper()
	r := e.request(o, qty, reason)
	if err := e.svc.Approve(e.ctx, r.ID, "Send it to our warehouse", ""); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.Receive(e.ctx, r.ID); err != nil {
		e.t.Fatal(err)
	}
	var ins []Inspection
	for _, l := range r.Lines {
		ins = append(ins, Inspection{OrderLineNo: l.OrderLineNo, WriteOff: l.Quantity})
	}
	if err := e.svc.Inspect(e.ctx, r.ID, ins); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// refund previews and sends a return's refund, failing the test on errors.
func (e *env) refund(id int64) Breakdown {
	e.t.Helper()
	b, err := e.svc.Preview(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := e.svc.Refund(e.ctx, id, b.Amount(b.Total))
	if err != nil {
		e.t.Fatalf("refund %d: %v", id, err)
	}
	if !f.Sent() || !f.Breakdown.Total.Equal(b.Total) {
		e.t.Fatalf("refund %d: %+v, previewed %s", id, f, b.Total)
	}
	return f.Breakdown
}

// rows counts the rows of every returns table, to show that a refused request recorded nothing.
func (e *env) rows() string {
	e.t.Helper()
	var out string
	for _, table := range []string{"returns_requests", "returns_lines", "returns_photos", "returns_events", "returns_refunds"} {
		var n int
		if err := e.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out += fmt.Sprintf("%s=%d ", table, n)
	}
	return out
}

func (e *env) status(id int64) Status {
	e.t.Helper()
	r, err := e.svc.Return(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.Status
}

// pngBytes is a small valid PNG picture.
func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for x := 0; x < 60; x++ {
		img.Set(x, x%40, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func isUserError(err error, id string) bool {
	var ue *httpx.UserError
	if errors.As(err, &ue) && ue.MessageID == id {
		return true
	}
	if fe, ok := httpx.AsFieldErrors(err); ok {
		for _, e := range fe {
			if e.MessageID == id {
				return true
			}
		}
	}
	return false
}

// testMessages are the shop's message catalogs.
func testMessages(t testing.TB) *intl.Messages {
	t.Helper()
	msgs, err := intl.LoadMessages(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}
