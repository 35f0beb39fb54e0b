package pricing

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/platform/ui"
	"storefront/internal/pricing/views"
)

// adminBase is where the command mounts AdminRoutes.
const adminBase = "/admin/pricing"

// Admin page sizes.
const (
	recentRatesShown = 50
	listItemsShown   = 200
)

// dateTimeLocal is the value format of an <input type="datetime-local">; the admin enters rate times in UTC.
const dateTimeLocal = "2006-01-02T15:04"

// Handler serves the pricing back office: markets, exchange rates and price lists.
type Handler struct {
	svc      *Service
	fxMaxAge time.Duration
}

// NewHandler returns the pricing admin handler; rates in force for longer than fxMaxAge are shown as stale.
func NewHandler(svc *Service, fxMaxAge time.Duration) *Handler {
	return &Handler{svc: svc, fxMaxAge: fxMaxAge}
}

// AdminRoutes is the pricing back office, mounted at /admin/pricing for merchants and admins.
func (h *Handler) AdminRoutes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveMarkets))
	r.Get("/markets/{code}", httpx.H(h.serveMarket))
	r.Post("/markets/{code}", httpx.H(h.serveMarketPost))
	r.Get("/rates", httpx.H(h.serveRates))
	r.Post("/rates", httpx.H(h.serveRatePost))
	r.Post("/rates/upload", httpx.H(h.serveRatesUpload))
	r.Get("/price-lists", httpx.H(h.servePriceLists))
	r.Post("/price-lists", httpx.H(h.servePriceListCreate))
	r.Get("/price-lists/{id}", httpx.H(h.servePriceList))
	r.Post("/price-lists/{id}/items", httpx.H(h.serveItemSet))
	r.Post("/price-lists/{id}/items/delete", httpx.H(h.serveItemDelete))
	return r
}

func tabs(loc *intl.Locale, current string) views.Tabs {
	t := views.Tabs{Label: loc.T("pricing.Sections")}
	for _, s := range []struct{ path, id string }{
		{"/", "pricing.MarketsTitle"}, {"/rates", "pricing.RatesTitle"}, {"/price-lists", "pricing.ListsTitle"},
	} {
		t.Links = append(t.Links, ui.Link{Label: loc.T(s.id), URL: strings.TrimSuffix(adminBase+s.path, "/"),
			Current: s.path == current})
	}
	return t
}

// ageText says how long ago something was, in the largest sensible unit.
func ageText(loc *intl.Locale, d time.Duration) string {
	switch {
	case d < time.Hour:
		return loc.N("pricing.AgeMinutes", int(d.Minutes()))
	case d < 48*time.Hour:
		return loc.N("pricing.AgeHours", int(d.Hours()))
	}
	return loc.N("pricing.AgeDays", int(d.Hours()/24))
}

// staleNotice is the warning shown while a market currency's rate is older than fxMaxAge, or missing; a missing
// rate names the countries whose storefronts cannot show prices because of it.
func (h *Handler) staleNotice(loc *intl.Locale, now time.Time) []views.Notice {
	stale := h.svc.staleRates(now, h.fxMaxAge)
	if len(stale) == 0 {
		return nil
	}
	n := views.Notice{Kind: "warn", Title: loc.T("pricing.StaleTitle", "MaxAge", ageText(loc, h.fxMaxAge))}
	for _, s := range stale {
		pair := s.Base + "→" + s.Quote
		if s.Missing {
			n.Items = append(n.Items, loc.T("pricing.RateMissing", "Pair", pair,
				"Markets", strings.Join(h.countriesPricedIn(loc, s.Quote), ", ")))
			continue
		}
		n.Items = append(n.Items, loc.T("pricing.RateStale", "Pair", pair, "Age", ageText(loc, s.Age),
			"Date", loc.DateTime(s.EffectiveAt.UTC())))
	}
	return []views.Notice{n}
}

// countriesPricedIn names, in the admin's language, the countries of the active markets that sell in currency.
func (h *Handler) countriesPricedIn(loc *intl.Locale, currency string) []string {
	var out []string
	for _, m := range h.svc.Markets() {
		if !m.Active || m.Currency != currency {
			continue
		}
		for _, c := range m.Countries {
			out = append(out, loc.CountryName(c)+" ("+m.Code+")")
		}
	}
	return out
}

func fieldErrors(loc *intl.Locale, errs httpx.FieldErrors) (all []string, byField func(string) string) {
	for _, e := range errs {
		all = append(all, loc.Message(e.MessageID, e.Data))
	}
	return all, func(field string) string {
		if e := errs.For(field); e != nil {
			return loc.Message(e.MessageID, e.Data)
		}
		return ""
	}
}

// serveMarkets handles GET /admin/pricing: every market with all its settings.
func (h *Handler) serveMarkets(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	p := views.MarketsProps{
		Tabs: tabs(loc, "/"), Notices: h.staleNotice(loc, time.Now()), Caption: loc.T("pricing.MarketsIntro"),
		Headers: []string{loc.T("pricing.Market"), loc.T("pricing.Countries"), loc.T("pricing.Currency"),
			loc.T("pricing.Languages"), loc.T("pricing.TaxDisplay"), loc.T("pricing.FixedGross"),
			loc.T("pricing.RoundingRule"), loc.T("pricing.FXBuffer"), loc.T("pricing.Incoterm"),
			loc.T("pricing.ReturnWindow"), loc.T("pricing.Status"), ""},
	}
	for _, m := range h.svc.Markets() {
		row := views.MarketRow{
			Code: m.Code, Countries: strings.Join(m.Countries, ", "), Currency: m.Currency,
			Locales:    strings.Join(m.Locales, ", ") + " (" + m.DefaultLocale + ")",
			TaxDisplay: taxDisplayLabel(loc, m.TaxInclusive), FixedGross: loc.T("pricing.No"),
			Rounding: loc.T("pricing.Rounding." + string(m.Rounding)), FXBuffer: loc.Percent(m.FXBuffer),
			Incoterm: loc.T("pricing.Incoterm." + m.Incoterm), ReturnDays: loc.N("pricing.Days", m.ReturnDays),
			Status: loc.T("pricing.Inactive"), StatusKind: "bad",
			Edit: ui.Link{Label: loc.T("pricing.Edit"), URL: adminBase + "/markets/" + url.PathEscape(m.Code)},
		}
		if m.FixedGross {
			row.FixedGross = loc.T("pricing.FixedGrossFrom", "Country", m.GrossReferenceCountry)
		}
		if m.Active {
			row.Status, row.StatusKind = loc.T("pricing.Active"), "ok"
		}
		p.Rows = append(p.Rows, row)
	}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("pricing.MarketsTitle"), views.Markets(p))
}

func taxDisplayLabel(loc *intl.Locale, inclusive bool) string {
	if inclusive {
		return loc.T("pricing.TaxInclusive")
	}
	return loc.T("pricing.TaxExclusive")
}

// marketValues are a market's settings as form values.
func marketValues(m Market) url.Values {
	v := url.Values{}
	v.Set("tax_display", "exclusive")
	if m.TaxInclusive {
		v.Set("tax_display", "inclusive")
	}
	if m.FixedGross {
		v.Set("fixed_gross", "1")
	}
	if m.Active {
		v.Set("active", "1")
	}
	v.Set("gross_reference_country", m.GrossReferenceCountry)
	v.Set("rounding", string(m.Rounding))
	v.Set("fx_buffer", m.FXBuffer.Shift(2).String())
	v.Set("incoterm", m.Incoterm)
	v.Set("return_days", strconv.Itoa(m.ReturnDays))
	return v
}

func (h *Handler) marketFromURL(r *http.Request) (Market, error) {
	return h.svc.Market(chi.URLParam(r, "code"))
}

// serveMarket handles GET /admin/pricing/markets/{code}: the market's settings form.
func (h *Handler) serveMarket(w http.ResponseWriter, r *http.Request) error {
	m, err := h.marketFromURL(r)
	if err != nil {
		return err
	}
	return h.renderMarket(w, r, http.StatusOK, m, marketValues(m), nil)
}

func (h *Handler) renderMarket(w http.ResponseWriter, r *http.Request, status int, m Market, v url.Values, errs httpx.FieldErrors) error {
	loc := intl.FromContext(r.Context())
	all, fieldErr := fieldErrors(loc, errs)
	option := func(value, label, selected string) ui.Option {
		return ui.Option{Value: value, Label: label, Selected: value == selected}
	}
	p := views.MarketFormProps{
		Tabs: tabs(loc, "/"), CSRF: httpx.CSRFToken(r.Context()),
		Action: adminBase + "/markets/" + url.PathEscape(m.Code), Errors: all, ErrorTitle: loc.T("platform.FixErrors"),
		Facts: []views.Fact{
			{Label: loc.T("pricing.Market"), Value: m.Code},
			{Label: loc.T("pricing.Countries"), Value: strings.Join(m.Countries, ", ")},
			{Label: loc.T("pricing.Currency"), Value: m.Currency},
			{Label: loc.T("pricing.Languages"), Value: strings.Join(m.Locales, ", ")},
		},
		TaxDisplay: ui.SelectProps{Name: "tax_display", Label: loc.T("pricing.TaxDisplay"), Error: fieldErr("tax_display"),
			Options: []ui.Option{
				option("inclusive", loc.T("pricing.TaxInclusive"), v.Get("tax_display")),
				option("exclusive", loc.T("pricing.TaxExclusive"), v.Get("tax_display")),
			}},
		FixedGross: views.Check{Name: "fixed_gross", Label: loc.T("pricing.FixedGrossLabel"),
			Hint: loc.T("pricing.FixedGrossHint"), Checked: v.Get("fixed_gross") == "1", Error: fieldErr("fixed_gross")},
		Reference: ui.FieldProps{Name: "gross_reference_country", Label: loc.T("pricing.ReferenceCountry"),
			Value: v.Get("gross_reference_country"), Hint: loc.T("pricing.ReferenceCountryHint"),
			Error: fieldErr("gross_reference_country")},
		Rounding: ui.SelectProps{Name: "rounding", Label: loc.T("pricing.RoundingRule"), Error: fieldErr("rounding")},
		FXBuffer: ui.FieldProps{Name: "fx_buffer", Label: loc.T("pricing.FXBufferPercent"), Value: v.Get("fx_buffer"),
			Hint: loc.T("pricing.FXBufferHint"), Error: fieldErr("fx_buffer"), Attrs: map[string]any{"inputmode": "decimal"}},
		Incoterm: ui.SelectProps{Name: "incoterm", Label: loc.T("pricing.Incoterm"), Error: fieldErr("incoterm"),
			Options: []ui.Option{
				option("DDP", loc.T("pricing.Incoterm.DDP"), v.Get("incoterm")),
				option("DAP", loc.T("pricing.Incoterm.DAP"), v.Get("incoterm")),
			}},
		ReturnDays: ui.FieldProps{Name: "return_days", Label: loc.T("pricing.ReturnDays"), Type: "number",
			Value: v.Get("return_days"), Error: fieldErr("return_days"), Attrs: map[string]any{"min": "0", "max": strconv.Itoa(maxReturnDays)}},
		Active: views.Check{Name: "active", Label: loc.T("pricing.ActiveLabel"), Checked: v.Get("active") == "1"},
		Submit: loc.T("pricing.Save"),
		Back:   ui.Link{Label: loc.T("pricing.BackToMarkets"), URL: adminBase},
	}
	for _, rule := range Roundings {
		p.Rounding.Options = append(p.Rounding.Options,
			option(string(rule), loc.T("pricing.Rounding."+string(rule)), v.Get("rounding")))
	}
	return ui.RenderAdmin(w, r, status, loc.T("pricing.MarketTitle", "Market", m.Code), views.MarketForm(p))
}

// serveMarketPost handles POST /admin/pricing/markets/{code}: saves the market's settings.
func (h *Handler) serveMarketPost(w http.ResponseWriter, r *http.Request) error {
	m, err := h.marketFromURL(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	v := r.PostForm
	in := MarketSettings{
		FixedGross: v.Get("fixed_gross") == "1", GrossReferenceCountry: v.Get("gross_reference_country"),
		Rounding: Rounding(v.Get("rounding")), Incoterm: v.Get("incoterm"), Active: v.Get("active") == "1",
	}
	var fe httpx.FieldErrors
	switch v.Get("tax_display") {
	case "inclusive":
		in.TaxInclusive = true
	case "exclusive":
	default:
		fe.Add("tax_display", "pricing.TaxDisplayUnknown", nil)
	}
	if pct, err := decimal.NewFromString(strings.TrimSpace(v.Get("fx_buffer"))); err == nil {
		in.FXBuffer = pct.Shift(-2)
	} else {
		fe.Add("fx_buffer", "pricing.BufferRange", map[string]any{"Max": maxFXBuffer.Shift(2).String()})
	}
	if in.ReturnDays, err = strconv.Atoi(strings.TrimSpace(v.Get("return_days"))); err != nil {
		fe.Add("return_days", "pricing.ReturnDaysRange", map[string]any{"Max": maxReturnDays})
	}
	if len(fe) > 0 {
		// Report every problem at once: the settings that did parse are checked too.
		for _, e := range h.svc.checkMarket(m, in) {
			if fe.For(e.Field) == nil {
				fe = append(fe, e)
			}
		}
	} else {
		err = h.svc.UpdateMarket(r.Context(), m.Code, in)
		if fe, _ = httpx.AsFieldErrors(err); fe == nil && err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return h.renderMarket(w, r, http.StatusUnprocessableEntity, m, v, fe)
	}
	httpx.SetFlash(w, "ok", "pricing.MarketSaved")
	http.Redirect(w, r, adminBase, http.StatusSeeOther)
	return nil
}

// rateForm is the state of the rates page's two forms.
type rateForm struct {
	values      url.Values
	errs        httpx.FieldErrors
	uploadError string
}

// serveRates handles GET /admin/pricing/rates: the rates in force for every market currency with their source
// and age, the latest stored rates, and the forms to enter a rate or upload a file. ?loaded=N reports an upload.
func (h *Handler) serveRates(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	v := url.Values{}
	v.Set("base", h.svc.base)
	v.Set("effective_at", time.Now().UTC().Format(dateTimeLocal))
	v.Set("source", loc.T("pricing.ManualSource"))
	return h.renderRates(w, r, http.StatusOK, rateForm{values: v})
}

func (h *Handler) renderRates(w http.ResponseWriter, r *http.Request, status int, f rateForm) error {
	loc := intl.FromContext(r.Context())
	now := time.Now()
	recent, err := h.svc.Rates(r.Context(), recentRatesShown)
	if err != nil {
		return err
	}
	all, fieldErr := fieldErrors(loc, f.errs)
	p := views.RatesProps{
		Tabs: tabs(loc, "/rates"), Notices: h.staleNotice(loc, now), CSRF: httpx.CSRFToken(r.Context()),
		CurrentTitle: loc.T("pricing.CurrentRates", "Base", h.svc.base),
		CurrentHeaders: []string{loc.T("pricing.Pair"), loc.T("pricing.Rate"), loc.T("pricing.Derivation"),
			loc.T("pricing.EffectiveAt"), loc.T("pricing.Age"), loc.T("pricing.Source")},
		RecentTitle: loc.T("pricing.RecentRates"),
		RecentHeaders: []string{"ID", loc.T("pricing.Pair"), loc.T("pricing.Rate"), loc.T("pricing.EffectiveAt"),
			loc.T("pricing.Source"), loc.T("pricing.EnteredAt"), loc.T("pricing.EnteredBy")},
		NoRates:    loc.T("pricing.NoRates"),
		EnterTitle: loc.T("pricing.EnterRate"), EnterIntro: loc.T("pricing.EnterRateIntro"),
		EnterAction: adminBase + "/rates", Errors: all, ErrorTitle: loc.T("platform.FixErrors"),
		Base: ui.FieldProps{Name: "base", Label: loc.T("pricing.BaseCurrency"), Value: f.values.Get("base"),
			Required: true, Error: fieldErr("base"), Attrs: map[string]any{"maxlength": "3", "autocapitalize": "characters"}},
		Quote: ui.FieldProps{Name: "quote", Label: loc.T("pricing.QuoteCurrency"), Value: f.values.Get("quote"),
			Required: true, Error: fieldErr("quote"), Attrs: map[string]any{"maxlength": "3", "autocapitalize": "characters"}},
		Rate: ui.FieldProps{Name: "rate", Label: loc.T("pricing.Rate"), Value: f.values.Get("rate"), Required: true,
			Hint: loc.T("pricing.RateHint"), Error: fieldErr("rate"), Attrs: map[string]any{"inputmode": "decimal"}},
		EffectiveAt: ui.FieldProps{Name: "effective_at", Label: loc.T("pricing.EffectiveAt"), Type: "datetime-local",
			Value: f.values.Get("effective_at"), Required: true, Error: fieldErr("effective_at")},
		Source: ui.FieldProps{Name: "source", Label: loc.T("pricing.Source"), Value: f.values.Get("source"),
			Required: true, Error: fieldErr("source")},
		EnterSubmit: loc.T("pricing.SaveRate"),
		UploadTitle: loc.T("pricing.UploadRates"), UploadAction: adminBase + "/rates/upload",
		UploadError: f.uploadError,
		File: ui.FieldProps{Name: "file", Label: loc.T("pricing.RatesFile"), Type: "file", Required: true,
			Hint: loc.T("pricing.RatesFileHint", "MB", maxRatesFile>>20), Error: f.uploadError,
			Attrs: map[string]any{"accept": ".xml,.json,application/xml,text/xml,application/json"}},
		UploadSubmit: loc.T("pricing.Upload"),
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("loaded")); err == nil && n >= 0 && status == http.StatusOK {
		p.Notices = append([]views.Notice{{Kind: "ok", Title: loc.N("pricing.RatesLoaded", n)}}, p.Notices...)
	}
	for _, cur := range h.svc.marketCurrencies() {
		q, err := h.svc.RateAt(h.svc.base, cur, now)
		row := views.CurrentRate{Pair: h.svc.base + "→" + cur}
		if err != nil {
			row.Rate, row.Stale = loc.T("pricing.NoRate"), true
		} else {
			row.Rate = loc.Number(q.MarketRate, 6)
			row.Derivation = derivation(loc, q)
			row.EffectiveAt = loc.DateTime(q.EffectiveAt.UTC())
			row.Age = ageText(loc, now.Sub(q.EffectiveAt))
			row.Source = q.Source
			row.Stale = now.Sub(q.EffectiveAt) > h.fxMaxAge
		}
		p.Current = append(p.Current, row)
	}
	for _, rt := range recent {
		p.Recent = append(p.Recent, views.RecentRate{ID: strconv.FormatInt(rt.ID, 10), Pair: rt.Base + "→" + rt.Quote,
			Rate: loc.Number(rt.Rate, RateScale), EffectiveAt: loc.DateTime(rt.EffectiveAt.UTC()), Source: rt.Source,
			CreatedAt: loc.DateTime(rt.CreatedAt.UTC()), CreatedBy: rt.CreatedBy})
	}
	return ui.RenderAdmin(w, r, status, loc.T("pricing.RatesTitle"), views.Rates(p))
}

func derivation(loc *intl.Locale, q FXQuote) string {
	switch {
	case q.Via != "":
		return loc.T("pricing.ViaPivot", "Pivot", q.Via)
	case q.Inverted:
		return loc.T("pricing.Inverted", "Pair", q.Quote+"→"+q.Base)
	}
	return loc.T("pricing.Direct")
}

// serveRatePost handles POST /admin/pricing/rates: stores a rate entered by hand.
func (h *Handler) serveRatePost(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	v := r.PostForm
	in := RateInput{Base: v.Get("base"), Quote: v.Get("quote"), Source: v.Get("source")}
	var fe httpx.FieldErrors
	rate, err := decimal.NewFromString(strings.TrimSpace(v.Get("rate")))
	if err != nil {
		fe.Add("rate", "pricing.RateInvalid", nil)
	}
	in.Rate = rate
	at, err := time.ParseInLocation(dateTimeLocal, strings.TrimSpace(v.Get("effective_at")), time.UTC)
	if err != nil {
		fe.Add("effective_at", "pricing.DateInvalid", nil)
	}
	in.EffectiveAt = at
	if len(fe) == 0 {
		_, err = h.svc.SetRate(r.Context(), in)
		if fe, _ = httpx.AsFieldErrors(err); fe == nil && err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return h.renderRates(w, r, http.StatusUnprocessableEntity, rateForm{values: v, errs: fe})
	}
	httpx.SetFlash(w, "ok", "pricing.RateSaved")
	http.Redirect(w, r, adminBase+"/rates", http.StatusSeeOther)
	return nil
}

// serveRatesUpload handles POST /admin/pricing/rates/upload: loads an ECB XML or JSON rates file (multipart
// field "file"), all or nothing, and reports how many rates it held.
func (h *Handler) serveRatesUpload(w http.ResponseWriter, r *http.Request) error {
	loc := intl.FromContext(r.Context())
	fail := func(status int, id string, data map[string]any) error {
		v := url.Values{}
		v.Set("base", h.svc.base)
		v.Set("effective_at", time.Now().UTC().Format(dateTimeLocal))
		v.Set("source", loc.T("pricing.ManualSource"))
		return h.renderRates(w, r, status, rateForm{values: v, uploadError: loc.Message(id, data)})
	}
	tooLarge := map[string]any{"MB": maxRatesFile >> 20}
	if r.MultipartForm == nil {
		// In the shop the CSRF check has parsed the form already (under the global body limit); alone, the
		// handler bounds the body itself.
		r.Body = http.MaxBytesReader(w, r.Body, maxRatesFile+1<<20)
		if err := r.ParseMultipartForm(httpx.MaxMemoryMultipart); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return fail(http.StatusRequestEntityTooLarge, "pricing.RatesTooLarge", tooLarge)
			}
			return fail(http.StatusUnprocessableEntity, "pricing.UploadMissing", nil)
		}
	}
	file, fh, err := r.FormFile("file")
	if err != nil {
		return fail(http.StatusUnprocessableEntity, "pricing.UploadMissing", nil)
	}
	defer file.Close()
	if fh.Size > maxRatesFile {
		return fail(http.StatusRequestEntityTooLarge, "pricing.RatesTooLarge", tooLarge)
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if len(name) > 100 {
		name = name[:100]
	}
	n, err := h.svc.LoadRates(r.Context(), file, FormatAuto, name)
	if err != nil {
		var ue *httpx.UserError
		if errors.As(err, &ue) {
			return fail(httpx.Status(err), ue.MessageID, ue.Data)
		}
		return err
	}
	http.Redirect(w, r, adminBase+"/rates?loaded="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// scopeValue is a list scope as a select value: "market:DE" or "currency:EUR".
func scopeValue(marketCode, currency string) string {
	if marketCode != "" {
		return "market:" + marketCode
	}
	return "currency:" + currency
}

func (h *Handler) scopeLabel(loc *intl.Locale, marketCode, currency string) string {
	if marketCode != "" {
		cur := ""
		if m, err := h.svc.Market(marketCode); err == nil {
			cur = m.Currency
		}
		return loc.T("pricing.ScopeMarket", "Market", marketCode, "Currency", cur)
	}
	return loc.T("pricing.ScopeCurrency", "Currency", currency)
}

// servePriceLists handles GET /admin/pricing/price-lists: the lists and the form to create one.
func (h *Handler) servePriceLists(w http.ResponseWriter, r *http.Request) error {
	return h.renderPriceLists(w, r, http.StatusOK, url.Values{}, nil)
}

func (h *Handler) renderPriceLists(w http.ResponseWriter, r *http.Request, status int, v url.Values, errs httpx.FieldErrors) error {
	loc := intl.FromContext(r.Context())
	lists, err := h.svc.PriceLists(r.Context())
	if err != nil {
		return err
	}
	all, fieldErr := fieldErrors(loc, errs)
	p := views.PriceListsProps{
		Tabs: tabs(loc, "/price-lists"), Intro: loc.T("pricing.ListsIntro"),
		Headers: []string{loc.T("pricing.ListName"), loc.T("pricing.ListScope"), loc.T("pricing.ListItems"), ""},
		Empty:   loc.T("pricing.NoLists"), CSRF: httpx.CSRFToken(r.Context()),
		CreateTitle: loc.T("pricing.CreateList"), CreateAction: adminBase + "/price-lists",
		Errors: all, ErrorTitle: loc.T("platform.FixErrors"),
		Name: ui.FieldProps{Name: "name", Label: loc.T("pricing.ListName"), Value: v.Get("name"), Required: true,
			Error: fieldErr("name")},
		Scope:  ui.SelectProps{Name: "scope", Label: loc.T("pricing.ListScope"), Error: fieldErr("scope")},
		Submit: loc.T("pricing.CreateList"),
	}
	for _, l := range lists {
		p.Rows = append(p.Rows, views.ListRow{Name: l.Name, Scope: h.scopeLabel(loc, l.MarketCode, l.Currency),
			Items: loc.Int(l.Items),
			Edit:  ui.Link{Label: loc.T("pricing.EditItems"), URL: adminBase + "/price-lists/" + strconv.FormatInt(l.ID, 10)}})
	}
	selected := v.Get("scope")
	p.Scope.Options = append(p.Scope.Options, ui.Option{Value: "", Label: loc.T("pricing.ChooseScope")})
	currencies := map[string]bool{}
	for _, m := range h.svc.Markets() {
		val := scopeValue(m.Code, "")
		p.Scope.Options = append(p.Scope.Options, ui.Option{Value: val, Label: h.scopeLabel(loc, m.Code, ""), Selected: val == selected})
		currencies[m.Currency] = true
	}
	codes := make([]string, 0, len(currencies))
	for c := range currencies {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		val := scopeValue("", c)
		p.Scope.Options = append(p.Scope.Options, ui.Option{Value: val, Label: h.scopeLabel(loc, "", c), Selected: val == selected})
	}
	return ui.RenderAdmin(w, r, status, loc.T("pricing.ListsTitle"), views.PriceLists(p))
}

// servePriceListCreate handles POST /admin/pricing/price-lists: creates a list for a market or a currency.
func (h *Handler) servePriceListCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	v := r.PostForm
	in := NewPriceList{Name: v.Get("name")}
	kind, value, _ := strings.Cut(v.Get("scope"), ":")
	switch kind {
	case "market":
		in.MarketCode = value
	case "currency":
		in.Currency = value
	}
	l, err := h.svc.CreatePriceList(r.Context(), in)
	if err != nil {
		if fe, ok := httpx.AsFieldErrors(err); ok {
			return h.renderPriceLists(w, r, http.StatusUnprocessableEntity, v, fe)
		}
		if errors.Is(err, ErrListExists) {
			return h.renderPriceLists(w, r, http.StatusConflict, v,
				httpx.FieldErrors{{Kind: httpx.ErrConflict, Field: "scope", MessageID: "pricing.ListExists"}})
		}
		return err
	}
	httpx.SetFlash(w, "ok", "pricing.ListCreated")
	http.Redirect(w, r, adminBase+"/price-lists/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
	return nil
}

// listFromURL reads the list of the {id} URL parameter; a malformed or unknown ID is not found.
func (h *Handler) listFromURL(r *http.Request) (PriceList, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return PriceList{}, httpx.ErrNotFound
	}
	return h.svc.PriceList(r.Context(), id)
}

// servePriceList handles GET /admin/pricing/price-lists/{id}: the list's items (?q= filters by SKU prefix)
// and the form to set one.
func (h *Handler) servePriceList(w http.ResponseWriter, r *http.Request) error {
	l, err := h.listFromURL(r)
	if err != nil {
		return err
	}
	return h.renderPriceList(w, r, http.StatusOK, l, url.Values{}, nil)
}

func (h *Handler) renderPriceList(w http.ResponseWriter, r *http.Request, status int, l PriceList, v url.Values, errs httpx.FieldErrors) error {
	loc := intl.FromContext(r.Context())
	cur, err := h.svc.ListCurrency(l)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	items, err := h.svc.PriceListItems(r.Context(), l.ID, q, listItemsShown+1)
	if err != nil {
		return err
	}
	more := len(items) > listItemsShown
	if more {
		items = items[:listItemsShown]
	}
	all, fieldErr := fieldErrors(loc, errs)
	base := adminBase + "/price-lists/" + strconv.FormatInt(l.ID, 10)
	p := views.PriceListProps{
		Tabs: tabs(loc, "/price-lists"),
		Facts: []views.Fact{
			{Label: loc.T("pricing.ListScope"), Value: h.scopeLabel(loc, l.MarketCode, l.Currency)},
			{Label: loc.T("pricing.Currency"), Value: cur},
			{Label: loc.T("pricing.ListItems"), Value: loc.Int(l.Items)},
		},
		Meaning: loc.T("pricing.ListPriceMeaning"),
		Search:  ui.Search{Action: base, Label: loc.T("pricing.SearchSKU"), Query: q, Button: loc.T("platform.Search")},
		Headers: []string{loc.T("pricing.SKU"), loc.T("pricing.ListPrice"), loc.T("pricing.UpdatedAt"),
			loc.T("pricing.UpdatedBy"), ""},
		Empty: loc.T("pricing.NoItems"), CSRF: httpx.CSRFToken(r.Context()),
		SetTitle: loc.T("pricing.SetItem"), SetAction: base + "/items", DeleteAction: base + "/items/delete",
		DeleteLabel: loc.T("pricing.Delete"), Errors: all, ErrorTitle: loc.T("platform.FixErrors"),
		SKU: ui.FieldProps{Name: "sku", Label: loc.T("pricing.SKU"), Value: v.Get("sku"), Required: true,
			Error: fieldErr("sku")},
		Price: ui.FieldProps{Name: "price", Label: loc.T("pricing.ListPriceIn", "Currency", cur), Value: v.Get("price"),
			Required: true, Hint: loc.T("pricing.ListPriceHint", "Places", minorUnits(cur)), Error: fieldErr("price"),
			Attrs: map[string]any{"inputmode": "decimal"}},
		Submit: loc.T("pricing.Save"), Back: ui.Link{Label: loc.T("pricing.BackToLists"), URL: adminBase + "/price-lists"},
	}
	if more {
		p.More = loc.T("pricing.MoreItems", "Count", listItemsShown)
	}
	for _, it := range items {
		p.Rows = append(p.Rows, views.ItemRow{SKU: it.SKU,
			Price:     loc.Money(money.Amount{Number: it.Price, Currency: cur}.Round(money.HalfUp)),
			UpdatedAt: loc.DateTime(it.UpdatedAt.UTC()), UpdatedBy: it.UpdatedBy})
	}
	return ui.RenderAdmin(w, r, status, l.Name, views.PriceList(p))
}

// serveItemSet handles POST /admin/pricing/price-lists/{id}/items: adds or replaces a SKU's price.
func (h *Handler) serveItemSet(w http.ResponseWriter, r *http.Request) error {
	l, err := h.listFromURL(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return httpx.Fail(httpx.ErrInvalid, "platform.BadForm", nil)
	}
	v := r.PostForm
	price, err := decimal.NewFromString(strings.TrimSpace(v.Get("price")))
	var fe httpx.FieldErrors
	if err != nil {
		fe.Add("price", "pricing.PriceInvalid", nil)
	} else {
		err = h.svc.SetPriceListItem(r.Context(), l.ID, v.Get("sku"), price)
		if fe, _ = httpx.AsFieldErrors(err); fe == nil && err != nil {
			return err
		}
	}
	if len(fe) > 0 {
		return h.renderPriceList(w, r, http.StatusUnprocessableEntity, l, v, fe)
	}
	httpx.SetFlash(w, "ok", "pricing.ItemSaved")
	http.Redirect(w, r, adminBase+"/price-lists/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
	return nil
}

// serveItemDelete handles POST /admin/pricing/price-lists/{id}/items/delete: removes the SKU of the form.
func (h *Handler) serveItemDelete(w http.ResponseWriter, r *http.Request) error {
	l, err := h.listFromURL(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeletePriceListItem(r.Context(), l.ID, r.PostFormValue("sku")); err != nil {
		return err
	}
	httpx.SetFlash(w, "ok", "pricing.ItemDeleted")
	http.Redirect(w, r, adminBase+"/price-lists/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
	return nil
}
