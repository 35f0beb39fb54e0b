package cart

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// store holds the cart module's SQL; it owns cart_carts and cart_lines.
type store struct{ db postgres.DBTX }

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

const cartColumns = `id, coalesce(user_id, 0), market_code, currency, updated_at`

// find returns the cart of a user, or else of a guest token; ok is false when there is none.
func (s store) find(ctx context.Context, ref Ref) (Cart, bool, error) {
	var c Cart
	var err error
	switch {
	case ref.UserID != 0:
		err = s.db.QueryRow(ctx, `SELECT `+cartColumns+` FROM cart_carts WHERE user_id = $1`, ref.UserID).
			Scan(&c.ID, &c.UserID, &c.Market, &c.Currency, &c.UpdatedAt)
	case ref.Token != "":
		err = s.db.QueryRow(ctx, `SELECT `+cartColumns+` FROM cart_carts WHERE token_hash = $1 AND user_id IS NULL`, hashToken(ref.Token)).
			Scan(&c.ID, &c.UserID, &c.Market, &c.Currency, &c.UpdatedAt)
	default:
		return Cart{}, false, nil
	}
	if postgres.NoRows(err) {
		return Cart{}, false, nil
	}
	if err != nil {
		return Cart{}, false, err
	}
	c.Lines, err = s.lines(ctx, c.ID)
	return c, true, err
}

// create makes an empty cart for the ref.
func (s store) create(ctx context.Context, ref Ref, market, currency string) (Cart, error) {
	var tokenHash []byte
	var userID any
	if ref.UserID != 0 {
		userID = ref.UserID
	} else {
		tokenHash = hashToken(ref.Token)
	}
	c := Cart{UserID: ref.UserID, Market: market, Currency: currency}
	err := s.db.QueryRow(ctx, `INSERT INTO cart_carts (token_hash, user_id, market_code, currency) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING RETURNING id, updated_at`, tokenHash, userID, market, currency).Scan(&c.ID, &c.UpdatedAt)
	if postgres.NoRows(err) {
		// Created meanwhile by a concurrent request of the same visitor.
		c2, _, err := s.find(ctx, ref)
		return c2, err
	}
	return c, err
}

// createWithLine makes a cart for a fresh token with its first line, in one statement (so atomically, without
// a transaction of its own).
func (s store) createWithLine(ctx context.Context, ref Ref, market, currency string, l Line) error {
	vals, err := lineValues(l)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `
WITH cart AS (
    INSERT INTO cart_carts (token_hash, market_code, currency) VALUES ($1, $2, $3) RETURNING id)
INSERT INTO cart_lines (cart_id, `+lineColumns+`)
SELECT cart.id, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM cart`,
		append([]any{hashToken(ref.Token), market, currency}, vals...)...)
	return err
}

const linesSQL = `SELECT ` + lineColumns + ` FROM cart_lines WHERE cart_id = $1 ORDER BY added_at, variant_id`

func (s store) lines(ctx context.Context, cartID int64) ([]Line, error) {
	rows, err := s.db.Query(ctx, linesSQL, cartID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		var currency string
		var shown, net, tax decimal.Decimal
		var fx []byte
		if err := rows.Scan(&l.VariantID, &l.Quantity, &currency, &shown, &net, &tax, &l.Price.TaxRate, &l.Price.TaxIncluded,
			&l.Price.FromPriceList, &fx, &l.CapturedAt); err != nil {
			return nil, err
		}
		l.Price.Shown = money.Amount{Number: shown, Currency: currency}
		l.Price.Net = money.Amount{Number: net, Currency: currency}
		l.Price.Tax = money.Amount{Number: tax, Currency: currency}
		l.Price.Gross = money.Amount{Number: net.Add(tax), Currency: currency}
		if err := json.Unmarshal(fx, &l.Price.FX); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// lineColumns are a line's columns of cart_lines (all but cart_id and added_at), in the order of lineValues.
const lineColumns = `variant_id, quantity, currency, unit_shown, unit_net, unit_tax, tax_rate, tax_included, from_price_list,
    fx, captured_at`

// lineValues are a line's values for lineColumns.
func lineValues(l Line) ([]any, error) {
	fx, err := json.Marshal(l.Price.FX)
	if err != nil {
		return nil, err
	}
	p := l.Price
	return []any{l.VariantID, l.Quantity, p.Shown.Currency, p.Shown.Number, p.Net.Number, p.Tax.Number, p.TaxRate,
		p.TaxIncluded, p.FromPriceList, fx, l.CapturedAt}, nil
}

const upsertLineSQL = `
INSERT INTO cart_lines (cart_id, ` + lineColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = $3, currency = $4, unit_shown = $5, unit_net = $6,
    unit_tax = $7, tax_rate = $8, tax_included = $9, from_price_list = $10, fx = $11, captured_at = $12`

func (s store) putLine(ctx context.Context, cartID int64, l Line) error {
	vals, err := lineValues(l)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, upsertLineSQL, append([]any{cartID}, vals...)...)
	return err
}

func (s store) deleteLine(ctx context.Context, cartID, variantID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM cart_lines WHERE cart_id = $1 AND variant_id = $2`, cartID, variantID)
	return err
}

func (s store) clear(ctx context.Context, cartID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM cart_lines WHERE cart_id = $1`, cartID)
	return err
}

func (s store) setMarket(ctx context.Context, cartID int64, market, currency string) error {
	_, err := s.db.Exec(ctx, `UPDATE cart_carts SET market_code = $2, currency = $3, updated_at = now() WHERE id = $1`, cartID, market, currency)
	return err
}

func (s store) touch(ctx context.Context, cartID int64) error {
	_, err := s.db.Exec(ctx, `UPDATE cart_carts SET updated_at = now() WHERE id = $1`, cartID)
	return err
}

func (s store) adopt(ctx context.Context, cartID, userID int64) error {
	_, err := s.db.Exec(ctx, `UPDATE cart_carts SET user_id = $2, token_hash = NULL, updated_at = now() WHERE id = $1`, cartID, userID)
	return err
}

func (s store) deleteCart(ctx context.Context, cartID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM cart_carts WHERE id = $1`, cartID)
	return err
}

// count returns the number of units in the ref's cart, in one query.
func (s store) count(ctx context.Context, ref Ref) (int, error) {
	var n int
	var err error
	switch {
	case ref.UserID != 0:
		err = s.db.QueryRow(ctx, `SELECT coalesce(sum(l.quantity), 0) FROM cart_carts c JOIN cart_lines l ON l.cart_id = c.id
			WHERE c.user_id = $1`, ref.UserID).Scan(&n)
	case ref.Token != "":
		err = s.db.QueryRow(ctx, `SELECT coalesce(sum(l.quantity), 0) FROM cart_carts c JOIN cart_lines l ON l.cart_id = c.id
			WHERE c.token_hash = $1 AND c.user_id IS NULL`, hashToken(ref.Token)).Scan(&n)
	}
	return n, err
}

// deleteAbandoned removes guest carts untouched since before.
func (s store) deleteAbandoned(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM cart_carts WHERE user_id IS NULL AND updated_at < $1`, before)
	return tag.RowsAffected(), err
}
