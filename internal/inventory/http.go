package inventory

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"storefront/internal/intl"
	"storefront/internal/inventory/views"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
)

// VariantLabel is how the back office names a variant.
type VariantLabel struct{ SKU, Title string }

// VariantLabeler names the catalog's variants for the inventory pages; the catalog provides it.
type VariantLabeler interface {
	// VariantLabels returns the labels of the variants it knows among ids; unknown IDs are absent.
	VariantLabels(ctx context.Context, ids []int64) (map[int64]VariantLabel, error)
	// VariantBySKU finds a variant by its exact SKU. Errors: one wrapping httpx.ErrNotFound when no variant
	// has it.
	VariantBySKU(ctx context.Context, sku string) (id int64, label VariantLabel, err error)
}

// Handler serves the inventory back office.
type Handler struct {
	svc    *Service
	labels VariantLabeler
}

// NewHandler returns the inventory HTTP handler. It panics without a service or labeler: that is a wiring
// mistake to catch at start-up.
func NewHandler(svc *Service, labels VariantLabeler) *Handler {
	if svc == nil || labels == nil {
		panic("inventory: NewHandler needs a service and a variant labeler")
	}
	return &Handler{svc: svc, labels: labels}
}

// adminBase is where the back office mounts AdminRoutes.
const adminBase = "/admin/inventory"

const (
	variantsPerPage = 50
	reportRows      = 50
	ledgerRows      = 100
)

// AdminRoutes is the inventory back office (merchant, ops and admin; the back office mounts it behind the role
// check at /admin/inventory).
func (h *Handler) AdminRoutes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveOverview))
	r.Post("/receive", httpx.H(h.serveReceiveBySKU))
	r.Get("/warehouses", httpx.H(h.serveWarehouses))
	r.Post("/warehouses", httpx.H(h.serveCreateWarehouse))
	r.Get("/variants/{id}", httpx.H(h.serveVariant))
	r.Post("/variants/{id}/receive", httpx.H(h.serveReceive))
	r.Post("/variants/{id}/adjust", httpx.H(h.serveAdjust))
	r.Post("/variants/{id}/threshold", httpx.H(h.serveThreshold))
	return r
}

func variantURL(id int64) string { return adminBase + "/variants/" + strconv.FormatInt(id, 10) }

// pathID reads the {id} of the URL; a malformed ID is a page that does not exist.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("inventory: variant %q: %w", chi.URLParam(r, "id"), httpx.ErrNotFound)
	}
	return id, nil
}

// form is what a posted form sent and what was wrong with it, to show it again.
type form struct {
	name   string
	values url.Values
	errs   httpx.FieldErrors
}

func (f *form) value(field string) string {
	if f == nil || f.values == nil {
		return ""
	}
	return f.values.Get(field)
}

// props returns the form's message list and a per-field error lookup, translated; only for the form named.
func (f *form) props(loc *intl.Locale, name string) (all []string, fieldErr func(string) string) {
	fieldErr = func(string) string { return "" }
	if f == nil || f.name != name {
		return nil, fieldErr
	}
	for _, e := range f.errs {
		all = append(all, loc.Message(e.MessageID, e.Data))
	}
	return all, func(field string) string {
		if e := f.errs.For(field); e != nil {
			return loc.Message(e.MessageID, e.Data)
		}
		return ""
	}
}

// userFormError turns a service error into the form's field errors (renaming fields where the form's inputs
// are named differently); ok is false for errors that are not the user's.
func userFormError(err error, rename map[string]string) (httpx.FieldErrors, bool) {
	fe, ok := httpx.AsFieldErrors(err)
	if !ok {
		return nil, false
	}
	out := make(httpx.FieldErrors, len(fe))
	for i, e := range fe {
		c := *e
		if to, ok := rename[c.Field]; ok {
			c.Field = to
		}
		out[i] = &c
	}
	return out, true
}

// parseForm reads the posted form (the CSRF middleware usually has already).
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	return nil
}

// parseInt reads a whole number from a form field, adding a field error when it is not one.
func parseInt(fe *httpx.FieldErrors, field, raw string) int {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		fe.Add(field, "inventory.NumberInvalid", nil)
	}
	return n
}

// parseWarehouse reads a warehouse choice, adding a field error unless it names one of warehouses.
func parseWarehouse(fe *httpx.FieldErrors, field, raw string, warehouses []Warehouse) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err == nil {
		for _, w := range warehouses {
			if w.ID == id {
				return id
			}
		}
	}
	fe.Add(field, "inventory.WarehouseUnknown", nil)
	return 0
}

func warehouseOptions(loc *intl.Locale, warehouses []Warehouse, selected string) []ui.Option {
	opts := []ui.Option{{Value: "", Label: loc.T("inventory.ChooseWarehouse"), Selected: selected == ""}}
	for _, w := range warehouses {
		if !w.Active {
			continue
		}
		id := strconv.FormatInt(w.ID, 10)
		opts = append(opts, ui.Option{Value: id, Label: w.Code + " · " + w.Name, Selected: id == selected})
	}
	return opts
}

// labelsFor names variants, with a placeholder for those the catalog does not know (any more).
func (h *Handler) labelsFor(ctx context.Context, loc *intl.Locale, ids []int64) (map[int64]VariantLabel, error) {
	got, err := h.labels.VariantLabels(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]VariantLabel, len(ids))
	for _, id := range ids {
		l, ok := got[id]
		if !ok {
			l = VariantLabel{SKU: "#" + strconv.FormatInt(id, 10), Title: loc.T("inventory.UnknownVariant")}
		}
		out[id] = l
	}
	return out, nil
}

func signed(loc *intl.Locale, n int) string {
	if n > 0 {
		return "+" + loc.Int(n)
	}
	return loc.Int(n)
}

func countryName(loc *intl.Locale, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(loc.Language.Tag).Name(r); name != "" {
		return name + " (" + code + ")"
	}
	return code
}

// serveOverview handles GET /admin/inventory: stock per warehouse, a page of variants at a time or the one
// with the SKU searched for, with the low-stock and low-turnover reports.
func (h *Handler) serveOverview(w http.ResponseWriter, r *http.Request) error {
	return h.renderOverview(w, r, http.StatusOK, nil)
}

func (h *Handler) renderOverview(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	page := httpx.Page(r.URL.Query())
	warehouses, err := h.svc.Warehouses(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	more, note := false, ""
	if q != "" {
		id, _, err := h.labels.VariantBySKU(ctx, q)
		switch {
		case errors.Is(err, httpx.ErrNotFound):
			note = loc.T("inventory.NoSuchSKU", "SKU", q)
		case err != nil:
			return err
		default:
			ids = []int64{id}
		}
	} else {
		if ids, err = h.svc.Variants(ctx, variantsPerPage+1, (page-1)*variantsPerPage); err != nil {
			return err
		}
		if more = len(ids) > variantsPerPage; more {
			ids = ids[:variantsPerPage]
		}
	}
	stock, err := h.svc.Stock(ctx, ids)
	if err != nil {
		return err
	}
	low, err := h.svc.LowStock(ctx)
	if err != nil {
		return err
	}
	slow, err := h.svc.LowTurnover(ctx, time.Now())
	if err != nil {
		return err
	}
	mismatches, err := h.svc.CheckLedger(ctx)
	if err != nil {
		return err
	}
	isLow, isSlow := map[int64]bool{}, map[int64]bool{}
	named := append([]int64(nil), ids...)
	for i, row := range low {
		isLow[row.VariantID] = true
		if i < reportRows {
			named = append(named, row.VariantID)
		}
	}
	for i, row := range slow {
		isSlow[row.VariantID] = true
		if i < reportRows {
			named = append(named, row.VariantID)
		}
	}
	for _, m := range mismatches {
		named = append(named, m.VariantID)
	}
	labels, err := h.labelsFor(ctx, loc, named)
	if err != nil {
		return err
	}

	p := views.OverviewProps{
		ProblemsTitle: loc.T("inventory.LedgerProblems"),
		Search: ui.Search{Action: adminBase, Label: loc.T("inventory.SearchSKU"), Query: q,
			Button: loc.T("platform.Search")},
		SearchNote: note,
		Links:      []ui.Link{{Label: loc.T("inventory.WarehousesTitle"), URL: adminBase + "/warehouses"}},
		TableLabel: loc.T("inventory.StockPerWarehouse"),
		Empty:      loc.T("inventory.NoStock"),
		PagesLabel: loc.T("platform.Pages"),
	}
	code := map[int64]string{}
	for _, wh := range warehouses {
		code[wh.ID] = wh.Code
	}
	for _, m := range mismatches {
		p.Problems = append(p.Problems, loc.T("inventory.LedgerMismatch", "SKU", labels[m.VariantID].SKU,
			"Warehouse", code[m.WarehouseID], "OnHand", m.OnHand, "LedgerOnHand", m.LedgerOnHand,
			"Reserved", m.Reserved, "LedgerReserved", m.LedgerReserved, "Held", m.HeldByReservations))
	}
	p.Headers = []string{loc.T("inventory.SKU"), loc.T("inventory.Product")}
	for _, wh := range warehouses {
		p.Headers = append(p.Headers, wh.Code)
	}
	p.Headers = append(p.Headers, loc.T("inventory.Available"), loc.T("inventory.Status"))
	for _, id := range ids {
		l := labels[id]
		byWarehouse := map[int64]StockLevel{}
		total := 0
		for _, s := range stock[id] {
			byWarehouse[s.WarehouseID] = s
			if s.Active {
				total += s.Available
			}
		}
		row := views.VariantRow{URL: variantURL(id), SKU: l.SKU, Title: l.Title, Available: loc.Int(total)}
		for _, wh := range warehouses {
			s, ok := byWarehouse[wh.ID]
			if !ok {
				row.Cells = append(row.Cells, "–")
				continue
			}
			row.Cells = append(row.Cells, loc.T("inventory.AvailableOfOnHand", "Available", loc.Int(s.Available), "OnHand", loc.Int(s.OnHand)))
		}
		if isLow[id] {
			row.Badges = append(row.Badges, views.Badge{Kind: "warn", Label: loc.T("inventory.LowStock")})
		}
		if isSlow[id] {
			row.Badges = append(row.Badges, views.Badge{Kind: "bad", Label: loc.T("inventory.LowTurnover")})
		}
		p.Rows = append(p.Rows, row)
	}
	pageURL := func(n int) string { return adminBase + "?page=" + strconv.Itoa(n) }
	if page > 1 {
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Previous"), Rel: "prev", URL: pageURL(page - 1)})
	}
	if page > 1 || more {
		p.Pages = append(p.Pages, ui.PageLink{Label: strconv.Itoa(page), Current: true})
	}
	if more {
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Next"), Rel: "next", URL: pageURL(page + 1)})
	}

	errs, fieldErr := f.props(loc, "receive")
	p.Receive = views.Form{
		ID: "receive-by-sku", Title: loc.T("inventory.ReceiveTitle"), Intro: loc.T("inventory.ReceiveBySKUIntro"),
		Action: adminBase + "/receive", CSRF: httpx.CSRFToken(ctx), Errors: errs, ErrorTitle: loc.T("platform.FixErrors"),
		Selects: []ui.SelectProps{{Name: "warehouse", Label: loc.T("inventory.Warehouse"),
			Options: warehouseOptions(loc, warehouses, f.value("warehouse")), Error: fieldErr("warehouse")}},
		Fields: []ui.FieldProps{
			{Name: "sku", Label: loc.T("inventory.SKU"), Value: f.value("sku"), Required: true, Error: fieldErr("sku")},
			{Name: "quantity", Label: loc.T("inventory.Quantity"), Type: "number", Value: f.value("quantity"),
				Required: true, Error: fieldErr("quantity"), Attrs: map[string]any{"min": "1", "inputmode": "numeric"}},
			{Name: "reason", Label: loc.T("inventory.ReceiveReason"), Value: f.value("reason"), Error: fieldErr("reason"),
				Hint: loc.T("inventory.ReceiveReasonHint")},
		},
		Submit: loc.T("inventory.ReceiveSubmit"),
	}

	p.LowStock = views.Report{ID: "low-stock", Title: loc.T("inventory.LowStockTitle"),
		Intro: loc.T("inventory.LowStockIntro", "Default", DefaultThreshold), Empty: loc.T("inventory.LowStockNone"),
		Headers: []string{loc.T("inventory.SKU"), loc.T("inventory.Product"), loc.T("inventory.OnHand"),
			loc.T("inventory.Reserved"), loc.T("inventory.Available"), loc.T("inventory.Threshold")}}
	for i, row := range low {
		if i == reportRows {
			p.LowStock.More = loc.N("inventory.ReportMore", len(low)-reportRows)
			break
		}
		l := labels[row.VariantID]
		p.LowStock.Rows = append(p.LowStock.Rows, views.ReportRow{URL: variantURL(row.VariantID), SKU: l.SKU, Title: l.Title,
			Cells: []string{loc.Int(row.OnHand), loc.Int(row.Reserved), loc.Int(row.Available), loc.Int(row.Threshold)}})
	}
	p.LowTurnover = views.Report{ID: "low-turnover", Title: loc.T("inventory.LowTurnoverTitle"),
		Intro: loc.T("inventory.LowTurnoverIntro", "Window", TurnoverWindowDays, "Months", 6),
		Empty: loc.T("inventory.LowTurnoverNone"),
		Headers: []string{loc.T("inventory.SKU"), loc.T("inventory.Product"), loc.T("inventory.Available"),
			loc.T("inventory.SoldRecently", "Window", TurnoverWindowDays), loc.T("inventory.DaysOfCover")}}
	for i, row := range slow {
		if i == reportRows {
			p.LowTurnover.More = loc.N("inventory.ReportMore", len(slow)-reportRows)
			break
		}
		l := labels[row.VariantID]
		cover := loc.T("inventory.NoSales")
		if days, ok := row.DaysOfCover(); ok {
			cover = loc.N("inventory.Days", days)
		}
		p.LowTurnover.Rows = append(p.LowTurnover.Rows, views.ReportRow{URL: variantURL(row.VariantID), SKU: l.SKU, Title: l.Title,
			Cells: []string{loc.Int(row.Available), loc.Int(row.Sold), cover}})
	}
	return ui.RenderAdmin(w, r, status, loc.T("inventory.Title"), views.Overview(p))
}

// serveReceiveBySKU handles POST /admin/inventory/receive: books a delivery for the variant with the SKU.
func (h *Handler) serveReceiveBySKU(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := parseForm(r); err != nil {
		return err
	}
	f := &form{name: "receive", values: r.PostForm}
	warehouses, err := h.svc.Warehouses(ctx)
	if err != nil {
		return err
	}
	var variantID int64
	if sku := strings.TrimSpace(r.PostFormValue("sku")); sku == "" {
		f.errs.Add("sku", "inventory.SKURequired", nil)
	} else if variantID, _, err = h.labels.VariantBySKU(ctx, sku); errors.Is(err, httpx.ErrNotFound) {
		f.errs.Add("sku", "inventory.NoSuchSKU", map[string]any{"SKU": sku})
	} else if err != nil {
		return err
	}
	warehouseID := parseWarehouse(&f.errs, "warehouse", r.PostFormValue("warehouse"), warehouses)
	qty := parseInt(&f.errs, "quantity", r.PostFormValue("quantity"))
	if len(f.errs) == 0 {
		err = h.svc.Receive(ctx, variantID, warehouseID, qty, r.PostFormValue("reason"))
		if fe, ok := userFormError(err, nil); ok {
			f.errs = fe
		} else if err != nil {
			return err
		}
	}
	if len(f.errs) > 0 {
		return h.renderOverview(w, r, http.StatusUnprocessableEntity, f)
	}
	httpx.SetFlash(w, "ok", "inventory.StockReceived")
	http.Redirect(w, r, variantURL(variantID), http.StatusSeeOther)
	return nil
}

// serveWarehouses handles GET /admin/inventory/warehouses.
func (h *Handler) serveWarehouses(w http.ResponseWriter, r *http.Request) error {
	return h.renderWarehouses(w, r, http.StatusOK, nil)
}

func (h *Handler) renderWarehouses(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	warehouses, err := h.svc.Warehouses(ctx)
	if err != nil {
		return err
	}
	p := views.WarehousesProps{
		Back:  ui.Link{Label: loc.T("inventory.BackToStock"), URL: adminBase},
		Label: loc.T("inventory.WarehousesTitle"),
		Headers: []string{loc.T("inventory.Code"), loc.T("inventory.Name"), loc.T("inventory.Country"),
			loc.T("inventory.Kind"), loc.T("inventory.Status")},
		Empty: loc.T("inventory.NoWarehouses"),
	}
	for _, wh := range warehouses {
		st := views.Badge{Kind: "ok", Label: loc.T("inventory.Active")}
		if !wh.Active {
			st = views.Badge{Label: loc.T("inventory.Inactive")}
		}
		p.Rows = append(p.Rows, views.WarehouseRow{Code: wh.Code, Name: wh.Name, Country: countryName(loc, wh.Country),
			Kind: loc.T("inventory.WarehouseKind." + string(wh.Kind)), Status: st})
	}
	errs, fieldErr := f.props(loc, "warehouse")
	kind := f.value("kind")
	var kinds []ui.Option
	for _, k := range WarehouseKinds {
		kinds = append(kinds, ui.Option{Value: string(k), Label: loc.T("inventory.WarehouseKind." + string(k)), Selected: string(k) == kind})
	}
	p.Create = views.Form{
		ID: "create-warehouse", Title: loc.T("inventory.CreateWarehouse"), Action: adminBase + "/warehouses",
		CSRF: httpx.CSRFToken(ctx), Errors: errs, ErrorTitle: loc.T("platform.FixErrors"),
		Fields: []ui.FieldProps{
			{Name: "code", Label: loc.T("inventory.Code"), Value: f.value("code"), Required: true, Error: fieldErr("code"),
				Hint: loc.T("inventory.CodeHint")},
			{Name: "name", Label: loc.T("inventory.Name"), Value: f.value("name"), Required: true, Error: fieldErr("name")},
			{Name: "country", Label: loc.T("inventory.Country"), Value: f.value("country"), Required: true,
				Error: fieldErr("country"), Hint: loc.T("inventory.CountryHint"), Attrs: map[string]any{"maxlength": "2"}},
		},
		Selects: []ui.SelectProps{{Name: "kind", Label: loc.T("inventory.Kind"), Options: kinds, Error: fieldErr("kind")}},
		Submit:  loc.T("inventory.CreateWarehouseSubmit"),
	}
	return ui.RenderAdmin(w, r, status, loc.T("inventory.WarehousesTitle"), views.Warehouses(p))
}

// serveCreateWarehouse handles POST /admin/inventory/warehouses.
func (h *Handler) serveCreateWarehouse(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in := Warehouse{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		Country: r.PostFormValue("country"), Kind: WarehouseKind(r.PostFormValue("kind"))}
	if _, err := h.svc.CreateWarehouse(r.Context(), in); err != nil {
		fe, ok := userFormError(err, nil)
		if !ok {
			return err
		}
		// A taken code is a conflict (409), anything else invalid input (422); both show the form again.
		return h.renderWarehouses(w, r, httpx.Status(err), &form{name: "warehouse", values: r.PostForm, errs: fe})
	}
	httpx.SetFlash(w, "ok", "inventory.WarehouseCreated")
	http.Redirect(w, r, adminBase+"/warehouses", http.StatusSeeOther)
	return nil
}

// serveVariant handles GET /admin/inventory/variants/{id}.
func (h *Handler) serveVariant(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return h.renderVariant(w, r, http.StatusOK, id, nil)
}

// variantLabel names a variant the catalog knows or that has stock here. Errors: ErrNotFound otherwise.
func (h *Handler) variantLabel(ctx context.Context, id int64) (VariantLabel, []StockLevel, error) {
	labels, err := h.labels.VariantLabels(ctx, []int64{id})
	if err != nil {
		return VariantLabel{}, nil, err
	}
	stock, err := h.svc.Stock(ctx, []int64{id})
	if err != nil {
		return VariantLabel{}, nil, err
	}
	l, known := labels[id]
	if !known && len(stock[id]) == 0 {
		return VariantLabel{}, nil, fmt.Errorf("inventory: variant %d: %w", id, httpx.ErrNotFound)
	}
	if !known {
		l = VariantLabel{SKU: "#" + strconv.FormatInt(id, 10)}
	}
	return l, stock[id], nil
}

func (h *Handler) renderVariant(w http.ResponseWriter, r *http.Request, status int, id int64, f *form) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	label, stock, err := h.variantLabel(ctx, id)
	if err != nil {
		return err
	}
	if label.Title == "" {
		label.Title = loc.T("inventory.UnknownVariant")
	}
	warehouses, err := h.svc.Warehouses(ctx)
	if err != nil {
		return err
	}
	threshold, err := h.svc.Threshold(ctx, id)
	if err != nil {
		return err
	}
	ledger, err := h.svc.Ledger(ctx, id, ledgerRows)
	if err != nil {
		return err
	}
	title := loc.T("inventory.VariantTitle", "SKU", label.SKU)
	p := views.VariantProps{
		TrailLabel: loc.T("inventory.Breadcrumbs"),
		Trail:      []ui.Link{{Label: loc.T("inventory.Title"), URL: adminBase}, {Label: label.SKU, URL: variantURL(id)}},
		StockTitle: loc.T("inventory.StockPerWarehouse"),
		StockHeaders: []string{loc.T("inventory.Warehouse"), loc.T("inventory.Country"), loc.T("inventory.Kind"),
			loc.T("inventory.OnHand"), loc.T("inventory.Reserved"), loc.T("inventory.Available")},
		StockEmpty:  loc.T("inventory.VariantNoStock"),
		LedgerTitle: loc.T("inventory.LedgerTitle"),
		LedgerIntro: loc.T("inventory.LedgerIntro", "Count", ledgerRows),
		LedgerHeader: []string{loc.T("inventory.When"), loc.T("inventory.Warehouse"), loc.T("inventory.Movement"),
			loc.T("inventory.Quantity"), loc.T("inventory.Reference"), loc.T("inventory.Actor"), loc.T("inventory.Reason")},
		LedgerEmpty: loc.T("inventory.LedgerEmpty"),
	}
	total := 0
	for _, s := range stock {
		row := views.StockRow{Warehouse: s.Code, Country: countryName(loc, s.Country),
			Kind: loc.T("inventory.WarehouseKind." + string(s.Kind)), OnHand: loc.Int(s.OnHand),
			Reserved: loc.Int(s.Reserved), Available: loc.Int(s.Available)}
		if s.Active {
			total += s.Available
		} else {
			row.Inactive = loc.T("inventory.Inactive")
		}
		p.Stock = append(p.Stock, row)
	}
	p.Facts = []views.Fact{
		{Label: loc.T("inventory.Product"), Value: label.Title},
		{Label: loc.T("inventory.SKU"), Value: label.SKU},
		{Label: loc.T("inventory.Available"), Value: loc.Int(total)},
		{Label: loc.T("inventory.Threshold"), Value: loc.Int(threshold)},
	}
	if total <= threshold {
		p.Badges = append(p.Badges, views.Badge{Kind: "warn", Label: loc.T("inventory.LowStock")})
	}
	for _, m := range ledger {
		p.Ledger = append(p.Ledger, views.LedgerRow{When: loc.DateTime(m.CreatedAt), Warehouse: m.WarehouseCode,
			Kind: loc.T("inventory.Kind." + string(m.Kind)), Quantity: signed(loc, m.Quantity), Ref: m.ReservationRef,
			Actor: m.Actor, Reason: m.Reason})
	}

	base := variantURL(id)
	csrf := httpx.CSRFToken(ctx)
	fixErrors := loc.T("platform.FixErrors")
	errs, fieldErr := f.props(loc, "receive")
	p.Forms = append(p.Forms, views.Form{
		ID: "receive", Title: loc.T("inventory.ReceiveTitle"), Action: base + "/receive", CSRF: csrf,
		Errors: errs, ErrorTitle: fixErrors,
		Selects: []ui.SelectProps{{Name: "warehouse", Label: loc.T("inventory.Warehouse"),
			Options: warehouseOptions(loc, warehouses, f.value("warehouse")), Error: fieldErr("warehouse")}},
		Fields: []ui.FieldProps{
			{Name: "quantity", Label: loc.T("inventory.Quantity"), Type: "number", Value: f.value("quantity"),
				Required: true, Error: fieldErr("quantity"), Attrs: map[string]any{"min": "1", "inputmode": "numeric"}},
			{Name: "reason", Label: loc.T("inventory.ReceiveReason"), Value: f.value("reason"), Error: fieldErr("reason"),
				Hint: loc.T("inventory.ReceiveReasonHint")},
		},
		Submit: loc.T("inventory.ReceiveSubmit"),
	})
	errs, fieldErr = f.props(loc, "adjust")
	p.Forms = append(p.Forms, views.Form{
		ID: "adjust", Title: loc.T("inventory.AdjustTitle"), Intro: loc.T("inventory.AdjustIntro"),
		Action: base + "/adjust", CSRF: csrf, Errors: errs, ErrorTitle: fixErrors,
		Selects: []ui.SelectProps{{Name: "adjust_warehouse", Label: loc.T("inventory.Warehouse"),
			Options: warehouseOptions(loc, warehouses, f.value("adjust_warehouse")), Error: fieldErr("adjust_warehouse")}},
		Fields: []ui.FieldProps{
			{Name: "delta", Label: loc.T("inventory.Delta"), Type: "number", Value: f.value("delta"), Required: true,
				Error: fieldErr("delta"), Hint: loc.T("inventory.DeltaHint")},
			{Name: "adjust_reason", Label: loc.T("inventory.Reason"), Value: f.value("adjust_reason"), Required: true,
				Error: fieldErr("adjust_reason")},
		},
		Submit: loc.T("inventory.AdjustSubmit"),
	})
	errs, fieldErr = f.props(loc, "threshold")
	value := f.value("threshold")
	if f == nil || f.name != "threshold" {
		value = strconv.Itoa(threshold)
	}
	p.Forms = append(p.Forms, views.Form{
		ID: "threshold", Title: loc.T("inventory.ThresholdTitle"), Intro: loc.T("inventory.ThresholdIntro", "Default", DefaultThreshold),
		Action: base + "/threshold", CSRF: csrf, Errors: errs, ErrorTitle: fixErrors,
		Fields: []ui.FieldProps{{Name: "threshold", Label: loc.T("inventory.Threshold"), Type: "number", Value: value,
			Required: true, Error: fieldErr("threshold"), Attrs: map[string]any{"min": "0", "inputmode": "numeric"}}},
		Submit: loc.T("inventory.ThresholdSubmit"),
	})
	return ui.RenderAdmin(w, r, status, title, views.Variant(p))
}

// variantForm runs a posted variant form: it checks the variant exists (404 otherwise, nothing written),
// lets parse read the inputs into field errors, calls do when they are fine, and either re-renders the page
// with the form's errors (422) or redirects to the page with the flash message (303).
func (h *Handler) variantForm(name, flash string, rename map[string]string,
	do func(ctx context.Context, id int64, warehouses []Warehouse, f *form) error) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		id, err := pathID(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		if _, _, err := h.variantLabel(ctx, id); err != nil {
			return err
		}
		warehouses, err := h.svc.Warehouses(ctx)
		if err != nil {
			return err
		}
		f := &form{name: name, values: r.PostForm}
		if err := do(ctx, id, warehouses, f); err != nil {
			fe, ok := userFormError(err, rename)
			if !ok {
				return err
			}
			f.errs = fe
		}
		if len(f.errs) > 0 {
			return h.renderVariant(w, r, http.StatusUnprocessableEntity, id, f)
		}
		httpx.SetFlash(w, "ok", flash)
		http.Redirect(w, r, variantURL(id), http.StatusSeeOther)
		return nil
	}
}

// serveReceive handles POST /admin/inventory/variants/{id}/receive.
func (h *Handler) serveReceive(w http.ResponseWriter, r *http.Request) error {
	return h.variantForm("receive", "inventory.StockReceived", nil,
		func(ctx context.Context, id int64, warehouses []Warehouse, f *form) error {
			warehouseID := parseWarehouse(&f.errs, "warehouse", f.value("warehouse"), warehouses)
			qty := parseInt(&f.errs, "quantity", f.value("quantity"))
			if len(f.errs) > 0 {
				return nil
			}
			return h.svc.Receive(ctx, id, warehouseID, qty, f.value("reason"))
		})(w, r)
}

// serveAdjust handles POST /admin/inventory/variants/{id}/adjust.
func (h *Handler) serveAdjust(w http.ResponseWriter, r *http.Request) error {
	rename := map[string]string{"warehouse": "adjust_warehouse", "reason": "adjust_reason"}
	return h.variantForm("adjust", "inventory.StockAdjusted", rename,
		func(ctx context.Context, id int64, warehouses []Warehouse, f *form) error {
			warehouseID := parseWarehouse(&f.errs, "adjust_warehouse", f.value("adjust_warehouse"), warehouses)
			delta := parseInt(&f.errs, "delta", f.value("delta"))
			if strings.TrimSpace(f.value("adjust_reason")) == "" {
				f.errs.Add("adjust_reason", "inventory.ReasonRequired", nil)
			}
			if len(f.errs) > 0 {
				return nil
			}
			return h.svc.Adjust(ctx, id, warehouseID, delta, f.value("adjust_reason"))
		})(w, r)
}

// serveThreshold handles POST /admin/inventory/variants/{id}/threshold.
func (h *Handler) serveThreshold(w http.ResponseWriter, r *http.Request) error {
	return h.variantForm("threshold", "inventory.ThresholdSaved", nil,
		func(ctx context.Context, id int64, _ []Warehouse, f *form) error {
			threshold := parseInt(&f.errs, "threshold", f.value("threshold"))
			if len(f.errs) > 0 {
				return nil
			}
			return h.svc.SetThreshold(ctx, id, threshold)
		})(w, r)
}
