package pricing

import (
	"context"

	"storefront/internal/platform/postgres"
)

// store holds the pricing module's SQL; it owns the pricing_* tables.
type store struct{ db postgres.DBTX }

const marketsSQL = `
SELECT m.code, m.currency, m.default_locale, m.locales, m.tax_display = 'inclusive', m.fixed_gross, m.rounding,
       m.fx_buffer, m.incoterm, m.return_days, m.active, m.position,
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
			&rounding, &m.FXBuffer, &m.Incoterm, &m.ReturnDays, &m.Active, &m.Position, &m.Countries); err != nil {
			return nil, err
		}
		m.Rounding = Rounding(rounding)
		out = append(out, m)
	}
	return out, rows.Err()
}
