package inventory

import (
	"context"
	"fmt"
	"time"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// store holds the inventory module's SQL; it owns inventory_warehouses, inventory_stock, inventory_thresholds,
// inventory_movements, inventory_reservations and inventory_reservation_lines.
type store struct{ db postgres.DBTX }

const warehouseColumns = `id, code, name, country, kind, active, created_at`

func scanWarehouse(row interface{ Scan(...any) error }) (Warehouse, error) {
	var w Warehouse
	var kind string
	err := row.Scan(&w.ID, &w.Code, &w.Name, &w.Country, &kind, &w.Active, &w.CreatedAt)
	w.Kind = WarehouseKind(kind)
	return w, err
}

const insertWarehouseSQL = `
INSERT INTO inventory_warehouses (code, name, country, kind, active) VALUES ($1, $2, $3, $4, $5)
RETURNING ` + warehouseColumns

func (s store) insertWarehouse(ctx context.Context, w Warehouse) (Warehouse, error) {
	out, err := scanWarehouse(s.db.QueryRow(ctx, insertWarehouseSQL, w.Code, w.Name, w.Country, string(w.Kind), w.Active))
	if _, dup := postgres.IsUniqueViolation(err); dup {
		return Warehouse{}, fmt.Errorf("inventory: warehouse %s: %w", w.Code, ErrWarehouseCodeTaken)
	}
	return out, err
}

// ensureWarehouseSQL inserts the warehouse unless its code exists; the no-op update makes RETURNING give the
// existing row too, in one statement that is safe against a concurrent insert.
const ensureWarehouseSQL = `
INSERT INTO inventory_warehouses (code, name, country, kind, active) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code
RETURNING ` + warehouseColumns

func (s store) ensureWarehouse(ctx context.Context, w Warehouse) (Warehouse, error) {
	return scanWarehouse(s.db.QueryRow(ctx, ensureWarehouseSQL, w.Code, w.Name, w.Country, string(w.Kind), w.Active))
}

const warehousesSQL = `SELECT ` + warehouseColumns + ` FROM inventory_warehouses ORDER BY code`

func (s store) warehouses(ctx context.Context) ([]Warehouse, error) {
	rows, err := s.db.Query(ctx, warehousesSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Warehouse
	for rows.Next() {
		w, err := scanWarehouse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

const warehouseSQL = `SELECT ` + warehouseColumns + ` FROM inventory_warehouses WHERE id = $1`

func (s store) warehouse(ctx context.Context, id int64) (Warehouse, error) {
	w, err := scanWarehouse(s.db.QueryRow(ctx, warehouseSQL, id))
	if postgres.NoRows(err) {
		return Warehouse{}, fmt.Errorf("inventory: warehouse %d: %w", id, httpx.ErrNotFound)
	}
	return w, err
}

// increaseOnHandSQL creates the stock row on the first receipt.
const increaseOnHandSQL = `
INSERT INTO inventory_stock (variant_id, warehouse_id, on_hand) VALUES ($1, $2, $3)
ON CONFLICT (variant_id, warehouse_id)
DO UPDATE SET on_hand = inventory_stock.on_hand + EXCLUDED.on_hand, updated_at = now()`

// increaseOnHand adds qty (> 0) units. Errors: ErrUnknownWarehouse.
func (s store) increaseOnHand(ctx context.Context, variantID, warehouseID int64, qty int) error {
	_, err := s.db.Exec(ctx, increaseOnHandSQL, variantID, warehouseID, qty)
	if postgres.IsForeignKeyViolation(err) {
		return fmt.Errorf("inventory: warehouse %d: %w", warehouseID, ErrUnknownWarehouse)
	}
	return err
}

// decreaseOnHandSQL takes units away only if what stays still covers the reservations (and so is not negative).
const decreaseOnHandSQL = `
UPDATE inventory_stock SET on_hand = on_hand - $3, updated_at = now()
WHERE variant_id = $1 AND warehouse_id = $2 AND on_hand - $3 >= reserved`

// decreaseOnHand removes qty (> 0) units; ok is false when the stock row lacks them.
func (s store) decreaseOnHand(ctx context.Context, variantID, warehouseID int64, qty int) (ok bool, err error) {
	tag, err := s.db.Exec(ctx, decreaseOnHandSQL, variantID, warehouseID, qty)
	return tag.RowsAffected() == 1, err
}

const stockRowSQL = `SELECT on_hand, reserved FROM inventory_stock WHERE variant_id = $1 AND warehouse_id = $2`

// stockRow returns one stock row's figures; a missing row is zero stock.
func (s store) stockRow(ctx context.Context, variantID, warehouseID int64) (onHand, reserved int, err error) {
	err = s.db.QueryRow(ctx, stockRowSQL, variantID, warehouseID).Scan(&onHand, &reserved)
	if postgres.NoRows(err) {
		return 0, 0, nil
	}
	return onHand, reserved, err
}

// reserveLineSQL is the only way stock gets reserved: one conditional UPDATE, so two requests can never both
// take the last unit (the second waits for the first's row lock, then re-checks the condition). Only when it
// reserved does the same statement record the reservation line and the movement. Stock in an inactive
// warehouse cannot be reserved.
const reserveLineSQL = `
WITH held AS (
    UPDATE inventory_stock SET reserved = reserved + $3, updated_at = now()
    WHERE variant_id = $1 AND warehouse_id = $2 AND on_hand - reserved >= $3
      AND EXISTS (SELECT 1 FROM inventory_warehouses w WHERE w.id = inventory_stock.warehouse_id AND w.active)
    RETURNING variant_id, warehouse_id
), line AS (
    INSERT INTO inventory_reservation_lines (reservation_id, variant_id, warehouse_id, quantity)
    SELECT $4, variant_id, warehouse_id, $3 FROM held
)
INSERT INTO inventory_movements (variant_id, warehouse_id, kind, quantity, reservation_id, actor)
SELECT variant_id, warehouse_id, 'reserved', $3, $4, $5 FROM held`

// reserveLine holds l.Quantity units for the reservation; ok is false when the warehouse lacks them.
func (s store) reserveLine(ctx context.Context, reservationID int64, l Allocation, actor string) (ok bool, err error) {
	tag, err := s.db.Exec(ctx, reserveLineSQL, l.VariantID, l.WarehouseID, l.Quantity, reservationID, actor)
	return tag.RowsAffected() == 1, err
}

// closeLineSQL ends a reservation line: it gives the reserved units back (released, expired) or, with $4,
// also takes them off the shelf (sold), and records the movement, in one statement.
const closeLineSQL = `
WITH freed AS (
    UPDATE inventory_stock
    SET reserved = reserved - $3, on_hand = on_hand - CASE WHEN $4 THEN $3 ELSE 0 END, updated_at = now()
    WHERE variant_id = $1 AND warehouse_id = $2
    RETURNING variant_id, warehouse_id
)
INSERT INTO inventory_movements (variant_id, warehouse_id, kind, quantity, reservation_id, actor, reason)
SELECT variant_id, warehouse_id, CASE WHEN $4 THEN 'sold' ELSE 'released' END, -$3, $5, $6, $7 FROM freed`

func (s store) closeLine(ctx context.Context, reservationID int64, l Allocation, sell bool, actor, reason string) error {
	tag, err := s.db.Exec(ctx, closeLineSQL, l.VariantID, l.WarehouseID, l.Quantity, sell, reservationID, actor, reason)
	if err == nil && tag.RowsAffected() != 1 {
		return fmt.Errorf("inventory: stock row %d/%d of reservation %d is missing", l.VariantID, l.WarehouseID, reservationID)
	}
	return err
}

// movement is a ledger entry outside reservations (received, returned, adjusted).
type movement struct {
	variantID, warehouseID int64
	kind                   MovementKind
	quantity               int
	actor, reason          string
}

const insertMovementSQL = `
INSERT INTO inventory_movements (variant_id, warehouse_id, kind, quantity, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)`

func (s store) insertMovement(ctx context.Context, m movement) error {
	_, err := s.db.Exec(ctx, insertMovementSQL, m.variantID, m.warehouseID, string(m.kind), m.quantity, m.actor, m.reason)
	return err
}

const insertReservationSQL = `INSERT INTO inventory_reservations (ref, expires_at) VALUES ($1, $2) RETURNING id`

func (s store) insertReservation(ctx context.Context, ref string, expiresAt time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertReservationSQL, ref, expiresAt).Scan(&id)
	if _, dup := postgres.IsUniqueViolation(err); dup {
		return 0, fmt.Errorf("inventory: reservation %s: %w", ref, ErrReservationExists)
	}
	return id, err
}

const lockReservationSQL = `SELECT id, status FROM inventory_reservations WHERE ref = $1 FOR UPDATE`

// lockReservation locks a reservation for a status change. Errors: ErrNotFound.
func (s store) lockReservation(ctx context.Context, ref string) (int64, ReservationStatus, error) {
	var id int64
	var status string
	err := s.db.QueryRow(ctx, lockReservationSQL, ref).Scan(&id, &status)
	if postgres.NoRows(err) {
		return 0, "", fmt.Errorf("inventory: reservation %q: %w", ref, httpx.ErrNotFound)
	}
	return id, ReservationStatus(status), err
}

// claimExpiredSQL takes one overdue reservation that no other instance is working on.
const claimExpiredSQL = `
SELECT id FROM inventory_reservations WHERE status = 'active' AND expires_at <= $1
ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`

func (s store) claimExpired(ctx context.Context, now time.Time) (id int64, ok bool, err error) {
	err = s.db.QueryRow(ctx, claimExpiredSQL, now).Scan(&id)
	if postgres.NoRows(err) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// reservationLinesSQL orders lines like every other stock update, so transactions lock rows in one order.
const reservationLinesSQL = `
SELECT variant_id, warehouse_id, quantity FROM inventory_reservation_lines WHERE reservation_id = $1
ORDER BY variant_id, warehouse_id`

func (s store) reservationLines(ctx context.Context, id int64) ([]Allocation, error) {
	rows, err := s.db.Query(ctx, reservationLinesSQL, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Allocation
	for rows.Next() {
		var l Allocation
		if err := rows.Scan(&l.VariantID, &l.WarehouseID, &l.Quantity); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

const setReservationStatusSQL = `UPDATE inventory_reservations SET status = $2, updated_at = now() WHERE id = $1`

func (s store) setReservationStatus(ctx context.Context, id int64, status ReservationStatus) error {
	_, err := s.db.Exec(ctx, setReservationStatusSQL, id, string(status))
	return err
}

const stockLevelsSQL = `
SELECT s.variant_id, w.id, w.code, w.name, w.country, w.kind, w.active, s.on_hand, s.reserved
FROM inventory_stock s JOIN inventory_warehouses w ON w.id = s.warehouse_id
WHERE s.variant_id = ANY($1)
ORDER BY s.variant_id, w.code`

func (s store) stockLevels(ctx context.Context, variantIDs []int64) (map[int64][]StockLevel, error) {
	rows, err := s.db.Query(ctx, stockLevelsSQL, variantIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]StockLevel{}
	for rows.Next() {
		var id int64
		var l StockLevel
		var kind string
		if err := rows.Scan(&id, &l.WarehouseID, &l.Code, &l.Name, &l.Country, &kind, &l.Active, &l.OnHand, &l.Reserved); err != nil {
			return nil, err
		}
		l.Kind = WarehouseKind(kind)
		l.Available = l.OnHand - l.Reserved
		out[id] = append(out[id], l)
	}
	return out, rows.Err()
}

// sellableSQL is the stock that can be sold now: available units in active warehouses.
const sellableSQL = `
SELECT s.variant_id, s.warehouse_id, w.country, w.kind, s.on_hand - s.reserved
FROM inventory_stock s JOIN inventory_warehouses w ON w.id = s.warehouse_id
WHERE s.variant_id = ANY($1) AND w.active AND s.on_hand > s.reserved`

// sellable is one warehouse's available stock of a variant.
type sellable struct {
	variantID, warehouseID int64
	country                string
	kind                   WarehouseKind
	available              int
}

func (s store) sellable(ctx context.Context, variantIDs []int64) ([]sellable, error) {
	rows, err := s.db.Query(ctx, sellableSQL, variantIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sellable
	for rows.Next() {
		var c sellable
		var kind string
		if err := rows.Scan(&c.variantID, &c.warehouseID, &c.country, &kind, &c.available); err != nil {
			return nil, err
		}
		c.kind = WarehouseKind(kind)
		out = append(out, c)
	}
	return out, rows.Err()
}

const stockedVariantsSQL = `
SELECT variant_id FROM inventory_stock GROUP BY variant_id ORDER BY variant_id LIMIT $1 OFFSET $2`

func (s store) stockedVariants(ctx context.Context, limit, offset int) ([]int64, error) {
	rows, err := s.db.Query(ctx, stockedVariantsSQL, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// lowStockSQL lists variants whose stock available in active warehouses is at or below their threshold.
const lowStockSQL = `
SELECT s.variant_id, sum(s.on_hand)::int, sum(s.reserved)::int, coalesce(t.threshold, $1)
FROM inventory_stock s
JOIN inventory_warehouses w ON w.id = s.warehouse_id AND w.active
LEFT JOIN inventory_thresholds t ON t.variant_id = s.variant_id
GROUP BY s.variant_id, t.threshold
HAVING sum(s.on_hand - s.reserved) <= coalesce(t.threshold, $1)
ORDER BY sum(s.on_hand - s.reserved), s.variant_id`

func (s store) lowStock(ctx context.Context, defaultThreshold int) ([]LowStockRow, error) {
	rows, err := s.db.Query(ctx, lowStockSQL, defaultThreshold)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LowStockRow
	for rows.Next() {
		var r LowStockRow
		if err := rows.Scan(&r.VariantID, &r.OnHand, &r.Reserved, &r.Threshold); err != nil {
			return nil, err
		}
		r.Available = r.OnHand - r.Reserved
		out = append(out, r)
	}
	return out, rows.Err()
}

// lowTurnoverSQL compares each variant's available stock with its sales over the window ($1, $2]: flagged
// when the stock would last more than $4 days at the window's daily rate (available / (sold / $3) > $4,
// in integers), or when nothing sold at all. Slowest first.
const lowTurnoverSQL = `
WITH stock AS (
    SELECT s.variant_id, sum(s.on_hand - s.reserved)::int AS available
    FROM inventory_stock s JOIN inventory_warehouses w ON w.id = s.warehouse_id AND w.active
    GROUP BY s.variant_id
    HAVING sum(s.on_hand - s.reserved) > 0
), sold AS (
    SELECT m.variant_id, (-sum(m.quantity))::int AS sold
    FROM inventory_movements m
    WHERE m.kind = 'sold' AND m.created_at > $1 AND m.created_at <= $2
      AND m.variant_id IN (SELECT variant_id FROM stock)
    GROUP BY m.variant_id
)
SELECT st.variant_id, st.available, coalesce(so.sold, 0)
FROM stock st LEFT JOIN sold so ON so.variant_id = st.variant_id
WHERE so.sold IS NULL OR st.available::bigint * $3 > $4::bigint * so.sold
ORDER BY so.sold IS NULL DESC, st.available::numeric / nullif(so.sold, 0) DESC, st.variant_id`

func (s store) lowTurnover(ctx context.Context, since, until time.Time, windowDays, coverDays int) ([]TurnoverRow, error) {
	rows, err := s.db.Query(ctx, lowTurnoverSQL, since, until, windowDays, coverDays)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TurnoverRow
	for rows.Next() {
		var r TurnoverRow
		if err := rows.Scan(&r.VariantID, &r.Available, &r.Sold); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const setThresholdSQL = `
INSERT INTO inventory_thresholds (variant_id, threshold) VALUES ($1, $2)
ON CONFLICT (variant_id) DO UPDATE SET threshold = EXCLUDED.threshold, updated_at = now()`

func (s store) setThreshold(ctx context.Context, variantID int64, threshold int) error {
	_, err := s.db.Exec(ctx, setThresholdSQL, variantID, threshold)
	return err
}

const thresholdSQL = `SELECT threshold FROM inventory_thresholds WHERE variant_id = $1`

// threshold returns the variant's own threshold; ok is false when it uses the default.
func (s store) threshold(ctx context.Context, variantID int64) (threshold int, ok bool, err error) {
	err = s.db.QueryRow(ctx, thresholdSQL, variantID).Scan(&threshold)
	if postgres.NoRows(err) {
		return 0, false, nil
	}
	return threshold, err == nil, err
}

const ledgerSQL = `
SELECT m.id, m.variant_id, m.warehouse_id, w.code, m.kind, m.quantity, coalesce(r.ref, ''), m.actor, m.reason, m.created_at
FROM inventory_movements m
JOIN inventory_warehouses w ON w.id = m.warehouse_id
LEFT JOIN inventory_reservations r ON r.id = m.reservation_id
WHERE m.variant_id = $1
ORDER BY m.id DESC
LIMIT $2`

func (s store) ledger(ctx context.Context, variantID int64, limit int) ([]Movement, error) {
	rows, err := s.db.Query(ctx, ledgerSQL, variantID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Movement
	for rows.Next() {
		var m Movement
		var kind string
		if err := rows.Scan(&m.ID, &m.VariantID, &m.WarehouseID, &m.WarehouseCode, &kind, &m.Quantity,
			&m.ReservationRef, &m.Actor, &m.Reason, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.Kind = MovementKind(kind)
		out = append(out, m)
	}
	return out, rows.Err()
}

// checkLedgerSQL recomputes every stock row from the ledger, and its reserved units from the open
// reservations, and returns the rows where either disagrees.
const checkLedgerSQL = `
WITH ledger AS (
    SELECT variant_id, warehouse_id,
           sum(quantity) FILTER (WHERE kind IN ('received', 'sold', 'returned', 'adjusted')) AS on_hand,
           sum(quantity) FILTER (WHERE kind IN ('reserved', 'released')
                                    OR (kind = 'sold' AND reservation_id IS NOT NULL)) AS reserved
    FROM inventory_movements GROUP BY variant_id, warehouse_id
), held AS (
    SELECT l.variant_id, l.warehouse_id, sum(l.quantity) AS reserved
    FROM inventory_reservation_lines l JOIN inventory_reservations r ON r.id = l.reservation_id
    WHERE r.status = 'active'
    GROUP BY l.variant_id, l.warehouse_id
)
SELECT s.variant_id, s.warehouse_id, s.on_hand, s.reserved,
       coalesce(l.on_hand, 0)::int, coalesce(l.reserved, 0)::int, coalesce(h.reserved, 0)::int
FROM inventory_stock s
LEFT JOIN ledger l ON l.variant_id = s.variant_id AND l.warehouse_id = s.warehouse_id
LEFT JOIN held h ON h.variant_id = s.variant_id AND h.warehouse_id = s.warehouse_id
WHERE s.on_hand <> coalesce(l.on_hand, 0) OR s.reserved <> coalesce(l.reserved, 0)
   OR s.reserved <> coalesce(h.reserved, 0)
ORDER BY s.variant_id, s.warehouse_id`

func (s store) checkLedger(ctx context.Context) ([]Mismatch, error) {
	rows, err := s.db.Query(ctx, checkLedgerSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Mismatch
	for rows.Next() {
		var m Mismatch
		if err := rows.Scan(&m.VariantID, &m.WarehouseID, &m.OnHand, &m.Reserved, &m.LedgerOnHand,
			&m.LedgerReserved, &m.HeldByReservations); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
