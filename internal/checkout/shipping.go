package checkout

import (
	"context"

	"github.com/shopspring/decimal"
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
	rates, err := store{db: s.pool}.shippingRates(ctx, market, weightG)
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
