package returns

import (
	"context"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// ReportRow is one product, supplier or country of origin in the quality report.
type ReportRow struct {
	Key      string // the SKU, supplier or origin country
	Title    string // for SKUs
	Supplier string // for SKUs
	Origin   string // for SKUs
	Sold     int
	Returned int
	// Rate is returned units / sold units; it is unknown (Valid false) when nothing sold in the period.
	Rate    decimal.NullDecimal
	Reasons map[Reason]int
}

// Report is which products come back and why, since a date, so a merchant can see what causes complaints.
type Report struct {
	BySKU      []ReportRow
	BySupplier []ReportRow
	ByOrigin   []ReportRow
}

// Report computes return reasons and return rates (units asked back in returns that were not rejected, over
// units sold in paid orders) by SKU, by supplier and by origin since a date. Rows are ordered by return rate,
// then by units returned.
func (s *Service) Report(ctx context.Context, since time.Time) (Report, error) {
	counts, err := store{db: s.pool}.returnedUnits(ctx, since)
	if err != nil {
		return Report{}, err
	}
	sales, err := s.orders.SalesBySKU(ctx, since)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	sku := map[string]*ReportRow{}
	supplier := map[string]*ReportRow{}
	origin := map[string]*ReportRow{}
	row := func(m map[string]*ReportRow, key string) *ReportRow {
		r := m[key]
		if r == nil {
			r = &ReportRow{Key: key, Reasons: map[Reason]int{}}
			m[key] = r
		}
		return r
	}
	for _, c := range counts {
		r := row(sku, c.SKU)
		r.Title, r.Supplier, r.Origin = c.Title, c.Supplier, c.Origin
		r.Returned += c.Units
		r.Reasons[c.Reason] += c.Units
		for _, g := range []*ReportRow{row(supplier, c.Supplier), row(origin, c.Origin)} {
			g.Returned += c.Units
			g.Reasons[c.Reason] += c.Units
		}
	}
	// Sales count for every group that had returns: a supplier's rate is over all it sold, returned or not.
	for _, x := range sales {
		if r := sku[x.SKU]; r != nil {
			r.Sold += x.Units
		}
		if r := supplier[x.Supplier]; r != nil {
			r.Sold += x.Units
		}
		if r := origin[x.Origin]; r != nil {
			r.Sold += x.Units
		}
	}
	rep.BySKU, rep.BySupplier, rep.ByOrigin = ranked(sku), ranked(supplier), ranked(origin)
	return rep, nil
}

func ranked(m map[string]*ReportRow) []ReportRow {
	out := make([]ReportRow, 0, len(m))
	for _, r := range m {
		if r.Sold > 0 {
			r.Rate = decimal.NewNullDecimal(decimal.NewFromInt(int64(r.Returned)).DivRound(decimal.NewFromInt(int64(r.Sold)), 4))
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ar, br := a.Rate.Decimal, b.Rate.Decimal
		if !a.Rate.Valid {
			ar = decimal.NewFromInt(-1)
		}
		if !b.Rate.Valid {
			br = decimal.NewFromInt(-1)
		}
		if !ar.Equal(br) {
			return ar.GreaterThan(br)
		}
		if a.Returned != b.Returned {
			return a.Returned > b.Returned
		}
		return a.Key < b.Key
	})
	return out
}
