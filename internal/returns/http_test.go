package returns

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"storefront/internal/account"
	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/locales"
)

// shop serves the returns pages as the storefront (/en-de) and the back office (/admin) mount them.
type shop struct {
	*env
	t    *testing.T
	h    http.Handler
	user *account.User // the signed-in shopper, if any
}

func newShop(t *testing.T) *shop {
	t.Helper()
	s := &shop{env: newEnv(t), t: t}
	msgs, err := intl.LoadMessages(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := msgs.ByCode("en")
	store, admin := msgs.Locale(en, "DE"), msgs.Locale(en, "")
	r := chi.NewRouter()
	r.Route("/en-de", func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx := intl.WithLocale(r.Context(), store)
				if s.user != nil {
					ctx = account.WithUser(ctx, *s.user)
				}
				next.ServeHTTP(w, r.WithContext(ctx))
			})
		})
		NewHandler(s.svc).StoreRoutes(r)
	})
	staff := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := intl.WithLocale(r.Context(), admin)
			ctx = actor.With(ctx, actor.Actor{UserID: 9, Email: "ops@example.com", Role: "ops"})
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
	ah := NewAdminHandler(s.svc)
	r.With(staff).Mount("/admin/returns", ah.Routes())
	r.With(staff).Mount("/admin/return-reasons", ah.ReportRoutes())
	s.h = r
	return s
}

type result struct {
	code int
	body string
	loc  string
	ct   string
}

// untranslated finds message IDs that reached a page without a text.
var untranslated = regexp.MustCompile(`\b(returns|platform|checkout)\.[A-Z][A-Za-z_.]*`)

func (s *shop) do(method, path, contentType string, body io.Reader) result {
	s.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	res := result{code: rec.Code, body: rec.Body.String(), loc: rec.Header().Get("Location"), ct: rec.Header().Get("Content-Type")}
	if strings.HasPrefix(res.ct, "text/html") {
		if ids := untranslated.FindAllString(res.body, -1); len(ids) > 0 {
			s.t.Errorf("%s %s shows message IDs: %v", method, path, ids)
		}
	}
	return res
}

func (s *shop) get(path string) result { return s.do(http.MethodGet, path, "", nil) }

func (s *shop) post(path string, form url.Values) result {
	return s.do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// postMultipart submits the return form as a browser does: fields and files in one multipart body.
func (s *shop) postMultipart(path string, fields url.Values, photos ...[]byte) result {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for i, p := range photos {
		fw, err := mw.CreateFormFile("photos", "photo"+strconv.Itoa(i)+".png")
		if err != nil {
			s.t.Fatal(err)
		}
		_, _ = fw.Write(p)
	}
	if len(photos) == 0 {
		// A browser sends an empty file part when no photo is chosen.
		_, _ = mw.CreateFormFile("photos", "")
	}
	_ = mw.Close()
	return s.do(http.MethodPost, path, mw.FormDataContentType(), &buf)
}

func formPath(o checkout.Order, key string) string {
	p := "/en-de/orders/" + o.Number + "/return"
	if key != "" {
		p += "?key=" + key
	}
	return p
}

func keyOf(o checkout.Order) string { return "key-" + o.Number }

func TestReturnLinkCarriesTheOrderKey(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	msgs, _ := intl.LoadMessages(locales.FS)
	de, _ := msgs.ByCode("de")
	got := NewHandler(s.svc).ReturnLink(o, msgs.Locale(de, "DE"))
	if got != "/de-de/orders/"+o.Number+"/return?key="+keyOf(o) {
		t.Errorf("return link %s", got)
	}
}

// TestOnlyTheOwnerOrTheLinkOpensReturns: the owner signed in, or anyone with the order's signed link; everyone
// else, and every malformed or unknown number, gets the same 404.
func TestOnlyTheOwnerOrTheLinkOpensReturns(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2)) // user 42's order
	r := s.request(o, map[int]int{1: 1}, ReasonDefective)
	status := "/en-de/returns/" + r.Number
	for _, path := range []string{formPath(o, keyOf(o)), status + "?key=" + keyOf(o)} {
		if res := s.get(path); res.code != http.StatusOK {
			t.Errorf("GET %s with the key: %d", path, res.code)
		}
	}
	for _, path := range []string{formPath(o, ""), formPath(o, "key-BG-2026-009999"), status, status + "?key=wrong",
		"/en-de/orders/BG-2026-999999/return?key=key-BG-2026-999999", "/en-de/orders/" + strings.Repeat("9", 41) + "/return",
		"/en-de/returns/RMA-2026-999999", "/en-de/returns/" + strings.Repeat("R", 41), "/en-de/returns/%00"} {
		if res := s.get(path); res.code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.code)
		}
	}
	s.user = &account.User{ID: 42, Email: "anna@example.com", Role: account.RoleShopper}
	if res := s.get(status); res.code != http.StatusOK {
		t.Errorf("the owner signed in: %d", res.code)
	}
	if res := s.get(formPath(o, "")); res.code != http.StatusOK {
		t.Errorf("the owner's form: %d", res.code)
	}
	s.user = &account.User{ID: 43, Email: "eve@example.com", Role: account.RoleShopper}
	if res := s.get(status); res.code != http.StatusNotFound {
		t.Errorf("another shopper: %d", res.code)
	}
	before := s.rows()
	if res := s.postMultipart(formPath(o, ""), url.Values{"qty_1": {"1"}, "reason": {"defective"}}); res.code != http.StatusNotFound {
		t.Errorf("another shopper posting: %d", res.code)
	}
	if s.rows() != before {
		t.Error("a stranger's post recorded a return")
	}
}

func TestShopperRequestsAReturn(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	path := formPath(o, keyOf(o))
	page := s.get(path)
	for _, want := range []string{`name="qty_1"`, `name="qty_2"`, "Changed my mind", "You can return items until", `enctype="multipart/form-data"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	empty := s.rows()
	bad := []struct {
		form url.Values
		want string
	}{
		{url.Values{"qty_1": {"1"}}, "Choose the reason for the return."},
		{url.Values{"qty_1": {"abc"}, "reason": {"defective"}}, "Enter a whole number of units."},
		{url.Values{"qty_1": {"5"}, "reason": {"defective"}}, "You bought 2 of this item"},
		{url.Values{"qty_1": {"0"}, "reason": {"defective"}}, "Choose how many units"},
	}
	for _, c := range bad {
		res := s.postMultipart(path, c.form)
		if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, c.want) {
			t.Errorf("%v: %d, body lacks %q", c.form, res.code, c.want)
		}
	}
	res := s.postMultipart(path, url.Values{"qty_1": {"1"}, "reason": {"damaged"}}, []byte("GIF89a not a photo"))
	if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "JPEG, PNG or WebP") {
		t.Errorf("a GIF photo: %d", res.code)
	}
	if s.rows() != empty {
		t.Errorf("refused forms recorded rows: %s", s.rows())
	}

	res = s.postMultipart(path, url.Values{"qty_1": {"1"}, "reason": {"damaged"}, "comment": {"The handle broke off."}}, pngBytes(t))
	if res.code != http.StatusSeeOther || !strings.HasPrefix(res.loc, "/en-de/returns/RMA-2026-") || !strings.HasSuffix(res.loc, "?key="+keyOf(o)) {
		t.Fatalf("request: %d → %s\n%s", res.code, res.loc, res.body)
	}
	status := s.get(res.loc)
	for _, want := range []string{"RMA-2026-", "Requested", "Damaged in transit", "The handle broke off.", "Expected refund", "67,40\u00a0€"} {
		if !strings.Contains(status.body, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if again := s.get(path); !strings.Contains(again.body, "Returns of this order") || !strings.Contains(again.body, "Up to 1 unit<") {
		t.Errorf("the form does not list the return or still offers both mugs")
	}
}

func TestShopperRefusedOutsideTheWindow(t *testing.T) {
	s := newShop(t)
	late := s.orders.add(deOrder(), t0.AddDate(0, 0, -31))
	page := s.get(formPath(late, keyOf(late)))
	if page.code != http.StatusOK || !strings.Contains(page.body, "The return window of 30 days after delivery ended on") || strings.Contains(page.body, `name="qty_1"`) {
		t.Errorf("form of a late order: %d", page.code)
	}
	res := s.postMultipart(formPath(late, keyOf(late)), url.Values{"qty_1": {"1"}, "reason": {"defective"}})
	if res.code != http.StatusConflict || !strings.Contains(res.body, "The return window of 30 days") {
		t.Errorf("late request: %d", res.code)
	}
	undelivered := s.orders.add(deOrder(), time.Time{})
	res = s.postMultipart(formPath(undelivered, keyOf(undelivered)), url.Values{"qty_1": {"1"}, "reason": {"defective"}})
	if res.code != http.StatusConflict || !strings.Contains(res.body, "once the order has been delivered") {
		t.Errorf("undelivered: %d", res.code)
	}
	if got := s.rows(); !strings.HasPrefix(got, "returns_requests=0 ") {
		t.Errorf("refusals recorded: %s", got)
	}
}

// TestOpsHandleAReturn walks a return through the back office: approve with instructions, receive, inspect with
// a restock, check and send the refund, and the shopper sees each step.
func TestOpsHandleAReturn(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	r, err := s.svc.Request(context.Background(), o.ID, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective,
		Photos: []io.Reader{bytes.NewReader(pngBytes(t))}, Locale: "fr"})
	if err != nil {
		t.Fatal(err)
	}
	base := "/admin/returns/" + strconv.FormatInt(r.ID, 10)
	if q := s.get("/admin/returns?status=requested"); q.code != http.StatusOK || !strings.Contains(q.body, r.Number) {
		t.Errorf("queue: %d", q.code)
	}
	for _, p := range []string{"/admin/returns/abc", "/admin/returns/0", "/admin/returns/999", base + "/photos/x", base + "/photos/999"} {
		if res := s.get(p); res.code != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, res.code)
		}
	}
	detail := s.get(base)
	if !strings.Contains(detail.body, "Returns Dept, 1 Example Road") || !strings.Contains(detail.body, base+"/photos/") {
		t.Errorf("detail lacks the default instructions or the photo")
	}
	// People read it: the shopper's language by name, the guest by e-mail and the reason in words; the return
	// instructions ops start from are in the shopper's language, with the return number.
	for _, want := range []string{"French", o.Email, "Defective or quality issue", "Veuillez envoyer les articles",
		"numéro de retour " + r.Number} {
		if !strings.Contains(detail.body, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if strings.Contains(detail.body, ">defective<") || strings.Contains(detail.body, "anonymous") {
		t.Error("detail shows a raw code or an anonymous actor")
	}
	photos, _ := s.svc.Photos(s.ctx, r.ID)
	if ph := s.get(base + "/photos/" + strconv.FormatInt(photos[0].ID, 10)); ph.code != http.StatusOK || ph.ct != "image/png" {
		t.Errorf("photo: %d %s", ph.code, ph.ct)
	}

	res := s.post(base+"/approve", url.Values{"instructions": {"  "}, "message": {"Sorry!"}})
	if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Enter the return instructions") || !strings.Contains(res.body, "Sorry!") {
		t.Errorf("approve without instructions: %d", res.code)
	}
	if res := s.post(base+"/receive", nil); res.code != http.StatusConflict || !strings.Contains(res.body, "cannot go from") {
		t.Errorf("receive before approval: %d", res.code)
	}
	if res := s.post(base+"/approve", url.Values{"instructions": {"Ship to Returns, Frankfurt"}, "message": {"Sorry!"}}); res.code != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", res.code, res.body)
	}
	shopperView := s.get("/en-de/returns/" + r.Number + "?key=" + keyOf(o))
	for _, want := range []string{"Ship to Returns, Frankfurt", "Sorry!", "write it on the parcel", r.Number} {
		if !strings.Contains(shopperView.body, want) {
			t.Errorf("shopper's page lacks %q", want)
		}
	}
	if res := s.post(base+"/receive", nil); res.code != http.StatusSeeOther {
		t.Fatalf("receive: %d", res.code)
	}
	if res := s.post(base+"/inspect", url.Values{"restock_1": {"1"}, "writeoff_1": {"1"}, "warehouse_1": {"2"}}); res.code != http.StatusUnprocessableEntity {
		t.Errorf("inspecting 2 of 1 units: %d", res.code)
	}
	if res := s.post(base+"/inspect", url.Values{"restock_1": {"1"}, "writeoff_1": {"0"}, "warehouse_1": {"2"}}); res.code != http.StatusSeeOther {
		t.Fatalf("inspect: %d %s", res.code, res.body)
	}
	if len(s.stock.returned) != 1 {
		t.Errorf("restocked: %v", s.stock.returned)
	}

	confirm := s.get(base + "/refund")
	for _, want := range []string{"Total refund", "€67.40", "Import duty", "€6.18", "Restocking fee", "EUR", `name="total" value="67.4"`} {
		if !strings.Contains(confirm.body, want) {
			t.Errorf("confirmation lacks %q", want)
		}
	}
	if res := s.post(base+"/refund", url.Values{"total": {"60"}, "currency": {"EUR"}}); res.code != http.StatusConflict || !strings.Contains(res.body, "has changed") {
		t.Errorf("a stale confirmation: %d", res.code)
	}
	for range 2 { // a double click refunds once
		if res := s.post(base+"/refund", url.Values{"total": {"67.4"}, "currency": {"EUR"}}); res.code != http.StatusSeeOther {
			t.Fatalf("refund: %d %s", res.code, res.body)
		}
	}
	if s.orders.refundCalls() != 1 || !s.orders.totalRefunded(o.ID).Equal(d("67.40")) {
		t.Errorf("refund calls %d, refunded %s", s.orders.refundCalls(), s.orders.totalRefunded(o.ID))
	}
	detail = s.get(base)
	for _, want := range []string{"Refunded", "return:" + strconv.FormatInt(r.ID, 10), "ops@example.com (#9)", "Restocked"} {
		if !strings.Contains(detail.body, want) {
			t.Errorf("detail after refund lacks %q", want)
		}
	}
	shopperView = s.get("/en-de/returns/" + r.Number + "?key=" + keyOf(o))
	if !strings.Contains(shopperView.body, "Your refund") || !strings.Contains(shopperView.body, "67,40\u00a0€") {
		t.Errorf("the shopper does not see the refund")
	}
	if res := s.post(base+"/reject", url.Values{"reject_message": {"no"}}); res.code != http.StatusConflict {
		t.Errorf("reject a refunded return: %d", res.code)
	}
	if res := s.post(base+"/close", url.Values{"close_message": {"Thanks"}}); res.code != http.StatusSeeOther {
		t.Errorf("close: %d", res.code)
	}
}

func TestOpsRejectNeedsAMessage(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(usOrder(), t0.AddDate(0, 0, -2))
	r := s.request(o, map[int]int{1: 1}, ReasonChangedMind)
	base := "/admin/returns/" + strconv.FormatInt(r.ID, 10)
	res := s.post(base+"/reject", url.Values{"reject_message": {""}})
	if res.code != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Tell the shopper why") {
		t.Errorf("reject without a message: %d", res.code)
	}
	if res := s.post(base+"/reject", url.Values{"reject_message": {"Worn items cannot be returned."}}); res.code != http.StatusSeeOther {
		t.Fatalf("reject: %d", res.code)
	}
	page := s.get("/en-de/returns/" + r.Number + "?key=" + keyOf(o))
	if !strings.Contains(page.body, "Worn items cannot be returned.") || !strings.Contains(page.body, "Rejected") || strings.Contains(page.body, "Expected refund") {
		t.Errorf("the shopper's page after rejection")
	}
}

func TestReportPage(t *testing.T) {
	s := newShop(t)
	o := s.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	s.request(o, map[int]int{1: 2}, ReasonDefective)
	s.orders.sales = []checkout.Sales{{SKU: "MUG-RED", Title: "Red mug", Supplier: "Jingdezhen Kilns", Origin: "CN", Units: 8}}
	res := s.get("/admin/return-reasons?days=30")
	for _, want := range []string{"MUG-RED", "Jingdezhen Kilns", "25%", "Defective or quality issue: 2", "China", "Last 30 days"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if res.code != http.StatusOK {
		t.Errorf("report: %d", res.code)
	}
}
