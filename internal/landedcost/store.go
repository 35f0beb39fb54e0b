package landedcost

import (
	"context"

	"github.com/jackc/pgx/v5"

	"storefront/internal/landedcost/engine"
	"storefront/internal/platform/postgres"
)

// store holds the module's SQL; it owns landedcost_rules and landedcost_tariff.
type store struct{ db postgres.DBTX }

func (s store) rules(ctx context.Context) ([]engine.Rule, error) {
	rows, err := s.db.Query(ctx, `SELECT id, destination, kind, effective_from, effective_to, params, source FROM landedcost_rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.Rule
	for rows.Next() {
		var r engine.Rule
		var params []byte
		if err := rows.Scan(&r.ID, &r.Destination, &r.Kind, &r.EffectiveFrom, &r.EffectiveTo, &params, &r.Source); err != nil {
			return nil, err
		}
		r.Params = params
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s store) tariff(ctx context.Context) ([]engine.TariffRow, error) {
	rows, err := s.db.Query(ctx, `SELECT destination, hs_prefix, origin, preference, rate, effective_from, effective_to, source
		FROM landedcost_tariff ORDER BY destination, hs_prefix, origin, preference, effective_from`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.TariffRow
	for rows.Next() {
		var t engine.TariffRow
		if err := rows.Scan(&t.Destination, &t.HSPrefix, &t.Origin, &t.Preference, &t.Rate, &t.EffectiveFrom, &t.EffectiveTo, &t.Source); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// upsertFiles writes the shipped rule rows: missing ones are inserted; with overwrite, rows of the same key
// are replaced (a shop that edited a rule keeps its edit unless the operator asks for the files' version).
func (s store) upsertFiles(ctx context.Context, rules []engine.Rule, tariff []engine.TariffRow, overwrite bool) (int, error) {
	ruleSQL := `INSERT INTO landedcost_rules (id, destination, kind, effective_from, effective_to, params, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`
	tariffSQL := `INSERT INTO landedcost_tariff (destination, hs_prefix, origin, preference, rate, effective_from, effective_to, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ON CONSTRAINT landedcost_tariff_key DO NOTHING`
	if overwrite {
		ruleSQL = `INSERT INTO landedcost_rules (id, destination, kind, effective_from, effective_to, params, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET destination = $2, kind = $3,
			effective_from = $4, effective_to = $5, params = $6, source = $7, updated_at = now(), updated_by = 'rule files'
			WHERE (landedcost_rules.destination, landedcost_rules.kind, landedcost_rules.effective_from,
			       landedcost_rules.effective_to, landedcost_rules.params, landedcost_rules.source)
			  IS DISTINCT FROM ($2, $3, $4::date, $5::date, $6::jsonb, $7)`
		tariffSQL = `INSERT INTO landedcost_tariff (destination, hs_prefix, origin, preference, rate, effective_from, effective_to, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT ON CONSTRAINT landedcost_tariff_key DO UPDATE
			SET rate = $5, effective_to = $7, source = $8, updated_at = now()
			WHERE (landedcost_tariff.rate, landedcost_tariff.effective_to, landedcost_tariff.source) IS DISTINCT FROM ($5::numeric, $7::date, $8)`
	}
	b := &pgx.Batch{}
	for _, r := range rules {
		b.Queue(ruleSQL, r.ID, r.Destination, r.Kind, r.EffectiveFrom, r.EffectiveTo, []byte(r.Params), r.Source)
	}
	for _, t := range tariff {
		b.Queue(tariffSQL, t.Destination, t.HSPrefix, t.Origin, t.Preference, t.Rate, t.EffectiveFrom, t.EffectiveTo, t.Source)
	}
	res := s.db.SendBatch(ctx, b)
	defer res.Close()
	changed := 0
	for range len(rules) + len(tariff) {
		tag, err := res.Exec()
		if err != nil {
			return changed, err
		}
		changed += int(tag.RowsAffected())
	}
	return changed, nil
}
