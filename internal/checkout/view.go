package checkout

import (
	"context"
	"strings"

	"storefront/internal/cart"
	"storefront/internal/checkout/views"
	"storefront/internal/intl"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
)

// summary is what a breakdown shows, from a live Breakdown or a stored Order.
type summary struct {
	TaxIncluded                        bool
	Units                              int
	Items, Shipping, Duty, Tax, TaxIn  money.Amount
	Fees, Total, DueNow, DueOnDelivery money.Amount
	FreeShipping, DutyUnknown          bool
	Incoterm, ServiceLabel             string
	Regimes                            []string
}

// breakdownView renders a summary in the shopper's language: every charge, the total, what is paid now and on
// delivery, and the customs treatment.
func breakdownView(loc *intl.Locale, s summary, title string) ui.BreakdownProps {
	p := ui.BreakdownProps{Title: title}
	itemsNote := ""
	if s.TaxIncluded {
		itemsNote = loc.T("checkout.InclTax")
	}
	p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.N("checkout.Items", s.Units), Amount: loc.Money(s.Items), Note: itemsNote})
	ship := loc.Money(s.Shipping)
	if s.FreeShipping {
		ship = loc.T("checkout.Free")
	}
	p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.Shipping"), Amount: ship, Note: s.ServiceLabel})
	if s.DutyUnknown {
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.Duty"), Amount: loc.Money(s.Duty), Note: loc.T("checkout.DutyUnknownNote")})
	} else {
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.Duty"), Amount: loc.Money(s.Duty)})
	}
	if s.TaxIncluded {
		adj := money.Amount{Number: s.Tax.Number.Sub(s.TaxIn.Number), Currency: s.Tax.Currency}
		if !adj.IsZero() {
			note := loc.T("checkout.TaxAdjustmentMore")
			if adj.Number.IsNegative() {
				note = loc.T("checkout.TaxAdjustmentLess")
			}
			p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.TaxAdjustment"), Amount: loc.Money(adj), Note: note})
		}
	} else {
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.Tax"), Amount: loc.Money(s.Tax)})
	}
	if !s.Fees.IsZero() {
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.Fees"), Amount: loc.Money(s.Fees), Note: loc.T("checkout.FeesNote")})
	}
	p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.Total"), Amount: loc.Money(s.Total), Strong: true})
	if s.TaxIncluded && !s.Tax.IsZero() {
		p.Rows = append(p.Rows, ui.BreakdownRow{Label: loc.T("checkout.OfWhichTax"), Amount: loc.Money(s.Tax)})
	}
	if !s.DueOnDelivery.IsZero() {
		p.Rows = append(p.Rows,
			ui.BreakdownRow{Label: loc.T("checkout.PayNow"), Amount: loc.Money(s.DueNow), Strong: true},
			ui.BreakdownRow{Label: loc.T("checkout.PayOnDelivery"), Amount: loc.Money(s.DueOnDelivery), Note: loc.T("checkout.PayOnDeliveryNote")})
		p.Notices = append(p.Notices, loc.T("checkout.DAPNotice"))
	} else {
		p.Notices = append(p.Notices, loc.T("checkout.DDPNotice"))
	}
	if s.DutyUnknown {
		p.Notices = append(p.Notices, loc.T("checkout.DutyUnknownNotice"))
	}
	var regimes []string
	for _, r := range s.Regimes {
		for _, part := range strings.Split(r, "+") {
			text, ok := loc.Lookup("checkout.Regime." + part)
			if !ok {
				text = loc.T("checkout.Regime.other")
			}
			if !containsString(regimes, text) {
				regimes = append(regimes, text)
			}
		}
	}
	p.Regime = strings.Join(regimes, " ")
	return p
}

func summaryOf(b Breakdown, units int, loc *intl.Locale) summary {
	return summary{TaxIncluded: b.TaxIncluded, Units: units, Items: b.Items, Shipping: b.Shipping, Duty: b.Duty, Tax: b.Tax,
		TaxIn: b.TaxInPrices, Fees: b.Fees, Total: b.Total, DueNow: b.DueNow, DueOnDelivery: b.DueOnDelivery,
		FreeShipping: b.Rate.Free, DutyUnknown: b.DutyUnknown, Incoterm: b.Incoterm, Regimes: b.Regimes,
		ServiceLabel: serviceLabel(loc, b.Rate)}
}

func serviceLabel(loc *intl.Locale, r ShippingRate) string {
	return loc.T("checkout.Service."+r.Service) + " · " + loc.T("checkout.Days", "Min", r.MinDays, "Max", r.MaxDays)
}

// lookupOr is the message id in the reader's language, or fallback (a stored code) when there is none.
func lookupOr(loc *intl.Locale, id, fallback string) string {
	if text, ok := loc.Lookup(id); ok {
		return text
	}
	return fallback
}

// carrierLabel names a carrier for people: a descriptive name from the seeded rates in the reader's language,
// a brand as written.
func carrierLabel(loc *intl.Locale, carrier string) string {
	if svc, ok := genericCarrier(carrier); ok {
		return loc.T("checkout.CarrierName." + svc)
	}
	return carrier
}

// rateCarrier names the carrier of a shipping rate: a descriptive name in the reader's language, or the brand
// as written with its channel (post or courier) in the reader's language.
func rateCarrier(loc *intl.Locale, r ShippingRate) string {
	if _, ok := genericCarrier(r.Carrier); ok {
		return carrierLabel(loc, r.Carrier)
	}
	if channel, ok := loc.Lookup("checkout.Channel." + r.Channel); ok {
		return loc.T("checkout.CarrierBrand", "Carrier", r.Carrier, "Channel", channel)
	}
	return r.Carrier
}

// trackEvent shows a tracking event in the reader's language: the status by its code (a status stored before
// statuses were codes, or an unknown code, as stored); a location that is a country code (the warehouse, on
// events the shop records) as the country's name; the carrier of a hand-over as carrierLabel names it. The
// location and description ops typed are shown as written.
func trackEvent(loc *intl.Locale, sh Shipment, e TrackingEvent) views.TrackEvent {
	status := lookupOr(loc, "checkout.Shipment."+e.Status, e.Status)
	where := strings.TrimSpace(e.Location)
	if len(where) == 2 && strings.ToUpper(where) == where {
		where = loc.CountryName(where)
	}
	desc := strings.TrimSpace(e.Description)
	if e.Status == ShipmentShipped && sh.Carrier != "" {
		if rest, ok := strings.CutPrefix(desc, sh.Carrier); ok {
			desc = carrierLabel(loc, sh.Carrier) + rest
		}
	}
	return views.TrackEvent{At: loc.DateTime(e.At), Status: status, Description: strings.TrimSpace(where + " " + desc)}
}

// shipmentCarrier is a parcel's carrier and tracking number as shown; "" before it is handed over.
func shipmentCarrier(loc *intl.Locale, sh Shipment) string {
	if sh.TrackingNumber == "" {
		return ""
	}
	return carrierLabel(loc, sh.Carrier) + " · " + sh.TrackingNumber
}

func orderSummary(o Order) summary {
	units := 0
	for _, l := range o.Lines {
		units += l.Quantity
	}
	return summary{TaxIncluded: o.TaxIncluded, Units: units, Items: o.Goods, Shipping: o.Shipping, Duty: o.Duty, Tax: o.Tax,
		TaxIn: o.TaxInPrices, Fees: o.Fees, Total: o.Total, DueNow: o.DueNow, DueOnDelivery: o.DueOnDelivery,
		FreeShipping: o.Shipping.IsZero(), DutyUnknown: o.DutyUnknown, Incoterm: o.Incoterm, Regimes: o.Regimes}
}

// CartSummary is the cart page's breakdown: shipping by the cheapest service to the market's country (the
// address comes at checkout, which prices it exactly).
func (s *Service) CartSummary(ctx context.Context, v cart.View) (*ui.BreakdownProps, error) {
	loc := intl.FromContext(ctx)
	d, err := s.Draft(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	b, err := s.Breakdown(ctx, BasketFor(v, d, s.now()))
	if err != nil {
		return nil, err
	}
	p := breakdownView(loc, summaryOf(b, v.Units, loc), loc.T("checkout.EstimateTitle"))
	if !d.Saved {
		p.Notices = append([]string{loc.T("checkout.EstimateNote", "Country", loc.CountryName(v.Shopper.Country))}, p.Notices...)
	}
	return &p, nil
}
