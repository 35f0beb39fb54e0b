// Package inventory owns the shop's warehouses (its own and overseas third-party ones), the stock of every
// catalog variant per warehouse, kept as a ledger of movements, and reservations that hold stock for an order
// until it is paid, released or expires. It also reports low stock and slow-moving stock to the back office.
//
// Variants are the catalog's: the module knows only their IDs and asks a VariantLabeler, which the caller
// provides, for their SKUs and titles.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/language"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// WarehouseKind says who runs a warehouse.
type WarehouseKind string

// The kinds of warehouse: the shop's own, or an overseas third-party logistics (3PL) provider's.
const (
	KindOwn        WarehouseKind = "own"
	KindThirdParty WarehouseKind = "third_party"
)

// WarehouseKinds lists the kinds in display order.
var WarehouseKinds = []WarehouseKind{KindOwn, KindThirdParty}

// Warehouse is a place stock is kept and shipped from. Country (ISO 3166-1 alpha-2) decides whether a shipment
// is a domestic sale or an import for its destination.
type Warehouse struct {
	ID        int64
	Code      string // "DE-FRA": upper-case letters, digits and hyphens
	Name      string
	Country   string
	Kind      WarehouseKind
	Active    bool // only active warehouses' stock can be allocated and reserved
	CreatedAt time.Time
}

// MovementKind is what a ledger entry did to a stock row.
type MovementKind string

// The movement kinds. On hand changes with received (+), sold (−), returned (+) and adjusted (±); reserved
// with reserved (+), released (−), and sold (−) when the sale consumes a reservation.
const (
	MoveReceived MovementKind = "received"
	MoveSold     MovementKind = "sold"
	MoveReserved MovementKind = "reserved"
	MoveReleased MovementKind = "released"
	MoveReturned MovementKind = "returned"
	MoveAdjusted MovementKind = "adjusted"
)

// Movement is one ledger entry: a signed quantity, who made the change and why.
type Movement struct {
	ID             int64
	VariantID      int64
	WarehouseID    int64
	WarehouseCode  string
	Kind           MovementKind
	Quantity       int
	ReservationRef string // the reservation's ref for reserved, released and sold movements
	Actor          string
	Reason         string
	CreatedAt      time.Time
}

// StockLevel is a variant's stock in one warehouse. Available = OnHand − Reserved.
type StockLevel struct {
	WarehouseID int64
	Code        string
	Name        string
	Country     string
	Kind        WarehouseKind
	Active      bool
	OnHand      int
	Reserved    int
	Available   int
}

// Item is a quantity of a variant wanted, the input of Allocate.
type Item struct {
	VariantID int64
	Quantity  int
}

// Allocation is a quantity of a variant to ship from one warehouse: the output of Allocate and a line of a
// reservation.
type Allocation struct {
	VariantID        int64
	WarehouseID      int64
	WarehouseCountry string
	Quantity         int
}

// LowStockRow is a variant whose available stock is at or below its threshold.
type LowStockRow struct {
	VariantID int64
	OnHand    int
	Reserved  int
	Available int
	Threshold int
}

// TurnoverRow is a variant whose available stock would take more than six months to sell at the rate of the
// last 90 days, or that sold nothing in that time.
type TurnoverRow struct {
	VariantID int64
	Available int
	Sold      int // units sold in the last 90 days
}

// DaysOfCover is how many days the available stock lasts at the recent rate; ok is false when nothing sold.
func (r TurnoverRow) DaysOfCover() (days int, ok bool) {
	if r.Sold <= 0 {
		return 0, false
	}
	return r.Available * TurnoverWindowDays / r.Sold, true
}

// Mismatch is a stock row that disagrees with its ledger or with its open reservations; CheckLedger lists them.
type Mismatch struct {
	VariantID          int64
	WarehouseID        int64
	OnHand             int
	LedgerOnHand       int // sum of the on-hand movements
	Reserved           int
	LedgerReserved     int // sum of the reserving movements
	HeldByReservations int // sum of the active reservations' lines
}

// Limits and defaults.
const (
	// DefaultThreshold is the low-stock threshold of variants without their own.
	DefaultThreshold = 5
	// TurnoverWindowDays is the window of recent sales that sets a variant's rate of sale.
	TurnoverWindowDays = 90
	// MaxCoverDays is how long stock may last at that rate before it counts as slow-moving (six months).
	MaxCoverDays = 182
	// MaxQuantity bounds a single movement, far above any real one, so sums stay well inside integer range.
	MaxQuantity = 1_000_000
	maxReason   = 500
	maxRef      = 200
)

// Errors. Each wraps a kind of httpx; the user errors built on them carry a message ID (and data) for people.
var (
	// ErrInsufficientStock (ErrConflict): less stock is available than asked for.
	ErrInsufficientStock = fmt.Errorf("inventory: insufficient stock: %w", httpx.ErrConflict)
	// ErrNegativeStock (ErrInvalid): an adjustment would take on-hand stock below zero.
	ErrNegativeStock = fmt.Errorf("inventory: stock would be negative: %w", httpx.ErrInvalid)
	// ErrBelowReserved (ErrInvalid): an adjustment would leave less on hand than is reserved.
	ErrBelowReserved = fmt.Errorf("inventory: stock would not cover its reservations: %w", httpx.ErrInvalid)
	// ErrReservationExists (ErrConflict): the ref has been reserved before.
	ErrReservationExists = httpx.Fail(httpx.ErrConflict, "inventory.ReservationExists", nil)
	// ErrReservationClosed (ErrConflict): the reservation was released or expired, or was already sold.
	ErrReservationClosed = fmt.Errorf("inventory: reservation closed: %w", httpx.ErrConflict)
	// ErrWarehouseCodeTaken (ErrConflict): another warehouse has the code.
	ErrWarehouseCodeTaken = &httpx.UserError{Kind: httpx.ErrConflict, Field: "code", MessageID: "inventory.WarehouseCodeTaken"}
	// ErrUnknownWarehouse (ErrInvalid): no warehouse has the ID given in a form or call.
	ErrUnknownWarehouse = httpx.Invalid("warehouse", "inventory.WarehouseUnknown", nil)
)

// ReservationStatus is where a reservation is in its life.
type ReservationStatus string

// The reservation statuses: active holds stock; committed turned it into sales; released and expired gave
// it back.
const (
	ReservationActive    ReservationStatus = "active"
	ReservationCommitted ReservationStatus = "committed"
	ReservationReleased  ReservationStatus = "released"
	ReservationExpired   ReservationStatus = "expired"
)

// Service is the inventory module's API.
type Service struct {
	pool  *pgxpool.Pool
	log   *slog.Logger
	shown shownStock
}

// NewService returns the inventory service on pool.
func NewService(pool *pgxpool.Pool, log *slog.Logger) (*Service, error) {
	if pool == nil || log == nil {
		return nil, errors.New("inventory: NewService needs a pool and a logger")
	}
	return &Service{pool: pool, log: log}, nil
}

func (s *Service) store() store { return store{db: s.pool} }

// normalizeWarehouse cleans up and validates a new warehouse. Errors: field errors (ErrInvalid).
func normalizeWarehouse(w Warehouse) (Warehouse, error) {
	var fe httpx.FieldErrors
	w.Code = strings.ToUpper(strings.TrimSpace(w.Code))
	if !validCode(w.Code) {
		fe.Add("code", "inventory.WarehouseCodeInvalid", nil)
	}
	w.Name = strings.TrimSpace(w.Name)
	switch n := len([]rune(w.Name)); {
	case n == 0:
		fe.Add("name", "inventory.WarehouseNameRequired", nil)
	case n > 100:
		fe.Add("name", "inventory.WarehouseNameTooLong", map[string]any{"Max": 100})
	}
	w.Country = strings.ToUpper(strings.TrimSpace(w.Country))
	if !validCountry(w.Country) {
		fe.Add("country", "inventory.CountryInvalid", nil)
	}
	if w.Kind != KindOwn && w.Kind != KindThirdParty {
		fe.Add("kind", "inventory.WarehouseKindInvalid", nil)
	}
	return w, fe.Err()
}

// validCode accepts 2 to 20 upper-case letters, digits and hyphens, starting with a letter or digit.
func validCode(code string) bool {
	if len(code) < 2 || len(code) > 20 || code[0] == '-' {
		return false
	}
	for _, c := range code {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validCountry accepts the ISO 3166-1 alpha-2 code of a country, in its canonical form ("GB", not "UK").
func validCountry(code string) bool {
	if len(code) != 2 {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.Canonicalize().String() == code
}

// CreateWarehouse validates and creates a warehouse (active). Errors: field errors (ErrInvalid) for a bad code,
// name, country or kind; ErrWarehouseCodeTaken (ErrConflict).
func (s *Service) CreateWarehouse(ctx context.Context, w Warehouse) (Warehouse, error) {
	w, err := normalizeWarehouse(w)
	if err != nil {
		return Warehouse{}, err
	}
	w.Active = true
	return s.store().insertWarehouse(ctx, w)
}

// EnsureWarehouse returns the warehouse with w's code, creating it (active) from w when there is none; an
// existing warehouse is returned as it is. The demo seed uses it, so seeding twice changes nothing.
// Errors: field errors (ErrInvalid).
func (s *Service) EnsureWarehouse(ctx context.Context, w Warehouse) (Warehouse, error) {
	w, err := normalizeWarehouse(w)
	if err != nil {
		return Warehouse{}, err
	}
	w.Active = true
	return s.store().ensureWarehouse(ctx, w)
}

// Warehouses lists every warehouse, active or not, by code.
func (s *Service) Warehouses(ctx context.Context) ([]Warehouse, error) {
	return s.store().warehouses(ctx)
}

// Warehouse returns a warehouse by ID. Errors: ErrNotFound.
func (s *Service) Warehouse(ctx context.Context, id int64) (Warehouse, error) {
	return s.store().warehouse(ctx, id)
}

// DemoWarehouses are the demo shop's warehouses: the home warehouse in China and two overseas ones.
var DemoWarehouses = []Warehouse{
	{Code: "CN-SZX", Name: "Shenzhen", Country: "CN", Kind: KindOwn},
	{Code: "DE-FRA", Name: "Frankfurt", Country: "DE", Kind: KindThirdParty},
	{Code: "US-LAX", Name: "Los Angeles", Country: "US", Kind: KindThirdParty},
}

// SeedDemoWarehouses ensures the DemoWarehouses exist and returns them in that order; it is idempotent.
func (s *Service) SeedDemoWarehouses(ctx context.Context) ([]Warehouse, error) {
	out := make([]Warehouse, 0, len(DemoWarehouses))
	for _, w := range DemoWarehouses {
		got, err := s.EnsureWarehouse(ctx, w)
		if err != nil {
			return nil, fmt.Errorf("inventory: seed warehouse %s: %w", w.Code, err)
		}
		out = append(out, got)
	}
	return out, nil
}

func checkVariant(variantID int64) error {
	if variantID <= 0 {
		return fmt.Errorf("inventory: variant %d: %w", variantID, httpx.ErrNotFound)
	}
	return nil
}

// checkQuantity accepts 1 … MaxQuantity.
func checkQuantity(field string, qty int) error {
	switch {
	case qty <= 0:
		return httpx.Invalid(field, "inventory.QuantityPositive", nil)
	case qty > MaxQuantity:
		return httpx.Invalid(field, "inventory.QuantityTooLarge", map[string]any{"Max": MaxQuantity})
	}
	return nil
}

func checkReason(field, reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "" && required:
		return "", httpx.Invalid(field, "inventory.ReasonRequired", nil)
	case len([]rune(reason)) > maxReason:
		return "", httpx.Invalid(field, "inventory.ReasonTooLong", map[string]any{"Max": maxReason})
	}
	return reason, nil
}

// Receive books qty units (> 0) of a variant into a warehouse (kind received); reason is optional (a purchase
// order, a supplier's delivery note). An inactive warehouse can receive stock; it is not sold from there until
// the warehouse is active again. The actor is the context's. Errors: ErrInvalid (field "quantity" or
// "reason"); ErrUnknownWarehouse (ErrInvalid); ErrNotFound for a variant ID ≤ 0.
func (s *Service) Receive(ctx context.Context, variantID, warehouseID int64, qty int, reason string) error {
	return s.addStock(ctx, s.pool, variantID, warehouseID, qty, reason, false, MoveReceived)
}

// Return books qty units (> 0) of a returned variant back into stock (kind returned); ref names the return
// ("rma:42") and is required. Errors: as Receive, and ErrInvalid (field "reason") without a ref.
func (s *Service) Return(ctx context.Context, variantID, warehouseID int64, qty int, ref string) error {
	return s.addStock(ctx, s.pool, variantID, warehouseID, qty, ref, true, MoveReturned)
}

// ReturnTx is Return inside the caller's transaction, so the units come back exactly when the caller's change
// commits (an order's cancellation, a return's inspection).
func (s *Service) ReturnTx(ctx context.Context, tx pgx.Tx, variantID, warehouseID int64, qty int, ref string) error {
	return s.addStock(ctx, tx, variantID, warehouseID, qty, ref, true, MoveReturned)
}

func (s *Service) addStock(ctx context.Context, db postgres.Beginner, variantID, warehouseID int64, qty int, reason string, reasonRequired bool, kind MovementKind) error {
	if err := checkVariant(variantID); err != nil {
		return err
	}
	if err := checkQuantity("quantity", qty); err != nil {
		return err
	}
	reason, err := checkReason("reason", reason, reasonRequired)
	if err != nil {
		return err
	}
	who := actor.Label(ctx)
	return postgres.Transact(ctx, db, func(tx pgx.Tx) error {
		st := store{db: tx}
		if err := st.increaseOnHand(ctx, variantID, warehouseID, qty); err != nil {
			return err
		}
		return st.insertMovement(ctx, movement{variantID: variantID, warehouseID: warehouseID, kind: kind,
			quantity: qty, actor: who, reason: reason})
	})
}

// Adjust corrects a variant's on-hand stock in a warehouse by delta (≠ 0; negative for shrinkage, damage,
// a stock count below the books), with a required reason (kind adjusted). Errors: ErrInvalid (fields "delta",
// "reason"); ErrNegativeStock or ErrBelowReserved (ErrInvalid, field "delta") when the stock would go below
// zero or below what is reserved; ErrUnknownWarehouse (ErrInvalid); ErrNotFound for a variant ID ≤ 0.
func (s *Service) Adjust(ctx context.Context, variantID, warehouseID int64, delta int, reason string) error {
	if err := checkVariant(variantID); err != nil {
		return err
	}
	if delta == 0 {
		return httpx.Invalid("delta", "inventory.DeltaNonZero", nil)
	}
	if err := checkQuantity("delta", abs(delta)); err != nil {
		return err
	}
	reason, err := checkReason("reason", reason, true)
	if err != nil {
		return err
	}
	who := actor.Label(ctx)
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		if delta > 0 {
			if err := st.increaseOnHand(ctx, variantID, warehouseID, delta); err != nil {
				return err
			}
		} else {
			ok, err := st.decreaseOnHand(ctx, variantID, warehouseID, -delta)
			if err != nil {
				return err
			}
			if !ok {
				return s.adjustRefusal(ctx, st, variantID, warehouseID, delta)
			}
		}
		return st.insertMovement(ctx, movement{variantID: variantID, warehouseID: warehouseID, kind: MoveAdjusted,
			quantity: delta, actor: who, reason: reason})
	})
}

// adjustRefusal explains why a negative adjustment was refused.
func (s *Service) adjustRefusal(ctx context.Context, st store, variantID, warehouseID int64, delta int) error {
	if _, err := st.warehouse(ctx, warehouseID); errors.Is(err, httpx.ErrNotFound) {
		return fmt.Errorf("inventory: warehouse %d: %w", warehouseID, ErrUnknownWarehouse)
	} else if err != nil {
		return err
	}
	onHand, reserved, err := st.stockRow(ctx, variantID, warehouseID)
	if err != nil {
		return err
	}
	data := map[string]any{"OnHand": onHand, "Reserved": reserved, "Max": max(onHand-reserved, 0)}
	if onHand+delta < 0 {
		return &httpx.UserError{Kind: ErrNegativeStock, Field: "delta", MessageID: "inventory.NegativeStock", Data: data}
	}
	return &httpx.UserError{Kind: ErrBelowReserved, Field: "delta", MessageID: "inventory.AdjustBelowReserved", Data: data}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Stock returns each variant's stock per warehouse (every warehouse holding a stock row, active or not,
// by code), in one query whatever the number of IDs. Variants without stock are absent from the map.
func (s *Service) Stock(ctx context.Context, variantIDs []int64) (map[int64][]StockLevel, error) {
	if len(variantIDs) == 0 {
		return map[int64][]StockLevel{}, nil
	}
	return s.store().stockLevels(ctx, variantIDs)
}

// Available returns each variant's total available stock in active warehouses (what can be sold now), in one
// query; every ID asked for is in the map, with 0 when there is none.
func (s *Service) Available(ctx context.Context, variantIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(variantIDs))
	for _, id := range variantIDs {
		out[id] = 0
	}
	if len(variantIDs) == 0 {
		return out, nil
	}
	rows, err := s.store().sellable(ctx, variantIDs)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.variantID] += r.available
	}
	return out, nil
}

// Variants lists the IDs of variants that have stock rows, a page at a time, by ID.
func (s *Service) Variants(ctx context.Context, limit, offset int) ([]int64, error) {
	return s.store().stockedVariants(ctx, limit, offset)
}

// insufficient is the user error for a variant that lacks stock.
func insufficient(variantID int64, requested, available int) error {
	return &httpx.UserError{Kind: ErrInsufficientStock, MessageID: "inventory.InsufficientStock",
		Data: map[string]any{"VariantID": variantID, "Requested": requested, "Available": available}}
}

// Allocate chooses the warehouses to ship items from, without reserving anything. For each variant it takes
// one warehouse with enough available stock if there is one, preferring warehouses in preferredCountries
// (the destination's customs territory: a domestic sale; earlier countries first), then the shop's own
// warehouses, then the one with most available; only when no single warehouse has enough is the quantity
// split across warehouses in that same order. Items of the same variant are added up; allocations follow
// the items' order. Errors: ErrInvalid (field "quantity") for a quantity ≤ 0; ErrNotFound for a variant ID
// ≤ 0; ErrInsufficientStock (ErrConflict, message inventory.InsufficientStock with VariantID, Requested and
// Available) for the first variant that lacks stock.
func (s *Service) Allocate(ctx context.Context, items []Item, preferredCountries []string) ([]Allocation, error) {
	order, want, err := wanted(items)
	if err != nil || len(order) == 0 {
		return nil, err
	}
	rows, err := s.store().sellable(ctx, order)
	if err != nil {
		return nil, err
	}
	return allocate(rows, order, want, preferredCountries)
}

// wanted checks items and sums the units wanted per variant, keeping the variants' first-seen order.
func wanted(items []Item) ([]int64, map[int64]int, error) {
	var order []int64
	want := map[int64]int{}
	for _, it := range items {
		if err := checkVariant(it.VariantID); err != nil {
			return nil, nil, err
		}
		if err := checkQuantity("quantity", it.Quantity); err != nil {
			return nil, nil, err
		}
		if _, seen := want[it.VariantID]; !seen {
			order = append(order, it.VariantID)
		}
		want[it.VariantID] += it.Quantity
	}
	return order, want, nil
}

// allocate chooses warehouses for the wanted units of each variant (in order) from their sellable stock.
func allocate(rows []sellable, order []int64, want map[int64]int, preferredCountries []string) ([]Allocation, error) {
	rank := map[string]int{}
	for i, c := range preferredCountries {
		c = strings.ToUpper(c)
		if _, dup := rank[c]; !dup {
			rank[c] = i
		}
	}
	rankOf := func(country string) int {
		if r, ok := rank[country]; ok {
			return r
		}
		return len(preferredCountries)
	}
	byVariant := map[int64][]sellable{}
	for _, r := range rows {
		byVariant[r.variantID] = append(byVariant[r.variantID], r)
	}
	var out []Allocation
	for _, v := range order {
		cands := byVariant[v]
		sort.Slice(cands, func(i, j int) bool {
			a, b := cands[i], cands[j]
			if ra, rb := rankOf(a.country), rankOf(b.country); ra != rb {
				return ra < rb
			}
			if (a.kind == KindOwn) != (b.kind == KindOwn) {
				return a.kind == KindOwn
			}
			if a.available != b.available {
				return a.available > b.available
			}
			return a.warehouseID < b.warehouseID
		})
		need, total := want[v], 0
		for _, c := range cands {
			total += c.available
		}
		if total < need {
			return nil, insufficient(v, need, total)
		}
		single := false
		for _, c := range cands {
			if c.available >= need {
				out = append(out, Allocation{VariantID: v, WarehouseID: c.warehouseID, WarehouseCountry: c.country, Quantity: need})
				single = true
				break
			}
		}
		for i := 0; !single && need > 0; i++ {
			take := min(cands[i].available, need)
			out = append(out, Allocation{VariantID: v, WarehouseID: cands[i].warehouseID, WarehouseCountry: cands[i].country, Quantity: take})
			need -= take
		}
	}
	return out, nil
}

// LowStock lists the variants whose available stock in active warehouses is at or below their low-stock
// threshold (DefaultThreshold unless set), emptiest first.
func (s *Service) LowStock(ctx context.Context) ([]LowStockRow, error) {
	return s.store().lowStock(ctx, DefaultThreshold)
}

// LowTurnover lists the variants with available stock that would last more than MaxCoverDays at the rate they
// sold in the TurnoverWindowDays before now (sold movements), or that sold nothing in that window; those
// that sold nothing first, then the slowest.
func (s *Service) LowTurnover(ctx context.Context, now time.Time) ([]TurnoverRow, error) {
	since := now.Add(-TurnoverWindowDays * 24 * time.Hour)
	return s.store().lowTurnover(ctx, since, now, TurnoverWindowDays, MaxCoverDays)
}

// SetThreshold sets a variant's low-stock threshold (≥ 0; 0 warns only when it is sold out). Errors:
// ErrInvalid (field "threshold"); ErrNotFound for a variant ID ≤ 0.
func (s *Service) SetThreshold(ctx context.Context, variantID int64, threshold int) error {
	if err := checkVariant(variantID); err != nil {
		return err
	}
	if threshold < 0 || threshold > MaxQuantity {
		return httpx.Invalid("threshold", "inventory.ThresholdInvalid", map[string]any{"Max": MaxQuantity})
	}
	return s.store().setThreshold(ctx, variantID, threshold)
}

// Threshold returns a variant's low-stock threshold, DefaultThreshold unless one was set.
func (s *Service) Threshold(ctx context.Context, variantID int64) (int, error) {
	t, ok, err := s.store().threshold(ctx, variantID)
	if err != nil || !ok {
		return DefaultThreshold, err
	}
	return t, nil
}

// Ledger returns a variant's latest movements in every warehouse, newest first, at most limit (1 … 1000).
func (s *Service) Ledger(ctx context.Context, variantID int64, limit int) ([]Movement, error) {
	limit = max(1, min(limit, 1000))
	return s.store().ledger(ctx, variantID, limit)
}

// CheckLedger verifies every stock row against the ledger (on hand and reserved equal the sums of their
// movements) and against the active reservations (reserved equals what they hold), and returns the rows that
// disagree: none, unless the tables were changed behind the service's back. It reads every movement, so it
// is for tests, the admin's check and audits, not for hot paths.
func (s *Service) CheckLedger(ctx context.Context) ([]Mismatch, error) {
	return s.store().checkLedger(ctx)
}
