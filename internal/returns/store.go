package returns

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// store holds the returns module's SQL; it owns the returns_* tables.
type store struct{ db postgres.DBTX }

// ErrReturnNotFound is a return that does not exist (or that the visitor may not see).
var ErrReturnNotFound = fmt.Errorf("returns: return %w", httpx.ErrNotFound)

const policySQL = `SELECT market_code, restocking_fee_rate, refund_shipping_on_full_return, withdrawal_days
FROM returns_policies WHERE market_code = $1`

// policy returns a market's policy; a market without one gets no fee, no shipping refund and no statutory
// minimum beyond its own return window.
func (s store) policy(ctx context.Context, market string) (Policy, error) {
	var p Policy
	err := s.db.QueryRow(ctx, policySQL, market).Scan(&p.Market, &p.RestockingFeeRate, &p.RefundShippingOnFullReturn, &p.WithdrawalDays)
	if postgres.NoRows(err) {
		return Policy{Market: market, RestockingFeeRate: decimal.Zero}, nil
	}
	return p, err
}

// lockOrder serializes, until the transaction ends, everything that counts an order's returned units: new
// requests (so two at once cannot return the same unit twice) and refunds (whose per-unit shares depend on the
// units refunded before).
func (s store) lockOrder(ctx context.Context, orderID int64) error {
	_, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('returns:order:' || $1::bigint::text, 0))`, orderID)
	return err
}

func (s store) nextNumber(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `SELECT nextval('returns_numbers')`).Scan(&n)
	return n, err
}

// takenUnits counts, per order line, the units already in a return of the order: open, received, refunded or
// closed after the parcel arrived. Rejected returns and returns closed without a parcel free their units.
func (s store) takenUnits(ctx context.Context, orderID int64) (map[int]int, error) {
	rows, err := s.db.Query(ctx, `SELECT l.order_line_no, sum(l.quantity)
		FROM returns_lines l JOIN returns_requests r ON r.id = l.return_id
		WHERE r.order_id = $1 AND r.status <> 'rejected' AND NOT (r.status = 'closed' AND r.received_at IS NULL)
		GROUP BY l.order_line_no`, orderID)
	if err != nil {
		return nil, err
	}
	return scanLineCounts(rows)
}

// refundedUnits counts, per order line, the units of the order's other returns whose refund is sent or being
// sent: the p of the per-unit share formula.
func (s store) refundedUnits(ctx context.Context, orderID, exceptReturnID int64) (map[int]int, error) {
	rows, err := s.db.Query(ctx, `SELECT l.order_line_no, sum(l.quantity)
		FROM returns_lines l JOIN returns_requests r ON r.id = l.return_id JOIN returns_refunds f ON f.return_id = r.id
		WHERE r.order_id = $1 AND r.id <> $2 AND f.status <> 'failed'
		GROUP BY l.order_line_no`, orderID, exceptReturnID)
	if err != nil {
		return nil, err
	}
	return scanLineCounts(rows)
}

func scanLineCounts(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close()
}) (map[int]int, error) {
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var no, n int
		if err := rows.Scan(&no, &n); err != nil {
			return nil, err
		}
		out[no] = n
	}
	return out, rows.Err()
}

const insertReturnSQL = `
INSERT INTO returns_requests (number, order_id, order_number, market_code, currency, locale, status, reason, comment,
    user_id, email, delivered_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, nullif($9, 0), $10, $11, $12, $12)
RETURNING id, created_at, updated_at`

func (s store) insertReturn(ctx context.Context, r *Return) error {
	return s.db.QueryRow(ctx, insertReturnSQL, r.Number, r.OrderID, r.OrderNumber, r.Market, r.Currency, r.Locale,
		string(r.Reason), r.Comment, r.UserID, r.Email, r.DeliveredAt, r.CreatedAt).Scan(&r.ID, &r.CreatedAt, &r.UpdatedAt)
}

func (s store) insertLine(ctx context.Context, returnID int64, l Line) error {
	_, err := s.db.Exec(ctx, `INSERT INTO returns_lines (return_id, order_line_no, variant_id, sku, title, supplier, origin, quantity)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, returnID, l.OrderLineNo, l.VariantID, l.SKU, l.Title, l.Supplier, l.Origin, l.Quantity)
	return err
}

func (s store) insertPhoto(ctx context.Context, p *Photo) error {
	return s.db.QueryRow(ctx, `INSERT INTO returns_photos (return_id, blob_key, content_type, size_bytes) VALUES ($1, $2, $3, $4)
		RETURNING id, created_at`, p.ReturnID, p.Key, p.ContentType, p.Size).Scan(&p.ID, &p.CreatedAt)
}

const returnColumns = `id, number, order_id, order_number, market_code, currency, locale, status, reason, comment,
    message_to_shopper, instructions, coalesce(user_id, 0), email, delivered_at, received_at, created_at, updated_at`

func scanReturn(row interface{ Scan(...any) error }) (Return, error) {
	var r Return
	var status, reason string
	err := row.Scan(&r.ID, &r.Number, &r.OrderID, &r.OrderNumber, &r.Market, &r.Currency, &r.Locale, &status, &reason,
		&r.Comment, &r.MessageToShopper, &r.Instructions, &r.UserID, &r.Email, &r.DeliveredAt, &r.ReceivedAt, &r.CreatedAt, &r.UpdatedAt)
	r.Status, r.Reason = Status(status), Reason(reason)
	return r, err
}

// get returns a return with its lines; lock takes the row for update until the transaction ends.
func (s store) get(ctx context.Context, where string, arg any, lock bool) (Return, error) {
	q := `SELECT ` + returnColumns + ` FROM returns_requests WHERE ` + where
	if lock {
		q += ` FOR UPDATE`
	}
	r, err := scanReturn(s.db.QueryRow(ctx, q, arg))
	if postgres.NoRows(err) {
		return Return{}, ErrReturnNotFound
	}
	if err != nil {
		return Return{}, err
	}
	lines, err := s.lines(ctx, r.ID)
	r.Lines = lines[r.ID]
	return r, err
}

// lines returns the lines of the returns, by return, in one query.
func (s store) lines(ctx context.Context, returnIDs ...int64) (map[int64][]Line, error) {
	rows, err := s.db.Query(ctx, `SELECT return_id, order_line_no, variant_id, sku, title, supplier, origin, quantity,
		inspected_restock, inspected_writeoff, coalesce(warehouse_id, 0), restock_booked
		FROM returns_lines WHERE return_id = ANY($1) ORDER BY return_id, order_line_no`, returnIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Line{}
	for rows.Next() {
		var id int64
		var l Line
		if err := rows.Scan(&id, &l.OrderLineNo, &l.VariantID, &l.SKU, &l.Title, &l.Supplier, &l.Origin, &l.Quantity, &l.Restock,
			&l.WriteOff, &l.WarehouseID, &l.Booked); err != nil {
			return nil, err
		}
		out[id] = append(out[id], l)
	}
	return out, rows.Err()
}

// Filter selects returns for the ops queue.
type Filter struct {
	Status Status
	Query  string // RMA number, order number or e-mail
}

// list returns matching returns, newest first, each with its lines (loaded in one query for the page).
func (s store) list(ctx context.Context, f Filter, orderID int64, limit, offset int) ([]Return, error) {
	rows, err := s.db.Query(ctx, `SELECT `+returnColumns+` FROM returns_requests
		WHERE ($1 = '' OR status = $1)
		  AND ($2 = '' OR number ILIKE '%' || $2 || '%' OR order_number ILIKE '%' || $2 || '%' OR email ILIKE '%' || $2 || '%')
		  AND ($3 = 0 OR order_id = $3)
		ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5`, string(f.Status), f.Query, orderID, limit, offset)
	if err != nil {
		return nil, err
	}
	var out []Return
	var ids []int64
	for rows.Next() {
		r, err := scanReturn(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
		ids = append(ids, r.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	lines, err := s.lines(ctx, ids...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Lines = lines[out[i].ID]
	}
	return out, nil
}

// setStatus moves a return from one status to another, records it in the trail, and fails with a conflict when
// the return is no longer in from (a concurrent change won).
func (s store) setStatus(ctx context.Context, id int64, from, to Status, actor, action, note string) error {
	tag, err := s.db.Exec(ctx, `UPDATE returns_requests SET status = $3, updated_at = now(),
		received_at = CASE WHEN $3 = 'received' THEN now() ELSE received_at END
		WHERE id = $1 AND status = $2`, id, string(from), string(to))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errTransition(from, to)
	}
	return s.event(ctx, id, actor, action, from, to, note)
}

func (s store) setMessages(ctx context.Context, id int64, message, instructions string) error {
	_, err := s.db.Exec(ctx, `UPDATE returns_requests SET message_to_shopper = $2, instructions = $3, updated_at = now() WHERE id = $1`,
		id, message, instructions)
	return err
}

func (s store) event(ctx context.Context, id int64, actor, action string, from, to Status, note string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO returns_events (return_id, actor, action, from_status, to_status, note)
		VALUES ($1, $2, $3, nullif($4, ''), nullif($5, ''), $6)`, id, actor, action, string(from), string(to), note)
	return err
}

func (s store) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT at, actor, action, coalesce(from_status, ''), coalesce(to_status, ''), note
		FROM returns_events WHERE return_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var from, to string
		if err := rows.Scan(&e.At, &e.Actor, &e.Action, &from, &to, &e.Note); err != nil {
			return nil, err
		}
		e.From, e.To = Status(from), Status(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s store) photos(ctx context.Context, returnID int64) ([]Photo, error) {
	rows, err := s.db.Query(ctx, `SELECT id, return_id, blob_key, content_type, size_bytes, created_at FROM returns_photos
		WHERE return_id = $1 ORDER BY id`, returnID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Photo
	for rows.Next() {
		var p Photo
		if err := rows.Scan(&p.ID, &p.ReturnID, &p.Key, &p.ContentType, &p.Size, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s store) setInspection(ctx context.Context, returnID int64, lineNo, restock, writeOff int, warehouseID int64) error {
	_, err := s.db.Exec(ctx, `UPDATE returns_lines SET inspected_restock = $3, inspected_writeoff = $4, warehouse_id = nullif($5, 0)
		WHERE return_id = $1 AND order_line_no = $2`, returnID, lineNo, restock, writeOff, warehouseID)
	return err
}

// claimRestock marks a line's restock as booked and reports whether this caller claimed it (nobody had before).
func (s store) claimRestock(ctx context.Context, returnID int64, lineNo int) (bool, error) {
	tag, err := s.db.Exec(ctx, `UPDATE returns_lines SET restock_booked = true
		WHERE return_id = $1 AND order_line_no = $2 AND inspected_restock > 0 AND NOT restock_booked`, returnID, lineNo)
	return err == nil && tag.RowsAffected() == 1, err
}

func (s store) unclaimRestock(ctx context.Context, returnID int64, lineNo int) error {
	_, err := s.db.Exec(ctx, `UPDATE returns_lines SET restock_booked = false WHERE return_id = $1 AND order_line_no = $2`, returnID, lineNo)
	return err
}

const refundColumns = `return_id, currency, goods, tax_included, tax, duty, shipping, restocking_fee, total, incoterm, lines,
    attempt, idempotency_key, status, claimed_at, coalesce(checkout_refund_id, 0), error, created_by, created_at, updated_at`

func (s store) refund(ctx context.Context, returnID int64) (Refund, error) {
	var f Refund
	var lines []byte
	b := &f.Breakdown
	err := s.db.QueryRow(ctx, `SELECT `+refundColumns+` FROM returns_refunds WHERE return_id = $1`, returnID).Scan(
		&f.ReturnID, &b.Currency, &b.Goods, &b.TaxIncluded, &b.Tax, &b.Duty, &b.Shipping, &b.RestockingFee, &b.Total, &b.Incoterm,
		&lines, &f.Attempt, &f.Key, &f.Status, &f.ClaimedAt, &f.CheckoutRefundID, &f.Error, &f.CreatedBy, &f.CreatedAt, &f.UpdatedAt)
	if postgres.NoRows(err) {
		return Refund{}, fmt.Errorf("returns: refund of return %d: %w", returnID, httpx.ErrNotFound)
	}
	if err != nil {
		return Refund{}, err
	}
	var stored struct {
		Lines            []LineRefund    `json:"lines"`
		FeeRate          decimal.Decimal `json:"fee_rate"`
		ShippingRefunded bool            `json:"shipping_refunded"`
	}
	if err := json.Unmarshal(lines, &stored); err != nil {
		return Refund{}, err
	}
	b.Lines, b.FeeRate, b.ShippingRefunded = stored.Lines, stored.FeeRate, stored.ShippingRefunded
	return f, nil
}

// claimRefund writes the refund about to be sent, claimed by the caller at claimedAt: a new row, or a new
// attempt (with its key and breakdown) over a failed or unconfirmed one.
func (s store) claimRefund(ctx context.Context, f Refund, claimedAt time.Time) error {
	b := f.Breakdown
	lines, err := json.Marshal(map[string]any{"lines": b.Lines, "fee_rate": b.FeeRate, "shipping_refunded": b.ShippingRefunded})
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO returns_refunds (return_id, currency, goods, tax_included, tax, duty, shipping,
		restocking_fee, total, incoterm, lines, attempt, idempotency_key, status, claimed_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14, $15)
		ON CONFLICT (return_id) DO UPDATE SET currency = $2, goods = $3, tax_included = $4, tax = $5, duty = $6, shipping = $7,
		    restocking_fee = $8, total = $9, incoterm = $10, lines = $11, attempt = $12, idempotency_key = $13, status = 'pending',
		    claimed_at = $14, error = '', updated_at = now()`,
		f.ReturnID, b.Currency, b.Goods, b.TaxIncluded, b.Tax, b.Duty, b.Shipping, b.RestockingFee, b.Total, b.Incoterm, lines,
		f.Attempt, f.Key, claimedAt, f.CreatedBy)
	return err
}

// settleRefund records the outcome of sending a refund and releases the claim.
func (s store) settleRefund(ctx context.Context, returnID int64, status string, checkoutRefundID int64, errText string) error {
	_, err := s.db.Exec(ctx, `UPDATE returns_refunds SET status = $2, checkout_refund_id = nullif($3, 0), error = $4,
		claimed_at = NULL, updated_at = now() WHERE return_id = $1`, returnID, status, checkoutRefundID, errText)
	return err
}

// reasonCount is how many units of a SKU came back for one reason.
type reasonCount struct {
	SKU, Title, Supplier, Origin string
	Reason                       Reason
	Units                        int
}

// returnedUnits sums the units asked back since a date per SKU and reason; rejected requests do not count.
func (s store) returnedUnits(ctx context.Context, since time.Time) ([]reasonCount, error) {
	rows, err := s.db.Query(ctx, `SELECT l.sku, max(l.title), max(l.supplier), max(l.origin), r.reason, sum(l.quantity)
		FROM returns_lines l JOIN returns_requests r ON r.id = l.return_id
		WHERE r.status <> 'rejected' AND r.created_at >= $1
		GROUP BY l.sku, r.reason ORDER BY l.sku, r.reason`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reasonCount
	for rows.Next() {
		var c reasonCount
		var reason string
		if err := rows.Scan(&c.SKU, &c.Title, &c.Supplier, &c.Origin, &reason, &c.Units); err != nil {
			return nil, err
		}
		c.Reason = Reason(reason)
		out = append(out, c)
	}
	return out, rows.Err()
}
