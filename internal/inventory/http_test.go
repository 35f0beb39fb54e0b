package inventory

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/locales"
)

// fakeLabels is the catalog as the inventory pages see it.
type fakeLabels map[int64]VariantLabel

func (f fakeLabels) VariantLabels(_ context.Context, ids []int64) (map[int64]VariantLabel, error) {
	out := map[int64]VariantLabel{}
	for _, id := range ids {
		if l, ok := f[id]; ok {
			out[id] = l
		}
	}
	return out, nil
}

func (f fakeLabels) VariantBySKU(_ context.Context, sku string) (int64, VariantLabel, error) {
	for id, l := range f {
		if l.SKU == sku {
			return id, l, nil
		}
	}
	return 0, VariantLabel{}, fmt.Errorf("catalog: SKU %q: %w", sku, httpx.ErrNotFound)
}

var catalog = fakeLabels{
	1: {SKU: "MUG-RED", Title: "Red mug"},
	2: {SKU: "TEA-OOLONG", Title: "Oolong tea"},
	3: {SKU: "FAN-PAPER", Title: "Paper fan"},
	4: {SKU: "NEW-ITEM", Title: "Brand-new item"},
}

func mustMessages(t testing.TB) *intl.Messages {
	t.Helper()
	msgs, err := intl.LoadMessages(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// adminServer serves AdminRoutes at /admin/inventory in English, to an ops user.
type adminServer struct {
	t   *testing.T
	svc *Service
	h   http.Handler
	wh  []Warehouse // CN-SZX, DE-FRA, US-LAX
}

func newAdminServer(t *testing.T) *adminServer {
	t.Helper()
	s := newService(t)
	wh, err := s.SeedDemoWarehouses(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	msgs := mustMessages(t)
	en, _ := msgs.ByCode("en")
	loc := msgs.Locale(en, "")
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := intl.WithLocale(r.Context(), loc)
			ctx = actor.With(ctx, actor.Actor{UserID: 7, Email: "ops@example.com", Role: "ops"})
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	})
	r.Mount(adminBase, NewHandler(s, catalog).AdminRoutes())
	return &adminServer{t: t, svc: s, h: r, wh: wh}
}

func (a *adminServer) do(method, path string, form url.Values) (int, string, http.Header) {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), rec.Header()
}

func (a *adminServer) get(path string) (int, string) {
	code, body, _ := a.do(http.MethodGet, path, nil)
	return code, body
}

// untranslated finds message IDs that reached a page without a text.
var untranslated = regexp.MustCompile(`(inventory|platform)\.[A-Z][A-Za-z.]*`)

func (a *adminServer) mustPage(path string, want ...string) string {
	a.t.Helper()
	code, body := a.get(path)
	if code != http.StatusOK {
		a.t.Fatalf("GET %s: %d", path, code)
	}
	if ids := untranslated.FindAllString(body, -1); len(ids) > 0 {
		a.t.Errorf("GET %s shows message IDs: %v", path, ids)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			a.t.Errorf("GET %s lacks %q", path, w)
		}
	}
	return body
}

func id(n int64) string { return fmt.Sprint(n) }

// stockTable cuts the overview's stock table (with its pagination) out of the page.
func stockTable(page string) string {
	start, end := strings.Index(page, `id="stock-table"`), strings.Index(page, `id="receive-by-sku"`)
	if start < 0 || end < start {
		return ""
	}
	return page[start:end]
}

func TestAdminPagesShowStockReportsAndLedger(t *testing.T) {
	a := newAdminServer(t)
	ctx := opsCtx()
	cn, de := a.wh[0], a.wh[1]
	mustReceive(t, a.svc, 1, cn.ID, 40)
	mustReceive(t, a.svc, 1, de.ID, 10)
	mustSell(t, a.svc, "order:1", 1, de.ID, 3)
	mustSell(t, a.svc, "order:2", 1, cn.ID, 25) // selling well: neither low nor slow
	mustReceive(t, a.svc, 2, cn.ID, 2)          // low stock, and never sold: slow too
	mustReceive(t, a.svc, 9, cn.ID, 9)          // stock of a variant the catalog no longer knows
	if err := a.svc.Adjust(ctx, 1, cn.ID, -2, "broken in the warehouse"); err != nil {
		t.Fatal(err)
	}

	body := a.mustPage(adminBase+"/", "MUG-RED", "TEA-OOLONG", "CN-SZX", "DE-FRA", "US-LAX",
		"13 of 13", "7 of 7", "Low stock", "Slow-moving", "No sales", "Receive stock")
	if strings.Contains(body, "Stock figures disagree") {
		t.Error("ledger problem shown for a clean ledger")
	}
	// Variant 2 is in both reports, variant 1 in neither.
	if n := strings.Count(body, `href="/admin/inventory/variants/2"`); n != 3 {
		t.Errorf("variant 2 linked %d times, want table + two reports", n)
	}
	body = a.mustPage(adminBase+"/?q=MUG-RED", "MUG-RED", "13 of 13")
	if strings.Contains(stockTable(body), "TEA-OOLONG") {
		t.Error("search by SKU shows other variants")
	}
	a.mustPage(adminBase+"/?q=NOPE-1", "No variant has the SKU NOPE-1.")
	a.mustPage(adminBase+"/warehouses", "CN-SZX", "Shenzhen", "Germany (DE)", "Overseas partner (3PL)", "Own warehouse")
	a.mustPage(adminBase+"/variants/1", "Stock of MUG-RED", "Red mug", "broken in the warehouse", "ops@example.com (#7)",
		"order:1", "Sold", "Received", "Adjusted", "-3", "-25", "+40", "Movements")
	a.mustPage(adminBase+"/variants/9", "#9", "Not in the catalog")
	a.mustPage(adminBase+"/variants/4", "NEW-ITEM", "This variant has no stock in any warehouse yet.")

	// A ledger out of step with its stock row is shown on the overview.
	if _, err := a.svc.pool.Exec(context.Background(), `UPDATE inventory_stock SET reserved = 1 WHERE variant_id = 9`); err != nil {
		t.Fatal(err)
	}
	a.mustPage(adminBase+"/", "Stock figures disagree", "#9 in CN-SZX")
}

func TestAdminOverviewPaginates(t *testing.T) {
	a := newAdminServer(t)
	for v := int64(1); v <= variantsPerPage+3; v++ {
		mustReceive(t, a.svc, 100+v, a.wh[0].ID, 50)
	}
	first := stockTable(a.mustPage(adminBase+"/", `rel="next"`))
	second := stockTable(a.mustPage(adminBase+"/?page=2", `rel="prev"`))
	if n := strings.Count(first, "/admin/inventory/variants/"); n != variantsPerPage || !strings.Contains(first, "/variants/150\"") {
		t.Errorf("first page shows %d variants", n)
	}
	if n := strings.Count(second, "/admin/inventory/variants/"); n != 3 || !strings.Contains(second, "/variants/151\"") ||
		strings.Contains(second, `rel="next"`) {
		t.Errorf("second page shows %d variants: %s", n, second)
	}
}

func TestAdminFormsChangeStock(t *testing.T) {
	a := newAdminServer(t)
	cn, us := a.wh[0], a.wh[2]
	post := func(path string, form url.Values, wantLocation string) {
		t.Helper()
		code, body, h := a.do(http.MethodPost, path, form)
		if code != http.StatusSeeOther || h.Get("Location") != wantLocation {
			t.Fatalf("POST %s %v: %d %s\n%s", path, form, code, h.Get("Location"), body)
		}
		if !strings.Contains(h.Get("Set-Cookie"), "flash=ok") {
			t.Errorf("POST %s: no flash", path)
		}
	}
	post(adminBase+"/variants/1/receive", url.Values{"warehouse": {id(cn.ID)}, "quantity": {"12"}, "reason": {"PO-9"}}, adminBase+"/variants/1")
	post(adminBase+"/variants/1/adjust", url.Values{"adjust_warehouse": {id(cn.ID)}, "delta": {" -2 "}, "adjust_reason": {"stock count"}}, adminBase+"/variants/1")
	post(adminBase+"/variants/1/threshold", url.Values{"threshold": {"20"}}, adminBase+"/variants/1")
	post(adminBase+"/receive", url.Values{"sku": {"TEA-OOLONG"}, "warehouse": {id(us.ID)}, "quantity": {"5"}}, adminBase+"/variants/2")
	post(adminBase+"/warehouses", url.Values{"code": {"jp-nrt"}, "name": {"Narita"}, "country": {"jp"}, "kind": {"third_party"}}, adminBase+"/warehouses")

	wantLevel(t, a.svc, 1, cn.ID, 10, 0)
	wantLevel(t, a.svc, 2, us.ID, 5, 0)
	if th, _ := a.svc.Threshold(context.Background(), 1); th != 20 {
		t.Errorf("threshold %d", th)
	}
	moves, _ := a.svc.Ledger(context.Background(), 1, 10)
	if len(moves) != 2 || moves[0].Actor != opsLabel || moves[0].Reason != "stock count" || moves[1].Reason != "PO-9" {
		t.Errorf("ledger: %+v", moves)
	}
	all, _ := a.svc.Warehouses(context.Background())
	if len(all) != 4 || all[2].Code != "JP-NRT" || all[2].Country != "JP" || all[2].Kind != KindThirdParty {
		t.Errorf("warehouses: %+v", all)
	}
	mustCleanLedger(t, a.svc)
}

func TestAdminRefusesBadInputAndChangesNothing(t *testing.T) {
	a := newAdminServer(t)
	cn := a.wh[0]
	mustReceive(t, a.svc, 1, cn.ID, 5)
	if _, err := a.svc.Reserve(opsCtx(), "order:1", []Allocation{{VariantID: 1, WarehouseID: cn.ID, Quantity: 4}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wh := id(cn.ID)
	cases := []struct {
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"/variants/1/receive", url.Values{"warehouse": {wh}, "quantity": {"0"}}, 422, "Enter a quantity of at least 1."},
		{"/variants/1/receive", url.Values{"warehouse": {wh}, "quantity": {"-3"}}, 422, "Enter a quantity of at least 1."},
		{"/variants/1/receive", url.Values{"warehouse": {wh}, "quantity": {"3.5"}}, 422, "Enter a whole number."},
		{"/variants/1/receive", url.Values{"warehouse": {wh}, "quantity": {""}}, 422, "Enter a whole number."},
		{"/variants/1/receive", url.Values{"warehouse": {wh}, "quantity": {"99999999999999999999"}}, 422, "Enter a whole number."},
		{"/variants/1/receive", url.Values{"warehouse": {wh}, "quantity": {"2000000"}}, 422, "Enter a quantity of at most 1000000."},
		{"/variants/1/receive", url.Values{"warehouse": {"424242"}, "quantity": {"3"}}, 422, "Choose one of the warehouses offered."},
		{"/variants/1/receive", url.Values{"warehouse": {"CN"}, "quantity": {"3"}}, 422, "Choose one of the warehouses offered."},
		{"/variants/1/receive", url.Values{"quantity": {"3"}}, 422, "Choose one of the warehouses offered."},
		{"/variants/1/adjust", url.Values{"adjust_warehouse": {wh}, "delta": {"-9"}, "adjust_reason": {"count"}}, 422, "There is not that much stock on hand (5)"},
		{"/variants/1/adjust", url.Values{"adjust_warehouse": {wh}, "delta": {"-2"}, "adjust_reason": {"count"}}, 422, "at most 1 can be removed now"},
		{"/variants/1/adjust", url.Values{"adjust_warehouse": {wh}, "delta": {"0"}, "adjust_reason": {"count"}}, 422, "Enter a change other than zero."},
		{"/variants/1/adjust", url.Values{"adjust_warehouse": {wh}, "delta": {"3"}, "adjust_reason": {"  "}}, 422, "Say why the stock changes."},
		{"/variants/1/adjust", url.Values{"adjust_warehouse": {"0"}, "delta": {"3"}, "adjust_reason": {"count"}}, 422, "Choose one of the warehouses offered."},
		{"/variants/1/threshold", url.Values{"threshold": {"-1"}}, 422, "Enter a threshold from 0 to"},
		{"/variants/1/threshold", url.Values{"threshold": {"many"}}, 422, "Enter a whole number."},
		{"/receive", url.Values{"sku": {"NOPE"}, "warehouse": {wh}, "quantity": {"3"}}, 422, "No variant has the SKU NOPE."},
		{"/receive", url.Values{"sku": {""}, "warehouse": {wh}, "quantity": {"3"}}, 422, "Enter the variant&#39;s SKU."},
		{"/receive", url.Values{"sku": {"MUG-RED"}, "warehouse": {wh}, "quantity": {"-1"}}, 422, "Enter a quantity of at least 1."},
		{"/warehouses", url.Values{"code": {"X"}, "name": {""}, "country": {"XX"}, "kind": {"own"}}, 422, "Enter the two-letter ISO code of a country"},
		{"/warehouses", url.Values{"code": {"NEW-1"}, "name": {"New"}, "country": {"DE"}, "kind": {"palace"}}, 422, "Choose one of the warehouse types offered."},
		{"/warehouses", url.Values{"code": {"de-fra"}, "name": {"Again"}, "country": {"DE"}, "kind": {"own"}}, 409, "Another warehouse already has this code."},
	}
	for _, c := range cases {
		code, body, _ := a.do(http.MethodPost, adminBase+c.path, c.form)
		if code != c.status || !strings.Contains(body, c.want) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("POST %s %v: %d, want %d with %q", c.path, c.form, code, c.status, c.want)
		}
		if ids := untranslated.FindAllString(body, -1); len(ids) > 0 {
			t.Errorf("POST %s shows message IDs: %v", c.path, ids)
		}
	}
	// The form comes back with what was typed.
	_, body, _ := a.do(http.MethodPost, adminBase+"/variants/1/adjust", url.Values{"adjust_warehouse": {wh}, "delta": {"-9"}, "adjust_reason": {"lost"}})
	if !strings.Contains(body, `value="-9"`) || !strings.Contains(body, `value="lost"`) {
		t.Error("the refused form lost its input")
	}

	wantLevel(t, a.svc, 1, cn.ID, 5, 4)
	if moves, _ := a.svc.Ledger(context.Background(), 1, 100); len(moves) != 2 {
		t.Errorf("bad input wrote movements: %+v", moves)
	}
	if th, _ := a.svc.Threshold(context.Background(), 1); th != DefaultThreshold {
		t.Errorf("threshold changed to %d", th)
	}
	if all, _ := a.svc.Warehouses(context.Background()); len(all) != 3 {
		t.Errorf("warehouses: %+v", all)
	}
}

func TestAdminUnknownOrMalformedVariantIs404(t *testing.T) {
	a := newAdminServer(t)
	valid := url.Values{"warehouse": {id(a.wh[0].ID)}, "quantity": {"3"}}
	for _, p := range []string{"abc", "-1", "0", "1.5", "99999999999999999999", "424242"} {
		if code, _ := a.get(adminBase + "/variants/" + p); code != http.StatusNotFound {
			t.Errorf("GET variant %s: %d", p, code)
		}
		if code, _, _ := a.do(http.MethodPost, adminBase+"/variants/"+p+"/receive", valid); code != http.StatusNotFound {
			t.Errorf("POST receive for variant %s: %d", p, code)
		}
	}
	if levels, _ := a.svc.Stock(context.Background(), []int64{424242}); len(levels) != 0 {
		t.Errorf("stock written for an unknown variant: %+v", levels)
	}
}

// TestEveryMessageIDHasEnglishText reads the package's source for message IDs and checks English has each.
func TestEveryMessageIDHasEnglishText(t *testing.T) {
	msgs := mustMessages(t)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`"(inventory\.[A-Za-z.]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			found++
			ids := []string{m[1]}
			switch m[1] {
			case "inventory.Kind.":
				ids = nil
				for _, k := range []MovementKind{MoveReceived, MoveSold, MoveReserved, MoveReleased, MoveReturned, MoveAdjusted} {
					ids = append(ids, m[1]+string(k))
				}
			case "inventory.WarehouseKind.":
				ids = nil
				for _, k := range WarehouseKinds {
					ids = append(ids, m[1]+string(k))
				}
			}
			for _, id := range ids {
				if !msgs.Has(id) {
					t.Errorf("%s uses %s, which locales/en/inventory.json lacks", f, id)
				}
			}
		}
	}
	if found < 50 {
		t.Fatalf("found only %d message IDs: the scan is broken", found)
	}
}
