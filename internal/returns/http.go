package returns

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"storefront/internal/account"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
	"storefront/internal/returns/views"
)

// Handler serves the shoppers' return pages.
type Handler struct {
	svc *Service
}

// NewHandler returns the storefront's return pages.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// StoreRoutes mounts the pages under the storefront prefix (/{locale}).
func (h *Handler) StoreRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(httpx.NoStore)
		r.Get("/orders/{number}/return", httpx.H(h.serveForm))
		r.Post("/orders/{number}/return", httpx.H(h.serveRequest))
		r.Get("/returns/{number}", httpx.H(h.serveStatus))
	})
}

// ReturnLink is where an order page's "request a return" leads: the return form, carrying the order's signed key
// so a guest can use it too (checkout.NewHandler takes it).
func (h *Handler) ReturnLink(o checkout.Order, loc *intl.Locale) string {
	return loc.Path("/orders/"+o.Number+"/return") + h.keyQuery(o)
}

// keyQuery is "?key=…" with the order's signed key, so a guest's links work.
func (h *Handler) keyQuery(o checkout.Order) string {
	return "?key=" + url.QueryEscape(h.svc.orders.LinkKey(o.Number))
}

func (h *Handler) statusLink(loc *intl.Locale, o checkout.Order, number string) string {
	return loc.Path("/returns/"+number) + h.keyQuery(o)
}

// validNumber accepts what order and RMA numbers look like ("BG-2026-001001", "RMA-2026-001001"), so anything
// else in a URL is a 404 before it reaches a query.
func validNumber(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// allowed reports whether the request may see the order: its signed-in owner, or whoever holds its signed link.
func (h *Handler) allowed(r *http.Request, o checkout.Order) bool {
	if u, ok := account.CurrentUser(r.Context()); ok && o.UserID != 0 && o.UserID == u.ID {
		return true
	}
	return h.svc.orders.ValidLink(o.Number, r.URL.Query().Get("key"))
}

// authorizedOrder loads the order of the URL for its owner or a holder of its signed link; anyone else gets the
// same 404 as for an order that does not exist, so numbers cannot be probed.
func (h *Handler) authorizedOrder(r *http.Request) (checkout.Order, error) {
	number := chi.URLParam(r, "number")
	if !validNumber(number) {
		return checkout.Order{}, httpx.ErrNotFound
	}
	o, err := h.svc.orders.OrderByNumber(r.Context(), number)
	if err != nil {
		return checkout.Order{}, err
	}
	if !h.allowed(r, o) {
		return checkout.Order{}, httpx.ErrNotFound
	}
	return o, nil
}

// form is the return form as submitted.
type form struct {
	qty     map[int]string
	reason  string
	comment string
}

// serveForm handles GET /{locale}/orders/{number}/return[?key=…]: the return form of a delivered order.
func (h *Handler) serveForm(w http.ResponseWriter, r *http.Request) error {
	o, err := h.authorizedOrder(r)
	if err != nil {
		return err
	}
	return h.renderForm(w, r, http.StatusOK, o, form{qty: map[int]string{}}, nil, "")
}

func (h *Handler) renderForm(w http.ResponseWriter, r *http.Request, status int, o checkout.Order, f form, errs httpx.FieldErrors, refusal string) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	e, err := h.svc.Eligibility(ctx, o)
	if err != nil {
		return err
	}
	msgs := fieldMessages{loc: loc, errs: errs}
	p := views.RequestProps{Title: loc.T("returns.RequestTitle", "Number", o.Number),
		Intro: loc.T("returns.RequestIntro", "Number", o.Number, "Date", loc.Date(o.CreatedAt)), Refusal: refusal,
		ErrorTitle: loc.T("platform.FixErrors"), Errors: msgs.all(),
		Action: loc.Path("/orders/"+o.Number+"/return") + h.keyQuery(o), CSRF: httpx.CSRFToken(ctx),
		LinesLegend: loc.T("returns.WhichItems"),
		Comment: ui.TextAreaProps{Name: "comment", Label: loc.T("returns.Comment"), Value: f.comment, Hint: loc.T("returns.CommentHint"),
			Error: msgs.of("comment"), MaxLength: strconv.Itoa(MaxComment)},
		Photos: views.FileProps{Name: "photos", Label: loc.T("returns.Photos"),
			Hint: loc.T("returns.PhotosHint", "Max", MaxPhotos, "MB", MaxPhotoBytes>>20), Error: msgs.of("photos"),
			Accept: "image/jpeg,image/png,image/webp"},
		Submit: loc.T("returns.Submit"), ExistingTitle: loc.T("returns.ExistingTitle"),
		Back: ui.Link{Label: loc.T("returns.BackToOrder"), URL: h.svc.orders.OrderLink(o, loc.Prefix())}}
	if le := msgs.of("lines"); le != "" && !slices.Contains(p.Errors, le) {
		p.Errors = append(p.Errors, le)
	}
	if err := e.Err(); err != nil {
		if p.Refusal == "" {
			p.Refusal, _ = message(loc, err)
		}
	} else {
		p.CanRequest = true
		p.Deadline = loc.T("returns.Deadline", "Date", loc.Date(e.Deadline))
	}
	if e.Delivered {
		p.Intro = loc.T("returns.RequestIntroDelivered", "Number", o.Number, "Date", loc.Date(e.DeliveredAt))
	}
	if e.Policy.RestockingFeeRate.IsPositive() {
		p.Notes = append(p.Notes, loc.T("returns.FeePolicy", "Rate", loc.Percent(e.Policy.RestockingFeeRate)))
	}
	if e.Policy.RefundShippingOnFullReturn && e.Policy.WithdrawalDays > 0 {
		p.Notes = append(p.Notes, loc.T("returns.ShippingPolicy", "Days", e.Policy.WithdrawalDays))
	}
	if o.Incoterm != "DDP" {
		p.Notes = append(p.Notes, loc.T("returns.DAPNotice"))
	}
	for _, l := range o.Lines {
		left := e.Returnable[l.LineNo]
		if left == 0 {
			continue
		}
		name := QuantityField(l.LineNo)
		p.Lines = append(p.Lines, views.QtyLine{Title: l.Title, Options: catalog.OptionsText(loc, l.Options),
			Bought: loc.T("returns.Bought", "Bought", loc.Int(l.Quantity), "Price", loc.Money(money.Amount{Number: l.UnitShown, Currency: o.Currency})),
			Field: ui.FieldProps{Name: name, Label: loc.T("returns.UnitsToReturn"), Type: "number", Value: f.qty[l.LineNo],
				Error: msgs.of(name), Hint: loc.N("returns.UpTo", left),
				Attrs: map[string]any{"min": "0", "max": strconv.Itoa(left), "inputmode": "numeric"}}})
	}
	opts := []ui.Option{{Value: "", Label: loc.T("returns.ChooseReason")}}
	for _, reason := range Reasons {
		opts = append(opts, ui.Option{Value: string(reason), Label: loc.T("returns.Reason." + string(reason)), Selected: string(reason) == f.reason})
	}
	p.Reason = ui.SelectProps{Name: "reason", Label: loc.T("returns.ReasonLabel"), Options: opts, Error: msgs.of("reason"),
		Attrs: map[string]any{"required": true}}
	existing, err := h.svc.ReturnsOf(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, x := range existing {
		p.Existing = append(p.Existing, views.ReturnLink{Label: x.Number + " · " + loc.Date(x.CreatedAt), URL: h.statusLink(loc, o, x.Number),
			Status: loc.T("returns.Status." + string(x.Status)), StatusKind: statusKind(x.Status)})
	}
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.RequestPage(p))
}

// serveRequest handles POST /{locale}/orders/{number}/return: records the return, or shows the form again with
// what is wrong (422) or why no return is possible (409); nothing is recorded then.
func (h *Handler) serveRequest(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	o, err := h.authorizedOrder(r)
	if err != nil {
		return err
	}
	// The CSRF middleware has parsed the multipart body (an oversized one is a 413 there).
	f := form{qty: map[int]string{}, reason: r.PostFormValue("reason"), comment: r.PostFormValue("comment")}
	in := RequestInput{Quantities: map[int]int{}, Reason: Reason(f.reason), Comment: f.comment, Locale: loc.Language.Code}
	var fe httpx.FieldErrors
	for _, l := range o.Lines {
		name := QuantityField(l.LineNo)
		raw := strings.TrimSpace(r.PostFormValue(name))
		f.qty[l.LineNo] = raw
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			fe.Add(name, "returns.QuantityInvalid", nil)
			continue
		}
		if n > 0 {
			in.Quantities[l.LineNo] = n
		}
	}
	if len(fe) > 0 {
		return h.renderForm(w, r, http.StatusUnprocessableEntity, o, f, fe, "")
	}
	var files []multipart.File
	defer func() {
		for _, file := range files {
			file.Close()
		}
	}()
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photos"] {
			if fh.Filename == "" && fh.Size == 0 {
				continue // the empty part a browser sends when no file is chosen
			}
			file, err := fh.Open()
			if err != nil {
				return err
			}
			files = append(files, file)
			in.Photos = append(in.Photos, io.Reader(file))
		}
	}
	ret, err := h.svc.Request(ctx, o.ID, in)
	if fe, ok := httpx.AsFieldErrors(err); ok {
		return h.renderForm(w, r, http.StatusUnprocessableEntity, o, f, fe, "")
	}
	if msg, ok := message(loc, err); ok {
		return h.renderForm(w, r, httpx.Status(err), o, f, nil, msg)
	}
	if err != nil {
		return err
	}
	httpx.SetFlash(w, "ok", "returns.Requested")
	http.Redirect(w, r, h.statusLink(loc, o, ret.Number), http.StatusSeeOther)
	return nil
}

// serveStatus handles GET /{locale}/returns/{number}[?key=…]: the return's progress and refund, for the order's
// owner or a holder of its signed link; anyone else gets 404.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	number := chi.URLParam(r, "number")
	if !validNumber(number) {
		return httpx.ErrNotFound
	}
	ret, err := h.svc.ReturnByNumber(ctx, number)
	if err != nil {
		return err
	}
	o, err := h.svc.orders.Order(ctx, ret.OrderID)
	if err != nil {
		return err
	}
	if !h.allowed(r, o) {
		return ErrReturnNotFound
	}
	events, err := h.svc.Events(ctx, ret.ID)
	if err != nil {
		return err
	}
	p := views.StatusProps{Title: loc.T("returns.StatusTitle", "Number", ret.Number),
		Intro:  loc.T("returns.StatusIntro", "Order", ret.OrderNumber, "Date", loc.Date(ret.CreatedAt)),
		Status: loc.T("returns.Status." + string(ret.Status)), StatusKind: statusKind(ret.Status),
		StatusText: loc.T("returns.StatusText." + string(ret.Status)), LinesTitle: loc.T("returns.ItemsTitle"),
		ReasonLabel: loc.T("returns.ReasonLabel"), Reason: loc.T("returns.Reason." + string(ret.Reason)), Comment: ret.Comment,
		MessageTitle: loc.T("returns.MessageFromUs"), Message: ret.MessageToShopper, HistoryTitle: loc.T("returns.HistoryTitle"),
		Back: ui.Link{Label: loc.T("returns.BackToOrder"), URL: h.svc.orders.OrderLink(o, loc.Prefix())}}
	for _, l := range ret.Lines {
		p.Lines = append(p.Lines, loc.Int(l.Quantity)+" × "+l.Title)
	}
	if ret.Status == StatusApproved {
		p.InstructionsTitle, p.Instructions = loc.T("returns.InstructionsTitle"), ret.Instructions
		p.RMA = loc.T("returns.WriteRMA", "Number", ret.Number)
	}
	for _, e := range events {
		if text, ok := loc.Lookup("returns.Shopper." + e.Action); ok {
			p.History = append(p.History, views.HistoryItem{At: loc.DateTime(e.At), Text: text})
		}
	}
	f, err := h.svc.RefundOf(ctx, ret.ID)
	switch {
	case err == nil && f.Sent():
		b := breakdownView(loc, f.Breakdown, loc.T("returns.YourRefund"), false)
		b.Notices = append([]string{loc.T("returns.RefundSent." + f.Status)}, b.Notices...)
		p.Refund = &b
	case err != nil && !errors.Is(err, httpx.ErrNotFound):
		return err
	case ret.Status.open():
		preview, err := h.svc.preview(ctx, ret, o)
		if err != nil {
			return err
		}
		b := breakdownView(loc, preview, loc.T("returns.ExpectedRefund"), false)
		b.Notices = append([]string{loc.T("returns.ExpectedRefundNote")}, b.Notices...)
		p.Refund = &b
	}
	return ui.Render(w, r, http.StatusOK, ui.Head{Title: p.Title, NoIndex: true}, views.StatusPage(p))
}
