package checkout

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// store holds the checkout module's SQL; it owns the checkout_* tables.
type store struct{ db postgres.DBTX }

type rateRow struct {
	ShippingRate
	freeOver   *decimal.Decimal
	maxWeightG int
}

// marketRatesSQL is a market's whole rate table, for rateTables.
const marketRatesSQL = `
SELECT service, carrier, channel, price, free_over, min_days, max_days, max_weight_g
FROM checkout_shipping_rates
WHERE market_code = $1
ORDER BY service, max_weight_g`

func (s store) marketRates(ctx context.Context, market string) ([]rateRow, error) {
	rows, err := s.db.Query(ctx, marketRatesSQL, market)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rateRow
	for rows.Next() {
		var r rateRow
		if err := rows.Scan(&r.Service, &r.Carrier, &r.Channel, &r.Price, &r.freeOver, &r.MinDays, &r.MaxDays, &r.maxWeightG); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s store) draft(ctx context.Context, cartID int64) (Draft, error) {
	d := Draft{CartID: cartID, Service: ServiceEconomy}
	var addr []byte
	err := s.db.QueryRow(ctx, `SELECT email, phone, address, service FROM checkout_drafts WHERE cart_id = $1`, cartID).
		Scan(&d.Email, &d.Phone, &addr, &d.Service)
	if postgres.NoRows(err) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	d.Saved = true
	return d, json.Unmarshal(addr, &d.Address)
}

func (s store) saveDraft(ctx context.Context, d Draft) error {
	addr, err := json.Marshal(d.Address)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO checkout_drafts (cart_id, email, phone, address, service) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (cart_id) DO UPDATE SET email = $2, phone = $3, address = $4, service = $5, updated_at = now()`,
		d.CartID, d.Email, d.Phone, addr, d.Service)
	return err
}

func (s store) deleteDraft(ctx context.Context, cartID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM checkout_drafts WHERE cart_id = $1`, cartID)
	return err
}

func (s store) nextOrderNumber(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `SELECT nextval('checkout_order_numbers')`).Scan(&n)
	return n, err
}

const insertOrderSQL = `
INSERT INTO checkout_orders (number, idempotency_key, status, user_id, email, phone, locale, market_code, country,
    currency, address, service, carrier, incoterm, tax_included, goods, shipping, duty, tax, tax_in_prices, fees, total,
    due_now, due_on_delivery, duty_unknown, regimes, quote, rules_version, payment_method, reservation_ref, pay_by)
VALUES ($1, $2, 'pending_payment', nullif($3, 0), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
RETURNING id, created_at`

func (s store) insertOrder(ctx context.Context, o *Order, key string) error {
	addr, err := json.Marshal(o.Address)
	if err != nil {
		return err
	}
	return s.db.QueryRow(ctx, insertOrderSQL, o.Number, key, o.UserID, o.Email, o.Phone, o.Locale, o.Market, o.Country,
		o.Currency, addr, o.Service, o.Carrier, o.Incoterm, o.TaxIncluded, o.Goods.Number, o.Shipping.Number, o.Duty.Number,
		o.Tax.Number, o.TaxInPrices.Number, o.Fees.Number, o.Total.Number, o.DueNow.Number, o.DueOnDelivery.Number,
		o.DutyUnknown, o.Regimes, []byte(o.Quote), o.RulesVersion, o.PaymentMethod, o.ReservationRef, o.PayBy).
		Scan(&o.ID, &o.CreatedAt)
}

const insertLineSQL = `
INSERT INTO checkout_order_lines (order_id, line_no, variant_id, sku, title, options, quantity, unit_shown, unit_net,
    unit_tax_in_price, tax_rate, duty, import_tax, fx, hs_code, origin, weight_g, warehouse_id, warehouse_country, supplier)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`

func (s store) insertLine(ctx context.Context, orderID int64, l OrderLine) error {
	opts, err := json.Marshal(l.Options)
	if err != nil {
		return err
	}
	fx, err := json.Marshal(l.FX)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, insertLineSQL, orderID, l.LineNo, l.VariantID, l.SKU, l.Title, opts, l.Quantity, l.UnitShown,
		l.UnitNet, l.UnitTaxInPrice, l.TaxRate, l.Duty, l.ImportTax, fx, l.HSCode, l.Origin, l.WeightG, l.WarehouseID,
		l.WarehouseCountry, l.Supplier)
	return err
}

const orderColumns = `id, number, status, coalesce(user_id, 0), email, phone, locale, market_code, country, currency, address,
    service, carrier, incoterm, tax_included, goods, shipping, duty, tax, tax_in_prices, fees, total, due_now,
    due_on_delivery, duty_unknown, regimes, quote, rules_version, payment_method, reservation_ref, pay_by, created_at, paid_at`

func scanOrder(row interface{ Scan(...any) error }) (Order, error) {
	var o Order
	var status string
	var addr, quote []byte
	var goods, shipping, duty, tax, taxIn, fees, total, now, later decimal.Decimal
	err := row.Scan(&o.ID, &o.Number, &status, &o.UserID, &o.Email, &o.Phone, &o.Locale, &o.Market, &o.Country, &o.Currency,
		&addr, &o.Service, &o.Carrier, &o.Incoterm, &o.TaxIncluded, &goods, &shipping, &duty, &tax, &taxIn, &fees, &total,
		&now, &later, &o.DutyUnknown, &o.Regimes, &quote, &o.RulesVersion, &o.PaymentMethod, &o.ReservationRef, &o.PayBy,
		&o.CreatedAt, &o.PaidAt)
	if err != nil {
		return o, err
	}
	o.Status = Status(status)
	o.Quote = quote
	amt := func(d decimal.Decimal) money.Amount { return money.Amount{Number: d, Currency: o.Currency} }
	o.Goods, o.Shipping, o.Duty, o.Tax, o.TaxInPrices, o.Fees = amt(goods), amt(shipping), amt(duty), amt(tax), amt(taxIn), amt(fees)
	o.Total, o.DueNow, o.DueOnDelivery = amt(total), amt(now), amt(later)
	return o, json.Unmarshal(addr, &o.Address)
}

func (s store) order(ctx context.Context, where string, arg any, lock bool) (Order, error) {
	q := `SELECT ` + orderColumns + ` FROM checkout_orders WHERE ` + where
	if lock {
		q += ` FOR UPDATE`
	}
	o, err := scanOrder(s.db.QueryRow(ctx, q, arg))
	if postgres.NoRows(err) {
		return Order{}, ErrOrderNotFound
	}
	if err != nil {
		return Order{}, err
	}
	o.Lines, err = s.lines(ctx, o.ID)
	return o, err
}

func (s store) lines(ctx context.Context, orderID int64) ([]OrderLine, error) {
	rows, err := s.db.Query(ctx, `SELECT line_no, variant_id, sku, title, options, quantity, unit_shown, unit_net,
		unit_tax_in_price, tax_rate, duty, import_tax, fx, hs_code, origin, weight_g, warehouse_id, warehouse_country, supplier
		FROM checkout_order_lines WHERE order_id = $1 ORDER BY line_no`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OrderLine
	for rows.Next() {
		var l OrderLine
		var opts, fx []byte
		if err := rows.Scan(&l.LineNo, &l.VariantID, &l.SKU, &l.Title, &opts, &l.Quantity, &l.UnitShown, &l.UnitNet,
			&l.UnitTaxInPrice, &l.TaxRate, &l.Duty, &l.ImportTax, &fx, &l.HSCode, &l.Origin, &l.WeightG, &l.WarehouseID,
			&l.WarehouseCountry, &l.Supplier); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(opts, &l.Options); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(fx, &l.FX); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// OrderFilter selects orders for the ops queue.
type OrderFilter struct {
	Status Status
	Query  string // order number or e-mail
	UserID int64
}

func (s store) orders(ctx context.Context, f OrderFilter, limit, offset int) ([]Order, error) {
	rows, err := s.db.Query(ctx, `SELECT `+orderColumns+` FROM checkout_orders
		WHERE ($1 = '' OR status = $1) AND ($2 = '' OR number ILIKE '%' || $2 || '%' OR email ILIKE '%' || $2 || '%')
		  AND ($3 = 0 OR user_id = $3)
		ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5`, string(f.Status), f.Query, f.UserID, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// setStatus moves an order from one status to another, only along the lifecycle (CanTransition) and only when it
// is still in from. Errors: errTransition (ErrConflict) otherwise.
func (s store) setStatus(ctx context.Context, orderID int64, from, to Status, actor, note string) error {
	if !CanTransition(from, to) {
		return errTransition(from, to)
	}
	tag, err := s.db.Exec(ctx, `UPDATE checkout_orders SET status = $3, updated_at = now(),
		paid_at = CASE WHEN $3 = 'paid' THEN now() ELSE paid_at END WHERE id = $1 AND status = $2`, orderID, string(from), string(to))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errTransition(from, to)
	}
	return s.event(ctx, orderID, string(from), string(to), actor, note)
}

func (s store) event(ctx context.Context, orderID int64, from, to, actor, note string) error {
	var fromArg any
	if from != "" {
		fromArg = from
	}
	_, err := s.db.Exec(ctx, `INSERT INTO checkout_order_events (order_id, from_status, to_status, actor, note) VALUES ($1, $2, $3, $4, $5)`,
		orderID, fromArg, to, actor, note)
	return err
}

func (s store) events(ctx context.Context, orderID int64) ([]OrderEvent, error) {
	rows, err := s.db.Query(ctx, `SELECT at, coalesce(from_status, ''), to_status, actor, note FROM checkout_order_events
		WHERE order_id = $1 ORDER BY at, id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OrderEvent
	for rows.Next() {
		var e OrderEvent
		if err := rows.Scan(&e.At, &e.From, &e.To, &e.Actor, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s store) insertPayment(ctx context.Context, p *Payment, key string) error {
	return s.db.QueryRow(ctx, `INSERT INTO checkout_payments (order_id, method, status, amount, currency, idempotency_key)
		VALUES ($1, $2, 'pending', $3, $4, $5) RETURNING id, created_at`, p.OrderID, p.Method, p.Amount.Number, p.Amount.Currency, key).
		Scan(&p.ID, &p.CreatedAt)
}

const paymentColumns = `id, order_id, method, status, amount, currency, captured, coalesce(provider_ref, ''),
    coalesce(charge_ref, ''), created_at`

func scanPayment(row interface{ Scan(...any) error }) (Payment, error) {
	var p Payment
	var amount, captured decimal.Decimal
	var currency string
	err := row.Scan(&p.ID, &p.OrderID, &p.Method, &p.Status, &amount, &currency, &captured, &p.ProviderRef, &p.ChargeRef, &p.CreatedAt)
	p.Amount = money.Amount{Number: amount, Currency: currency}
	p.Captured = money.Amount{Number: captured, Currency: currency}
	return p, err
}

func (s store) payments(ctx context.Context, orderID int64) ([]Payment, error) {
	rows, err := s.db.Query(ctx, `SELECT `+paymentColumns+` FROM checkout_payments WHERE order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s store) paymentByRef(ctx context.Context, ref string) (Payment, error) {
	// Newest first: a provider reference is unique at a real provider; test doubles may repeat theirs.
	p, err := scanPayment(s.db.QueryRow(ctx, `SELECT `+paymentColumns+` FROM checkout_payments WHERE provider_ref = $1
		ORDER BY id DESC LIMIT 1`, ref))
	if postgres.NoRows(err) {
		return Payment{}, fmt.Errorf("checkout: payment %s: %w", ref, ErrOrderNotFound)
	}
	return p, err
}

func (s store) setPaymentRef(ctx context.Context, paymentID int64, ref string) error {
	_, err := s.db.Exec(ctx, `UPDATE checkout_payments SET provider_ref = $2, updated_at = now() WHERE id = $1`, paymentID, ref)
	return err
}

func (s store) settlePayment(ctx context.Context, paymentID int64, status string, captured decimal.Decimal, chargeRef string) error {
	_, err := s.db.Exec(ctx, `UPDATE checkout_payments SET status = $2, captured = $3, charge_ref = coalesce(nullif($4, ''), charge_ref),
		updated_at = now() WHERE id = $1`, paymentID, status, captured, chargeRef)
	return err
}

// dueUnpaid returns pending orders past their payment deadline, locked for this caller only.
func (s store) dueUnpaid(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM checkout_orders WHERE status = 'pending_payment' AND pay_by < $1
		ORDER BY pay_by LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s store) hasShipments(ctx context.Context, orderID int64) (bool, error) {
	var exists bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM checkout_shipments WHERE order_id = $1)`, orderID).Scan(&exists)
	return exists, err
}

// cancelRefundOpen reports whether the refund recorded under refundKey still waits for the card provider.
func (s store) cancelRefundOpen(ctx context.Context, refundKey string) (open bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM checkout_refunds WHERE idempotency_key = $1 AND status IN ('pending', 'failed'))`,
		refundKey).Scan(&open)
	return open, err
}

func (s store) shippedQuantities(ctx context.Context, orderID int64) (map[int]int, error) {
	rows, err := s.db.Query(ctx, `SELECT line_no, sum(quantity) FROM checkout_shipment_lines WHERE order_id = $1 GROUP BY line_no`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var no, q int
		if err := rows.Scan(&no, &q); err != nil {
			return nil, err
		}
		out[no] = q
	}
	return out, rows.Err()
}

func (s store) insertShipment(ctx context.Context, orderID, warehouseID int64, country string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO checkout_shipments (order_id, warehouse_id, warehouse_country, status)
		VALUES ($1, $2, $3, 'picking') RETURNING id`, orderID, warehouseID, country).Scan(&id)
	return id, err
}

func (s store) insertShipmentLine(ctx context.Context, shipmentID, orderID int64, lineNo, qty int) error {
	_, err := s.db.Exec(ctx, `INSERT INTO checkout_shipment_lines (shipment_id, order_id, line_no, quantity) VALUES ($1, $2, $3, $4)`,
		shipmentID, orderID, lineNo, qty)
	return err
}

func (s store) trackingEvent(ctx context.Context, shipmentID int64, status, location, description, actor string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO checkout_tracking_events (shipment_id, status, location, description, created_by)
		VALUES ($1, $2, $3, $4, $5)`, shipmentID, status, location, description, actor)
	return err
}

func (s store) shipment(ctx context.Context, orderID, shipmentID int64, lock bool) (Shipment, error) {
	q := `SELECT id, order_id, warehouse_id, warehouse_country, status, carrier, tracking_number, created_at, shipped_at, delivered_at
		FROM checkout_shipments WHERE id = $1 AND order_id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	var sh Shipment
	err := s.db.QueryRow(ctx, q, shipmentID, orderID).Scan(&sh.ID, &sh.OrderID, &sh.WarehouseID, &sh.WarehouseCountry, &sh.Status,
		&sh.Carrier, &sh.TrackingNumber, &sh.CreatedAt, &sh.ShippedAt, &sh.DeliveredAt)
	if postgres.NoRows(err) {
		return sh, fmt.Errorf("checkout: shipment %d: %w", shipmentID, httpx.ErrNotFound)
	}
	return sh, err
}

func (s store) setShipment(ctx context.Context, id int64, status, carrier, tracking string) error {
	_, err := s.db.Exec(ctx, `UPDATE checkout_shipments SET status = $2,
		carrier = CASE WHEN $3 <> '' THEN $3 ELSE carrier END,
		tracking_number = CASE WHEN $4 <> '' THEN $4 ELSE tracking_number END,
		shipped_at = CASE WHEN $2 = 'shipped' THEN now() ELSE shipped_at END,
		delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
		WHERE id = $1`, id, status, carrier, tracking)
	return err
}

// everythingShipped reports whether every ordered unit is in a shipped (or delivered) parcel.
func (s store) everythingShipped(ctx context.Context, orderID int64) (bool, error) {
	var missing bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (
		SELECT 1 FROM checkout_order_lines l
		WHERE l.order_id = $1 AND l.quantity > coalesce((
			SELECT sum(sl.quantity) FROM checkout_shipment_lines sl JOIN checkout_shipments sh ON sh.id = sl.shipment_id
			WHERE sl.order_id = l.order_id AND sl.line_no = l.line_no AND sh.status IN ('shipped', 'delivered')), 0))`, orderID).Scan(&missing)
	return !missing, err
}

func (s store) everythingDelivered(ctx context.Context, orderID int64) (bool, error) {
	var pending bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM checkout_shipments WHERE order_id = $1 AND status <> 'delivered')`, orderID).Scan(&pending)
	return !pending, err
}

func (s store) deliveredAt(ctx context.Context, orderID int64) (time.Time, bool, error) {
	var at *time.Time
	err := s.db.QueryRow(ctx, `SELECT max(delivered_at) FROM checkout_shipments WHERE order_id = $1
		HAVING bool_and(status = 'delivered')`, orderID).Scan(&at)
	if postgres.NoRows(err) || at == nil {
		return time.Time{}, false, nil
	}
	return *at, err == nil, err
}

func (s store) shipments(ctx context.Context, orderID int64) ([]Shipment, error) {
	rows, err := s.db.Query(ctx, `SELECT id, order_id, warehouse_id, warehouse_country, status, carrier, tracking_number,
		created_at, shipped_at, delivered_at FROM checkout_shipments WHERE order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	var out []Shipment
	for rows.Next() {
		var sh Shipment
		if err := rows.Scan(&sh.ID, &sh.OrderID, &sh.WarehouseID, &sh.WarehouseCountry, &sh.Status, &sh.Carrier,
			&sh.TrackingNumber, &sh.CreatedAt, &sh.ShippedAt, &sh.DeliveredAt); err != nil {
			rows.Close()
			return nil, err
		}
		sh.Lines = map[int]int{}
		out = append(out, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for i, sh := range out {
		index[sh.ID] = i
	}
	lines, err := s.db.Query(ctx, `SELECT shipment_id, line_no, quantity FROM checkout_shipment_lines WHERE order_id = $1`, orderID)
	if err != nil {
		return nil, err
	}
	for lines.Next() {
		var sid int64
		var no, q int
		if err := lines.Scan(&sid, &no, &q); err != nil {
			lines.Close()
			return nil, err
		}
		out[index[sid]].Lines[no] = q
	}
	lines.Close()
	events, err := s.db.Query(ctx, `SELECT e.shipment_id, e.at, e.status, e.location, e.description FROM checkout_tracking_events e
		JOIN checkout_shipments sh ON sh.id = e.shipment_id WHERE sh.order_id = $1 ORDER BY e.at, e.id`, orderID)
	if err != nil {
		return nil, err
	}
	defer events.Close()
	for events.Next() {
		var sid int64
		var e TrackingEvent
		if err := events.Scan(&sid, &e.At, &e.Status, &e.Location, &e.Description); err != nil {
			return nil, err
		}
		out[index[sid]].Events = append(out[index[sid]].Events, e)
	}
	return out, events.Err()
}

const refundColumns = `id, order_id, payment_id, amount, currency, reason, status, coalesce(provider_ref, ''), created_by, created_at`

func scanRefund(row interface{ Scan(...any) error }) (Refund, error) {
	var r Refund
	var amount decimal.Decimal
	var currency string
	err := row.Scan(&r.ID, &r.OrderID, &r.PaymentID, &amount, &currency, &r.Reason, &r.Status, &r.ProviderRef, &r.CreatedBy, &r.CreatedAt)
	r.Amount = money.Amount{Number: amount, Currency: currency}
	return r, err
}

func (s store) refundByKey(ctx context.Context, key string) (Refund, error) {
	r, err := scanRefund(s.db.QueryRow(ctx, `SELECT `+refundColumns+` FROM checkout_refunds WHERE idempotency_key = $1`, key))
	if postgres.NoRows(err) {
		return Refund{}, fmt.Errorf("checkout: refund %s: %w", key, httpx.ErrNotFound)
	}
	return r, err
}

func (s store) insertRefund(ctx context.Context, r *Refund, key string) error {
	return s.db.QueryRow(ctx, `INSERT INTO checkout_refunds (payment_id, order_id, amount, currency, reason, status,
		idempotency_key, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at`,
		r.PaymentID, r.OrderID, r.Amount.Number, r.Amount.Currency, r.Reason, r.Status, key, r.CreatedBy).Scan(&r.ID, &r.CreatedAt)
}

func (s store) setRefundStatus(ctx context.Context, id int64, status, ref string) error {
	_, err := s.db.Exec(ctx, `UPDATE checkout_refunds SET status = $2, provider_ref = nullif($3, '') WHERE id = $1`, id, status, ref)
	return err
}

func (s store) refunds(ctx context.Context, orderID int64) ([]Refund, error) {
	rows, err := s.db.Query(ctx, `SELECT `+refundColumns+` FROM checkout_refunds WHERE order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Refund
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s store) salesBySKU(ctx context.Context, since time.Time) ([]Sales, error) {
	rows, err := s.db.Query(ctx, `SELECT l.sku, max(l.title), max(l.supplier), max(l.origin), sum(l.quantity)
		FROM checkout_order_lines l JOIN checkout_orders o ON o.id = l.order_id
		WHERE o.paid_at IS NOT NULL AND o.status <> 'cancelled' AND o.created_at >= $1
		GROUP BY l.sku ORDER BY l.sku`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Sales
	for rows.Next() {
		var x Sales
		if err := rows.Scan(&x.SKU, &x.Title, &x.Supplier, &x.Origin, &x.Units); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// claimStripeEvent stores an event once and locks its row for the caller's transaction; processed reports whether
// an earlier delivery already applied it. A concurrent delivery of the same event waits here until the first one's
// transaction ends, and an event whose processing failed (its row rolled back, or left unprocessed by an older
// version) is applied again.
func (s store) claimStripeEvent(ctx context.Context, id, typ string, payload []byte, created time.Time) (processed bool, err error) {
	if _, err := s.db.Exec(ctx, `INSERT INTO checkout_stripe_events (id, type, payload, created) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO NOTHING`, id, typ, payload, created); err != nil {
		return false, err
	}
	err = s.db.QueryRow(ctx, `SELECT processed_at IS NOT NULL FROM checkout_stripe_events WHERE id = $1 FOR UPDATE`, id).Scan(&processed)
	return processed, err
}

func (s store) stripeEventProcessed(ctx context.Context, id, outcome string) error {
	_, err := s.db.Exec(ctx, `UPDATE checkout_stripe_events SET processed_at = now(), outcome = $2 WHERE id = $1`, id, outcome)
	return err
}
