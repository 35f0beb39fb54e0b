package site

import (
	"errors"
	"net/http"
	"strings"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
	"storefront/internal/pricing"
)

// RenderError writes the localized error page: in the storefront's frame under a storefront prefix, in the back
// office's frame under /admin, and otherwise in the frame of the visitor's negotiated storefront. A 404 outside
// any storefront lists the served storefronts, so a mistyped prefix still leads somewhere.
func (s *Site) RenderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	ctx := r.Context()
	admin := strings.HasPrefix(r.URL.Path, "/admin")
	loc := intl.FromContext(ctx)
	negotiated := loc == nil
	if negotiated {
		if admin {
			loc = s.adminLocale(r)
		} else if prefixed, ok := s.router.Resolve(firstSegment(r.URL.Path)); ok {
			// Refused before the storefront's own middleware ran (a bad CSRF token, malformed text): the
			// page is still in the storefront's language.
			loc = prefixed
		} else {
			loc = s.router.Negotiate(r)
		}
		ctx = intl.WithLocale(ctx, loc)
		if admin {
			ctx = ui.WithAdminChrome(ctx, s.adminChrome)
		} else {
			ctx = ui.WithChrome(ctx, s.chrome)
		}
		r = r.WithContext(ctx)
	}

	// A market without an exchange rate in force cannot show a price: the shop's fault, and temporary (logged as
	// a server error by httpx). The shopper is told so, not that the page does not exist.
	noRate := !admin && errors.Is(err, pricing.ErrNoRate)
	if noRate {
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "300")
	}
	p := ui.ErrorProps{Status: status}
	switch status {
	case http.StatusNotFound:
		p.Title, p.Message = loc.T("site.NotFoundTitle"), loc.T("site.NotFoundMessage")
	case http.StatusForbidden:
		p.Title, p.Message = loc.T("site.ForbiddenTitle"), loc.T("site.ForbiddenMessage")
	case http.StatusUnauthorized:
		p.Title, p.Message = loc.T("site.UnauthorizedTitle"), loc.T("site.UnauthorizedMessage")
	case http.StatusTooManyRequests:
		p.Title, p.Message = loc.T("site.TooManyTitle"), loc.T("site.TooManyMessage")
	case http.StatusUnprocessableEntity, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		p.Title, p.Message = loc.T("site.InvalidTitle"), loc.T("site.InvalidMessage")
	case http.StatusConflict:
		p.Title, p.Message = loc.T("site.ConflictTitle"), loc.T("site.ConflictMessage")
	case http.StatusMethodNotAllowed:
		p.Title, p.Message = loc.T("site.MethodTitle"), loc.T("site.MethodMessage")
	default:
		p.Title, p.Message = loc.T("site.ServerErrorTitle"), loc.T("site.ServerErrorMessage",
			"RequestID", httpx.RequestID(ctx))
	}
	if noRate {
		p.Title, p.Message = loc.T("site.PricesUnavailableTitle"), loc.T("site.PricesUnavailableMessage",
			"Country", loc.CountryName(loc.Region), "RequestID", httpx.RequestID(ctx))
	}
	// A user error carries its own explanation; server errors never show internals.
	var ue *httpx.UserError
	if status < 500 && errors.As(err, &ue) && ue.MessageID != "" {
		p.Message = loc.Message(ue.MessageID, ue.Data)
	}
	if fe, ok := httpx.AsFieldErrors(err); ok && status < 500 && len(fe) > 1 {
		for _, e := range fe {
			p.Details = append(p.Details, loc.Message(e.MessageID, e.Data))
		}
	}

	if admin {
		p.Links = []ui.Link{{Label: loc.T("site.BackToAdmin"), URL: "/admin"}}
		if err := ui.RenderAdmin(w, r, status, p.Title, ui.ErrorBody(p)); err != nil {
			http.Error(w, http.StatusText(status), status)
		}
		return
	}
	if loc.Prefix() != "" {
		p.Links = append(p.Links, ui.Link{Label: loc.T("site.BackHome"), URL: loc.Path("/")})
	}
	if status == http.StatusNotFound && negotiated {
		for _, l := range s.router.Locales() {
			p.Links = append(p.Links, ui.Link{Label: l.Language.Name + " · " + loc.CountryName(l.Region), URL: l.Path("/")})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, ui.ErrorBody(p)); err != nil {
		http.Error(w, http.StatusText(status), status)
	}
}

// firstSegment is "de-de" for "/de-de/search".
func firstSegment(path string) string {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return seg
}
