package inventory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/pgtest"
)

func newService(t testing.TB) *Service {
	t.Helper()
	s, err := NewService(pgtest.NewPool(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// opsCtx is a request context of a signed-in ops user.
func opsCtx() context.Context {
	return actor.With(context.Background(), actor.Actor{UserID: 7, Email: "ops@example.com", Role: "ops"})
}

const opsLabel = "ops@example.com (#7)"

func mustWarehouse(t testing.TB, s *Service, code, country string, kind WarehouseKind) Warehouse {
	t.Helper()
	w, err := s.CreateWarehouse(context.Background(), Warehouse{Code: code, Name: code + " warehouse", Country: country, Kind: kind})
	if err != nil {
		t.Fatalf("create warehouse %s: %v", code, err)
	}
	return w
}

func mustReceive(t testing.TB, s *Service, variantID, warehouseID int64, qty int) {
	t.Helper()
	if err := s.Receive(opsCtx(), variantID, warehouseID, qty, "PO-1"); err != nil {
		t.Fatalf("receive %d of %d into %d: %v", qty, variantID, warehouseID, err)
	}
}

// level returns a variant's stock in one warehouse (zero when it has no row).
func level(t testing.TB, s *Service, variantID, warehouseID int64) StockLevel {
	t.Helper()
	levels, err := s.Stock(context.Background(), []int64{variantID})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range levels[variantID] {
		if l.WarehouseID == warehouseID {
			return l
		}
	}
	return StockLevel{WarehouseID: warehouseID}
}

func wantLevel(t testing.TB, s *Service, variantID, warehouseID int64, onHand, reserved int) {
	t.Helper()
	l := level(t, s, variantID, warehouseID)
	if l.OnHand != onHand || l.Reserved != reserved || l.Available != onHand-reserved {
		t.Errorf("variant %d in warehouse %d: on hand %d reserved %d available %d, want %d/%d/%d",
			variantID, warehouseID, l.OnHand, l.Reserved, l.Available, onHand, reserved, onHand-reserved)
	}
}

func mustCleanLedger(t testing.TB, s *Service) {
	t.Helper()
	mm, err := s.CheckLedger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mm {
		t.Errorf("ledger mismatch: %+v", m)
	}
}

// mustSell reserves and commits qty units, leaving sold movements.
func mustSell(t testing.TB, s *Service, ref string, variantID, warehouseID int64, qty int) {
	t.Helper()
	ctx := opsCtx()
	if _, err := s.Reserve(ctx, ref, []Allocation{{VariantID: variantID, WarehouseID: warehouseID, Quantity: qty}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("reserve %s: %v", ref, err)
	}
	if err := s.CommitReservation(ctx, ref); err != nil {
		t.Fatalf("commit %s: %v", ref, err)
	}
}

func TestLedgerMatchesStockAfterMixedOperations(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	cn := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	de := mustWarehouse(t, s, "DE-FRA", "DE", KindThirdParty)
	const v1, v2 = 101, 102
	mustReceive(t, s, v1, cn.ID, 50)
	mustReceive(t, s, v1, de.ID, 8)
	mustReceive(t, s, v2, cn.ID, 3)
	if err := s.Adjust(ctx, v1, cn.ID, -4, "damaged in transit"); err != nil {
		t.Fatal(err)
	}
	if err := s.Adjust(ctx, v2, de.ID, 2, "found in stock count"); err != nil {
		t.Fatal(err)
	}
	lines := []Allocation{{VariantID: v1, WarehouseID: cn.ID, Quantity: 5}, {VariantID: v2, WarehouseID: de.ID, Quantity: 1}}
	if _, err := s.Reserve(ctx, "order:1", lines, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(ctx, "order:2", []Allocation{{VariantID: v1, WarehouseID: de.ID, Quantity: 8}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(ctx, "order:3", []Allocation{{VariantID: v2, WarehouseID: cn.ID, Quantity: 2}}, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitReservation(ctx, "order:1"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseReservation(ctx, "order:2", "payment failed"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ReleaseExpired(context.Background(), time.Now().Add(2*time.Minute)); err != nil || n != 1 {
		t.Fatalf("release expired: %d %v", n, err)
	}
	if err := s.Return(ctx, v1, cn.ID, 2, "rma:1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reserve(ctx, "order:4", []Allocation{{VariantID: v1, WarehouseID: cn.ID, Quantity: 10}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	wantLevel(t, s, v1, cn.ID, 50-4-5+2, 10)
	wantLevel(t, s, v1, de.ID, 8, 0)
	wantLevel(t, s, v2, cn.ID, 3, 0)
	wantLevel(t, s, v2, de.ID, 2-1, 0)
	mustCleanLedger(t, s)

	// on hand is the sum of the on-hand movements, read back through the ledger API as well.
	moves, err := s.Ledger(ctx, v1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	sum := map[int64]int{}
	for _, m := range moves {
		switch m.Kind {
		case MoveReceived, MoveSold, MoveReturned, MoveAdjusted:
			sum[m.WarehouseID] += m.Quantity
		}
		if m.Actor == "" {
			t.Errorf("movement %d has no actor", m.ID)
		}
	}
	if sum[cn.ID] != 43 || sum[de.ID] != 8 {
		t.Errorf("ledger sums %v, want CN 43, DE 8", sum)
	}
	if moves[0].Kind != MoveReserved || moves[0].ReservationRef != "order:4" || moves[0].Actor != opsLabel {
		t.Errorf("latest movement %+v", moves[0])
	}

	// The check is not vacuous: a stock row changed behind the ledger's back is reported.
	if _, err := s.pool.Exec(context.Background(), `UPDATE inventory_stock SET on_hand = on_hand + 1 WHERE variant_id = $1 AND warehouse_id = $2`, v2, cn.ID); err != nil {
		t.Fatal(err)
	}
	mm, err := s.CheckLedger(context.Background())
	if err != nil || len(mm) != 1 || mm[0].VariantID != v2 || mm[0].OnHand != 4 || mm[0].LedgerOnHand != 3 {
		t.Errorf("tampered stock: %+v %v", mm, err)
	}
}

func TestMovementsRecordTheActorAndReason(t *testing.T) {
	s := newService(t)
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	if err := s.Receive(opsCtx(), 5, w.ID, 3, "PO-77"); err != nil {
		t.Fatal(err)
	}
	if err := s.Adjust(actor.With(context.Background(), actor.System), 5, w.ID, -1, "cycle count"); err != nil {
		t.Fatal(err)
	}
	moves, err := s.Ledger(context.Background(), 5, 10)
	if err != nil || len(moves) != 2 {
		t.Fatalf("ledger: %+v %v", moves, err)
	}
	if m := moves[1]; m.Kind != MoveReceived || m.Quantity != 3 || m.Actor != opsLabel || m.Reason != "PO-77" || m.WarehouseCode != "CN-SZX" {
		t.Errorf("receipt %+v", m)
	}
	if m := moves[0]; m.Kind != MoveAdjusted || m.Quantity != -1 || m.Actor != "system" || m.Reason != "cycle count" {
		t.Errorf("adjustment %+v", m)
	}
}

func TestConcurrentReservationsNeverOversell(t *testing.T) {
	s := newService(t)
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	const variant, stock, buyers = 7, 10, 200
	mustReceive(t, s, variant, w.ID, stock)
	expires := time.Now().Add(time.Hour)
	start := make(chan struct{})
	errs := make(chan error, buyers)
	for i := range buyers {
		go func() {
			<-start
			_, err := s.Reserve(opsCtx(), fmt.Sprintf("order:%d", i), []Allocation{{VariantID: variant, WarehouseID: w.ID, Quantity: 1}}, expires)
			errs <- err
		}()
	}
	close(start)
	ok, short := 0, 0
	for range buyers {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, ErrInsufficientStock) && errors.Is(err, httpx.ErrConflict):
			short++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != stock || short != buyers-stock {
		t.Errorf("%d reservations succeeded and %d were refused, want %d and %d", ok, short, stock, buyers-stock)
	}
	wantLevel(t, s, variant, w.ID, stock, stock)
	mustCleanLedger(t, s)
}

func TestMultiLineReservationIsAllOrNothing(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	mustReceive(t, s, 1, w.ID, 10)
	mustReceive(t, s, 2, w.ID, 1)
	lines := []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 4}, {VariantID: 2, WarehouseID: w.ID, Quantity: 2}}
	_, err := s.Reserve(ctx, "order:9", lines, time.Now().Add(time.Hour))
	var ue *httpx.UserError
	if !errors.Is(err, ErrInsufficientStock) || !errors.As(err, &ue) || ue.MessageID != "inventory.InsufficientStock" ||
		ue.Data["VariantID"] != int64(2) || ue.Data["Available"] != 1 || ue.Data["Requested"] != 2 {
		t.Fatalf("short second line: %v (%+v)", err, ue)
	}
	wantLevel(t, s, 1, w.ID, 10, 0)
	wantLevel(t, s, 2, w.ID, 1, 0)
	mustCleanLedger(t, s)
	// Nothing of the refused reservation remains, so the order can try again once stock arrives.
	mustReceive(t, s, 2, w.ID, 1)
	if _, err := s.Reserve(ctx, "order:9", lines, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("retry: %v", err)
	}
	wantLevel(t, s, 1, w.ID, 10, 4)
	wantLevel(t, s, 2, w.ID, 2, 2)
	if _, err := s.Reserve(ctx, "order:9", lines[:1], time.Now().Add(time.Hour)); !errors.Is(err, ErrReservationExists) {
		t.Errorf("same ref twice: %v", err)
	}
	mustCleanLedger(t, s)
}

func TestReserveTxLeavesTheCallersTransactionUsable(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	mustReceive(t, s, 1, w.ID, 3)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := s.ReserveTx(ctx, tx, "order:1", []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 5}}, time.Now().Add(time.Hour)); !errors.Is(err, ErrInsufficientStock) {
		t.Fatalf("too much: %v", err)
	}
	if _, err := s.ReserveTx(ctx, tx, "order:1", []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 2}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("after a refusal in the same transaction: %v", err)
	}
	wantLevel(t, s, 1, w.ID, 3, 0) // not committed yet: invisible outside
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	wantLevel(t, s, 1, w.ID, 3, 2)
	mustCleanLedger(t, s)
}

func TestExpiredReservationsAreReleasedOnce(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	mustReceive(t, s, 1, w.ID, 10)
	now := time.Now()
	line := func(q int) []Allocation { return []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: q}} }
	for ref, ttl := range map[string]time.Duration{"order:a": time.Minute, "order:b": 2 * time.Minute, "order:c": time.Hour} {
		if _, err := s.Reserve(ctx, ref, line(2), now.Add(ttl)); err != nil {
			t.Fatal(err)
		}
	}
	wantLevel(t, s, 1, w.ID, 10, 6)
	n, err := s.ReleaseExpired(context.Background(), now.Add(5*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("released %d, %v; want 2", n, err)
	}
	wantLevel(t, s, 1, w.ID, 10, 2)
	if n, err := s.ReleaseExpired(context.Background(), now.Add(5*time.Minute)); err != nil || n != 0 {
		t.Errorf("second run released %d, %v", n, err)
	}
	// An expired reservation cannot be paid for any more; releasing it again is a no-op.
	if err := s.CommitReservation(ctx, "order:a"); !errors.Is(err, ErrReservationClosed) || httpx.Status(err) != 409 {
		t.Errorf("commit expired: %v", err)
	}
	if err := s.ReleaseReservation(ctx, "order:a", ""); err != nil {
		t.Errorf("release expired: %v", err)
	}
	moves, _ := s.Ledger(ctx, 1, 1)
	if len(moves) != 1 || moves[0].Kind != MoveReleased || moves[0].Actor != "system" {
		t.Errorf("expiry movement: %+v", moves)
	}
	mustCleanLedger(t, s)
}

func TestParallelExpirySweepsReleaseEachReservationOnce(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	const reservations, sweepers = 40, 4
	mustReceive(t, s, 1, w.ID, reservations)
	now := time.Now()
	for i := range reservations {
		if _, err := s.Reserve(ctx, fmt.Sprintf("order:%d", i), []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 1}}, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	counts := make(chan int, sweepers)
	for range sweepers {
		go func() {
			n, err := s.ReleaseExpired(context.Background(), now.Add(time.Hour))
			if err != nil {
				t.Error(err)
			}
			counts <- n
		}()
	}
	total := 0
	for range sweepers {
		total += <-counts
	}
	if total != reservations {
		t.Errorf("sweeps released %d reservations, want %d", total, reservations)
	}
	wantLevel(t, s, 1, w.ID, reservations, 0)
	mustCleanLedger(t, s)
}

func TestConcurrentMultiLineReservationsDoNotDeadlock(t *testing.T) {
	s := newService(t)
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	const orders = 60
	for v := int64(1); v <= 3; v++ {
		mustReceive(t, s, v, w.ID, orders*2)
	}
	errs := make(chan error, orders)
	for i := range orders {
		// Half the orders list the variants in one order, half in the other.
		lines := []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 1}, {VariantID: 2, WarehouseID: w.ID, Quantity: 1}, {VariantID: 3, WarehouseID: w.ID, Quantity: 2}}
		if i%2 == 1 {
			lines[0], lines[2] = lines[2], lines[0]
		}
		go func() {
			_, err := s.Reserve(opsCtx(), fmt.Sprintf("order:%d", i), lines, time.Now().Add(time.Hour))
			errs <- err
		}()
	}
	for range orders {
		if err := <-errs; err != nil {
			t.Errorf("reserve: %v", err)
		}
	}
	wantLevel(t, s, 1, w.ID, orders*2, orders)
	wantLevel(t, s, 3, w.ID, orders*2, orders*2)
	mustCleanLedger(t, s)
}

func TestCommitIsIdempotent(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	mustReceive(t, s, 1, w.ID, 10)
	if _, err := s.Reserve(ctx, "order:1", []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 3}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.CommitReservation(ctx, "order:1"); err != nil {
			t.Fatalf("commit: %v", err)
		}
		wantLevel(t, s, 1, w.ID, 7, 0)
	}
	if err := s.ReleaseReservation(ctx, "order:1", "too late"); !errors.Is(err, ErrReservationClosed) {
		t.Errorf("release committed: %v", err)
	}
	if err := s.CommitReservation(ctx, "order:404"); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("commit unknown: %v", err)
	}
	// Release is idempotent too.
	if _, err := s.Reserve(ctx, "order:2", []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 2}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.ReleaseReservation(ctx, "order:2", "cancelled"); err != nil {
			t.Fatalf("release: %v", err)
		}
		wantLevel(t, s, 1, w.ID, 7, 0)
	}
	if err := s.CommitReservation(ctx, "order:2"); !errors.Is(err, ErrReservationClosed) {
		t.Errorf("commit released: %v", err)
	}
	mustCleanLedger(t, s)
}

func TestAdjustRefusesToGoBelowZeroOrReservations(t *testing.T) {
	s := newService(t)
	ctx := opsCtx()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	mustReceive(t, s, 1, w.ID, 5)
	if _, err := s.Reserve(ctx, "order:1", []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 3}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		variant, warehouse int64
		delta              int
		reason             string
		kind               error
		field, message     string
	}{
		{1, w.ID, -6, "count", ErrNegativeStock, "delta", "inventory.NegativeStock"},
		{1, w.ID, -3, "count", ErrBelowReserved, "delta", "inventory.AdjustBelowReserved"},
		{9, w.ID, -1, "count", ErrNegativeStock, "delta", "inventory.NegativeStock"},
		{1, w.ID, 0, "count", httpx.ErrInvalid, "delta", "inventory.DeltaNonZero"},
		{1, w.ID, 1, "  ", httpx.ErrInvalid, "reason", "inventory.ReasonRequired"},
		{1, w.ID + 99, 1, "count", ErrUnknownWarehouse, "warehouse", "inventory.WarehouseUnknown"},
		{1, w.ID + 99, -1, "count", ErrUnknownWarehouse, "warehouse", "inventory.WarehouseUnknown"},
	}
	for _, c := range cases {
		err := s.Adjust(ctx, c.variant, c.warehouse, c.delta, c.reason)
		fe, ok := httpx.AsFieldErrors(err)
		if !errors.Is(err, c.kind) || httpx.Status(err) != 422 || !ok || fe[0].Field != c.field || fe[0].MessageID != c.message {
			t.Errorf("adjust %+v: %v", c, err)
		}
	}
	if err := s.Adjust(ctx, 1, w.ID, -2, "count"); err != nil {
		t.Errorf("adjust down to the reserved units: %v", err)
	}
	wantLevel(t, s, 1, w.ID, 3, 3)
	for _, qty := range []int{0, -1, MaxQuantity + 1} {
		if err := s.Receive(ctx, 1, w.ID, qty, ""); httpx.Status(err) != 422 {
			t.Errorf("receive %d: %v", qty, err)
		}
	}
	if err := s.Return(ctx, 1, w.ID, 1, ""); httpx.Status(err) != 422 {
		t.Errorf("return without ref: %v", err)
	}
	wantLevel(t, s, 1, w.ID, 3, 3)
	mustCleanLedger(t, s)
}

func TestAllocatePrefersTheDestinationThenOwnThenLargest(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	cn := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	de := mustWarehouse(t, s, "DE-FRA", "DE", KindThirdParty)
	us := mustWarehouse(t, s, "US-LAX", "US", KindThirdParty)
	us2 := mustWarehouse(t, s, "US-JFK", "US", KindThirdParty)
	const v = 1
	mustReceive(t, s, v, cn.ID, 10)
	mustReceive(t, s, v, de.ID, 4)
	mustReceive(t, s, v, us.ID, 3)
	mustReceive(t, s, v, us2.ID, 6)
	type alloc struct {
		wh  int64
		qty int
	}
	cases := []struct {
		name      string
		qty       int
		countries []string
		want      []alloc
	}{
		{"destination warehouse has enough", 4, []string{"DE"}, []alloc{{de.ID, 4}}},
		{"destination short: own warehouse, no split", 5, []string{"DE"}, []alloc{{cn.ID, 5}}},
		{"largest of two in the destination", 3, []string{"US"}, []alloc{{us2.ID, 3}}},
		{"smaller one in the destination when the larger lacks", 2, []string{"us"}, []alloc{{us2.ID, 2}}},
		{"no preference: own first", 2, nil, []alloc{{cn.ID, 2}}},
		{"earlier country wins", 3, []string{"DE", "US"}, []alloc{{de.ID, 3}}},
		{"nobody has enough: split in preference order", 12, []string{"US"}, []alloc{{us2.ID, 6}, {us.ID, 3}, {cn.ID, 3}}},
		{"everything", 23, []string{"DE"}, []alloc{{de.ID, 4}, {cn.ID, 10}, {us2.ID, 6}, {us.ID, 3}}},
	}
	for _, c := range cases {
		got, err := s.Allocate(ctx, []Item{{VariantID: v, Quantity: c.qty}}, c.countries)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var short []alloc
		for _, a := range got {
			short = append(short, alloc{a.WarehouseID, a.Quantity})
		}
		if fmt.Sprint(short) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, short, c.want)
		}
	}
	_, err := s.Allocate(ctx, []Item{{VariantID: v, Quantity: 20}, {VariantID: v, Quantity: 4}}, nil)
	var ue *httpx.UserError
	if !errors.Is(err, ErrInsufficientStock) || !errors.As(err, &ue) || ue.Data["Available"] != 23 || ue.Data["Requested"] != 24 {
		t.Errorf("too much: %v", err)
	}
	if _, err := s.Allocate(ctx, []Item{{VariantID: 2, Quantity: 1}}, nil); !errors.Is(err, ErrInsufficientStock) {
		t.Errorf("unstocked variant: %v", err)
	}
	// Allocate only reads, and reserved stock is not available to it.
	wantLevel(t, s, v, cn.ID, 10, 0)
	if _, err := s.Reserve(ctx, "order:1", []Allocation{{VariantID: v, WarehouseID: de.ID, Quantity: 3}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Allocate(ctx, []Item{{VariantID: v, Quantity: 2}}, []string{"DE"})
	if err != nil || len(got) != 1 || got[0].WarehouseID != cn.ID || got[0].WarehouseCountry != "CN" {
		t.Errorf("after reserving in DE: %+v %v", got, err)
	}
}

func TestInactiveWarehousesAreNotSold(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	cn := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	de := mustWarehouse(t, s, "DE-FRA", "DE", KindThirdParty)
	mustReceive(t, s, 1, cn.ID, 2)
	mustReceive(t, s, 1, de.ID, 5)
	if _, err := s.pool.Exec(ctx, `UPDATE inventory_warehouses SET active = false WHERE id = $1`, de.ID); err != nil {
		t.Fatal(err)
	}
	avail, err := s.Available(ctx, []int64{1, 2})
	if err != nil || avail[1] != 2 || avail[2] != 0 || len(avail) != 2 {
		t.Errorf("available: %v %v", avail, err)
	}
	if _, err := s.Reserve(ctx, "order:1", []Allocation{{VariantID: 1, WarehouseID: de.ID, Quantity: 1}}, time.Now().Add(time.Hour)); !errors.Is(err, ErrInsufficientStock) {
		t.Errorf("reserve in an inactive warehouse: %v", err)
	}
	levels, err := s.Stock(ctx, []int64{1})
	if err != nil || len(levels[1]) != 2 || levels[1][1].Active || levels[1][1].OnHand != 5 {
		t.Errorf("stock still lists the inactive warehouse: %+v %v", levels, err)
	}
}

func TestStockAndAvailableForManyVariants(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	cn := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	de := mustWarehouse(t, s, "DE-FRA", "DE", KindThirdParty)
	var ids []int64
	for v := int64(1); v <= 30; v++ {
		mustReceive(t, s, v, cn.ID, int(v))
		if v%2 == 0 {
			mustReceive(t, s, v, de.ID, 100)
		}
		ids = append(ids, v)
	}
	ids = append(ids, 999)
	levels, err := s.Stock(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	avail, err := s.Available(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for v := int64(1); v <= 30; v++ {
		wantWarehouses, wantAvail := 1, int(v)
		if v%2 == 0 {
			wantWarehouses, wantAvail = 2, int(v)+100
		}
		if len(levels[v]) != wantWarehouses || levels[v][0].Code != "CN-SZX" || avail[v] != wantAvail {
			t.Errorf("variant %d: %+v, available %d", v, levels[v], avail[v])
		}
	}
	if _, ok := levels[999]; ok || avail[999] != 0 {
		t.Errorf("unstocked variant: %+v %d", levels[999], avail[999])
	}
}

func TestLowStockUsesThresholds(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	mustReceive(t, s, 1, w.ID, 5)  // at the default threshold: low
	mustReceive(t, s, 2, w.ID, 6)  // above it
	mustReceive(t, s, 3, w.ID, 6)  // above the default, below its own threshold
	mustReceive(t, s, 4, w.ID, 20) // reserved down to 4 available: low
	mustReceive(t, s, 5, w.ID, 1)  // threshold 0: only when sold out
	mustSell(t, s, "order:5", 5, w.ID, 1)
	mustReceive(t, s, 6, w.ID, 1) // threshold 0, one left: fine
	if _, err := s.Reserve(ctx, "order:4", []Allocation{{VariantID: 4, WarehouseID: w.ID, Quantity: 16}}, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for v, th := range map[int64]int{3: 10, 5: 0, 6: 0} {
		if err := s.SetThreshold(ctx, v, th); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetThreshold(ctx, 3, -1); httpx.Status(err) != 422 {
		t.Errorf("negative threshold: %v", err)
	}
	rows, err := s.LowStock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]LowStockRow{}
	for _, r := range rows {
		got[r.VariantID] = r
	}
	if len(got) != 4 || got[1].Threshold != DefaultThreshold || got[3].Threshold != 10 || got[4].Available != 4 ||
		got[4].Reserved != 16 || got[5].Available != 0 {
		t.Errorf("low stock: %+v", rows)
	}
	if rows[0].VariantID != 5 {
		t.Errorf("emptiest first: %+v", rows)
	}
	if th, err := s.Threshold(ctx, 3); err != nil || th != 10 {
		t.Errorf("threshold of 3: %d %v", th, err)
	}
	if th, err := s.Threshold(ctx, 2); err != nil || th != DefaultThreshold {
		t.Errorf("default threshold: %d %v", th, err)
	}
}

func TestLowTurnoverClassification(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	w := mustWarehouse(t, s, "CN-SZX", "CN", KindOwn)
	stockAndSell := func(v int64, stock, sold int) {
		t.Helper()
		mustReceive(t, s, v, w.ID, stock+sold)
		if sold > 0 {
			mustSell(t, s, fmt.Sprintf("order:%d", v), v, w.ID, sold)
		}
	}
	stockAndSell(1, 100, 10) // 900 days of cover: slow
	stockAndSell(2, 10, 90)  // 10 days: fine
	stockAndSell(3, 182, 90) // exactly six months: fine
	stockAndSell(4, 183, 90) // just over: slow
	stockAndSell(5, 5, 0)    // never sold: slow
	stockAndSell(6, 0, 30)   // sold out: nothing to turn over
	stockAndSell(7, 50, 40)  // sold well, but long ago (below): slow
	if _, err := s.pool.Exec(ctx, `UPDATE inventory_movements SET created_at = now() - interval '100 days' WHERE variant_id = 7 AND kind = 'sold'`); err != nil {
		t.Fatal(err)
	}
	rows, err := s.LowTurnover(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		days, ok := r.DaysOfCover()
		got = append(got, fmt.Sprintf("%d:%d/%d:%d:%v", r.VariantID, r.Available, r.Sold, days, ok))
	}
	// Never sold (in the window) first, then the slowest.
	want := "[5:5/0:0:false 7:50/0:0:false 1:100/10:900:true 4:183/90:183:true]"
	if fmt.Sprint(got) != want {
		t.Errorf("low turnover = %v, want %v", got, want)
	}
	// Seen from 100 days ago, variant 7's sales are recent (and the later ones are in the future).
	rows, err = s.LowTurnover(ctx, time.Now().Add(-99*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.VariantID == 7 {
			t.Errorf("variant 7 sold 40 in the window ending 99 days ago: %+v", r)
		}
	}
}

func TestWarehousesAreValidatedAndSeededIdempotently(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	_, err := s.CreateWarehouse(ctx, Warehouse{Code: "x", Name: "", Country: "XX", Kind: "mine"})
	fe, ok := httpx.AsFieldErrors(err)
	if !ok || fe.For("code") == nil || fe.For("name") == nil || fe.For("country") == nil || fe.For("kind") == nil {
		t.Errorf("validation: %v", err)
	}
	for _, country := range []string{"UK", "EU", "ZZ", "D", "DEU"} {
		if _, err := s.CreateWarehouse(ctx, Warehouse{Code: "W-1", Name: "W", Country: country, Kind: KindOwn}); httpx.Status(err) != 422 {
			t.Errorf("country %q accepted: %v", country, err)
		}
	}
	first, err := s.SeedDemoWarehouses(ctx)
	if err != nil || len(first) != 3 {
		t.Fatalf("seed: %+v %v", first, err)
	}
	second, err := s.SeedDemoWarehouses(ctx)
	if err != nil || fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("second seed: %+v %v", second, err)
	}
	all, err := s.Warehouses(ctx)
	if err != nil || len(all) != 3 || all[0].Code != "CN-SZX" || all[0].Kind != KindOwn || all[1].Country != "DE" ||
		all[2].Kind != KindThirdParty || !all[2].Active {
		t.Errorf("warehouses: %+v %v", all, err)
	}
	if _, err := s.CreateWarehouse(ctx, Warehouse{Code: " de-fra ", Name: "Again", Country: "de", Kind: KindOwn}); !errors.Is(err, ErrWarehouseCodeTaken) || httpx.Status(err) != 409 {
		t.Errorf("duplicate code: %v", err)
	}
	if w, err := s.Warehouse(ctx, first[1].ID); err != nil || w.Name != "Frankfurt" {
		t.Errorf("warehouse by id: %+v %v", w, err)
	}
	if _, err := s.Warehouse(ctx, 4242); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("unknown warehouse: %v", err)
	}
}

func BenchmarkReserve(b *testing.B) {
	s := newService(b)
	ctx := opsCtx()
	w := mustWarehouse(b, s, "CN-SZX", "CN", KindOwn)
	mustReceive(b, s, 1, w.ID, 1000)
	lines := []Allocation{{VariantID: 1, WarehouseID: w.ID, Quantity: 1}}
	expires := time.Now().Add(time.Hour)
	for i := 0; b.Loop(); i++ {
		ref := "bench:" + fmt.Sprint(i)
		if _, err := s.Reserve(ctx, ref, lines, expires); err != nil {
			b.Fatal(err)
		}
		if err := s.ReleaseReservation(ctx, ref, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestShownStockIsAtMostMaxAgeOld: storefront pages may show stock up to ShownStockMaxAge old, never older, while
// Available (what selling uses) is always live.
func TestShownStockIsAtMostMaxAgeOld(t *testing.T) {
	s := newService(t)
	w := mustWarehouse(t, s, "CN-SZ", "CN", KindOwn)
	mustReceive(t, s, 501, w.ID, 3)
	shown, err := s.AvailableToShow(context.Background(), []int64{501, 502})
	if err != nil || shown[501] != 3 || shown[502] != 0 {
		t.Fatalf("shown %v %v", shown, err)
	}
	mustSell(t, s, "order:1", 501, w.ID, 3)
	if live, _ := s.Available(context.Background(), []int64{501}); live[501] != 0 {
		t.Fatalf("live stock after selling out: %d", live[501])
	}
	if shown, _ := s.AvailableToShow(context.Background(), []int64{501}); shown[501] != 3 {
		t.Errorf("within the max age the page may show the earlier figure, got %d", shown[501])
	}
	if a, err := s.AllocateToShow(context.Background(), []Item{{VariantID: 501, Quantity: 1}}, []string{"DE"}); err != nil ||
		len(a) != 1 || a[0].WarehouseCountry != "CN" {
		t.Errorf("shown source within the max age: %+v %v", a, err)
	}
	if _, err := s.Allocate(context.Background(), []Item{{VariantID: 501, Quantity: 1}}, nil); err == nil {
		t.Error("live allocation found stock that was sold")
	}
	time.Sleep(ShownStockMaxAge + 50*time.Millisecond)
	if shown, _ := s.AvailableToShow(context.Background(), []int64{501}); shown[501] != 0 {
		t.Errorf("stock shown after the max age: %d, want 0", shown[501])
	}
	if _, err := s.AllocateToShow(context.Background(), []Item{{VariantID: 501, Quantity: 1}}, nil); err == nil {
		t.Error("a shown source after the max age for stock that was sold")
	}
}
