package returns

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"storefront/internal/checkout"
	"storefront/internal/platform/httpx"
)

func TestNewServiceNeedsItsDependencies(t *testing.T) {
	if _, err := NewService(Config{}); err == nil {
		t.Error("NewService accepted no dependencies")
	}
}

// TestRefusalsRecordNothing: outside the window, before delivery, more than bought, units already in a return,
// a missing reason or bad photos: refused with the reason, and no row is written.
func TestRefusalsRecordNothing(t *testing.T) {
	e := newEnv(t)
	empty := e.rows()
	us := e.orders.add(usOrder(), t0.AddDate(0, 0, -31))   // 30-day window, delivered 31 days ago
	undelivered := e.orders.add(usOrder(), time.Time{})    // shipped, not delivered
	fresh := e.orders.add(usOrder(), t0.AddDate(0, 0, -2)) // inside the window
	big := bytes.Repeat([]byte{0}, MaxPhotoBytes+1)
	copy(big, pngBytes(t))
	cases := []struct {
		name  string
		order checkout.Order
		in    RequestInput
		want  string
		kind  error
	}{
		{"outside the window", us, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective}, "returns.WindowClosed", httpx.ErrConflict},
		{"not delivered", undelivered, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective}, "returns.NotDelivered", httpx.ErrConflict},
		{"more than bought", fresh, RequestInput{Quantities: map[int]int{1: 3}, Reason: ReasonDefective}, "returns.MoreThanBought", httpx.ErrInvalid},
		{"negative", fresh, RequestInput{Quantities: map[int]int{1: -1}, Reason: ReasonDefective}, "returns.QuantityInvalid", httpx.ErrInvalid},
		{"unknown line", fresh, RequestInput{Quantities: map[int]int{9: 1}, Reason: ReasonDefective}, "returns.UnknownLine", httpx.ErrInvalid},
		{"nothing", fresh, RequestInput{Quantities: map[int]int{1: 0}, Reason: ReasonDefective}, "returns.NothingSelected", httpx.ErrInvalid},
		{"no reason", fresh, RequestInput{Quantities: map[int]int{1: 1}}, "returns.ReasonRequired", httpx.ErrInvalid},
		{"made-up reason", fresh, RequestInput{Quantities: map[int]int{1: 1}, Reason: "bored"}, "returns.ReasonRequired", httpx.ErrInvalid},
		{"long comment", fresh, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective, Comment: strings.Repeat("é", MaxComment+1)},
			"returns.CommentTooLong", httpx.ErrInvalid},
		{"not an image", fresh, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective,
			Photos: []io.Reader{strings.NewReader("<html><script>alert(1)</script></html>")}}, "returns.PhotoType", httpx.ErrInvalid},
		{"fake PNG", fresh, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective,
			Photos: []io.Reader{strings.NewReader("\x89PNG\r\n\x1a\nnot really")}}, "returns.PhotoUnreadable", httpx.ErrInvalid},
		{"photo too large", fresh, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective,
			Photos: []io.Reader{bytes.NewReader(big)}}, "returns.PhotoTooLarge", httpx.ErrInvalid},
		{"four photos", fresh, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective,
			Photos: []io.Reader{bytes.NewReader(pngBytes(t)), bytes.NewReader(pngBytes(t)), bytes.NewReader(pngBytes(t)), bytes.NewReader(pngBytes(t))}},
			"returns.TooManyPhotos", httpx.ErrInvalid},
	}
	for _, c := range cases {
		_, err := e.svc.Request(e.ctx, c.order.ID, c.in)
		if !isUserError(err, c.want) || !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
		if got := e.rows(); got != empty {
			t.Errorf("%s recorded rows: %s", c.name, got)
		}
	}
}

// TestEUWindowIsNeverShorterThanWithdrawal: a market granting 7 days still gets 14 in the EU (right of
// withdrawal), while elsewhere 7 days are 7.
func TestEUWindowIsNeverShorterThanWithdrawal(t *testing.T) {
	e := newEnv(t)
	markets := testMarkets()
	de, us := markets["DE"], markets["US"]
	de.ReturnDays, us.ReturnDays = 7, 7
	markets["DE"], markets["US"] = de, us
	e.svc.markets = markets
	cases := []struct {
		order checkout.Order
		days  int
		ok    bool
	}{
		{deOrder(), 10, true}, {deOrder(), 14, true}, {deOrder(), 15, false},
		{usOrder(), 7, true}, {usOrder(), 10, false},
	}
	for _, c := range cases {
		o := e.orders.add(c.order, t0.AddDate(0, 0, -c.days))
		_, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonChangedMind})
		if c.ok && err != nil || !c.ok && !isUserError(err, "returns.WindowClosed") {
			t.Errorf("%s delivered %d days ago: %v", o.Market, c.days, err)
		}
	}
	el, err := e.svc.Eligibility(e.ctx, e.orders.add(deOrder(), t0))
	if err != nil || el.WindowDays != 14 || !el.Deadline.Equal(t0.AddDate(0, 0, 14)) {
		t.Errorf("DE eligibility: %+v %v", el, err)
	}
}

func TestUnitsInAReturnCannotBeAskedAgain(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	first := e.request(o, map[int]int{1: 1}, ReasonDefective)
	before := e.rows()
	if _, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: map[int]int{1: 2}, Reason: ReasonDefective}); !isUserError(err, "returns.AlreadyReturned") {
		t.Errorf("the unit already in an open return asked again: %v", err)
	}
	if e.rows() != before {
		t.Errorf("a refused request recorded rows: %s", e.rows())
	}
	second := e.request(o, map[int]int{1: 1, 2: 1}, ReasonWrongItem)
	if _, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: map[int]int{2: 1}, Reason: ReasonDefective}); !isUserError(err, "returns.NothingLeft") {
		t.Errorf("every unit is in a return: %v", err)
	}
	// Rejecting a return frees its units.
	if err := e.svc.Reject(e.ctx, second.ID, "Please contact us first."); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: map[int]int{1: 1, 2: 1}, Reason: ReasonDefective}); err != nil {
		t.Errorf("units of a rejected return: %v", err)
	}
	if first.Number == second.Number || !strings.HasPrefix(first.Number, "RMA-2026-") {
		t.Errorf("numbers %s %s", first.Number, second.Number)
	}
}

func TestConcurrentRequestsCannotReturnAUnitTwice(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(usOrder(), t0.AddDate(0, 0, -2))
	const n = 10
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDefective})
			errs <- err
		}()
	}
	ok := 0
	for range n {
		if err := <-errs; err == nil {
			ok++
		} else if !isUserError(err, "returns.AlreadyReturned") && !isUserError(err, "returns.NothingLeft") {
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 2 {
		t.Errorf("%d requests for a line of 2 units succeeded", ok)
	}
}

func TestPhotosAreCheckedReencodedAndKept(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(usOrder(), t0.AddDate(0, 0, -2))
	r, err := e.svc.Request(e.ctx, o.ID, RequestInput{Quantities: map[int]int{1: 1}, Reason: ReasonDamaged, Comment: "  Cracked  ",
		Photos: []io.Reader{bytes.NewReader(pngBytes(t)), bytes.NewReader(pngBytes(t))}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Comment != "Cracked" {
		t.Errorf("comment %q", r.Comment)
	}
	photos, err := e.svc.Photos(e.ctx, r.ID)
	if err != nil || len(photos) != 2 || photos[0].Key == photos[1].Key || photos[0].ContentType != "image/png" {
		t.Fatalf("photos: %+v %v", photos, err)
	}
	_, f, err := e.svc.OpenPhoto(e.ctx, r.ID, photos[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if !bytes.HasPrefix(b, []byte("\x89PNG")) || len(b) != photos[0].Size {
		t.Errorf("stored photo: %d bytes", len(b))
	}
	other := e.request(o, map[int]int{1: 1}, ReasonDamaged)
	if _, _, err := e.svc.OpenPhoto(e.ctx, other.ID, photos[0].ID); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("a photo through another return: %v", err)
	}
}

// TestStateMachine tries every action in every status: only the lifecycle's transitions happen, anything else is a
// conflict that changes nothing.
func TestStateMachine(t *testing.T) {
	e := newEnv(t)
	actions := map[Status]func(id int64) error{
		StatusApproved: func(id int64) error { return e.svc.Approve(e.ctx, id, "Send it to us", "") },
		StatusRejected: func(id int64) error { return e.svc.Reject(e.ctx, id, "No") },
		StatusReceived: func(id int64) error { return e.svc.Receive(e.ctx, id) },
		StatusInspected: func(id int64) error {
			return e.svc.Inspect(e.ctx, id, []Inspection{{OrderLineNo: 1, WriteOff: 1}})
		},
		StatusRefunded: func(id int64) error {
			b, err := e.svc.Preview(e.ctx, id)
			if err != nil {
				return err
			}
			_, err = e.svc.Refund(e.ctx, id, b.Amount(b.Total))
			return err
		},
		StatusClosed: func(id int64) error { return e.svc.Close(e.ctx, id, "") },
	}
	for _, from := range Statuses {
		for to, act := range actions {
			o := e.orders.add(usOrder(), t0.AddDate(0, 0, -2))
			r := e.request(o, map[int]int{1: 1}, ReasonDefective)
			if _, err := e.pool.Exec(context.Background(), `UPDATE returns_requests SET status = $2 WHERE id = $1`, r.ID, string(from)); err != nil {
				t.Fatal(err)
			}
			err := act(r.ID)
			got := e.status(r.ID)
			if CanTransition(from, to) {
				if err != nil || got != to {
					t.Errorf("%s → %s refused: %v (now %s)", from, to, err, got)
				}
				continue
			}
			if !errors.Is(err, httpx.ErrConflict) || got != from {
				t.Errorf("%s → %s: %v, now %s", from, to, err, got)
			}
		}
	}
}

func TestInspectionRestocksOnce(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	r := e.request(o, map[int]int{1: 2, 2: 1}, ReasonDefective)
	_ = e.svc.Approve(e.ctx, r.ID, "Send it", "Sorry about that")
	_ = e.svc.Receive(e.ctx, r.ID)
	bad := [][]Inspection{
		{{OrderLineNo: 1, Restock: 1, WriteOff: 0, WarehouseID: 1}, {OrderLineNo: 2, WriteOff: 1}}, // a unit undecided
		{{OrderLineNo: 1, Restock: 2, WarehouseID: 3}, {OrderLineNo: 2, WriteOff: 1}},              // inactive warehouse
		{{OrderLineNo: 1, Restock: 2, WarehouseID: 1}},                                             // a line missing
	}
	for _, in := range bad {
		if err := e.svc.Inspect(e.ctx, r.ID, in); !errors.Is(err, httpx.ErrInvalid) || e.status(r.ID) != StatusReceived {
			t.Errorf("inspection %+v: %v", in, err)
		}
	}
	e.stock.fail = errors.New("inventory down")
	err := e.svc.Inspect(e.ctx, r.ID, []Inspection{{OrderLineNo: 1, Restock: 1, WriteOff: 1, WarehouseID: 2}, {OrderLineNo: 2, WriteOff: 1}})
	if err == nil || e.status(r.ID) != StatusInspected {
		t.Fatalf("inspection with inventory down: %v, %s", err, e.status(r.ID))
	}
	e.stock.fail = nil
	for range 2 {
		if err := e.svc.RetryRestock(e.ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(e.stock.returned) != 1 || e.stock.returned[0] != "1×11→2 rma:"+r.Number+":1" {
		t.Errorf("stock booked: %v", e.stock.returned)
	}
	got, _ := e.svc.Return(e.ctx, r.ID)
	if l := got.Lines[0]; l.Restock != 1 || l.WriteOff != 1 || l.WarehouseID != 2 || !l.Booked {
		t.Errorf("line after inspection: %+v", l)
	}
	events, _ := e.svc.Events(e.ctx, r.ID)
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
		if ev.Actor != "ops@example.com (#9)" {
			t.Errorf("event by %q", ev.Actor)
		}
	}
	if strings.Join(actions, ",") != "requested,approved,received,inspected,restocked" {
		t.Errorf("audit trail: %v", actions)
	}
}

func TestReportByReasonSKUSupplierAndOrigin(t *testing.T) {
	e := newEnv(t)
	o := e.orders.add(deOrder(), t0.AddDate(0, 0, -2))
	e.request(o, map[int]int{1: 1}, ReasonDefective)
	e.request(o, map[int]int{1: 1, 2: 1}, ReasonNotAsDescribed)
	rejected := e.request(e.orders.add(deOrder(), t0.AddDate(0, 0, -2)), map[int]int{2: 1}, ReasonChangedMind)
	_ = e.svc.Reject(e.ctx, rejected.ID, "No")
	e.orders.sales = []checkout.Sales{
		{SKU: "MUG-RED", Title: "Red mug", Supplier: "Jingdezhen Kilns", Origin: "CN", Units: 8},
		{SKU: "TEA-OOLONG", Title: "Oolong tea", Supplier: "Alishan Tea", Origin: "TW", Units: 4},
		{SKU: "BOWL", Title: "Bowl", Supplier: "Jingdezhen Kilns", Origin: "CN", Units: 12},
	}
	rep, err := e.svc.Report(e.ctx, t0.AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.BySKU) != 2 {
		t.Fatalf("by SKU: %+v", rep.BySKU)
	}
	mug := rep.BySKU[0]
	if mug.Key != "MUG-RED" || mug.Returned != 2 || mug.Sold != 8 || !mug.Rate.Decimal.Equal(d("0.25")) ||
		mug.Reasons[ReasonDefective] != 1 || mug.Reasons[ReasonNotAsDescribed] != 1 || mug.Supplier != "Jingdezhen Kilns" {
		t.Errorf("mug: %+v", mug)
	}
	if tea := rep.BySKU[1]; tea.Returned != 1 || tea.Reasons[ReasonChangedMind] != 0 {
		t.Errorf("tea (the rejected return does not count): %+v", tea)
	}
	// The supplier's rate is over everything it sold: 2 of 8 + 12; the worst rate comes first.
	if len(rep.BySupplier) != 2 || rep.BySupplier[0].Key != "Alishan Tea" {
		t.Fatalf("by supplier: %+v", rep.BySupplier)
	}
	if s := rep.BySupplier[1]; s.Key != "Jingdezhen Kilns" || s.Sold != 20 || !s.Rate.Decimal.Equal(d("0.1")) {
		t.Errorf("by supplier: %+v", rep.BySupplier)
	}
	if len(rep.ByOrigin) != 2 || rep.ByOrigin[0].Key != "TW" {
		t.Errorf("by origin: %+v", rep.ByOrigin)
	}
}

func TestPoliciesAreSeeded(t *testing.T) {
	e := newEnv(t)
	byMarket := map[string]Policy{}
	for _, m := range []string{"DE", "FR", "NL", "IT", "ES", "IE", "GB", "US", "CA", "AU", "NZ", "JP", "KR", "SG", "AE", "CH", "NO"} {
		p, err := e.svc.Policy(e.ctx, m)
		if err != nil || p.Market != m {
			t.Fatalf("%s: %+v %v", m, p, err)
		}
		byMarket[m] = p
	}
	for _, m := range []string{"DE", "FR", "NL", "IT", "ES", "IE", "GB"} {
		if p := byMarket[m]; !p.RestockingFeeRate.IsZero() || !p.RefundShippingOnFullReturn || p.WithdrawalDays != 14 {
			t.Errorf("%s: %+v", m, p)
		}
	}
	for _, m := range []string{"US", "CA", "AU", "NZ", "JP", "KR", "SG", "AE", "CH", "NO"} {
		if p := byMarket[m]; !p.RestockingFeeRate.Equal(d("0.1")) || p.RefundShippingOnFullReturn {
			t.Errorf("%s: %+v", m, p)
		}
	}
	if p, err := e.svc.Policy(e.ctx, "ZZ"); err != nil || !p.RestockingFeeRate.IsZero() || p.WithdrawalDays != 0 {
		t.Errorf("a market without a policy: %+v %v", p, err)
	}
}
