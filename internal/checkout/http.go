package checkout

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"storefront/internal/account"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout/views"
	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
)

// Handler serves the checkout, payment and order pages.
type Handler struct {
	svc       *Service
	addresses AddressBook
	// returnsLink is where a delivered order's "request a return" leads (the returns module); nil: no link.
	returnsLink func(o Order, loc *intl.Locale) string
}

// NewHandler returns the checkout pages; returnsLink may be nil.
func NewHandler(svc *Service, addresses AddressBook, returnsLink func(o Order, loc *intl.Locale) string) *Handler {
	return &Handler{svc: svc, addresses: addresses, returnsLink: returnsLink}
}

// StoreRoutes mounts the pages under the storefront prefix.
func (h *Handler) StoreRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(httpx.NoStore)
		r.Get("/checkout", httpx.H(h.serveAddress))
		r.Post("/checkout", httpx.H(h.serveAddressPost))
		r.Get("/checkout/review", httpx.H(h.serveReview))
		r.Post("/checkout/place", httpx.H(h.servePlace))
		r.Get("/checkout/pay/{number}", httpx.H(h.serveTestPay))
		r.Post("/checkout/pay/{number}", httpx.H(h.serveTestPayPost))
		r.Get("/checkout/card/{number}", httpx.H(h.serveCardRetry))
		r.Get("/orders", httpx.H(h.serveHistory))
		r.Get("/orders/{number}", httpx.H(h.serveOrder))
	})
}

// WebhookRoutes mounts POST /webhooks/stripe (outside CSRF protection: Stripe signs its requests instead).
func (h *Handler) WebhookRoutes(r chi.Router) {
	r.Post("/webhooks/stripe", h.serveStripeWebhook)
}

func (h *Handler) stepLinks(loc *intl.Locale, current int) []ui.Link {
	labels := []string{loc.T("checkout.StepCart"), loc.T("checkout.StepAddress"), loc.T("checkout.StepReview"), loc.T("checkout.StepPay")}
	urls := []string{loc.Path("/cart"), loc.Path("/checkout"), loc.Path("/checkout/review"), ""}
	var out []ui.Link
	for i, l := range labels {
		link := ui.Link{Label: l, Current: i == current}
		if i < current {
			link.URL = urls[i]
		}
		out = append(out, link)
	}
	return out
}

// cartView loads the request's cart; ok is false (and the shopper redirected) when there is nothing to check out.
func (h *Handler) cartView(w http.ResponseWriter, r *http.Request) (cart.View, bool, error) {
	v, err := h.svc.carts.View(r.Context(), cart.RefFor(r), cart.ShopperFor(r))
	if err != nil {
		return v, false, err
	}
	if len(v.Lines) == 0 || !v.CanCheckout {
		http.Redirect(w, r, intl.FromContext(r.Context()).Path("/cart"), http.StatusSeeOther)
		return v, false, nil
	}
	return v, true, nil
}

// serveAddress handles GET /{locale}/checkout: contact, address and shipping.
func (h *Handler) serveAddress(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := h.cartView(w, r)
	if err != nil || !ok {
		return err
	}
	d, err := h.svc.Draft(r.Context(), v.ID)
	if err != nil {
		return err
	}
	saved, err := h.savedAddresses(r, v)
	if err != nil {
		return err
	}
	use, _ := strconv.ParseInt(r.URL.Query().Get("use"), 10, 64)
	if !d.Saved || use != 0 {
		if !d.Saved {
			d.Address.Country = v.Shopper.Country
			if u, ok := account.CurrentUser(r.Context()); ok {
				d.Email, d.Address.Name = u.Email, u.Name
			}
		}
		// A saved address the shopper picked, or else the one used last.
		for i, a := range saved {
			if a.ID == use || (use == 0 && i == 0) {
				d.Address = Address{Name: a.Name, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
					PostalCode: a.PostalCode, Country: a.Country}
				d.Phone = a.Phone
				break
			}
		}
	}
	return h.renderAddress(w, r, http.StatusOK, v, d, nil)
}

// savedAddresses are the signed-in shopper's addresses in countries the market serves.
func (h *Handler) savedAddresses(r *http.Request, v cart.View) ([]account.Address, error) {
	u, ok := account.CurrentUser(r.Context())
	if !ok || h.addresses == nil {
		return nil, nil
	}
	all, err := h.addresses.Addresses(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	var out []account.Address
	for _, a := range all {
		if containsString(v.Shopper.Market.Countries, a.Country) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (h *Handler) renderAddress(w http.ResponseWriter, r *http.Request, status int, v cart.View, d Draft, errs httpx.FieldErrors) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	msg := func(field string) string {
		if e := errs.For(field); e != nil {
			return loc.Message(e.MessageID, e.Data)
		}
		return ""
	}
	country := d.Address.Country
	if country == "" {
		country = v.Shopper.Country
	}
	f := FormatFor(country)
	p := views.AddressProps{Title: loc.T("checkout.Title"), StepsLabel: loc.T("checkout.StepsLabel"), Steps: h.stepLinks(loc, 1),
		Action: loc.Path("/checkout"), CSRF: httpx.CSRFToken(ctx), ErrorTitle: loc.T("platform.FixErrors"),
		ContactTitle: loc.T("checkout.Contact"), AddressTitle: loc.T("checkout.DeliveryAddress"), ShipTitle: loc.T("checkout.ShippingMethod"),
		Email: ui.FieldProps{Name: "email", Label: loc.T("checkout.Email"), Type: "email", Value: d.Email, Required: true, Autocomplete: "email",
			Error: msg("email"), Hint: loc.T("checkout.EmailHint")},
		Phone: ui.FieldProps{Name: "phone", Label: loc.T("checkout.Phone"), Type: "tel", Value: d.Phone, Required: true, Autocomplete: "tel",
			Error: msg("phone"), Hint: loc.T("checkout.PhoneHint")},
		Name: ui.FieldProps{Name: "name", Label: loc.T("checkout.FullName"), Value: d.Address.Name, Required: true, Autocomplete: "name", Error: msg("name")},
		Line1: ui.FieldProps{Name: "line1", Label: loc.T("checkout.Street"), Value: d.Address.Line1, Required: true,
			Autocomplete: "address-line1", Error: msg("line1")},
		Line2:  ui.FieldProps{Name: "line2", Label: loc.T("checkout.Street2"), Value: d.Address.Line2, Autocomplete: "address-line2", Error: msg("line2")},
		City:   ui.FieldProps{Name: "city", Label: loc.T("checkout.City"), Value: d.Address.City, Required: true, Autocomplete: "address-level2", Error: msg("city")},
		Submit: loc.T("checkout.ContinueReview"), Back: ui.Link{Label: loc.T("checkout.BackToCart"), URL: loc.Path("/cart")},
	}
	for _, e := range errs {
		p.Errors = append(p.Errors, loc.Message(e.MessageID, e.Data))
	}
	saved, err := h.savedAddresses(r, v)
	if err != nil {
		return err
	}
	for _, a := range saved {
		p.Saved = append(p.Saved, ui.Link{Label: strings.Join([]string{a.Name, a.Line1, a.PostalCode + " " + a.City}, ", "),
			URL: loc.Path("/checkout") + "?use=" + strconv.FormatInt(a.ID, 10)})
	}
	if len(saved) > 0 {
		p.SavedTitle = loc.T("checkout.SavedAddresses")
	}
	if _, ok := account.CurrentUser(ctx); ok {
		p.Remember = loc.T("checkout.RememberAddress")
	}
	if f.Regions != nil {
		opts := []ui.Option{{Value: "", Label: loc.T("checkout.Choose")}}
		for _, reg := range f.Regions {
			opts = append(opts, ui.Option{Value: reg.Code, Label: reg.Name, Selected: reg.Code == d.Address.Region})
		}
		p.Region = &ui.SelectProps{Name: "region", Label: loc.T(f.RegionLabel), Options: opts, Error: msg("region"),
			Attrs: map[string]any{"autocomplete": "address-level1", "required": true}}
	}
	if f.Postal != nil {
		p.Postal = &ui.FieldProps{Name: "postal_code", Label: loc.T("checkout.PostalCode"), Value: d.Address.PostalCode, Required: true,
			Autocomplete: "postal-code", Error: msg("postal_code"), Hint: loc.T("checkout.Example", "Example", f.PostalExample)}
	}
	var countries []ui.Option
	for _, c := range v.Shopper.Market.Countries {
		countries = append(countries, ui.Option{Value: c, Label: loc.CountryName(c), Selected: c == country})
	}
	p.Country = ui.SelectProps{Name: "country", Label: loc.T("checkout.Country"), Options: countries, Error: msg("country")}

	weight := 0
	for _, l := range v.Lines {
		weight += l.Item.WeightG * l.Quantity
	}
	options, err := h.svc.ShippingOptions(ctx, v.Shopper.Market.Code, weight, v.Subtotal.Number)
	if err != nil {
		return err
	}
	for _, o := range options {
		price := loc.Money(money.Amount{Number: o.Price, Currency: v.Shopper.Market.Currency})
		if o.Free {
			price = loc.T("checkout.Free")
		}
		p.Services = append(p.Services, views.Choice{Value: o.Service, Label: loc.T("checkout.Service." + o.Service),
			Detail: rateCarrier(loc, o) + " · " + loc.T("checkout.Days", "Min", o.MinDays, "Max", o.MaxDays), Price: price,
			Selected: o.Service == d.Service || (d.Service == "" && o.Service == ServiceEconomy)})
	}
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.AddressStep(p))
}

// serveAddressPost handles POST /{locale}/checkout.
func (h *Handler) serveAddressPost(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := h.cartView(w, r)
	if err != nil || !ok {
		return err
	}
	d := Draft{CartID: v.ID, Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"), Service: r.PostFormValue("service"),
		Address: Address{Name: r.PostFormValue("name"), Line1: r.PostFormValue("line1"), Line2: r.PostFormValue("line2"),
			City: r.PostFormValue("city"), Region: r.PostFormValue("region"), PostalCode: r.PostFormValue("postal_code"),
			Country: r.PostFormValue("country")}}
	if err := h.svc.SaveDraft(r.Context(), d, v.Shopper.Market.Countries); err != nil {
		if fe, ok := httpx.AsFieldErrors(err); ok {
			return h.renderAddress(w, r, http.StatusUnprocessableEntity, v, d, fe)
		}
		return err
	}
	if u, ok := account.CurrentUser(r.Context()); ok && h.addresses != nil && r.PostFormValue("remember") != "" {
		// Saved as validated and normalized by the draft.
		saved, err := h.svc.Draft(r.Context(), v.ID)
		if err != nil {
			return err
		}
		a := saved.Address
		if _, err := h.addresses.SaveAddress(r.Context(), u.ID, account.Address{Name: a.Name, Line1: a.Line1, Line2: a.Line2,
			City: a.City, Region: a.Region, PostalCode: a.PostalCode, Country: a.Country, Phone: saved.Phone}); err != nil {
			return err
		}
	}
	http.Redirect(w, r, intl.FromContext(r.Context()).Path("/checkout/review"), http.StatusSeeOther)
	return nil
}

func newKey() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// serveReview handles GET /{locale}/checkout/review: everything the shopper pays, and when, before placing.
func (h *Handler) serveReview(w http.ResponseWriter, r *http.Request) error {
	return h.renderReview(w, r, http.StatusOK, "")
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, status int, errMsg string) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	v, ok, err := h.cartView(w, r)
	if err != nil || !ok {
		return err
	}
	d, err := h.svc.Draft(ctx, v.ID)
	if err != nil {
		return err
	}
	if !d.Saved {
		http.Redirect(w, r, loc.Path("/checkout"), http.StatusSeeOther)
		return nil
	}
	b, err := h.svc.Breakdown(ctx, BasketFor(v, d, h.svc.now()))
	if err != nil {
		var ue *httpx.UserError
		if errors.As(err, &ue) {
			httpx.SetFlash(w, "bad", ue.MessageID)
			http.Redirect(w, r, loc.Path("/cart"), http.StatusSeeOther)
			return nil
		}
		return err
	}
	p := views.ReviewProps{Title: loc.T("checkout.ReviewTitle"), StepsLabel: loc.T("checkout.StepsLabel"), Steps: h.stepLinks(loc, 2),
		Error: errMsg, ShipTo: loc.T("checkout.ShipTo"), Address: addressLines(loc, d.Address, d.Phone, d.Email),
		Change:   ui.Link{Label: loc.T("checkout.Change"), URL: loc.Path("/checkout")},
		Delivery: serviceLabel(loc, b.Rate), LinesTitle: loc.T("checkout.YourItems"),
		Breakdown: breakdownView(loc, summaryOf(b, v.Units, loc), loc.T("checkout.YouPay")),
		Action:    loc.Path("/checkout/place"), CSRF: httpx.CSRFToken(ctx), Key: newKey(),
		PayTitle: loc.T("checkout.PaymentMethod"), Terms: loc.T("checkout.Terms"), Submit: loc.T("checkout.PlaceOrder")}
	for i, l := range v.Lines {
		line := views.SummaryLine{Title: l.Item.Title, Options: catalog.OptionsText(loc, l.Item.Options), Qty: loc.Int(l.Quantity), Total: loc.Money(l.Total)}
		var from []string
		for _, a := range b.Lines[i].Allocations {
			from = append(from, loc.CountryName(a.WarehouseCountry))
		}
		line.Note = loc.T("checkout.ShipsFrom", "Countries", strings.Join(from, ", "))
		p.Lines = append(p.Lines, line)
	}
	for i, m := range h.svc.Methods() {
		p.Methods = append(p.Methods, views.Choice{Value: m, Label: loc.T("checkout.Method." + m), Detail: loc.T("checkout.MethodHint." + m),
			Selected: i == 0})
	}
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.Review(p))
}

func addressLines(loc *intl.Locale, a Address, phone, email string) []string {
	lines := []string{a.Name, a.Line1}
	if a.Line2 != "" {
		lines = append(lines, a.Line2)
	}
	city := strings.TrimSpace(a.PostalCode + " " + a.City)
	if a.Region != "" {
		city += ", " + a.Region
	}
	lines = append(lines, city, loc.CountryName(a.Country))
	if phone != "" {
		lines = append(lines, phone)
	}
	if email != "" {
		lines = append(lines, email)
	}
	return lines
}

// servePlace handles POST /{locale}/checkout/place: places the order, then sends the shopper to pay.
func (h *Handler) servePlace(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	in := PlaceInput{Ref: cart.RefFor(r), Shopper: cart.ShopperFor(r), Method: r.PostFormValue("method"), Key: r.PostFormValue("key")}
	if u, ok := account.CurrentUser(ctx); ok {
		in.UserID = u.ID
	}
	o, err := h.svc.Place(ctx, in)
	if err != nil {
		var ue *httpx.UserError
		if errors.As(err, &ue) {
			return h.renderReview(w, r, httpx.Status(err), loc.Message(ue.MessageID, ue.Data))
		}
		return err
	}
	return h.afterPlace(w, r, o)
}

// afterPlace sends the shopper to the payment step of their method.
func (h *Handler) afterPlace(w http.ResponseWriter, r *http.Request, o Order) error {
	loc := intl.FromContext(r.Context())
	link := h.svc.OrderLink(o, loc.Prefix())
	if o.Status != StatusPendingPayment {
		http.Redirect(w, r, link, http.StatusSeeOther)
		return nil
	}
	switch o.PaymentMethod {
	case MethodTest:
		http.Redirect(w, r, loc.Path("/checkout/pay/"+o.Number)+"?key="+h.svc.LinkKey(o.Number), http.StatusSeeOther)
	case MethodCard:
		url, err := h.svc.StartCardPayment(r.Context(), o, h.svc.baseURL+link+"&paid=1", h.svc.baseURL+link)
		if errors.Is(err, ErrCardWindowClosed) {
			// Too little time left before the order's hold ends to open a new payment page.
			httpx.SetFlash(w, "bad", "checkout.CardWindowClosed")
			http.Redirect(w, r, link, http.StatusSeeOther)
			return nil
		}
		if err != nil {
			h.svc.log.ErrorContext(r.Context(), "card payment page not opened", "order", o.Number, "err", err)
			httpx.SetFlash(w, "bad", "checkout.CardUnavailable")
			http.Redirect(w, r, link, http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, url, http.StatusSeeOther)
	default:
		http.Redirect(w, r, link, http.StatusSeeOther)
	}
	return nil
}

// serveCardRetry handles GET /{locale}/checkout/card/{number}?key=…: reopens the card payment page of an unpaid
// order.
func (h *Handler) serveCardRetry(w http.ResponseWriter, r *http.Request) error {
	o, err := h.authorizedOrder(r)
	if err != nil {
		return err
	}
	return h.afterPlace(w, r, o)
}

// authorizedOrder loads the order of the URL for its owner or a holder of its signed link; anyone else gets the
// same 404 as for an order that does not exist, so numbers cannot be probed.
func (h *Handler) authorizedOrder(r *http.Request) (Order, error) {
	number := chi.URLParam(r, "number")
	if len(number) > 40 {
		return Order{}, ErrOrderNotFound
	}
	o, err := h.svc.OrderByNumber(r.Context(), number)
	if err != nil {
		return Order{}, err
	}
	if u, ok := account.CurrentUser(r.Context()); ok && o.UserID != 0 && o.UserID == u.ID {
		return o, nil
	}
	if h.svc.ValidLink(o.Number, r.URL.Query().Get("key")) {
		return o, nil
	}
	return Order{}, ErrOrderNotFound
}

// serveTestPay handles GET /{locale}/checkout/pay/{number}?key=…: the demo's test payment page.
func (h *Handler) serveTestPay(w http.ResponseWriter, r *http.Request) error {
	return h.renderTestPay(w, r, http.StatusOK, "")
}

func (h *Handler) renderTestPay(w http.ResponseWriter, r *http.Request, status int, message string) error {
	if !h.svc.demo {
		return httpx.ErrNotFound
	}
	o, err := h.authorizedOrder(r)
	if err != nil {
		return err
	}
	loc := intl.FromContext(r.Context())
	if o.Status != StatusPendingPayment || o.PaymentMethod != MethodTest {
		http.Redirect(w, r, h.svc.OrderLink(o, loc.Prefix()), http.StatusSeeOther)
		return nil
	}
	p := views.TestPayProps{Title: loc.T("checkout.TestPayTitle"), Warning: loc.T("checkout.TestPayWarning"),
		Amount: loc.Money(o.DueNow), Order: loc.T("checkout.OrderNumber", "Number", o.Number),
		Action: loc.Path("/checkout/pay/"+o.Number) + "?key=" + h.svc.LinkKey(o.Number), CSRF: httpx.CSRFToken(r.Context()),
		Succeed: loc.T("checkout.TestPaySucceed"), Fail: loc.T("checkout.TestPayFail"), Cancel: loc.T("checkout.TestPayCancel"),
		Message: message}
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.TestPay(p))
}

// serveTestPayPost handles POST /{locale}/checkout/pay/{number}: the test payment's outcome.
func (h *Handler) serveTestPayPost(w http.ResponseWriter, r *http.Request) error {
	if !h.svc.demo {
		return httpx.ErrNotFound
	}
	o, err := h.authorizedOrder(r)
	if err != nil {
		return err
	}
	loc := intl.FromContext(r.Context())
	if o.PaymentMethod != MethodTest {
		return httpx.ErrNotFound
	}
	ctx := actor.With(r.Context(), actor.Actor{Email: "test payment", Role: "system"})
	switch r.PostFormValue("outcome") {
	case "succeed":
		payments, err := h.svc.Payments(ctx, o.ID)
		if err != nil {
			return err
		}
		if len(payments) == 0 {
			return ErrOrderNotFound
		}
		if err := h.svc.MarkPaid(ctx, o.ID, payments[0].ID, payments[0].Amount, "", "test payment succeeded"); err != nil {
			return err
		}
		httpx.SetFlash(w, "ok", "checkout.PaymentReceived")
	case "fail":
		return h.renderTestPay(w, r, http.StatusPaymentRequired, loc.T("checkout.PaymentFailed"))
	case "cancel":
		// Abandoning the payment cancels only an order still waiting for it, never a paid one.
		if err := h.svc.CancelUnpaid(ctx, o.ID, "shopper cancelled the payment"); err != nil {
			return err
		}
		httpx.SetFlash(w, "info", "checkout.OrderCancelled")
	default:
		return httpx.Invalid("outcome", "platform.BadForm", nil)
	}
	http.Redirect(w, r, h.svc.OrderLink(o, loc.Prefix()), http.StatusSeeOther)
	return nil
}

// serveOrder handles GET /{locale}/orders/{number}[?key=…]: the order, its payment and tracking.
func (h *Handler) serveOrder(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	o, err := h.authorizedOrder(r)
	if err != nil {
		return err
	}
	shipments, err := h.svc.Shipments(ctx, o.ID)
	if err != nil {
		return err
	}
	p := views.OrderProps{Title: loc.T("checkout.OrderNumber", "Number", o.Number),
		Intro:  loc.T("checkout.OrderPlaced", "Date", loc.DateTime(o.CreatedAt)),
		Status: loc.T("checkout.Status." + string(o.Status)), StatusKind: statusKind(o.Status),
		ShipTo: loc.T("checkout.ShipTo"), Address: addressLines(loc, o.Address, o.Phone, o.Email),
		LinesTitle: loc.T("checkout.YourItems"), Breakdown: breakdownView(loc, orderSummary(o), loc.T("checkout.YouPay")),
		TrackTitle: loc.T("checkout.Tracking"), NoTracking: loc.T("checkout.NoTracking")}
	if r.URL.Query().Get("paid") != "" && o.Status == StatusPendingPayment {
		p.Notices = append(p.Notices, loc.T("checkout.AwaitingCardConfirmation"))
	}
	if o.Status == StatusPendingPayment {
		switch o.PaymentMethod {
		case MethodBankTransfer:
			p.Payment = []string{loc.T("checkout.BankInstructions", "Amount", loc.Money(o.DueNow), "Number", o.Number),
				loc.T("checkout.BankDetails"), loc.T("checkout.PayBy", "Date", loc.Date(o.PayBy))}
		case MethodCard:
			p.Payment = []string{loc.T("checkout.CardPending", "Date", loc.DateTime(o.PayBy))}
			p.PayAction = &ui.Link{Label: loc.T("checkout.PayByCard"), URL: loc.Path("/checkout/card/"+o.Number) + "?key=" + h.svc.LinkKey(o.Number)}
		case MethodTest:
			p.Payment = []string{loc.T("checkout.TestPending")}
			p.PayAction = &ui.Link{Label: loc.T("checkout.TestPayTitle"), URL: loc.Path("/checkout/pay/"+o.Number) + "?key=" + h.svc.LinkKey(o.Number)}
		}
	}
	for _, l := range o.Lines {
		p.Lines = append(p.Lines, views.SummaryLine{Title: l.Title, Options: catalog.OptionsText(loc, l.Options), Qty: loc.Int(l.Quantity),
			Total: loc.Money(money.Amount{Number: l.LineTotal(), Currency: o.Currency})})
	}
	for i, sh := range shipments {
		t := views.Track{Title: loc.T("checkout.Parcel", "N", i+1, "Country", loc.CountryName(sh.WarehouseCountry)),
			Status: loc.T("checkout.Shipment." + sh.Status), Carrier: shipmentCarrier(loc, sh)}
		for _, l := range o.Lines {
			if q := sh.Lines[l.LineNo]; q > 0 {
				t.Lines = append(t.Lines, fmt.Sprintf("%s × %s", loc.Int(q), l.Title))
			}
		}
		for _, e := range sh.Events {
			t.Events = append(t.Events, trackEvent(loc, sh, e))
		}
		p.Tracks = append(p.Tracks, t)
	}
	if h.returnsLink != nil && o.Status == StatusDelivered {
		p.Actions = append(p.Actions, ui.Link{Label: loc.T("checkout.RequestReturn"), URL: h.returnsLink(o, loc)})
	}
	return ui.Render(w, r, http.StatusOK, ui.Head{Title: p.Title, NoIndex: true}, views.OrderPage(p))
}

func statusKind(s Status) string {
	switch s {
	case StatusPaid, StatusShipped, StatusDelivered, StatusPartiallyShipped:
		return "ok"
	case StatusPendingPayment:
		return "warn"
	}
	return "bad"
}

// serveHistory handles GET /{locale}/orders: the signed-in shopper's orders.
func (h *Handler) serveHistory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	u, ok := account.CurrentUser(ctx)
	if !ok {
		http.Redirect(w, r, loc.Path("/account/signin")+"?next="+loc.Path("/orders"), http.StatusSeeOther)
		return nil
	}
	orders, err := h.svc.Orders(ctx, OrderFilter{UserID: u.ID}, 100, 0)
	if err != nil {
		return err
	}
	p := views.HistoryProps{Title: loc.T("checkout.HistoryTitle"), Empty: loc.T("checkout.NoOrders"),
		Headers: []string{loc.T("checkout.Order"), loc.T("checkout.Date"), loc.T("checkout.StatusLabel"), loc.T("checkout.Total")}}
	for _, o := range orders {
		p.Rows = append(p.Rows, views.HistoryRow{URL: loc.Path("/orders/" + o.Number), Number: o.Number, Date: loc.Date(o.CreatedAt),
			Status: loc.T("checkout.Status." + string(o.Status)), Total: loc.Money(o.Total)})
	}
	return ui.Render(w, r, http.StatusOK, ui.Head{Title: p.Title, NoIndex: true}, views.History(p))
}

// serveStripeWebhook handles POST /webhooks/stripe: 400 for a bad signature (nothing recorded), 200 once the event
// is recorded (repeats included), 5xx only when it could not be processed, so Stripe retries.
func (h *Handler) serveStripeWebhook(w http.ResponseWriter, r *http.Request) {
	payload, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	outcome, err := h.svc.HandleStripeWebhook(r.Context(), payload, r.Header.Get("Stripe-Signature"))
	switch {
	case errors.Is(err, ErrBadSignature):
		http.Error(w, "invalid signature", http.StatusBadRequest)
	case errors.Is(err, httpx.ErrNotFound):
		http.Error(w, "card payments are not configured", http.StatusNotFound)
	case err != nil:
		h.svc.log.ErrorContext(r.Context(), "stripe webhook failed", "err", err)
		http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, outcome+"\n")
	}
}
