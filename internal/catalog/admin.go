package catalog

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/catalog/views"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
)

// StockRow is a variant's stock in one warehouse, for the product editor.
type StockRow struct {
	Warehouse string
	OnHand    int
	Reserved  int
	Available int
}

// StockViewer gives the product editor the stock per warehouse (the inventory module); optional.
type StockViewer interface {
	StockByVariant(r *http.Request, variantIDs []int64) (map[int64][]StockRow, error)
}

// AdminHandler serves the merchant's listings editor under /admin/catalog.
type AdminHandler struct {
	svc   *Service
	msgs  *intl.Messages
	stock StockViewer
	// storefront is a locale prefix for "view in shop" links, e.g. "/en-us".
	storefront string
}

// NewAdminHandler returns the listings editor; stock may be nil.
func NewAdminHandler(svc *Service, msgs *intl.Messages, stock StockViewer, storefrontPrefix string) *AdminHandler {
	return &AdminHandler{svc: svc, msgs: msgs, stock: stock, storefront: storefrontPrefix}
}

// Routes is mounted at /admin/catalog for merchants and admins.
func (h *AdminHandler) Routes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveList))
	r.Get("/products/new", httpx.H(h.serveNew))
	r.Post("/products/new", httpx.H(h.serveCreate))
	r.Route("/products/{id}", func(r chi.Router) {
		r.Get("/", httpx.H(h.serveEdit))
		r.Post("/", httpx.H(h.serveGeneral))
		r.Post("/texts", httpx.H(h.serveTexts))
		r.Post("/availability", httpx.H(h.serveAvailability))
		r.Post("/variants", httpx.H(h.serveVariant))
		r.Post("/variants/{vid}", httpx.H(h.serveVariant))
		r.Post("/variants/{vid}/delete", httpx.H(h.serveDeleteVariant))
		r.Post("/images", httpx.H(h.serveUpload))
		r.Post("/images/{iid}/delete", httpx.H(h.serveDeleteImage))
	})
	r.Get("/categories", httpx.H(h.serveCategories))
	r.Post("/categories", httpx.H(h.serveCreateCategory))
	r.Get("/categories/{cid}", httpx.H(h.serveCategory))
	r.Post("/categories/{cid}", httpx.H(h.serveUpdateCategory))
	r.Get("/history", httpx.H(h.serveHistory))
	r.Get("/import", httpx.H(h.serveImportForm))
	r.Post("/import", httpx.H(h.serveImport))
	r.Get("/export", httpx.H(h.serveExport))
	return r
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.ErrNotFound
	}
	return id, nil
}

func (h *AdminHandler) languageName(code string) string {
	if l, ok := h.msgs.ByCode(code); ok {
		return l.Name
	}
	return code
}

func statusKind(s Status) string {
	switch s {
	case StatusActive:
		return "ok"
	case StatusDraft:
		return "warn"
	}
	return ""
}

const adminPerPage = 50

// serveList handles GET /admin/catalog: products with search, status and category filters.
func (h *AdminHandler) serveList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	qs := r.URL.Query()
	f := ProductFilter{Query: qs.Get("q"), Status: Status(qs.Get("status"))}
	f.CategoryID, _ = strconv.ParseInt(qs.Get("category"), 10, 64)
	page := httpx.Page(qs)
	products, total, err := h.svc.Products(ctx, f, adminPerPage, (page-1)*adminPerPage)
	if err != nil {
		return err
	}
	cats, err := h.svc.Categories(ctx)
	if err != nil {
		return err
	}
	catName := map[int64]string{}
	p := views.AdminListProps{
		Search:      ui.Search{Action: "/admin/catalog", Label: loc.T("catalog.AdminSearch"), Query: f.Query},
		StatusLabel: loc.T("catalog.Status"), CatLabel: loc.T("catalog.Category"), Filter: loc.T("catalog.Apply"),
		Actions: []ui.Link{{Label: loc.T("catalog.NewProduct"), URL: "/admin/catalog/products/new"},
			{Label: loc.T("catalog.ImportCSV"), URL: "/admin/catalog/import"},
			{Label: loc.T("catalog.ExportCSV"), URL: "/admin/catalog/export"},
			{Label: loc.T("catalog.CategoriesTitle"), URL: "/admin/catalog/categories"},
			{Label: loc.T("catalog.HistoryTitle"), URL: "/admin/catalog/history"}},
		Headers: []string{"", loc.T("catalog.Title"), loc.T("catalog.SKUs"), loc.T("catalog.Status"), loc.T("catalog.Category"), loc.T("catalog.Updated")},
		Count:   loc.N("catalog.ProductCount", total), Empty: loc.T("catalog.NoProducts"), PagesLabel: loc.T("platform.Pages"),
	}
	p.Statuses = append(p.Statuses, ui.Option{Value: "", Label: loc.T("catalog.AllStatuses")})
	for _, s := range Statuses {
		p.Statuses = append(p.Statuses, ui.Option{Value: string(s), Label: loc.T("catalog.Status." + string(s)), Selected: f.Status == s})
	}
	p.Categories = append(p.Categories, ui.Option{Value: "", Label: loc.T("catalog.AllCategories")})
	for _, c := range cats {
		name := strings.Repeat("— ", len(c.Path)-1) + c.text("en").Name
		catName[c.ID] = c.text("en").Name
		p.Categories = append(p.Categories, ui.Option{Value: strconv.FormatInt(c.ID, 10), Label: name, Selected: c.ID == f.CategoryID})
	}
	for _, prod := range products {
		t, _ := prod.text("en")
		var skus []string
		for _, v := range prod.Variants {
			skus = append(skus, v.SKU)
		}
		if len(skus) > 3 {
			skus = append(skus[:3], "…")
		}
		row := views.AdminRow{URL: fmt.Sprintf("/admin/catalog/products/%d", prod.ID), Title: t.Title,
			SKUs: strings.Join(skus, ", "), Status: loc.T("catalog.Status." + string(prod.Status)), StatusK: statusKind(prod.Status),
			Category: catName[prod.CategoryID], Updated: loc.DateTime(prod.UpdatedAt)}
		if len(prod.Images) > 0 {
			row.Image = ImageURL(prod.Images[0].Key, SmallWidth)
		}
		p.Rows = append(p.Rows, row)
	}
	pages := (total + adminPerPage - 1) / adminPerPage
	if pages > 1 {
		link := func(n int) string {
			v := r.URL.Query()
			v.Set("page", strconv.Itoa(n))
			return "/admin/catalog?" + v.Encode()
		}
		if page > 1 {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Previous"), URL: link(page - 1), Rel: "prev"})
		}
		p.Pages = append(p.Pages, ui.PageLink{Label: fmt.Sprintf("%d / %d", page, pages), Current: true})
		if page < pages {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Next"), URL: link(page + 1), Rel: "next"})
		}
	}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("catalog.ProductsTitle"), views.AdminList(p))
}

// messages translates field errors into a form alert.
func messages(loc *intl.Locale, err error) *views.FormErrors {
	fe, ok := httpx.AsFieldErrors(err)
	if !ok {
		var ue *httpx.UserError
		if errors.As(err, &ue) {
			fe = httpx.FieldErrors{ue}
		}
	}
	out := &views.FormErrors{Title: loc.T("platform.FixErrors")}
	for _, e := range fe {
		out.Items = append(out.Items, loc.Message(e.MessageID, e.Data))
	}
	return out
}

// userFacing reports whether err should be shown on the form (a user error) rather than fail the request.
func userFacing(err error) bool {
	var ue *httpx.UserError
	_, isFields := httpx.AsFieldErrors(err)
	return isFields || errors.As(err, &ue) && httpx.Status(err) < 500
}

func (h *AdminHandler) categoryOptions(r *http.Request, selected int64, withNone bool) ([]ui.Option, error) {
	cats, err := h.svc.Categories(r.Context())
	if err != nil {
		return nil, err
	}
	loc := intl.FromContext(r.Context())
	var opts []ui.Option
	if withNone {
		opts = append(opts, ui.Option{Value: "0", Label: loc.T("catalog.NoParent")})
	}
	for _, c := range cats {
		opts = append(opts, ui.Option{Value: strconv.FormatInt(c.ID, 10), Selected: c.ID == selected,
			Label: strings.Repeat("— ", len(c.Path)-1) + c.text("en").Name})
	}
	return opts, nil
}

func (h *AdminHandler) generalForm(r *http.Request, action string, f ProductFields) (views.GeneralForm, error) {
	loc := intl.FromContext(r.Context())
	cats, err := h.categoryOptions(r, f.CategoryID, false)
	if err != nil {
		return views.GeneralForm{}, err
	}
	var statuses []ui.Option
	for _, s := range Statuses {
		statuses = append(statuses, ui.Option{Value: string(s), Label: loc.T("catalog.Status." + string(s)), Selected: f.Status == s})
	}
	return views.GeneralForm{
		Title: loc.T("catalog.General"), Action: action, CSRF: httpx.CSRFToken(r.Context()),
		Category: ui.SelectProps{Name: "category", Label: loc.T("catalog.Category"), Options: cats},
		Status:   ui.SelectProps{Name: "status", Label: loc.T("catalog.Status"), Options: statuses},
		Brand:    ui.FieldProps{Name: "brand", Label: loc.T("catalog.Brand"), Value: f.Brand},
		Supplier: ui.FieldProps{Name: "supplier", Label: loc.T("catalog.Supplier"), Value: f.Supplier, Hint: loc.T("catalog.SupplierHint")},
		Submit:   loc.T("catalog.Save"),
	}, nil
}

func fieldsFromForm(r *http.Request) ProductFields {
	id, _ := strconv.ParseInt(r.PostFormValue("category"), 10, 64)
	return ProductFields{CategoryID: id, Status: Status(r.PostFormValue("status")),
		Brand: strings.TrimSpace(r.PostFormValue("brand")), Supplier: strings.TrimSpace(r.PostFormValue("supplier"))}
}

// serveNew handles GET /admin/catalog/products/new.
func (h *AdminHandler) serveNew(w http.ResponseWriter, r *http.Request) error {
	return h.renderNew(w, r, http.StatusOK, ProductFields{Status: StatusDraft}, ProductText{}, nil)
}

func (h *AdminHandler) renderNew(w http.ResponseWriter, r *http.Request, status int, f ProductFields, t ProductText, err error) error {
	loc := intl.FromContext(r.Context())
	form, ferr := h.generalForm(r, "/admin/catalog/products/new", f)
	if ferr != nil {
		return ferr
	}
	form.Title = loc.T("catalog.NewProduct")
	form.EnTitle = &ui.FieldProps{Name: "title_en", Label: loc.T("catalog.Title") + " (English)", Value: t.Title, Required: true}
	form.EnDesc = &ui.TextAreaProps{Name: "description_en", Label: loc.T("catalog.Description") + " (English)", Value: t.Description, Rows: "5"}
	form.Submit = loc.T("catalog.Create")
	if err != nil {
		form.Errors = messages(loc, err)
	}
	return ui.RenderAdmin(w, r, status, loc.T("catalog.NewProduct"), views.NewProduct(form))
}

// serveCreate handles POST /admin/catalog/products/new.
func (h *AdminHandler) serveCreate(w http.ResponseWriter, r *http.Request) error {
	f := fieldsFromForm(r)
	t := ProductText{Title: r.PostFormValue("title_en"), Description: r.PostFormValue("description_en")}
	id, err := h.svc.CreateProduct(r.Context(), f, map[string]ProductText{"en": t})
	if err != nil {
		if userFacing(err) {
			return h.renderNew(w, r, httpx.Status(err), f, t, err)
		}
		return err
	}
	httpx.SetFlash(w, "ok", "catalog.Created")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalog/products/%d", id), http.StatusSeeOther)
	return nil
}

// editState carries a failed form back into the editor: which section, the error, and what was submitted.
type editState struct {
	section string
	variant int64
	err     error
	form    url.Values
}

// serveEdit handles GET /admin/catalog/products/{id}.
func (h *AdminHandler) serveEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderEdit(w, r, http.StatusOK, id, editState{})
}

func (h *AdminHandler) renderEdit(w http.ResponseWriter, r *http.Request, status int, id int64, st editState) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	p, err := h.svc.Product(ctx, id)
	if err != nil {
		return err
	}
	base := fmt.Sprintf("/admin/catalog/products/%d", id)
	csrf := httpx.CSRFToken(ctx)
	failed := func(section string, variant int64) *views.FormErrors {
		if st.err != nil && st.section == section && st.variant == variant {
			return messages(loc, st.err)
		}
		return nil
	}
	value := func(section, name, current string) string {
		if st.err != nil && st.section == section {
			return st.form.Get(name)
		}
		return current
	}

	var props views.EditProps
	en, _ := p.text("en")
	if p.Status == StatusActive {
		props.Preview = append(props.Preview, ui.Link{Label: loc.T("catalog.ViewInShop"), URL: h.storefront + "/p/" + url.PathEscape(en.Slug)})
	}

	fields := ProductFields{CategoryID: p.CategoryID, Status: p.Status, Brand: p.Brand, Supplier: p.Supplier}
	if st.err != nil && st.section == "general" {
		fields = fieldsFromFormValues(st.form)
	}
	if props.General, err = h.generalForm(r, base, fields); err != nil {
		return err
	}
	props.General.Errors = failed("general", 0)

	props.Texts = views.TextsForm{Title: loc.T("catalog.Translations"), Hint: loc.T("catalog.TranslationsHint"),
		Action: base + "/texts", CSRF: csrf, Errors: failed("texts", 0), Submit: loc.T("catalog.Save")}
	for _, code := range h.svc.locales {
		t := p.Texts[code]
		lang, _ := h.msgs.ByCode(code)
		col := views.TextColumn{Locale: code, Language: h.languageName(code), Dir: lang.Dir(),
			Title:    ui.FieldProps{Name: "title_" + code, Label: loc.T("catalog.Title"), Value: value("texts", "title_"+code, t.Title)},
			Slug:     ui.FieldProps{Name: "slug_" + code, Label: loc.T("catalog.Slug"), Value: value("texts", "slug_"+code, t.Slug), Hint: loc.T("catalog.SlugHint")},
			Desc:     ui.TextAreaProps{Name: "description_" + code, Label: loc.T("catalog.Description"), Value: value("texts", "description_"+code, t.Description), Rows: "6", Dir: lang.Dir(), Lang: code},
			SEOTitle: ui.FieldProps{Name: "seo_title_" + code, Label: loc.T("catalog.SEOTitle"), Value: value("texts", "seo_title_"+code, t.SEOTitle)},
			SEODesc:  ui.FieldProps{Name: "seo_description_" + code, Label: loc.T("catalog.SEODescription"), Value: value("texts", "seo_description_"+code, t.SEODescription)},
		}
		if t.Title == "" {
			col.Missing = loc.T("catalog.TranslationMissing")
		}
		props.Texts.Columns = append(props.Texts.Columns, col)
	}

	props.Variants = views.VariantsSection{Title: loc.T("catalog.Variants"), CSRF: csrf}
	for _, v := range p.Variants {
		vf := h.variantForm(loc, fmt.Sprintf("%s/variants/%d", base, v.ID), v, st, "variant", v.ID)
		vf.Legend = v.SKU + " · " + formatOptions(v.Options)
		vf.DeleteURL = fmt.Sprintf("%s/variants/%d/delete", base, v.ID)
		vf.DeleteLabel, vf.Confirm = loc.T("catalog.DeleteVariant"), loc.T("catalog.ConfirmDelete")
		vf.Errors = failed("variant", v.ID)
		props.Variants.Forms = append(props.Variants.Forms, vf)
	}
	add := h.variantForm(loc, base+"/variants", Variant{TaxCategory: "standard", OriginCountry: "CN"}, st, "variant", 0)
	add.Legend, add.Submit, add.Errors = loc.T("catalog.AddVariant"), loc.T("catalog.AddVariant"), failed("variant", 0)
	add.Open = true
	props.Variants.Add = add

	props.Images = views.ImagesSection{Title: loc.T("catalog.Images"), CSRF: csrf, DeleteLabel: loc.T("catalog.Delete"),
		UploadURL: base + "/images", FileLabel: loc.T("catalog.ImageFile"), Upload: loc.T("catalog.Upload"),
		Hint: loc.T("catalog.ImageHint", "MB", MaxImageBytes>>20), Errors: failed("images", 0)}
	for _, img := range p.Images {
		props.Images.Tiles = append(props.Images.Tiles, views.ImageTile{URL: ImageURL(img.Key, SmallWidth),
			DeleteURL: fmt.Sprintf("%s/images/%d/delete", base, img.ID)})
	}

	markets := h.svc.markets()
	hidden, err := h.svc.Visibility(ctx, id, markets)
	if err != nil {
		return err
	}
	props.Availability = views.AvailabilitySection{Title: loc.T("catalog.Availability"), Hint: loc.T("catalog.AvailabilityHint"),
		Action: base + "/availability", CSRF: csrf, Errors: failed("availability", 0),
		MarketHead: loc.T("catalog.Market"), SoldHead: loc.T("catalog.SoldThere"), Submit: loc.T("catalog.Save"),
		Certs: ui.FieldProps{Name: "certifications", Label: loc.T("catalog.Certifications"),
			Value: value("availability", "certifications", strings.Join(p.Certifications, ", ")), Hint: loc.T("catalog.CertificationsHint")}}
	for _, m := range markets {
		row := views.MarketRow{Code: m, Name: loc.CountryName(m), Checked: containsString(p.Markets, m)}
		switch hid := hidden[m]; hid.Reason {
		case "":
			row.Status, row.StatusK = loc.T("catalog.Sold"), "ok"
		case "certification":
			row.Status, row.StatusK = loc.T("catalog.HiddenCertification", "Missing", strings.Join(hid.Missing, ", ")), "bad"
		default:
			row.Status, row.StatusK = loc.T("catalog.Hidden."+hid.Reason), "warn"
		}
		props.Availability.Markets = append(props.Availability.Markets, row)
	}

	props.Stock = views.StockSection{Title: loc.T("catalog.Stock"), Empty: loc.T("catalog.NoStock"),
		Headers: []string{loc.T("catalog.SKU"), loc.T("catalog.Warehouse"), loc.T("catalog.OnHand"), loc.T("catalog.Reserved"), loc.T("catalog.AvailableQty")}}
	if h.stock != nil && len(p.Variants) > 0 {
		ids := make([]int64, len(p.Variants))
		for i, v := range p.Variants {
			ids[i] = v.ID
		}
		stock, err := h.stock.StockByVariant(r, ids)
		if err != nil {
			return err
		}
		for _, v := range p.Variants {
			for _, row := range stock[v.ID] {
				props.Stock.Rows = append(props.Stock.Rows, []string{v.SKU, row.Warehouse, loc.Int(row.OnHand), loc.Int(row.Reserved), loc.Int(row.Available)})
			}
		}
		props.Stock.Link = ui.Link{Label: loc.T("catalog.ManageStock"), URL: "/admin/inventory?q=" + url.QueryEscape(p.Variants[0].SKU)}
	}

	entries, _, err := h.svc.History(ctx, HistoryFilter{ProductID: id}, 30, 0)
	if err != nil {
		return err
	}
	props.Audit = views.AuditSection{Title: loc.T("catalog.History"), Empty: loc.T("catalog.NoHistory"),
		Headers: []string{loc.T("catalog.When"), loc.T("catalog.Who"), loc.T("catalog.What"), loc.T("catalog.Changes")}}
	if props.Audit.Rows, err = h.auditRows(r, entries); err != nil {
		return err
	}
	if len(entries) > 0 {
		props.Audit.More = ui.Link{Label: loc.T("catalog.FullHistory"), URL: fmt.Sprintf("/admin/catalog/history?product=%d", id)}
	}
	return ui.RenderAdmin(w, r, status, en.Title, views.Edit(props))
}

func fieldsFromFormValues(v url.Values) ProductFields {
	id, _ := strconv.ParseInt(v.Get("category"), 10, 64)
	return ProductFields{CategoryID: id, Status: Status(v.Get("status")), Brand: v.Get("brand"), Supplier: v.Get("supplier")}
}

func (h *AdminHandler) variantForm(loc *intl.Locale, action string, v Variant, st editState, section string, id int64) views.VariantForm {
	val := func(name, current string) string {
		if st.err != nil && st.section == section && st.variant == id {
			return st.form.Get(name)
		}
		return current
	}
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	price := ""
	if !v.BasePrice.IsZero() {
		price = v.BasePrice.String()
	}
	var taxes []ui.Option
	tax := val("tax_category", v.TaxCategory)
	for _, t := range TaxCategories {
		taxes = append(taxes, ui.Option{Value: t, Label: loc.T("catalog.Tax." + t), Selected: t == tax})
	}
	form := views.VariantForm{Action: action, Submit: loc.T("catalog.Save"),
		Fields: []ui.FieldProps{
			{Name: "sku", Label: loc.T("catalog.SKU"), Value: val("sku", v.SKU), Required: true},
			{Name: "options", Label: loc.T("catalog.Options"), Value: val("options", formatOptions(v.Options)), Hint: loc.T("catalog.OptionsHint")},
			{Name: "base_price", Label: loc.T("catalog.BasePrice"), Value: val("base_price", price), Hint: loc.T("catalog.BasePriceHint"), Attrs: map[string]any{"inputmode": "decimal"}},
			{Name: "weight_g", Label: loc.T("catalog.WeightG"), Value: val("weight_g", itoa(v.WeightG)), Type: "number"},
			{Name: "length_mm", Label: loc.T("catalog.LengthMM"), Value: val("length_mm", itoa(v.LengthMM)), Type: "number"},
			{Name: "width_mm", Label: loc.T("catalog.WidthMM"), Value: val("width_mm", itoa(v.WidthMM)), Type: "number"},
			{Name: "height_mm", Label: loc.T("catalog.HeightMM"), Value: val("height_mm", itoa(v.HeightMM)), Type: "number"},
			{Name: "hs_code", Label: loc.T("catalog.HSCode"), Value: val("hs_code", v.HSCode), Hint: loc.T("catalog.HSCodeHint")},
			{Name: "origin_country", Label: loc.T("catalog.Origin"), Value: val("origin_country", v.OriginCountry), Hint: loc.T("catalog.OriginHint")},
			{Name: "customs_description", Label: loc.T("catalog.CustomsDescription"), Value: val("customs_description", v.CustomsDescription)},
		},
		Tax: ui.SelectProps{ID: fmt.Sprintf("v%d-tax_category", id), Name: "tax_category", Label: loc.T("catalog.TaxCategory"), Options: taxes},
	}
	// The page repeats this form per variant: element IDs carry the variant (0 for the new one).
	for i := range form.Fields {
		form.Fields[i].ID = fmt.Sprintf("v%d-%s", id, form.Fields[i].Name)
	}
	return form
}

// serveGeneral handles POST /admin/catalog/products/{id}.
func (h *AdminHandler) serveGeneral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.svc.UpdateProduct(r.Context(), id, fieldsFromForm(r)); err != nil {
		return h.formFailed(w, r, id, editState{section: "general"}, err)
	}
	return h.saved(w, r, id)
}

func (h *AdminHandler) saved(w http.ResponseWriter, r *http.Request, id int64) error {
	httpx.SetFlash(w, "ok", "catalog.Saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalog/products/%d", id), http.StatusSeeOther)
	return nil
}

// formFailed re-renders the editor with the failing section's errors and input, or fails the request for
// errors that are not the user's to fix.
func (h *AdminHandler) formFailed(w http.ResponseWriter, r *http.Request, id int64, st editState, err error) error {
	if !userFacing(err) || errors.Is(err, ErrProductNotFound) {
		return err
	}
	st.err, st.form = err, r.PostForm
	return h.renderEdit(w, r, httpx.Status(err), id, st)
}

// serveTexts handles POST /admin/catalog/products/{id}/texts.
func (h *AdminHandler) serveTexts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	texts := map[string]ProductText{}
	for _, code := range h.svc.locales {
		if _, sent := r.PostForm["title_"+code]; !sent {
			continue
		}
		texts[code] = ProductText{Title: r.PostFormValue("title_" + code), Slug: r.PostFormValue("slug_" + code),
			Description: r.PostFormValue("description_" + code), SEOTitle: r.PostFormValue("seo_title_" + code),
			SEODescription: r.PostFormValue("seo_description_" + code)}
	}
	if err := h.svc.SetTexts(r.Context(), id, texts); err != nil {
		return h.formFailed(w, r, id, editState{section: "texts"}, err)
	}
	return h.saved(w, r, id)
}

// serveAvailability handles POST /admin/catalog/products/{id}/availability.
func (h *AdminHandler) serveAvailability(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	certs := strings.FieldsFunc(r.PostFormValue("certifications"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	if err := h.svc.SetAvailability(r.Context(), id, r.PostForm["markets"], certs); err != nil {
		return h.formFailed(w, r, id, editState{section: "availability"}, err)
	}
	return h.saved(w, r, id)
}

// serveVariant handles POST /admin/catalog/products/{id}/variants[/{vid}]: add or update a variant.
func (h *AdminHandler) serveVariant(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var vid int64
	if chi.URLParam(r, "vid") != "" {
		if vid, err = pathID(r, "vid"); err != nil {
			return err
		}
	}
	v, perr := variantFromForm(r)
	v.ID = vid
	st := editState{section: "variant", variant: vid}
	if perr != nil {
		// Report what is wrong with the rest of the form too, not one problem per submission.
		fe, _ := httpx.AsFieldErrors(perr)
		var more httpx.FieldErrors
		validateVariant(&v, &more)
		for _, e := range more {
			if fe.For(e.Field) == nil {
				fe = append(fe, e)
			}
		}
		return h.formFailed(w, r, id, st, fe)
	}
	if _, err := h.svc.SaveVariant(r.Context(), id, v); err != nil {
		if errors.Is(err, ErrVariantNotFound) {
			return err
		}
		return h.formFailed(w, r, id, st, err)
	}
	return h.saved(w, r, id)
}

// variantFromForm reads a variant form; unparseable numbers are field errors.
func variantFromForm(r *http.Request) (Variant, error) {
	var fe httpx.FieldErrors
	v := Variant{SKU: r.PostFormValue("sku"), HSCode: r.PostFormValue("hs_code"), OriginCountry: r.PostFormValue("origin_country"),
		TaxCategory: r.PostFormValue("tax_category"), CustomsDescription: strings.TrimSpace(r.PostFormValue("customs_description"))}
	opts, err := parseOptions(r.PostFormValue("options"))
	if err != nil {
		fe.Add("options", "catalog.OptionsInvalid", nil)
	}
	v.Options = opts
	price := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("base_price"), ",", "."))
	if d, err := decimal.NewFromString(price); err != nil {
		fe.Add("base_price", "catalog.PricePositive", nil)
	} else {
		v.BasePrice = d
	}
	for name, dst := range map[string]*int{"weight_g": &v.WeightG, "length_mm": &v.LengthMM, "width_mm": &v.WidthMM, "height_mm": &v.HeightMM} {
		raw := strings.TrimSpace(r.PostFormValue(name))
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			fe.Add(name, "catalog.NotANumber", nil)
			continue
		}
		*dst = n
	}
	return v, fe.Err()
}

// serveDeleteVariant handles POST /admin/catalog/products/{id}/variants/{vid}/delete.
func (h *AdminHandler) serveDeleteVariant(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathID(r, "vid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteVariant(r.Context(), id, vid); err != nil {
		if errors.Is(err, ErrVariantNotFound) {
			return err
		}
		return h.formFailed(w, r, id, editState{section: "variant", variant: vid}, err)
	}
	return h.saved(w, r, id)
}

// serveUpload handles POST /admin/catalog/products/{id}/images (multipart).
func (h *AdminHandler) serveUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	file, _, err := r.FormFile("image")
	if err != nil {
		return h.formFailed(w, r, id, editState{section: "images"}, httpx.Invalid("image", "catalog.ImageMissing", nil))
	}
	defer file.Close()
	if _, err := h.svc.AddImage(r.Context(), id, file); err != nil {
		return h.formFailed(w, r, id, editState{section: "images"}, err)
	}
	return h.saved(w, r, id)
}

// serveDeleteImage handles POST /admin/catalog/products/{id}/images/{iid}/delete.
func (h *AdminHandler) serveDeleteImage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	iid, err := pathID(r, "iid")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteImage(r.Context(), id, iid); err != nil {
		return err
	}
	return h.saved(w, r, id)
}

// serveExport handles GET /admin/catalog/export: the whole catalog as CSV.
func (h *AdminHandler) serveExport(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="listings-%s.csv"`, time.Now().UTC().Format("2006-01-02")))
	_, err := h.svc.Export(r.Context(), w)
	return err
}

// serveImportForm handles GET /admin/catalog/import.
func (h *AdminHandler) serveImportForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderImport(w, r, http.StatusOK, true, nil)
}

func (h *AdminHandler) renderImport(w http.ResponseWriter, r *http.Request, status int, dryRun bool, rep *views.ImportReportView) error {
	loc := intl.FromContext(r.Context())
	p := views.ImportProps{Intro: loc.T("catalog.ImportIntro"), Action: "/admin/catalog/import", CSRF: httpx.CSRFToken(r.Context()),
		FileLabel: loc.T("catalog.CSVFile"), DryRunLabel: loc.T("catalog.DryRun"), DryRun: dryRun, Submit: loc.T("catalog.Import"),
		Export: ui.Link{Label: loc.T("catalog.ExportCSV"), URL: "/admin/catalog/export"}, Report: rep}
	return ui.RenderAdmin(w, r, status, loc.T("catalog.ImportCSV"), views.Import(p))
}

// serveImport handles POST /admin/catalog/import: a dry run or an all-or-nothing import.
func (h *AdminHandler) serveImport(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	dryRun := r.PostFormValue("dry_run") != ""
	file, _, err := r.FormFile("file")
	if err != nil {
		return h.renderImport(w, r, http.StatusUnprocessableEntity, dryRun, &views.ImportReportView{Kind: "bad", Title: loc.T("catalog.CSVMissingFile")})
	}
	defer file.Close()
	rep, err := h.svc.Import(r.Context(), file, dryRun, nil)
	if err != nil && !errors.Is(err, ErrImportRejected) {
		return err
	}
	view := ReportView(loc, rep)
	status := http.StatusOK
	if err != nil {
		status = http.StatusUnprocessableEntity
	}
	return h.renderImport(w, r, status, dryRun, &view)
}

// ReportView translates an import report (also used by the command line).
func ReportView(loc *intl.Locale, rep ImportReport) views.ImportReportView {
	v := views.ImportReportView{Kind: "ok"}
	switch {
	case len(rep.Errors) > 0:
		v.Kind, v.Title = "bad", loc.N("catalog.ImportBadRows", len(rep.Errors))
	case rep.DryRun:
		v.Kind, v.Title = "info", loc.T("catalog.ImportDryRunOK")
	default:
		v.Title = loc.T("catalog.ImportDone")
	}
	v.Summary = []string{
		loc.N("catalog.ImportRows", rep.Rows),
		loc.T("catalog.ImportCounts", "PC", rep.ProductsCreated, "PU", rep.ProductsUpdated, "VC", rep.VariantsCreated,
			"VU", rep.VariantsUpdated, "Same", rep.Unchanged),
	}
	if rep.TextsRemoved > 0 {
		v.Summary = append(v.Summary, loc.N("catalog.ImportTextsRemoved", rep.TextsRemoved))
		if v.Kind != "bad" {
			v.Kind = "warn"
		}
	}
	line := func(e RowError) string {
		msg := loc.Message(e.Message, e.Data)
		if e.Column != "" {
			msg = e.Column + ": " + msg
		}
		return loc.T("catalog.LineError", "Line", e.Line, "Message", msg)
	}
	for _, e := range rep.Errors {
		v.Errors = append(v.Errors, line(e))
	}
	for _, n := range rep.Notices {
		v.Notices = append(v.Notices, line(n))
	}
	return v
}

// serveCategories handles GET /admin/catalog/categories: the tree and the create form.
func (h *AdminHandler) serveCategories(w http.ResponseWriter, r *http.Request) error {
	return h.renderCategories(w, r, http.StatusOK, CategoryInput{}, nil)
}

func (h *AdminHandler) renderCategories(w http.ResponseWriter, r *http.Request, status int, in CategoryInput, ferr error) error {
	loc := intl.FromContext(r.Context())
	cats, err := h.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	p := views.CategoriesProps{Headers: []string{loc.T("catalog.Name"), loc.T("catalog.Code"), loc.T("catalog.Requirements")}}
	for _, c := range cats {
		p.Rows = append(p.Rows, views.CategoryRow{Name: c.text("en").Name, Code: c.Code, Depth: strings.Repeat("— ", len(c.Path)-1),
			URL: fmt.Sprintf("/admin/catalog/categories/%d", c.ID), Reqs: formatRequirements(c.Requirements)})
	}
	form, err := h.categoryForm(r, "/admin/catalog/categories", in, true)
	if err != nil {
		return err
	}
	form.Title, form.Submit = loc.T("catalog.NewCategory"), loc.T("catalog.Create")
	if ferr != nil {
		form.Errors = messages(loc, ferr)
	}
	p.Form = form
	return ui.RenderAdmin(w, r, status, loc.T("catalog.CategoriesTitle"), views.Categories(p))
}

// formatRequirements writes requirements as "DE: CE; GB: UKCA".
func formatRequirements(reqs map[string][]string) string {
	var parts []string
	for _, m := range sortedKeys(reqs) {
		parts = append(parts, m+": "+strings.Join(reqs[m], ", "))
	}
	return strings.Join(parts, "; ")
}

// parseRequirements reads "DE: CE; GB: UKCA, …".
func parseRequirements(s string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		market, certs, ok := strings.Cut(part, ":")
		if !ok {
			return nil, httpx.Invalid("requirements", "catalog.RequirementsInvalid", nil)
		}
		market = strings.ToUpper(strings.TrimSpace(market))
		for _, c := range strings.FieldsFunc(certs, func(r rune) bool { return r == ',' || r == ' ' }) {
			out[market] = append(out[market], c)
		}
	}
	return out, nil
}

func (h *AdminHandler) categoryForm(r *http.Request, action string, in CategoryInput, create bool) (views.CategoryForm, error) {
	loc := intl.FromContext(r.Context())
	f := views.CategoryForm{Action: action, CSRF: httpx.CSRFToken(r.Context()),
		Reqs: ui.FieldProps{Name: "requirements", Label: loc.T("catalog.Requirements"), Value: formatRequirements(in.Requirements),
			Hint: loc.T("catalog.RequirementsHint")}}
	if create {
		opts, err := h.categoryOptions(r, in.ParentID, true)
		if err != nil {
			return f, err
		}
		f.Parent = &ui.SelectProps{Name: "parent", Label: loc.T("catalog.Parent"), Options: opts}
		f.Code = &ui.FieldProps{Name: "code", Label: loc.T("catalog.Code"), Value: in.Code, Hint: loc.T("catalog.CodeHint"), Required: true}
	}
	for _, code := range h.svc.locales {
		t := in.Texts[code]
		lang, _ := h.msgs.ByCode(code)
		f.Texts = append(f.Texts, views.CategoryTextFields{Locale: code, Language: h.languageName(code), Dir: lang.Dir(),
			Name: ui.FieldProps{Name: "name_" + code, Label: loc.T("catalog.Name"), Value: t.Name},
			Slug: ui.FieldProps{Name: "slug_" + code, Label: loc.T("catalog.Slug"), Value: t.Slug, Hint: loc.T("catalog.CategorySlugHint")},
			Desc: ui.TextAreaProps{Name: "description_" + code, Label: loc.T("catalog.Description"), Value: t.Description, Rows: "3",
				Dir: lang.Dir(), Lang: code}})
	}
	return f, nil
}

func (h *AdminHandler) categoryInput(r *http.Request) (CategoryInput, error) {
	in := CategoryInput{Code: r.PostFormValue("code"), Texts: map[string]CategoryText{}}
	in.ParentID, _ = strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	for _, code := range h.svc.locales {
		if name := strings.TrimSpace(r.PostFormValue("name_" + code)); name != "" {
			in.Texts[code] = CategoryText{Name: name, Slug: strings.TrimSpace(r.PostFormValue("slug_" + code)),
				Description: strings.TrimSpace(r.PostFormValue("description_" + code))}
		}
	}
	reqs, err := parseRequirements(r.PostFormValue("requirements"))
	in.Requirements = reqs
	return in, err
}

// serveCreateCategory handles POST /admin/catalog/categories.
func (h *AdminHandler) serveCreateCategory(w http.ResponseWriter, r *http.Request) error {
	in, err := h.categoryInput(r)
	if err == nil {
		_, err = h.svc.CreateCategory(r.Context(), in)
	}
	if err != nil {
		if userFacing(err) {
			return h.renderCategories(w, r, httpx.Status(err), in, err)
		}
		return err
	}
	httpx.SetFlash(w, "ok", "catalog.Saved")
	http.Redirect(w, r, "/admin/catalog/categories", http.StatusSeeOther)
	return nil
}

// serveCategory handles GET /admin/catalog/categories/{cid}.
func (h *AdminHandler) serveCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	return h.renderCategory(w, r, http.StatusOK, id, nil, nil)
}

func (h *AdminHandler) renderCategory(w http.ResponseWriter, r *http.Request, status int, id int64, in *CategoryInput, ferr error) error {
	loc := intl.FromContext(r.Context())
	cats, err := h.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	var cur *Category
	for i := range cats {
		if cats[i].ID == id {
			cur = &cats[i]
		}
	}
	if cur == nil {
		return ErrCategoryNotFound
	}
	if in == nil {
		in = &CategoryInput{Texts: cur.Texts, Requirements: cur.Requirements}
	}
	form, err := h.categoryForm(r, fmt.Sprintf("/admin/catalog/categories/%d", id), *in, false)
	if err != nil {
		return err
	}
	form.Title, form.Submit = cur.text("en").Name+" ("+cur.Code+")", loc.T("catalog.Save")
	form.History = ui.Link{Label: loc.T("catalog.History"), URL: fmt.Sprintf("/admin/catalog/history?category=%d", id)}
	if ferr != nil {
		form.Errors = messages(loc, ferr)
	}
	return ui.RenderAdmin(w, r, status, loc.T("catalog.EditCategory"), views.CategoryEdit(form))
}

// serveUpdateCategory handles POST /admin/catalog/categories/{cid}.
func (h *AdminHandler) serveUpdateCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	in, err := h.categoryInput(r)
	if err == nil {
		err = h.svc.UpdateCategory(r.Context(), id, in)
	}
	if err != nil {
		if userFacing(err) && !errors.Is(err, ErrCategoryNotFound) {
			return h.renderCategory(w, r, httpx.Status(err), id, &in, err)
		}
		return err
	}
	httpx.SetFlash(w, "ok", "catalog.Saved")
	http.Redirect(w, r, fmt.Sprintf("/admin/catalog/categories/%d", id), http.StatusSeeOther)
	return nil
}

const historyPerPage = 50

// serveHistory handles GET /admin/catalog/history: every recorded change of products and categories, newest
// first, a page at a time; filtered by product or SKU (q), by action, or to one product (product=ID) or
// category (category=ID).
func (h *AdminHandler) serveHistory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	qs := r.URL.Query()
	f := HistoryFilter{Query: strings.TrimSpace(qs.Get("q")), Action: qs.Get("action")}
	f.ProductID, _ = strconv.ParseInt(qs.Get("product"), 10, 64)
	f.CategoryID, _ = strconv.ParseInt(qs.Get("category"), 10, 64)
	page := httpx.Page(qs)
	entries, more, err := h.svc.History(ctx, f, historyPerPage, (page-1)*historyPerPage)
	if err != nil {
		return err
	}
	p := views.HistoryProps{
		Search:      ui.Search{Action: "/admin/catalog/history", Label: loc.T("catalog.AdminSearch"), Query: f.Query},
		ActionLabel: loc.T("catalog.What"), Filter: loc.T("catalog.Apply"), Empty: loc.T("catalog.NoHistoryMatch"),
		Headers: []string{loc.T("catalog.When"), loc.T("catalog.Who"), loc.T("catalog.HistorySubject"), loc.T("catalog.What"),
			loc.T("catalog.Changes")},
		PagesLabel: loc.T("platform.Pages"),
	}
	p.Actions = append(p.Actions, ui.Option{Value: "", Label: loc.T("catalog.AllActions")})
	for _, a := range auditActions {
		p.Actions = append(p.Actions, ui.Option{Value: a, Label: actionName(loc, a), Selected: a == f.Action})
	}
	snap, err := h.svc.snap(ctx)
	if err != nil {
		return err
	}
	keep := url.Values{}
	for _, k := range []string{"q", "action"} {
		if v := qs.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	switch {
	case f.ProductID != 0:
		name := fmt.Sprintf("#%d", f.ProductID)
		if prod := snap.products[f.ProductID]; prod != nil {
			t, _ := prod.text("en")
			name = t.Title
		}
		p.Scope = loc.T("catalog.HistoryOf", "Name", name)
	case f.CategoryID != 0:
		name := fmt.Sprintf("#%d", f.CategoryID)
		if c := snap.categories[f.CategoryID]; c != nil {
			name = c.text("en").Name
		}
		p.Scope = loc.T("catalog.HistoryOf", "Name", name)
	}
	if p.Scope != "" {
		p.ScopeClear = ui.Link{Label: loc.T("catalog.ResetFilters"), URL: "/admin/catalog/history?" + keep.Encode()}
		for _, k := range []string{"product", "category"} {
			if v := qs.Get(k); v != "" {
				p.Hidden = append(p.Hidden, views.HiddenField{Name: k, Value: v})
			}
		}
	}
	if f == (HistoryFilter{}) {
		p.Empty = loc.T("catalog.NoHistory")
	}
	if p.Rows, err = h.auditRows(r, entries); err != nil {
		return err
	}
	if page > 1 || more {
		link := func(n int) string {
			v := r.URL.Query()
			v.Set("page", strconv.Itoa(n))
			return "/admin/catalog/history?" + v.Encode()
		}
		if page > 1 {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Previous"), URL: link(page - 1), Rel: "prev"})
		}
		p.Pages = append(p.Pages, ui.PageLink{Label: loc.Int(page), Current: true})
		if more {
			p.Pages = append(p.Pages, ui.PageLink{Label: loc.T("platform.Next"), URL: link(page + 1), Rel: "next"})
		}
	}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("catalog.HistoryTitle"), views.History(p))
}

// actionName is an action's localized name ("variant.update" → "Variant changed"); an action this version
// does not know keeps its key.
func actionName(loc *intl.Locale, action string) string {
	if s, ok := loc.Lookup("catalog.Action." + action); ok {
		return s
	}
	return action
}

// foldAfter is how many field changes show unfolded; longer lists (an imported product) fold behind a count.
const foldAfter = 8

// auditRows renders log entries readably: the product or category, the localized action, and each changed
// field with its values before and after.
func (h *AdminHandler) auditRows(r *http.Request, entries []AuditEntry) ([]views.AuditRow, error) {
	loc := intl.FromContext(r.Context())
	snap, err := h.svc.snap(r.Context())
	if err != nil {
		return nil, err
	}
	rows := make([]views.AuditRow, 0, len(entries))
	for _, e := range entries {
		row := views.AuditRow{At: loc.DateTime(e.At), Actor: e.Actor, Action: actionName(loc, e.Action), Key: e.Action}
		switch {
		case e.ProductID != 0:
			row.Subject = fmt.Sprintf("#%d", e.ProductID)
			if p := snap.products[e.ProductID]; p != nil {
				t, _ := p.text("en")
				row.Subject = t.Title
			}
			row.SubjectURL = fmt.Sprintf("/admin/catalog/products/%d", e.ProductID)
			sku := e.SKU
			if v := snap.variants[e.VariantID]; sku == "" && v != nil {
				sku = v.SKU
			}
			if sku != "" {
				row.Subject += " · " + sku
			}
		case e.CategoryID != 0:
			name := fmt.Sprintf("#%d", e.CategoryID)
			if c := snap.categories[e.CategoryID]; c != nil {
				name = c.text("en").Name
			}
			row.Subject = loc.T("catalog.Category") + ": " + name
			row.SubjectURL = fmt.Sprintf("/admin/catalog/categories/%d", e.CategoryID)
		}
		if e.Line > 0 {
			row.Note = loc.T("catalog.ImportLine", "Line", e.Line)
		}
		for _, c := range e.Changes {
			row.Changes = append(row.Changes, views.AuditChange{Group: c.Variant, Field: h.fieldLabel(loc, c),
				From: h.fieldValue(loc, snap, c.Field, c.From), To: h.fieldValue(loc, snap, c.Field, c.To)})
		}
		if len(row.Changes) > foldAfter {
			row.Folded = loc.N("catalog.ChangeCount", len(row.Changes))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// fieldLabelIDs names the fields the log records, by CSV column (without the locale) and, for entries
// written before field changes were recorded that way, by Go field name.
var fieldLabelIDs = map[string]string{
	"category": "catalog.Category", "CategoryID": "catalog.Category", "status": "catalog.Status", "Status": "catalog.Status",
	"brand": "catalog.Brand", "Brand": "catalog.Brand", "supplier": "catalog.Supplier", "Supplier": "catalog.Supplier",
	"markets": "catalog.Market", "certifications": "catalog.Certifications",
	"title": "catalog.Title", "Title": "catalog.Title", "slug": "catalog.Slug", "Slug": "catalog.Slug",
	"description": "catalog.Description", "Description": "catalog.Description", "seo_title": "catalog.SEOTitle",
	"SEOTitle": "catalog.SEOTitle", "seo_description": "catalog.SEODescription", "SEODescription": "catalog.SEODescription",
	"name": "catalog.Name", "Name": "catalog.Name", "code": "catalog.Code", "Code": "catalog.Code",
	"parent": "catalog.Parent", "ParentID": "catalog.Parent", "requirements": "catalog.Requirements",
	"Requirements": "catalog.Requirements", "sku": "catalog.SKU", "SKU": "catalog.SKU", "options": "catalog.Options",
	"Options": "catalog.Options", "base_price": "catalog.BasePrice", "BasePrice": "catalog.BasePrice",
	"weight_g": "catalog.WeightG", "WeightG": "catalog.WeightG", "dimensions": "catalog.Dimensions",
	"LengthMM": "catalog.LengthMM", "WidthMM": "catalog.WidthMM", "HeightMM": "catalog.HeightMM",
	"hs_code": "catalog.HSCode", "HSCode": "catalog.HSCode", "origin_country": "catalog.Origin", "origin": "catalog.Origin",
	"OriginCountry": "catalog.Origin", "tax_category": "catalog.TaxCategory", "TaxCategory": "catalog.TaxCategory",
	"customs_description": "catalog.CustomsDescription", "CustomsDescription": "catalog.CustomsDescription",
	"image": "catalog.ImageFile",
}

// legacyWrappers are the keys old entries nested fields under; they say nothing to a reader.
var legacyWrappers = map[string]bool{"fields": true, "texts": true, "Texts": true, "input": true}

// baseField splits "title_de" into "title" and "de"; fields without a locale come back whole.
func (h *AdminHandler) baseField(field string) (string, string) {
	if i := strings.LastIndexByte(field, '_'); i > 0 && h.svc.knownLocale(field[i+1:]) {
		return field[:i], field[i+1:]
	}
	return field, ""
}

// fieldLabel names a changed field for people: "Title (Deutsch)", "Base price"; old entries' nested fields
// read "Deutsch · Title".
func (h *AdminHandler) fieldLabel(loc *intl.Locale, c FieldChange) string {
	var parts []string
	for _, seg := range strings.Split(c.Field, ".") {
		if legacyWrappers[seg] {
			continue
		}
		if h.svc.knownLocale(seg) {
			parts = append(parts, h.languageName(seg))
			continue
		}
		base, locale := h.baseField(seg)
		label := base
		if id, ok := fieldLabelIDs[base]; ok {
			label = loc.T(id)
		}
		if locale != "" {
			label += " (" + h.languageName(locale) + ")"
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, " · ")
}

// fieldValue formats a recorded value: statuses, tax categories and categories by name, lists joined, long
// texts shortened, "—" for none.
func (h *AdminHandler) fieldValue(loc *intl.Locale, snap *snapshot, field string, v any) string {
	segs := strings.Split(field, ".")
	base, _ := h.baseField(segs[len(segs)-1])
	var s string
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		s = x
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(x)
	case []any:
		var parts []string
		for _, it := range x {
			parts = append(parts, fmt.Sprint(it))
		}
		s = strings.Join(parts, ", ")
	case map[string]any:
		var parts []string
		for _, k := range sortedKeys(x) {
			parts = append(parts, fmt.Sprintf("%s=%v", k, x[k]))
		}
		s = strings.Join(parts, "; ")
	default:
		s = fmt.Sprint(x)
	}
	if s == "" {
		return "—"
	}
	switch base {
	case "status", "Status":
		if t, ok := loc.Lookup("catalog.Status." + s); ok {
			return t
		}
	case "tax_category", "TaxCategory":
		if t, ok := loc.Lookup("catalog.Tax." + s); ok {
			return t
		}
	case "category", "CategoryID", "parent", "ParentID":
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			if c := snap.categories[id]; c != nil {
				return c.text("en").Name
			}
			return "#" + s
		}
	}
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "…"
	}
	return s
}
