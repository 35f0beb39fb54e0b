package pricing

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"storefront/internal/platform/httpx"
)

// TestMissingRateIsTheShopsFault: pricing in a market whose currency has no rate in force is a server-side fault
// (logged, shown as "temporarily unavailable"), never a 404 that makes the market's storefront look missing.
func TestMissingRateIsTheShopsFault(t *testing.T) {
	s, _ := newTestService(t)
	now := time.Now()
	mustLoadJSON(t, s, now.Add(-time.Hour), "EUR", "0.86")
	in := PriceInput{VariantID: 1, SKU: "TEE-1", BaseNet: d("20"), TaxCategory: "standard"}
	if _, err := s.Price(context.Background(), mustMarket(t, s, "DE"), "DE", in, now); err != nil {
		t.Fatalf("a market with a rate: %v", err)
	}
	_, err := s.Price(context.Background(), mustMarket(t, s, "JP"), "JP", in, now)
	if !errors.Is(err, ErrNoRate) {
		t.Fatalf("no JPY rate: %v", err)
	}
	if errors.Is(err, httpx.ErrNotFound) || httpx.Status(err) != http.StatusInternalServerError {
		t.Errorf("a missing rate maps to %d (not found: %v); want a server error", httpx.Status(err), errors.Is(err, httpx.ErrNotFound))
	}
	if _, err := s.RateAt("USD", "JPY", now); !errors.Is(err, ErrNoRate) || httpx.Status(err) != http.StatusInternalServerError {
		t.Errorf("RateAt without a rate: %v (status %d)", err, httpx.Status(err))
	}
}

// TestStaleWarningNamesMarketsWithoutRate: the back office's exchange-rate warning names the markets whose
// storefronts cannot show prices because their currency has no rate at all.
func TestStaleWarningNamesMarketsWithoutRate(t *testing.T) {
	a := newAdmin(t)
	// Nothing loaded: every market currency is missing, EUR for six markets.
	body := a.get("/").Body.String()
	for _, want := range []string{
		"USD→JPY: no rate, so the storefronts of Japan (JP) cannot show prices.",
		"USD→EUR: no rate, so the storefronts of Germany (DE), France (FR), Netherlands (NL), Italy (IT), Spain (ES), Ireland (IE) cannot show prices.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("markets page lacks %q", want)
		}
	}
	// Every rate but the yen's: only Japan is named, on the markets and the rates pages.
	mustLoadJSON(t, a.svc, time.Now().Add(-time.Hour), "CAD", "1.38", "GBP", "0.79", "EUR", "0.86", "CHF", "0.80",
		"NOK", "10.6", "AUD", "1.52", "NZD", "1.68", "SGD", "1.30", "KRW", "1390", "AED", "3.6725")
	for _, page := range []string{"/", "/rates"} {
		body := a.get(page).Body.String()
		if !strings.Contains(body, "USD→JPY: no rate, so the storefronts of Japan (JP) cannot show prices.") ||
			strings.Contains(body, "USD→EUR: no rate") {
			t.Errorf("%s: the warning does not name exactly the market without a rate", page)
		}
	}
}
