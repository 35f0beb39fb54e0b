package returns

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
	"storefront/internal/returns/views"
)

// Where the back office mounts the queue and the report.
const (
	adminBase  = "/admin/returns"
	reportBase = "/admin/return-reasons"
)

// AdminHandler is the back office of returns: the ops queue with every action, and the quality report.
type AdminHandler struct {
	svc *Service
}

// NewAdminHandler returns the returns back office.
func NewAdminHandler(svc *Service) *AdminHandler { return &AdminHandler{svc: svc} }

// Routes is mounted at /admin/returns for ops and admins.
func (h *AdminHandler) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveQueue))
	r.Route("/{id}", func(r chi.Router) {
		r.Get("/", httpx.H(h.serveDetail))
		r.Post("/approve", httpx.H(h.serveApprove))
		r.Post("/reject", httpx.H(h.serveReject))
		r.Post("/receive", httpx.H(h.serveReceive))
		r.Post("/inspect", httpx.H(h.serveInspect))
		r.Post("/restock", httpx.H(h.serveRestock))
		r.Get("/refund", httpx.H(h.serveRefundConfirm))
		r.Post("/refund", httpx.H(h.serveRefund))
		r.Post("/close", httpx.H(h.serveClose))
		r.Get("/photos/{photo}", httpx.H(h.servePhoto))
	})
	return r
}

// ReportRoutes is mounted at /admin/return-reasons for merchants, ops and admins (a prefix of its own: the
// back office matches sections by path prefix, and /admin/returns is for ops only).
func (h *AdminHandler) ReportRoutes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveReport))
	return r
}

func idParam(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.ErrNotFound
	}
	return id, nil
}

func detailURL(id int64) string { return adminBase + "/" + strconv.FormatInt(id, 10) }

const queuePerPage = 50

// serveQueue handles GET /admin/returns: returns by status, newest first.
func (h *AdminHandler) serveQueue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	q := r.URL.Query()
	f := Filter{Status: Status(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if !slices.Contains(Statuses, f.Status) {
		f.Status = ""
	}
	page := httpx.Page(q)
	list, err := h.svc.List(ctx, f, queuePerPage+1, (page-1)*queuePerPage)
	if err != nil {
		return err
	}
	more := len(list) > queuePerPage
	if more {
		list = list[:queuePerPage]
	}
	opts := []ui.Option{{Value: "", Label: loc.T("returns.AllStatuses")}}
	for _, s := range Statuses {
		opts = append(opts, ui.Option{Value: string(s), Label: loc.T("returns.Status." + string(s)), Selected: s == f.Status})
	}
	p := views.QueueProps{Action: adminBase, Query: f.Query, QLabel: loc.T("returns.SearchReturns"),
		Statuses: ui.SelectProps{Name: "status", Label: loc.T("returns.StatusLabel"), Options: opts}, Filter: loc.T("returns.Filter"),
		Report: ui.Link{Label: loc.T("returns.ReportTitle"), URL: reportBase},
		Headers: []string{loc.T("returns.RMA"), loc.T("returns.Order"), loc.T("returns.Date"), loc.T("returns.Customer"),
			loc.T("returns.Market"), loc.T("returns.ReasonLabel"), loc.T("returns.Units"), loc.T("returns.StatusLabel")},
		Empty: loc.T("returns.NoReturns"), PagesLbl: loc.T("platform.Pages")}
	for _, x := range list {
		p.Rows = append(p.Rows, views.QueueRow{URL: detailURL(x.ID), Number: x.Number, Order: x.OrderNumber, Date: loc.DateTime(x.CreatedAt),
			Customer: x.Email, Market: x.Market, Reason: loc.T("returns.Reason." + string(x.Reason)), Units: loc.Int(x.Units()),
			Status: loc.T("returns.Status." + string(x.Status)), StatusK: statusKind(x.Status)})
	}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}, "status": {string(f.Status)}, "q": {f.Query}}
		return adminBase + "?" + v.Encode()
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
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("returns.QueueTitle"), views.Queue(p))
}

// serveDetail handles GET /admin/returns/{id}.
func (h *AdminHandler) serveDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, id, nil, nil)
}

// render shows the return with the actions its status allows; after a refused action, failure explains why and
// posted keeps what was typed.
func (h *AdminHandler) render(w http.ResponseWriter, r *http.Request, status int, id int64, failure error, posted url.Values) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	ret, err := h.svc.Return(ctx, id)
	if err != nil {
		return err
	}
	o, err := h.svc.orders.Order(ctx, ret.OrderID)
	if err != nil {
		return err
	}
	events, err := h.svc.Events(ctx, id)
	if err != nil {
		return err
	}
	photos, err := h.svc.Photos(ctx, id)
	if err != nil {
		return err
	}
	if posted == nil {
		posted = url.Values{}
	}
	fe, _ := httpx.AsFieldErrors(failure)
	msgs := fieldMessages{loc: loc, errs: fe}
	base := detailURL(id)
	p := views.DetailProps{CSRF: httpx.CSRFToken(ctx), Errors: msgs.all(), ErrorTitle: loc.T("platform.FixErrors"),
		Status: loc.T("returns.Status." + string(ret.Status)), StatusK: statusKind(ret.Status),
		Facts: []views.Fact{
			{Label: loc.T("returns.Order"), Value: ret.OrderNumber},
			{Label: loc.T("returns.Customer"), Value: ret.Email},
			{Label: loc.T("returns.Market"), Value: ret.Market + " · " + loc.CountryName(o.Country) + " · " + ret.Currency + " · " + o.Incoterm},
			{Label: loc.T("returns.ReasonLabel"), Value: loc.T("returns.Reason." + string(ret.Reason))},
			{Label: loc.T("returns.Delivered"), Value: loc.Date(ret.DeliveredAt)},
			{Label: loc.T("returns.RequestedAt"), Value: loc.DateTime(ret.CreatedAt)},
			{Label: loc.T("returns.ShopperLanguage"), Value: loc.LanguageName(ret.Locale)},
		},
		CommentTitle: loc.T("returns.ShopperComment"), Comment: ret.Comment, PhotosTitle: loc.T("returns.Photos"),
		LinesTitle:  loc.T("returns.ItemsTitle"),
		LineHeads:   []string{loc.T("returns.LineNo"), loc.T("returns.SKU"), loc.T("returns.Item"), loc.T("returns.Supplier"), loc.T("returns.Units"), loc.T("returns.Inspection")},
		EventsTitle: loc.T("returns.HistoryTitle"),
		EventHeads:  []string{loc.T("returns.Date"), loc.T("returns.Who"), loc.T("returns.What"), loc.T("returns.Note")}}
	if failure != nil && fe == nil {
		if m, ok := message(loc, failure); ok {
			p.Error = m
		}
	}
	for i, ph := range photos {
		p.Photos = append(p.Photos, views.PhotoLink{URL: fmt.Sprintf("%s/photos/%d", base, ph.ID), Alt: loc.T("returns.PhotoN", "N", i+1)})
	}
	if ret.Instructions != "" {
		p.Texts = append(p.Texts, views.Fact{Label: loc.T("returns.InstructionsTitle"), Value: ret.Instructions})
	}
	if ret.MessageToShopper != "" {
		p.Texts = append(p.Texts, views.Fact{Label: loc.T("returns.MessageToShopper"), Value: ret.MessageToShopper})
	}
	warehouses, err := h.svc.stock.Warehouses(ctx)
	if err != nil {
		return err
	}
	whName := map[int64]string{}
	for _, wh := range warehouses {
		whName[wh.ID] = wh.Code
	}
	pending := false
	for _, l := range ret.Lines {
		line := views.OpsLine{No: strconv.Itoa(l.OrderLineNo), SKU: l.SKU, Title: l.Title, Supplier: l.Supplier, Qty: loc.Int(l.Quantity)}
		if ret.Status == StatusInspected || ret.Status == StatusRefunded || ret.Status == StatusClosed {
			if l.Inspected() {
				line.Inspected = loc.T("returns.InspectedAs", "Restock", l.Restock, "Warehouse", whName[l.WarehouseID], "WriteOff", l.WriteOff)
				if l.Restock > 0 && !l.Booked {
					line.Inspected += " · " + loc.T("returns.RestockPending")
					pending = true
				}
			}
		}
		p.Lines = append(p.Lines, line)
	}
	for _, e := range events {
		action, ok := loc.Lookup("returns.Action." + e.Action)
		if !ok {
			action = e.Action
		}
		p.Events = append(p.Events, views.EventRow{At: loc.DateTime(e.At), Actor: e.Actor, Action: action, Note: eventNote(loc, e)})
	}
	text := func(name, label, hint, fallback string, required bool, max int) ui.TextAreaProps {
		v := fallback
		if _, ok := posted[name]; ok {
			v = posted.Get(name)
		}
		return ui.TextAreaProps{Name: name, Label: label, Hint: hint, Value: v, Error: msgs.of(name), Required: required,
			MaxLength: strconv.Itoa(max)}
	}
	switch ret.Status {
	case StatusRequested:
		p.Approve = &views.MessageForm{Title: loc.T("returns.ApproveTitle"), Action: base + "/approve", Submit: loc.T("returns.Approve"),
			Fields: []ui.TextAreaProps{
				text("instructions", loc.T("returns.Instructions"), loc.T("returns.InstructionsHint", "Number", ret.Number), h.svc.DefaultInstructions(ret), true, MaxInstructions),
				text("message", loc.T("returns.MessageToShopper"), loc.T("returns.MessageHint"), "", false, MaxMessage)}}
		p.Reject = &views.MessageForm{Title: loc.T("returns.RejectTitle"), Action: base + "/reject", Submit: loc.T("returns.Reject"), Danger: true,
			Fields: []ui.TextAreaProps{text("reject_message", loc.T("returns.RejectReason"), loc.T("returns.MessageHint"), "", true, MaxMessage)}}
	case StatusApproved:
		p.Receive = &views.ActionForm{Action: base + "/receive", Label: loc.T("returns.MarkReceived"), Confirm: loc.T("returns.Confirm")}
	case StatusReceived:
		f := &views.InspectForm{Title: loc.T("returns.InspectTitle"), Action: base + "/inspect", Submit: loc.T("returns.SaveInspection")}
		orderWarehouse := map[int]int64{}
		for _, ol := range o.Lines {
			orderWarehouse[ol.LineNo] = ol.WarehouseID
		}
		for _, l := range ret.Lines {
			restock, writeOff := RestockField(l.OrderLineNo), WriteOffField(l.OrderLineNo)
			whField := WarehouseField(l.OrderLineNo)
			rv, wv, whv := strconv.Itoa(l.Quantity), "0", strconv.FormatInt(orderWarehouse[l.OrderLineNo], 10)
			if posted.Has(restock) {
				rv, wv, whv = posted.Get(restock), posted.Get(writeOff), posted.Get(whField)
			}
			var opts []ui.Option
			for _, wh := range warehouses {
				if wh.Active {
					id := strconv.FormatInt(wh.ID, 10)
					opts = append(opts, ui.Option{Value: id, Label: wh.Code + " · " + wh.Name, Selected: id == whv})
				}
			}
			attrs := map[string]any{"min": "0", "max": strconv.Itoa(l.Quantity)}
			f.Lines = append(f.Lines, views.InspectLine{Label: loc.N("returns.InspectLine", l.Quantity, "SKU", l.SKU, "Title", l.Title),
				Restock:   ui.FieldProps{Name: restock, Label: loc.T("returns.Restock"), Type: "number", Value: rv, Error: msgs.of(restock), Attrs: attrs},
				WriteOff:  ui.FieldProps{Name: writeOff, Label: loc.T("returns.WriteOff"), Type: "number", Value: wv, Error: msgs.of(writeOff), Attrs: attrs},
				Warehouse: ui.SelectProps{Name: whField, Label: loc.T("returns.RestockInto"), Options: opts, Error: msgs.of(whField)}})
		}
		p.Inspect = f
	case StatusInspected:
		p.RefundLink = &ui.Link{Label: loc.T("returns.ReviewRefund"), URL: base + "/refund"}
	}
	if CanTransition(ret.Status, StatusClosed) {
		p.Close = &views.MessageForm{Title: loc.T("returns.CloseTitle"), Action: base + "/close", Submit: loc.T("returns.CloseReturn"), Danger: true,
			Fields: []ui.TextAreaProps{text("close_message", loc.T("returns.MessageToShopper"), loc.T("returns.CloseHint"), "", false, MaxMessage)}}
	}
	if pending {
		p.Restock = &views.ActionForm{Action: base + "/restock", Label: loc.T("returns.RetryRestock"), Confirm: loc.T("returns.Confirm")}
	}
	f, err := h.svc.RefundOf(ctx, id)
	switch {
	case err == nil:
		b := breakdownView(loc, f.Breakdown, loc.T("returns.RefundTitle"), true)
		p.Refund = &b
		p.RefundState = loc.T("returns.RefundState", "Status", loc.T("returns.RefundStatus."+f.Status), "Key", f.Key,
			"ID", f.CheckoutRefundID, "Error", translated(loc, f.Error))
	case !errors.Is(err, httpx.ErrNotFound):
		return err
	}
	return ui.RenderAdmin(w, r, status, loc.T("returns.DetailTitle", "Number", ret.Number), views.Detail(p))
}

// done answers a successful action: a flash message and back to the return (POST/redirect/GET).
func done(w http.ResponseWriter, r *http.Request, id int64, messageID string) error {
	httpx.SetFlash(w, "ok", messageID)
	http.Redirect(w, r, detailURL(id), http.StatusSeeOther)
	return nil
}

// act runs an action; a refusal shows the page again with the reason and what was typed.
func (h *AdminHandler) act(w http.ResponseWriter, r *http.Request, messageID string, fn func(id int64) error) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	if err := fn(id); err != nil {
		var ue *httpx.UserError
		if _, ok := httpx.AsFieldErrors(err); ok || errors.As(err, &ue) {
			return h.render(w, r, httpx.Status(err), id, err, r.PostForm)
		}
		return err
	}
	return done(w, r, id, messageID)
}

// serveApprove handles POST /admin/returns/{id}/approve: instructions and message to the shopper.
func (h *AdminHandler) serveApprove(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "returns.Approved", func(id int64) error {
		return h.svc.Approve(r.Context(), id, r.PostFormValue("instructions"), r.PostFormValue("message"))
	})
}

// serveReject handles POST /admin/returns/{id}/reject: a message to the shopper is required.
func (h *AdminHandler) serveReject(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "returns.Rejected", func(id int64) error {
		return renameField(h.svc.Reject(r.Context(), id, r.PostFormValue("reject_message")), "message", "reject_message")
	})
}

// serveReceive handles POST /admin/returns/{id}/receive.
func (h *AdminHandler) serveReceive(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "returns.MarkedReceived", func(id int64) error {
		return h.svc.Receive(r.Context(), id)
	})
}

// serveInspect handles POST /admin/returns/{id}/inspect: per line, units restocked (into a warehouse) and
// written off.
func (h *AdminHandler) serveInspect(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "returns.Inspected", func(id int64) error {
		ret, err := h.svc.Return(r.Context(), id)
		if err != nil {
			return err
		}
		var decisions []Inspection
		var fe httpx.FieldErrors
		for _, l := range ret.Lines {
			d := Inspection{OrderLineNo: l.OrderLineNo}
			var err1, err2 error
			d.Restock, err1 = strconv.Atoi(strings.TrimSpace(r.PostFormValue(RestockField(l.OrderLineNo))))
			d.WriteOff, err2 = strconv.Atoi(strings.TrimSpace(r.PostFormValue(WriteOffField(l.OrderLineNo))))
			if err1 != nil || err2 != nil {
				fe.Add(RestockField(l.OrderLineNo), "returns.InspectAll", map[string]any{"SKU": l.SKU, "Units": l.Quantity})
				continue
			}
			d.WarehouseID, _ = strconv.ParseInt(r.PostFormValue(WarehouseField(l.OrderLineNo)), 10, 64)
			decisions = append(decisions, d)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		return h.svc.Inspect(r.Context(), id, decisions)
	})
}

// serveRestock handles POST /admin/returns/{id}/restock: books restocked units left unbooked by a failure.
func (h *AdminHandler) serveRestock(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "returns.Restocked", func(id int64) error {
		return h.svc.RetryRestock(r.Context(), id)
	})
}

// serveClose handles POST /admin/returns/{id}/close.
func (h *AdminHandler) serveClose(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "returns.Closed", func(id int64) error {
		return renameField(h.svc.Close(r.Context(), id, r.PostFormValue("close_message")), "message", "close_message")
	})
}

// renameField points a field error at the form's own field name: the detail page has several message fields.
func renameField(err error, from, to string) error {
	var ue *httpx.UserError
	if errors.As(err, &ue) && ue.Field == from {
		return httpx.Invalid(to, ue.MessageID, ue.Data)
	}
	return err
}

// serveRefundConfirm handles GET /admin/returns/{id}/refund: the refund's breakdown, to check before sending.
func (h *AdminHandler) serveRefundConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	return h.renderRefund(w, r, http.StatusOK, id, "")
}

func (h *AdminHandler) renderRefund(w http.ResponseWriter, r *http.Request, status int, id int64, errMsg string) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	ret, err := h.svc.Return(ctx, id)
	if err != nil {
		return err
	}
	o, err := h.svc.orders.Order(ctx, ret.OrderID)
	if err != nil {
		return err
	}
	b, err := h.svc.preview(ctx, ret, o)
	if err != nil {
		return err
	}
	left, err := h.svc.orders.Refundable(ctx, ret.OrderID)
	if err != nil {
		return err
	}
	p := views.RefundProps{Error: errMsg, Intro: loc.T("returns.RefundIntro", "Number", ret.Number, "Order", ret.OrderNumber),
		Breakdown: breakdownView(loc, b, loc.T("returns.RefundTitle"), true),
		LineHeads: []string{loc.T("returns.SKU"), loc.T("returns.Item"), loc.T("returns.Units"), loc.T("returns.GoodsShort"), loc.T("returns.Tax"), loc.T("returns.Duty")},
		Action:    detailURL(id) + "/refund", CSRF: httpx.CSRFToken(ctx), Total: b.Total.String(), Currency: b.Currency,
		Submit: loc.T("returns.SendRefund", "Amount", loc.Money(b.Amount(b.Total))), CanSend: ret.Status == StatusInspected,
		Back: ui.Link{Label: loc.T("returns.BackToReturn"), URL: detailURL(id)}}
	if left.Currency != "" {
		p.Left = loc.T("returns.LeftOnOrder", "Amount", loc.Money(left))
	}
	for _, l := range b.Lines {
		p.Lines = append(p.Lines, views.RefundLine{SKU: l.SKU, Title: l.Title, Units: loc.Int(l.Units),
			Goods: loc.Money(b.Amount(l.Goods)), Tax: loc.Money(b.Amount(l.Tax)), Duty: loc.Money(b.Amount(l.Duty))})
	}
	if left.Currency == b.Currency && b.Total.GreaterThan(left.Number) && p.CanSend {
		p.CanSend = false
		if p.Error == "" {
			p.Error = userMessage(loc, &httpx.UserError{Kind: httpx.ErrConflict, MessageID: "returns.RefundTooLarge",
				Data: map[string]any{"Amount": b.Amount(b.Total), "Left": left}})
		}
	}
	return ui.RenderAdmin(w, r, status, loc.T("returns.RefundPageTitle", "Number", ret.Number), views.RefundConfirm(p))
}

// serveRefund handles POST /admin/returns/{id}/refund: sends the confirmed refund, once.
func (h *AdminHandler) serveRefund(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	loc := intl.FromContext(r.Context())
	total, err := decimal.NewFromString(strings.TrimSpace(r.PostFormValue("total")))
	if err != nil {
		return h.renderRefund(w, r, http.StatusUnprocessableEntity, id, loc.T("platform.BadForm"))
	}
	_, err = h.svc.Refund(r.Context(), id, money.Amount{Number: total, Currency: r.PostFormValue("currency")})
	if msg, ok := message(loc, err); ok {
		return h.renderRefund(w, r, httpx.Status(err), id, msg)
	}
	if err != nil {
		return err
	}
	return done(w, r, id, "returns.RefundDone")
}

// servePhoto handles GET /admin/returns/{id}/photos/{photo}: a shopper's photo, for staff only.
func (h *AdminHandler) servePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	pid, err := idParam(r, "photo")
	if err != nil {
		return err
	}
	ph, f, err := h.svc.OpenPhoto(r.Context(), id, pid)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", ph.ContentType)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.Itoa(ph.Size))
	_, err = io.Copy(w, f)
	return err
}

// Report periods offered, in days.
var reportPeriods = []int{30, 90, 365}

// serveReport handles GET /admin/return-reasons[?days=90]: return reasons and rates by SKU, supplier and origin.
func (h *AdminHandler) serveReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if !slices.Contains(reportPeriods, days) {
		days = 90
	}
	since := h.svc.now().AddDate(0, 0, -days)
	rep, err := h.svc.Report(ctx, since)
	if err != nil {
		return err
	}
	var opts []ui.Option
	for _, d := range reportPeriods {
		opts = append(opts, ui.Option{Value: strconv.Itoa(d), Label: loc.N("returns.LastDays", d), Selected: d == days})
	}
	p := views.ReportProps{Action: reportBase, Period: ui.SelectProps{Name: "days", Label: loc.T("returns.Period"), Options: opts},
		Show: loc.T("returns.Show"), Intro: loc.T("returns.ReportIntro", "Date", loc.Date(since))}
	reasons := func(m map[Reason]int) string {
		var parts []string
		for _, reason := range Reasons {
			if n := m[reason]; n > 0 {
				parts = append(parts, loc.T("returns.Reason."+string(reason))+": "+loc.Int(n))
			}
		}
		return strings.Join(parts, " · ")
	}
	rate := func(x ReportRow) string {
		if !x.Rate.Valid {
			return "—"
		}
		return loc.Percent(x.Rate.Decimal)
	}
	counts := func(x ReportRow) []views.Cell {
		return []views.Cell{{Text: loc.Int(x.Sold), Num: true}, {Text: loc.Int(x.Returned), Num: true}, {Text: rate(x), Num: true},
			{Text: reasons(x.Reasons)}}
	}
	tail := []string{loc.T("returns.Sold"), loc.T("returns.Returned"), loc.T("returns.ReturnRate"), loc.T("returns.Reasons")}
	skus := views.ReportTable{Title: loc.T("returns.BySKU"), Empty: loc.T("returns.NoReturnsInPeriod"),
		Headers: append([]string{loc.T("returns.SKU"), loc.T("returns.Item"), loc.T("returns.Supplier"), loc.T("returns.Origin")}, tail...)}
	for _, x := range rep.BySKU {
		skus.Rows = append(skus.Rows, append([]views.Cell{{Text: x.Key}, {Text: x.Title}, {Text: orDash(x.Supplier)}, {Text: originName(loc, x.Origin)}}, counts(x)...))
	}
	suppliers := views.ReportTable{Title: loc.T("returns.BySupplier"), Empty: loc.T("returns.NoReturnsInPeriod"),
		Headers: append([]string{loc.T("returns.Supplier")}, tail...)}
	for _, x := range rep.BySupplier {
		suppliers.Rows = append(suppliers.Rows, append([]views.Cell{{Text: orDash(x.Key)}}, counts(x)...))
	}
	origins := views.ReportTable{Title: loc.T("returns.ByOrigin"), Empty: loc.T("returns.NoReturnsInPeriod"),
		Headers: append([]string{loc.T("returns.Origin")}, tail...)}
	for _, x := range rep.ByOrigin {
		origins.Rows = append(origins.Rows, append([]views.Cell{{Text: originName(loc, x.Key)}}, counts(x)...))
	}
	p.Tables = []views.ReportTable{skus, suppliers, origins}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("returns.ReportTitle"), views.ReportPage(p))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func originName(loc *intl.Locale, code string) string {
	if code == "" {
		return "—"
	}
	return loc.CountryName(code) + " (" + code + ")"
}

// eventNote is an audit entry's note for the reader: notes the shop writes are codes, amounts and message IDs
// (the trail is kept once, read in several languages); notes people typed are shown as typed.
func eventNote(loc *intl.Locale, e Event) string {
	switch e.Action {
	case "requested": // the shopper's reason
		if reason, ok := loc.Lookup("returns.Reason." + e.Note); ok {
			return reason
		}
	case "refunded": // the amount, "67.40 EUR"
		if number, code, ok := strings.Cut(e.Note, " "); ok {
			if a, err := money.Parse(number, code); err == nil {
				return loc.Money(a)
			}
		}
	case "refund_failed": // the refusal's message ID
		return translated(loc, e.Note)
	}
	return e.Note
}

// translated is the text of a stored message ID, or s itself when it is not one (an error's own text).
func translated(loc *intl.Locale, s string) string {
	if s == "" {
		return ""
	}
	if text, ok := loc.Lookup(s); ok {
		return text
	}
	return s
}
