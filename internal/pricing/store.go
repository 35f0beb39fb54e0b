package pricing

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// store holds the pricing module's SQL; it owns the pricing_* tables.
type store struct{ db postgres.DBTX }

const marketsSQL = `
SELECT m.code, m.currency, m.default_locale, m.locales, m.tax_display = 'inclusive', m.fixed_gross,
       coalesce(m.gross_reference_country, ''), m.rounding, m.fx_buffer, m.incoterm, m.return_days, m.active,
       m.position,
       coalesce(array_agg(c.country ORDER BY c.country) FILTER (WHERE c.country IS NOT NULL), '{}')
FROM pricing_markets m LEFT JOIN pricing_market_countries c ON c.market_code = m.code
GROUP BY m.code ORDER BY m.position, m.code`

func (s store) markets(ctx context.Context) ([]Market, error) {
	rows, err := s.db.Query(ctx, marketsSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Market
	for rows.Next() {
		var m Market
		var rounding string
		if err := rows.Scan(&m.Code, &m.Currency, &m.DefaultLocale, &m.Locales, &m.TaxInclusive, &m.FixedGross,
			&m.GrossReferenceCountry, &rounding, &m.FXBuffer, &m.Incoterm, &m.ReturnDays, &m.Active, &m.Position,
			&m.Countries); err != nil {
			return nil, err
		}
		m.Rounding = Rounding(rounding)
		out = append(out, m)
	}
	return out, rows.Err()
}

const updateMarketSQL = `
UPDATE pricing_markets
SET tax_display = CASE WHEN $2 THEN 'inclusive' ELSE 'exclusive' END, fixed_gross = $3,
    gross_reference_country = NULLIF($4, ''), rounding = $5, fx_buffer = $6, incoterm = $7, return_days = $8,
    active = $9, updated_at = now()
WHERE code = $1`

func (s store) updateMarket(ctx context.Context, code string, in MarketSettings) error {
	tag, err := s.db.Exec(ctx, updateMarketSQL, code, in.TaxInclusive, in.FixedGross, in.GrossReferenceCountry,
		string(in.Rounding), in.FXBuffer, in.Incoterm, in.ReturnDays, in.Active)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pricing: market %s: %w", code, httpx.ErrNotFound)
	}
	return nil
}

// ratesSinceSQL reads the rates effective since $1 and, per pair, the one in force at $1: enough to answer
// exactly for any time from $1 on, however long the history (the ECB's goes back to 1999).
const ratesSinceSQL = `
SELECT id, base, quote, rate, effective_at, source FROM pricing_fx_rates WHERE effective_at >= $1
UNION ALL
(SELECT DISTINCT ON (base, quote) id, base, quote, rate, effective_at, source FROM pricing_fx_rates
 WHERE effective_at < $1 ORDER BY base, quote, effective_at DESC, id DESC)`

func (s store) ratesSince(ctx context.Context, since time.Time) ([]rateRow, error) {
	rows, err := s.db.Query(ctx, ratesSinceSQL, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rateRow
	for rows.Next() {
		var r rateRow
		if err := rows.Scan(&r.id, &r.base, &r.quote, &r.rate, &r.effectiveAt, &r.source); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// insertRatesSQL stores a whole file in one statement; a rate already stored identically is skipped, so loading
// a file twice changes nothing.
const insertRatesSQL = `
INSERT INTO pricing_fx_rates (base, quote, rate, effective_at, source, created_by)
SELECT b, q, r, e, $5, $6 FROM unnest($1::text[], $2::text[], $3::numeric[], $4::timestamptz[]) AS t(b, q, r, e)
ON CONFLICT ON CONSTRAINT pricing_fx_rates_same DO NOTHING`

func (s store) insertRates(ctx context.Context, rates []RateInput, source, by string) error {
	bases := make([]string, len(rates))
	quotes := make([]string, len(rates))
	values := make([]string, len(rates))
	times := make([]time.Time, len(rates))
	for i, r := range rates {
		bases[i], quotes[i], values[i], times[i] = r.Base, r.Quote, r.Rate.String(), r.EffectiveAt
	}
	_, err := s.db.Exec(ctx, insertRatesSQL, bases, quotes, values, times, source, by)
	return err
}

const rateColumns = `id, base, quote, rate, effective_at, source, created_at, created_by`

func scanRate(row interface{ Scan(...any) error }) (Rate, error) {
	var r Rate
	err := row.Scan(&r.ID, &r.Base, &r.Quote, &r.Rate, &r.EffectiveAt, &r.Source, &r.CreatedAt, &r.CreatedBy)
	return r, err
}

const insertRateSQL = `
WITH ins AS (
    INSERT INTO pricing_fx_rates (base, quote, rate, effective_at, source, created_by)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT ON CONSTRAINT pricing_fx_rates_same DO NOTHING
    RETURNING ` + rateColumns + `)
SELECT ` + rateColumns + ` FROM ins
UNION ALL
SELECT ` + rateColumns + ` FROM pricing_fx_rates
WHERE base = $1 AND quote = $2 AND effective_at = $4 AND rate = $3 AND NOT EXISTS (SELECT 1 FROM ins)`

func (s store) insertRate(ctx context.Context, in RateInput, by string) (Rate, error) {
	return scanRate(s.db.QueryRow(ctx, insertRateSQL, in.Base, in.Quote, in.Rate, in.EffectiveAt, in.Source, by))
}

const recentRatesSQL = `SELECT ` + rateColumns + ` FROM pricing_fx_rates ORDER BY created_at DESC, id DESC LIMIT $1`

func (s store) recentRates(ctx context.Context, limit int) ([]Rate, error) {
	rows, err := s.db.Query(ctx, recentRatesSQL, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rate
	for rows.Next() {
		r, err := scanRate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const allListItemsSQL = `
SELECT coalesce(l.market_code, ''), coalesce(l.currency, ''), i.sku, i.price
FROM pricing_price_list_items i JOIN pricing_price_lists l ON l.id = i.list_id`

func (s store) allListItems(ctx context.Context) ([]listItemRow, error) {
	rows, err := s.db.Query(ctx, allListItemsSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []listItemRow
	for rows.Next() {
		var r listItemRow
		if err := rows.Scan(&r.marketCode, &r.currency, &r.sku, &r.price); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const listColumns = `l.id, l.name, coalesce(l.market_code, ''), coalesce(l.currency, ''), l.created_at,
       (SELECT count(*) FROM pricing_price_list_items i WHERE i.list_id = l.id)`

func scanList(row interface{ Scan(...any) error }) (PriceList, error) {
	var l PriceList
	err := row.Scan(&l.ID, &l.Name, &l.MarketCode, &l.Currency, &l.CreatedAt, &l.Items)
	return l, err
}

const priceListsSQL = `SELECT ` + listColumns + ` FROM pricing_price_lists l
ORDER BY l.market_code NULLS LAST, l.currency, l.id`

func (s store) priceLists(ctx context.Context) ([]PriceList, error) {
	rows, err := s.db.Query(ctx, priceListsSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PriceList
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

const priceListSQL = `SELECT ` + listColumns + ` FROM pricing_price_lists l WHERE l.id = $1`

func (s store) priceList(ctx context.Context, id int64) (PriceList, error) {
	l, err := scanList(s.db.QueryRow(ctx, priceListSQL, id))
	if postgres.NoRows(err) {
		return PriceList{}, fmt.Errorf("pricing: price list %d: %w", id, httpx.ErrNotFound)
	}
	return l, err
}

const insertListSQL = `
INSERT INTO pricing_price_lists (name, market_code, currency) VALUES ($1, NULLIF($2, ''), NULLIF($3, ''))
RETURNING id`

func (s store) insertList(ctx context.Context, name, marketCode, currency string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, insertListSQL, name, marketCode, currency).Scan(&id)
	if _, dup := postgres.IsUniqueViolation(err); dup {
		return 0, fmt.Errorf("pricing: price list for %s%s: %w", marketCode, currency, ErrListExists)
	}
	return id, err
}

const listItemsSQL = `
SELECT sku, price, updated_at, updated_by FROM pricing_price_list_items
WHERE list_id = $1 AND ($2 = '' OR sku LIKE replace(replace(replace($2, '\', '\\'), '%', '\%'), '_', '\_') || '%')
ORDER BY sku LIMIT $3`

func (s store) listItems(ctx context.Context, listID int64, skuPrefix string, limit int) ([]PriceListItem, error) {
	rows, err := s.db.Query(ctx, listItemsSQL, listID, skuPrefix, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PriceListItem
	for rows.Next() {
		var it PriceListItem
		if err := rows.Scan(&it.SKU, &it.Price, &it.UpdatedAt, &it.UpdatedBy); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

const upsertItemSQL = `
INSERT INTO pricing_price_list_items (list_id, sku, price, updated_by) VALUES ($1, $2, $3, $4)
ON CONFLICT (list_id, sku) DO UPDATE SET price = EXCLUDED.price, updated_at = now(), updated_by = EXCLUDED.updated_by`

func (s store) upsertItem(ctx context.Context, listID int64, sku string, price decimal.Decimal, by string) error {
	_, err := s.db.Exec(ctx, upsertItemSQL, listID, sku, price, by)
	if postgres.IsForeignKeyViolation(err) {
		return fmt.Errorf("pricing: price list %d: %w", listID, httpx.ErrNotFound)
	}
	return err
}

// insertItemsSQL adds items that are not in the list yet and leaves existing ones alone (the demo seed).
const insertItemsSQL = `
INSERT INTO pricing_price_list_items (list_id, sku, price, updated_by)
SELECT $1, s, p, $4 FROM unnest($2::text[], $3::numeric[]) AS t(s, p)
ON CONFLICT (list_id, sku) DO NOTHING`

func (s store) insertItems(ctx context.Context, listID int64, skus, prices []string, by string) error {
	_, err := s.db.Exec(ctx, insertItemsSQL, listID, skus, prices, by)
	return err
}

const deleteItemSQL = `DELETE FROM pricing_price_list_items WHERE list_id = $1 AND sku = $2`

func (s store) deleteItem(ctx context.Context, listID int64, sku string) error {
	tag, err := s.db.Exec(ctx, deleteItemSQL, listID, sku)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pricing: price list %d SKU %q: %w", listID, sku, httpx.ErrNotFound)
	}
	return nil
}

const listIDByCurrencySQL = `SELECT id FROM pricing_price_lists WHERE currency = $1`

func (s store) listIDByCurrency(ctx context.Context, currency string) (int64, bool, error) {
	var id int64
	err := s.db.QueryRow(ctx, listIDByCurrencySQL, currency).Scan(&id)
	if postgres.NoRows(err) {
		return 0, false, nil
	}
	return id, err == nil, err
}
