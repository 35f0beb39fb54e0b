package pricing

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
)

// listing24 is a page of a listing: 24 variants, two of them in the demo euro list.
func listing24() []PriceInput {
	in := make([]PriceInput, 24)
	for i := range in {
		in[i] = PriceInput{VariantID: int64(i + 1), SKU: fmt.Sprintf("SKU-%d", i+1),
			BaseNet: d("12.50").Add(d("3.25").Mul(decimal.NewFromInt(int64(i % 10))))}
		if i%3 == 2 {
			in[i].TaxCategory = TaxReduced
		}
	}
	return in
}

func sameAmount(a, b money.Amount) bool { return a.Currency == b.Currency && a.Number.Equal(b.Number) }

// samePrice compares prices by value (decimals hold pointers, so == compares identities).
func samePrice(a, b Price) bool {
	return sameAmount(a.Shown, b.Shown) && sameAmount(a.Net, b.Net) && sameAmount(a.Tax, b.Tax) &&
		sameAmount(a.Gross, b.Gross) && a.TaxRate.Equal(b.TaxRate) && a.TaxIncluded == b.TaxIncluded &&
		a.FromPriceList == b.FromPriceList && a.FX.Rate.Equal(b.FX.Rate) && a.FX.RateID == b.FX.RateID &&
		a.FX.Base == b.FX.Base && a.FX.Quote == b.FX.Quote
}

func TestFixedGrossKeepsTheGrossAcrossVATRates(t *testing.T) {
	s, _ := newTestService(t)
	now := time.Now()
	mustLoadJSON(t, s, now.Add(-time.Hour), "EUR", "0.8650", "GBP", "0.7581")
	in := PriceInput{SKU: "A", BaseNet: d("20")}
	de, err := s.Price(context.Background(), mustMarket(t, s, "DE"), "DE", in, now)
	if err != nil {
		t.Fatal(err)
	}
	fr, err := s.Price(context.Background(), mustMarket(t, s, "FR"), "FR", in, now)
	if err != nil {
		t.Fatal(err)
	}
	// Same gross (made with the DE rate), different net and tax: 21.99 = 18.48 + 3.51 (19%) = 18.33 + 3.66 (20%).
	if !sameAmount(de.Shown, fr.Shown) || de.Shown.String() != "21.99 EUR" || !de.TaxIncluded {
		t.Errorf("gross differs: %s vs %s", de.Shown, fr.Shown)
	}
	if de.Net.String() != "18.48 EUR" || de.Tax.String() != "3.51 EUR" || !de.TaxRate.Equal(d("0.19")) {
		t.Errorf("DE: net %s tax %s rate %s", de.Net, de.Tax, de.TaxRate)
	}
	if fr.Net.String() != "18.33 EUR" || fr.Tax.String() != "3.66 EUR" || !fr.TaxRate.Equal(d("0.20")) {
		t.Errorf("FR: net %s tax %s rate %s", fr.Net, fr.Tax, fr.TaxRate)
	}
	// The quote carries the buffered rate and where it came from.
	if !de.FX.Rate.Equal(d("0.8823")) || !de.FX.Buffer.Equal(d("0.02")) || de.FX.RateID == 0 || de.FX.Base != "USD" || de.FX.Quote != "EUR" {
		t.Errorf("quote: %+v", de.FX)
	}
	// A market without fixed gross shows its own VAT in the gross.
	gb, err := s.Price(context.Background(), mustMarket(t, s, "GB"), "GB", in, now)
	if err != nil || gb.Shown.String() != "18.99 GBP" || gb.Net.String() != "15.83 GBP" {
		t.Errorf("GB: %+v %v", gb, err)
	}
	// A tax-exclusive market shows the net; tax comes at checkout.
	us, err := s.Price(context.Background(), mustMarket(t, s, "US"), "US", in, now)
	if err != nil || us.Shown.String() != "20.00 USD" || us.TaxIncluded || !us.Tax.IsZero() || us.FX.RateID != 0 {
		t.Errorf("US: %+v %v", us, err)
	}
	if _, err := s.Price(context.Background(), mustMarket(t, s, "DE"), "FR", in, now); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("country outside the market: %v", err)
	}
	if _, err := s.Price(context.Background(), mustMarket(t, s, "JP"), "JP", in, now); !errors.Is(err, ErrNoRate) {
		t.Errorf("no JPY rate: %v", err)
	}
}

func TestPriceListPrecedence(t *testing.T) {
	s, _ := newTestService(t)
	ctx := ctxSystem
	now := time.Now()
	mustLoadJSON(t, s, now.Add(-time.Hour), "EUR", "0.8650")
	eur, err := s.CreatePriceList(ctx, NewPriceList{Name: "Euro", Currency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	fr, err := s.CreatePriceList(ctx, NewPriceList{Name: "France", MarketCode: "FR"})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range []struct {
		list       int64
		sku, price string
	}{{eur.ID, "A", "29.99"}, {eur.ID, "B", "19.99"}, {fr.ID, "A", "27.99"}} {
		if err := s.SetPriceListItem(ctx, it.list, it.sku, d(it.price)); err != nil {
			t.Fatal(err)
		}
	}
	items := []PriceInput{{SKU: "A", BaseNet: d("20")}, {SKU: "B", BaseNet: d("20")}, {SKU: "C", BaseNet: d("20")}}
	frPrices, err := s.Prices(context.Background(), mustMarket(t, s, "FR"), "FR", items, now)
	if err != nil {
		t.Fatal(err)
	}
	dePrices, err := s.Prices(context.Background(), mustMarket(t, s, "DE"), "DE", items, now)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		p         Price
		shown     string
		fromList  bool
		net       string
		converted bool
	}{
		{frPrices[0], "27.99 EUR", true, "23.33 EUR", false}, // the market's list wins
		{frPrices[1], "19.99 EUR", true, "16.66 EUR", false}, // else the currency's list
		{frPrices[2], "21.99 EUR", false, "18.33 EUR", true}, // else conversion
		{dePrices[0], "29.99 EUR", true, "25.20 EUR", false}, // FR's list does not apply in DE
		{dePrices[1], "19.99 EUR", true, "16.80 EUR", false},
		{dePrices[2], "21.99 EUR", false, "18.48 EUR", true},
	}
	for i, w := range want {
		if w.p.Shown.String() != w.shown || w.p.FromPriceList != w.fromList || w.p.Net.String() != w.net ||
			(w.p.FX.Base != w.p.FX.Quote) != w.converted {
			t.Errorf("%d: %s list=%v net %s fx %s→%s, want %s list=%v net %s", i, w.p.Shown, w.p.FromPriceList,
				w.p.Net, w.p.FX.Base, w.p.FX.Quote, w.shown, w.fromList, w.net)
		}
	}
	// Without the market's price, the currency list applies again.
	if err := s.DeletePriceListItem(ctx, fr.ID, "A"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Price(context.Background(), mustMarket(t, s, "FR"), "FR", items[0], now); p.Shown.String() != "29.99 EUR" {
		t.Errorf("after delete: %s", p.Shown)
	}
	if err := s.DeletePriceListItem(ctx, fr.ID, "A"); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	// Only when no list has the SKU is a rate needed: list prices work without one.
	jp, err := s.CreatePriceList(ctx, NewPriceList{Name: "Japan", MarketCode: "JP"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPriceListItem(ctx, jp.ID, "A", d("4980")); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Price(context.Background(), mustMarket(t, s, "JP"), "JP", items[0], now); err != nil || p.Shown.String() != "4980 JPY" || p.Net.String() != "4527 JPY" {
		t.Errorf("JPY list price: %+v %v", p, err)
	}
}

func TestPriceListValidation(t *testing.T) {
	s, pool := newTestService(t)
	ctx := ctxSystem
	if _, err := s.CreatePriceList(ctx, NewPriceList{Name: "", MarketCode: "DE", Currency: "EUR"}); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("both scopes: %v", err)
	}
	if _, err := s.CreatePriceList(ctx, NewPriceList{Name: "x", MarketCode: "XX"}); !errors.Is(err, httpx.ErrInvalid) {
		t.Errorf("unknown market: %v", err)
	}
	if _, err := s.CreatePriceList(ctx, NewPriceList{Name: "x", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePriceList(ctx, NewPriceList{Name: "y", Currency: "EUR"}); !errors.Is(err, ErrListExists) || httpx.Status(err) != 409 {
		t.Errorf("second EUR list: %v", err)
	}
	jp, err := s.CreatePriceList(ctx, NewPriceList{Name: "Japan", MarketCode: "JP"})
	if err != nil {
		t.Fatal(err)
	}
	kw, err := s.CreatePriceList(ctx, NewPriceList{Name: "Kuwaiti dinar", Currency: "KWD"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		list       int64
		sku, price string
		field      string
	}{
		{jp.ID, "A", "4980.5", "price"}, // yen have no decimals
		{jp.ID, "A", "0", "price"},
		{jp.ID, "A", "-5", "price"},
		{jp.ID, " ", "100", "sku"},
		{kw.ID, "A", "1.2345", "price"}, // three decimals at most
	} {
		err := s.SetPriceListItem(ctx, c.list, c.sku, d(c.price))
		if fe, ok := httpx.AsFieldErrors(err); !ok || fe.For(c.field) == nil {
			t.Errorf("%s %q: %v", c.sku, c.price, err)
		}
	}
	if err := s.SetPriceListItem(ctx, kw.ID, "A", d("1.234")); err != nil {
		t.Errorf("KWD 1.234: %v", err)
	}
	if err := s.SetPriceListItem(ctx, 999, "A", d("1")); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("unknown list: %v", err)
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pricing_price_list_items`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d items stored (%v)", n, err)
	}
}

func TestPricesUseNoDatabaseAndLockedRatesRepriceIdentically(t *testing.T) {
	s, pool := newTestService(t)
	now := time.Now()
	if err := s.SeedDemoRates(ctxSystem, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDemoPriceLists(ctxSystem, []string{"SKU-1", "SKU-2"}); err != nil {
		t.Fatal(err)
	}
	in := listing24()
	jp, de := mustMarket(t, s, "JP"), mustMarket(t, s, "DE")
	// With the pool closed, any database access would fail: pricing runs from memory.
	pool.Close()
	for _, c := range []struct {
		m       Market
		country string
	}{{jp, "JP"}, {de, "DE"}} {
		prices, err := s.Prices(context.Background(), c.m, c.country, in, now)
		if err != nil || len(prices) != 24 {
			t.Fatalf("%s: %d prices, %v", c.country, len(prices), err)
		}
		for i, p := range prices {
			var list *decimal.Decimal
			if p.FromPriceList {
				list = &p.Shown.Number
			}
			again, err := s.PriceWithRate(c.m, c.country, in[i], p.FX, list, now)
			if err != nil || !samePrice(again, p) {
				t.Errorf("%s %s: re-priced %+v, was %+v (%v)", c.country, in[i].SKU, again, p, err)
			}
		}
		if c.country == "DE" && (!prices[0].FromPriceList || prices[0].Shown.String() != "19.99 EUR" ||
			!prices[1].FromPriceList || prices[1].Shown.String() != "29.99 EUR" || prices[2].FromPriceList) {
			t.Errorf("demo list: %s %s %s", prices[0].Shown, prices[1].Shown, prices[2].Shown)
		}
	}
}
