package landedcost

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"storefront/internal/intl"
	"storefront/internal/landedcost/views"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
)

// Handler serves the back office's rules viewer.
type Handler struct{ svc *Service }

// NewHandler returns the rules viewer.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// AdminRoutes is mounted at /admin/landed-cost (read-only: every staff role may look).
func (h *Handler) AdminRoutes() chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(h.serveRules))
	return r
}

// destinations are the countries and territories the viewer offers.
var destinations = []string{"EU", "AT", "BE", "DE", "ES", "FR", "IE", "IT", "NL", "PL", "SE", "GB", "CH", "NO", "US", "CA",
	"AU", "NZ", "JP", "KR", "SG", "AE"}

// serveRules handles GET /admin/landed-cost?date=YYYY-MM-DD&destination=DE: the rules and tariff rates in force
// that day, each with its source.
func (h *Handler) serveRules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	q := r.URL.Query()
	on := time.Now().UTC().Truncate(24 * time.Hour)
	p := views.RulesProps{Intro: loc.T("landedcost.RulesIntro"), Action: "/admin/landed-cost", DateLabel: loc.T("landedcost.Date"),
		DestLabel: loc.T("landedcost.Destination"), Show: loc.T("landedcost.Show"), RulesTitle: loc.T("landedcost.RulesInForce"),
		TariffTitle: loc.T("landedcost.TariffInForce"), Empty: loc.T("landedcost.NothingInForce"),
		RuleHeads:   []string{loc.T("landedcost.RuleID"), loc.T("landedcost.Destination"), loc.T("landedcost.Kind"), loc.T("landedcost.From"), loc.T("landedcost.To"), loc.T("landedcost.Params"), loc.T("landedcost.Source")},
		TariffHeads: []string{loc.T("landedcost.Destination"), loc.T("landedcost.HS"), loc.T("landedcost.Origin"), loc.T("landedcost.Preference"), loc.T("landedcost.Rate"), loc.T("landedcost.From"), loc.T("landedcost.To"), loc.T("landedcost.Source")},
	}
	if raw := q.Get("date"); raw != "" {
		d, err := time.Parse("2006-01-02", raw)
		if err != nil {
			p.Error = loc.T("landedcost.BadDate")
		} else {
			on = d
		}
	}
	dest := strings.ToUpper(q.Get("destination"))
	if dest == "" {
		dest = "DE"
	}
	known := false
	for _, d := range destinations {
		p.Dests = append(p.Dests, ui.Option{Value: d, Label: d, Selected: d == dest})
		known = known || d == dest
	}
	if !known {
		return httpx.ErrNotFound
	}
	p.Date = on.Format("2006-01-02")
	snap, err := h.svc.Snapshot(ctx)
	if err != nil {
		return err
	}
	p.Version = loc.T("landedcost.Version", "Version", snap.Version())
	rules, tariff := snap.InForce(dest, on)
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Kind < rules[j].Kind })
	for _, ru := range rules {
		row := views.RuleRow{ID: ru.ID, Dest: ru.Destination, Kind: ru.Kind, From: ru.EffectiveFrom.Format("2006-01-02"),
			Params: string(ru.Params), Source: ru.Source, To: "—"}
		if ru.EffectiveTo != nil {
			row.To = ru.EffectiveTo.Format("2006-01-02")
		}
		p.Rules = append(p.Rules, row)
	}
	for _, t := range tariff {
		row := views.TariffRow{Dest: t.Destination, HS: t.HSPrefix, Origin: dash(t.Origin), Preference: dash(t.Preference),
			Rate: loc.Percent(t.Rate), From: t.EffectiveFrom.Format("2006-01-02"), Source: t.Source, To: "—"}
		if t.EffectiveTo != nil {
			row.To = t.EffectiveTo.Format("2006-01-02")
		}
		p.Tariff = append(p.Tariff, row)
	}
	return ui.RenderAdmin(w, r, http.StatusOK, loc.T("landedcost.RulesTitle"), views.Rules(p))
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
