package checkout

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/postgres"
)

// Shipping services.
const (
	ServiceEconomy = "economy"
	ServiceExpress = "express"
)

// ShippingRate is a service's price for a parcel, with its delivery estimate.
type ShippingRate struct {
	Service string
	Carrier string
	// Channel is "postal" or "courier": customs treat them differently in some countries (Canada).
	Channel string
	Price   decimal.Decimal
	// Free is true when the order value earned free shipping.
	Free             bool
	MinDays, MaxDays int
}

// ShippingOptions lists the services that can carry a parcel of weightG to the market, priced for an order
// whose shown goods value is itemsValue (free shipping above the market's threshold).
func (s *Service) ShippingOptions(ctx context.Context, market string, weightG int, itemsValue decimal.Decimal) ([]ShippingRate, error) {
	rates, err := s.rates.carrying(ctx, s.pool, market, weightG)
	if err != nil {
		return nil, err
	}
	for i, r := range rates {
		if r.freeOver != nil && itemsValue.GreaterThanOrEqual(*r.freeOver) {
			rates[i].Price, rates[i].Free = decimal.Zero, true
		}
	}
	out := make([]ShippingRate, len(rates))
	for i, r := range rates {
		out[i] = r.ShippingRate
	}
	return out, nil
}

// shippingRate is the price of one service; ErrNoShipping when it cannot carry the parcel.
func (s *Service) shippingRate(ctx context.Context, market, service string, weightG int, itemsValue decimal.Decimal) (ShippingRate, error) {
	opts, err := s.ShippingOptions(ctx, market, weightG, itemsValue)
	if err != nil {
		return ShippingRate{}, err
	}
	for _, o := range opts {
		if o.Service == service {
			return o, nil
		}
	}
	if len(opts) > 0 && service == "" {
		return opts[0], nil
	}
	return ShippingRate{}, ErrNoShipping
}

// genericCarriers are the carrier names of the seeded rate table (migration 000009): they describe the service
// rather than name a company, so shoppers read them in their own language (checkout.CarrierName.{service}).
// Any other name is a brand ("DHL Express", "La Poste") and is shown as written.
var genericCarriers = map[string]string{"Postal economy": ServiceEconomy, "Express courier": ServiceExpress}

// genericCarrier reports the service whose descriptive carrier name carrier is, if it is one.
func genericCarrier(carrier string) (service string, ok bool) {
	service, ok = genericCarriers[strings.TrimSpace(carrier)]
	return service, ok
}

// ratesMaxAge is how old the rate table behind prices may be. The table changes only with a migration or a
// deliberate edit, and neither a product page nor an order should ask the database for it every time; the
// address step, the review page and the placed order read the same copy, so what the shopper chose is what
// they pay.
const ratesMaxAge = time.Minute

// rateTables keeps each market's shipping rate table in memory, read at most ratesMaxAge ago.
type rateTables struct {
	mu      sync.Mutex
	markets map[string]marketRates
}

type marketRates struct {
	read time.Time
	rows []rateRow // by service, then max weight
}

// carrying returns, per service (in service order), the cheapest band of the market's table that carries
// weightG.
func (c *rateTables) carrying(ctx context.Context, db postgres.DBTX, market string, weightG int) ([]rateRow, error) {
	now := time.Now()
	c.mu.Lock()
	m, ok := c.markets[market]
	c.mu.Unlock()
	if !ok || now.Sub(m.read) >= ratesMaxAge {
		rows, err := store{db: db}.marketRates(ctx, market)
		if err != nil {
			return nil, err
		}
		m = marketRates{read: now, rows: rows}
		c.mu.Lock()
		if c.markets == nil {
			c.markets = map[string]marketRates{}
		}
		c.markets[market] = m
		c.mu.Unlock()
	}
	var out []rateRow
	for _, r := range m.rows {
		if r.maxWeightG >= weightG && (len(out) == 0 || out[len(out)-1].Service != r.Service) {
			out = append(out, r)
		}
	}
	return out, nil
}
