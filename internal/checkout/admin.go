package checkout

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"storefront/internal/checkout/views"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
)

// AdminHandler is the ops staff's order queue and fulfilment.
type AdminHandler struct {
	svc *Service
}

// NewAdminHandler returns the order back office.
func NewAdminHandler(svc *Service) *AdminHandler { return &AdminHandler{svc: svc} }

// Routes is mounted at /admin/orders for ops and admins.
func (h *AdminHandler) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveQueue))
	r.Route("/{id}", func(r chi.Router) {
		r.Get("/", httpx.H(h.serveOrder))
		r.Post("/paid", httpx.H(h.servePaid))
		r.Post("/cancel", httpx.H(h.serveCancel))
		r.Post("/shipments", httpx.H(h.serveStartShipment))
		r.Post("/shipments/{sid}/pack", httpx.H(h.servePack))
		r.Post("/shipments/{sid}/ship", httpx.H(h.serveShip))
		r.Post("/shipments/{sid}/events", httpx.H(h.serveEvent))
		r.Post("/shipments/{sid}/deliver", httpx.H(h.serveDeliver))
	})
	return r
}

func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.ErrNotFound
	}
	return id, nil
}

const queuePerPage = 50

// serveQueue handles GET /admin/orders: orders by status, newest first.
func (h *AdminHandler) serveQueue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	q := r.URL.Query()
	f := OrderFilter{Status: Status(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if f.Status != "" && !containsStatus(f.Status) {
		f.Status = ""
	}
	page := httpx.Page(q)
	orders, err := h.svc.Orders(ctx, f, queuePerPage+1, (page-1)*queuePerPage)
	if err != nil {
		return err
	}
	more := len(orders) > queuePerPage
	if more {
		orders = orders[:queuePerPage]
	}
	opts := []ui.Option{{Value: "", Label: loc.T("checkout.AllStatuses")}}
	for _, s := range Statuses {
		opts = append(opts, ui.Option{Value: string(s), Label: loc.T("checkout.Status." + string(s)), Selected: s == f.Status})
	}
	p := views.QueueProps{Action: "/admin/orders", Query: f.Query, QLabel: loc.T("checkout.SearchOrders"),
		Statuses: ui.SelectProps{Name: "status", Label: loc.T("checkout.StatusLabel"), Options: opts}, Filter: loc.T("checkout.Filter"),
		Headers: []string{loc.T("checkout.Order"), loc.T("checkout.Date"), loc.T("checkout.Customer"), loc.T("checkout.Market"),
			loc.T("checkout.PaymentMethod"), loc.T("checkout.StatusLabel"), loc.T("checkout.Total")},
		Empty: loc.T("checkout.NoOrders"), PagesLbl: loc.T("platform.Pages")}
	for _, o := range orders {
		p.Rows = append(p.Rows, views.QueueRow{URL: fmt.Sprintf("/admin/orders/%d", o.ID), Number: o.Number, Date: loc.DateTime(o.CreatedAt),
			Customer: o.Email, Market: o.Market + " · " + o.Country, Method: loc.T("checkout.Method." + o.PaymentMethod),
			Status: loc.T("checkout.Status." + string(o.Status)), StatusK: statusKind(o.Status), Total: loc.Money(o.Total)})
	}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}, "status": {string(f.Status)}, "q": {f.Query}}
		return "/admin/orders?" + v.Encode()
	}
	if page > 1 {
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Previous"), URL: link(page - 1), Rel: "prev"})
	}
	if page > 1 || more {
		p.Pages = append(p.Pages, ui.PageLink{Label: strconv.Itoa(page), Current: true})
	}
	if more {
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Next"), URL: link(page + 1), Rel: "next"})
	}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("checkout.QueueTitle"), views.Queue(p))
}

func containsStatus(s Status) bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// serveOrder handles GET /admin/orders/{id}.
func (h *AdminHandler) serveOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, id, "")
}

func (h *AdminHandler) render(w http.ResponseWriter, r *http.Request, status int, id int64, errMsg string) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	o, err := h.svc.Order(ctx, id)
	if err != nil {
		return err
	}
	shipments, err := h.svc.Shipments(ctx, id)
	if err != nil {
		return err
	}
	events, err := h.svc.Events(ctx, id)
	if err != nil {
		return err
	}
	payments, err := h.svc.Payments(ctx, id)
	if err != nil {
		return err
	}
	refunds, err := h.svc.Refunds(ctx, id)
	if err != nil {
		return err
	}
	base := fmt.Sprintf("/admin/orders/%d", id)
	p := views.OpsOrderProps{CSRF: httpx.CSRFToken(ctx), Error: errMsg, Status: loc.T("checkout.Status." + string(o.Status)),
		StatusK: statusKind(o.Status), Address: addressLines(loc, o.Address, o.Phone, o.Email),
		Facts: []views.Fact{
			{Label: loc.T("checkout.Date"), Value: loc.DateTime(o.CreatedAt)},
			{Label: loc.T("checkout.Market"), Value: o.Market + " · " + loc.CountryName(o.Country) + " · " + o.Currency},
			{Label: loc.T("checkout.PaymentMethod"), Value: loc.T("checkout.Method." + o.PaymentMethod)},
			{Label: loc.T("checkout.ShippingMethod"), Value: loc.T("checkout.Service."+o.Service) + " · " + carrierLabel(loc, o.Carrier)},
			{Label: loc.T("checkout.IncotermLabel"), Value: lookupOr(loc, "checkout.Incoterm."+o.Incoterm, o.Incoterm)},
		},
		LinesTitle: loc.T("checkout.Lines"),
		LineHeads: []string{loc.T("checkout.LineNo"), loc.T("checkout.SKU"), loc.T("checkout.Item"), loc.T("checkout.Qty"), loc.T("checkout.ShippedQty"),
			loc.T("checkout.Warehouse"), loc.T("checkout.UnitPrice"), loc.T("checkout.Duty"), loc.T("checkout.ImportTaxShort")},
		Breakdown: breakdownView(loc, orderSummary(o), loc.T("checkout.Charges")),
		QuoteNote: loc.T("checkout.QuoteNote", "Version", o.RulesVersion),
		Confirm:   loc.T("checkout.ConfirmAction"), ShipTitle: loc.T("checkout.Shipments"), EventsTitle: loc.T("checkout.History"),
		PayTitle: loc.T("checkout.Payments"),
	}
	shipped := map[int]int{}
	for _, sh := range shipments {
		for no, q := range sh.Lines {
			shipped[no] += q
		}
	}
	for _, l := range o.Lines {
		p.Lines = append(p.Lines, views.OpsLine{No: strconv.Itoa(l.LineNo), SKU: l.SKU, Title: l.Title, Qty: loc.Int(l.Quantity),
			Shipped: loc.Int(shipped[l.LineNo]), Warehouse: loc.CountryName(l.WarehouseCountry),
			Price: loc.Money(money.Amount{Number: l.UnitShown, Currency: o.Currency}),
			Duty:  loc.Money(money.Amount{Number: l.Duty, Currency: o.Currency}),
			Tax:   loc.Money(money.Amount{Number: l.ImportTax, Currency: o.Currency})})
	}
	for _, pay := range payments {
		p.Payments = append(p.Payments, strings.TrimSpace(fmt.Sprintf("%s · %s · %s %s", loc.T("checkout.Method."+pay.Method),
			lookupOr(loc, "checkout.PaymentStatus."+pay.Status, pay.Status), loc.Money(pay.Amount), pay.ProviderRef)))
	}
	for _, rf := range refunds {
		p.Payments = append(p.Payments, fmt.Sprintf("%s −%s · %s · %s", loc.T("checkout.Refund"), loc.Money(rf.Amount),
			lookupOr(loc, "checkout.RefundStatus."+rf.Status, rf.Status), rf.Reason))
	}
	if o.Status == StatusPendingPayment && o.PaymentMethod != MethodCard {
		p.PaidURL, p.Paid = base+"/paid", loc.T("checkout.MarkPaid")
	}
	if CanTransition(o.Status, StatusCancelled) && len(shipments) == 0 {
		p.CancelURL, p.Cancel = base+"/cancel", loc.T("checkout.CancelOrder")
	} else if unfinished, err := h.svc.cancellationUnfinished(ctx, o); err != nil {
		return err
	} else if unfinished {
		// Cancelling again finishes what a failure left undone, and never refunds or restocks twice.
		p.CancelURL, p.Cancel = base+"/cancel", loc.T("checkout.FinishCancellation")
	}
	if o.Status == StatusPaid || o.Status == StatusPartiallyShipped {
		byWarehouse := map[int64]*views.PickForm{}
		var order []int64
		for _, l := range o.Lines {
			left := l.Quantity - shipped[l.LineNo]
			if left <= 0 {
				continue
			}
			f := byWarehouse[l.WarehouseID]
			if f == nil {
				f = &views.PickForm{Title: loc.T("checkout.PickFrom", "Country", loc.CountryName(l.WarehouseCountry)),
					Action: base + "/shipments", Warehouse: strconv.FormatInt(l.WarehouseID, 10), Submit: loc.T("checkout.StartPicking")}
				byWarehouse[l.WarehouseID] = f
				order = append(order, l.WarehouseID)
			}
			f.Lines = append(f.Lines, views.PickLine{Name: "qty_" + strconv.Itoa(l.LineNo), Label: l.SKU + " · " + l.Title,
				Max: strconv.Itoa(left), Value: strconv.Itoa(left)})
		}
		for _, wid := range order {
			p.Picks = append(p.Picks, *byWarehouse[wid])
		}
	}
	for i, sh := range shipments {
		sb := fmt.Sprintf("%s/shipments/%d", base, sh.ID)
		panel := views.ShipmentPanel{Title: loc.T("checkout.Parcel", "N", i+1, "Country", loc.CountryName(sh.WarehouseCountry)),
			Status: loc.T("checkout.Shipment." + sh.Status), Carrier: shipmentCarrier(loc, sh)}
		for _, l := range o.Lines {
			if q := sh.Lines[l.LineNo]; q > 0 {
				panel.Lines = append(panel.Lines, fmt.Sprintf("%s × %s (%s)", loc.Int(q), l.Title, l.SKU))
			}
		}
		for _, e := range sh.Events {
			panel.Events = append(panel.Events, trackEvent(loc, sh, e))
		}
		switch sh.Status {
		case ShipmentPicking:
			panel.PackURL, panel.Pack = sb+"/pack", loc.T("checkout.MarkPacked")
		case ShipmentPacked:
			panel.ShipURL, panel.Ship = sb+"/ship", loc.T("checkout.MarkShipped")
			panel.CarrierF = ui.FieldProps{ID: fmt.Sprintf("s%d-carrier", sh.ID), Name: "carrier", Label: loc.T("checkout.Carrier"), Value: o.Carrier, Required: true}
			panel.TrackingF = ui.FieldProps{ID: fmt.Sprintf("s%d-tracking", sh.ID), Name: "tracking", Label: loc.T("checkout.TrackingNumber"), Required: true}
		case ShipmentShipped:
			panel.EventURL, panel.AddEvent = sb+"/events", loc.T("checkout.AddEvent")
			events := []ui.Option{{Value: "", Label: loc.T("checkout.Choose")}}
			for _, code := range TrackingEvents {
				events = append(events, ui.Option{Value: code, Label: loc.T("checkout.Shipment." + code)})
			}
			panel.EventF = ui.SelectProps{ID: fmt.Sprintf("s%d-status", sh.ID), Name: "status", Label: loc.T("checkout.EventStatus"),
				Options: events, Attrs: map[string]any{"required": true}}
			panel.LocationF = ui.FieldProps{ID: fmt.Sprintf("s%d-location", sh.ID), Name: "location", Label: loc.T("checkout.EventLocation")}
			panel.DescF = ui.FieldProps{ID: fmt.Sprintf("s%d-description", sh.ID), Name: "description", Label: loc.T("checkout.EventDescription"),
				Hint: loc.T("checkout.EventNoteHint", "Language", loc.LanguageName(o.Locale))}
			panel.DeliverURL, panel.Deliver = sb+"/deliver", loc.T("checkout.MarkDelivered")
		}
		p.Shipments = append(p.Shipments, panel)
	}
	for _, e := range events {
		desc := e.Actor
		if e.Note != "" {
			desc += " · " + e.Note
		}
		p.Events = append(p.Events, views.TrackEvent{At: loc.DateTime(e.At), Status: loc.T("checkout.Status." + e.To), Description: desc})
	}
	return ui.RenderAdmin(w, r, status, loc.T("checkout.OrderNumber", "Number", o.Number), views.OpsOrder(p))
}

// done redirects back to the order after an action, or re-renders it with the user's error.
func (h *AdminHandler) done(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if err != nil {
		var ue *httpx.UserError
		fe, isFields := httpx.AsFieldErrors(err)
		switch {
		case isFields:
			loc := intl.FromContext(r.Context())
			var msgs []string
			for _, e := range fe {
				msgs = append(msgs, loc.Message(e.MessageID, e.Data))
			}
			return h.render(w, r, httpx.Status(err), id, strings.Join(msgs, " "))
		case errors.As(err, &ue) && httpx.Status(err) < 500 && !errors.Is(err, httpx.ErrNotFound):
			return h.render(w, r, httpx.Status(err), id, intl.FromContext(r.Context()).Message(ue.MessageID, ue.Data))
		}
		return err
	}
	httpx.SetFlash(w, "ok", "checkout.Saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/orders/%d", id), http.StatusSeeOther)
	return nil
}

// servePaid handles POST /admin/orders/{id}/paid: a bank transfer (or test payment) received.
func (h *AdminHandler) servePaid(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	o, err := h.svc.Order(r.Context(), id)
	if err != nil {
		return err
	}
	if o.PaymentMethod == MethodCard {
		return h.done(w, r, id, httpx.Fail(httpx.ErrConflict, "checkout.CardPaidByWebhook", nil))
	}
	return h.done(w, r, id, h.svc.MarkPaid(r.Context(), id, 0, o.DueNow, "", "marked paid by ops"))
}

// serveCancel handles POST /admin/orders/{id}/cancel.
func (h *AdminHandler) serveCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	return h.done(w, r, id, h.svc.CancelAndRefund(r.Context(), id, "cancelled by ops"))
}

// serveStartShipment handles POST /admin/orders/{id}/shipments (warehouse, qty_N).
func (h *AdminHandler) serveStartShipment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	wid, err := strconv.ParseInt(r.PostFormValue("warehouse"), 10, 64)
	if err != nil {
		return h.done(w, r, id, httpx.Invalid("warehouse", "checkout.WrongWarehouse", map[string]any{"SKU": ""}))
	}
	qty := map[int]int{}
	for k, v := range r.PostForm {
		no, ok := strings.CutPrefix(k, "qty_")
		if !ok {
			continue
		}
		n, err1 := strconv.Atoi(no)
		q, err2 := strconv.Atoi(strings.TrimSpace(v[0]))
		if err1 != nil || err2 != nil {
			return h.done(w, r, id, httpx.Invalid("lines", "checkout.TooManyToShip", map[string]any{"SKU": no, "Max": 0}))
		}
		qty[n] = q
	}
	_, err = h.svc.StartShipment(r.Context(), id, wid, qty)
	return h.done(w, r, id, err)
}

func (h *AdminHandler) shipmentParams(r *http.Request) (int64, int64, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return 0, 0, err
	}
	sid, err := idParam(r, "sid")
	return id, sid, err
}

// servePack handles POST /admin/orders/{id}/shipments/{sid}/pack.
func (h *AdminHandler) servePack(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := h.shipmentParams(r)
	if err != nil {
		return err
	}
	return h.done(w, r, id, h.svc.PackShipment(r.Context(), id, sid))
}

// serveShip handles POST /admin/orders/{id}/shipments/{sid}/ship (carrier, tracking).
func (h *AdminHandler) serveShip(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := h.shipmentParams(r)
	if err != nil {
		return err
	}
	return h.done(w, r, id, h.svc.ShipShipment(r.Context(), id, sid, r.PostFormValue("carrier"), r.PostFormValue("tracking")))
}

// serveEvent handles POST /admin/orders/{id}/shipments/{sid}/events (status, location, description).
func (h *AdminHandler) serveEvent(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := h.shipmentParams(r)
	if err != nil {
		return err
	}
	return h.done(w, r, id, h.svc.AddTrackingEvent(r.Context(), id, sid, r.PostFormValue("status"),
		r.PostFormValue("location"), r.PostFormValue("description")))
}

// serveDeliver handles POST /admin/orders/{id}/shipments/{sid}/deliver.
func (h *AdminHandler) serveDeliver(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := h.shipmentParams(r)
	if err != nil {
		return err
	}
	return h.done(w, r, id, h.svc.DeliverShipment(r.Context(), id, sid))
}
