package pricing

import (
	"context"
	"testing"
	"time"

	"storefront/internal/intl"
	"storefront/locales"
)

// BenchmarkPriceAndFormatListing24 prices and formats a 24-product listing page for ja-JP (converted, nearest
// 10 yen) and de-DE (fixed gross, partly from the demo euro list), as a listing page does on every request.
// The pool is closed before the loop: a database round trip would fail the benchmark.
func BenchmarkPriceAndFormatListing24(b *testing.B) {
	s, pool := newTestService(b)
	now := time.Now()
	if err := s.SeedDemoRates(ctxSystem, now); err != nil {
		b.Fatal(err)
	}
	if err := s.SeedDemoPriceLists(ctxSystem, []string{"SKU-1", "SKU-5", "SKU-9"}); err != nil {
		b.Fatal(err)
	}
	msgs, err := intl.LoadMessages(locales.FS)
	if err != nil {
		b.Fatal(err)
	}
	ja, _ := msgs.ByCode("ja")
	de, _ := msgs.ByCode("de")
	pages := []struct {
		loc     *intl.Locale
		m       Market
		country string
	}{
		{msgs.Locale(ja, "JP"), mustMarket(b, s, "JP"), "JP"},
		{msgs.Locale(de, "DE"), mustMarket(b, s, "DE"), "DE"},
	}
	in := listing24()
	ctx := context.Background()
	pool.Close()
	shown := make([]string, len(in))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, pg := range pages {
			prices, err := s.Prices(ctx, pg.m, pg.country, in, now)
			if err != nil {
				b.Fatal(err)
			}
			for i, p := range prices {
				shown[i] = pg.loc.Money(p.Shown)
			}
		}
	}
	b.StopTimer()
	if shown[0] != "19,99\u00a0€" {
		b.Errorf("de-DE listing shows %q for the demo list's first SKU", shown[0])
	}
}
