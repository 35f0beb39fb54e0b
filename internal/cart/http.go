package cart

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"storefront/internal/account"
	"storefront/internal/cart/views"
	"storefront/internal/catalog"
	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/ui"
	"storefront/internal/pricing"
)

// CookieName holds a guest's cart token.
const CookieName = "cart"

// Summarizer computes the cart page's landed-cost breakdown (shipping, duty, VAT/GST, fees, what is paid now and
// on delivery); the checkout module provides it.
type Summarizer interface {
	CartSummary(ctx context.Context, v View) (*ui.BreakdownProps, error)
}

// Handler serves the cart page.
type Handler struct {
	svc     *Service
	summary Summarizer
	secure  bool
}

// NewHandler returns the cart pages; summary may be nil (no breakdown).
func NewHandler(svc *Service, summary Summarizer, secure bool) *Handler {
	return &Handler{svc: svc, summary: summary, secure: secure}
}

// Routes mounts the cart under the storefront prefix: /{locale}/cart.
func (h *Handler) Routes(r chi.Router) {
	r.Get("/cart", httpx.H(h.serveCart))
	r.Post("/cart/items", httpx.H(h.serveAdd))
	r.Post("/cart/items/{variant}", httpx.H(h.serveSetQuantity))
	r.Post("/cart/items/{variant}/remove", httpx.H(h.serveRemove))
}

// RefFor returns the cart reference of a request: the signed-in user's, or the guest cookie's.
func RefFor(r *http.Request) Ref {
	if u, ok := account.CurrentUser(r.Context()); ok {
		return Ref{UserID: u.ID}
	}
	if c, err := r.Cookie(CookieName); err == nil && len(c.Value) >= 20 && len(c.Value) <= 100 {
		return Ref{Token: c.Value}
	}
	return Ref{}
}

// ShopperFor returns the market, country and language of a storefront request.
func ShopperFor(r *http.Request) Shopper {
	m, _ := pricing.MarketFrom(r.Context())
	loc := intl.FromContext(r.Context())
	return Shopper{Market: m, Country: loc.Region, Locale: loc.Language.Code}
}

// ensureRef gives a guest a cart token (cookie) before their first write.
func (h *Handler) ensureRef(w http.ResponseWriter, r *http.Request) Ref {
	ref := RefFor(r)
	if ref.UserID != 0 || ref.Token != "" {
		return ref
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	ref.Token, ref.Fresh = base64.RawURLEncoding.EncodeToString(b), true
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: ref.Token, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 90 * 24 * 60 * 60})
	return ref
}

// Count returns the units in the request's cart, for the header (0 on errors: the header must not fail a page).
func (h *Handler) Count(r *http.Request) int {
	ref := RefFor(r)
	if ref.UserID == 0 && ref.Token == "" {
		return 0
	}
	n, err := h.svc.Count(r.Context(), ref)
	if err != nil {
		h.svc.log.WarnContext(r.Context(), "cart count failed", "err", err)
		return 0
	}
	return n
}

// SignedIn merges the guest cart into the user's at sign-in and drops the guest cookie.
func (h *Handler) SignedIn(w http.ResponseWriter, r *http.Request, userID int64) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return
	}
	if err := h.svc.Merge(r.Context(), c.Value, userID, ShopperFor(r)); err != nil {
		h.svc.log.ErrorContext(r.Context(), "cart merge failed", "err", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

// serveCart handles GET /{locale}/cart.
func (h *Handler) serveCart(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "")
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, errMsg string) error {
	ctx := r.Context()
	loc := intl.FromContext(ctx)
	sh := ShopperFor(r)
	v, err := h.svc.View(ctx, RefFor(r), sh)
	if err != nil {
		return err
	}
	p := views.Props{Title: loc.T("cart.Title"), CSRF: httpx.CSRFToken(ctx), Error: errMsg, Empty: loc.T("cart.Empty"),
		ContinueURL: loc.Path("/"), Continue: loc.T("cart.ContinueShopping"),
		Headers:  []string{loc.T("cart.Item"), loc.T("cart.Price"), loc.T("cart.Quantity"), loc.T("cart.Total")},
		QtyLabel: loc.T("cart.Quantity"), Update: loc.T("cart.Update"), Remove: loc.T("cart.Remove"),
		CheckoutURL: loc.Path("/checkout"), Checkout: loc.T("cart.Checkout"), CanCheckout: v.CanCheckout,
		Blocked:  loc.T("cart.FixProblems"),
		Subtotal: ui.BreakdownRow{Label: loc.N("cart.Subtotal", v.Units), Amount: loc.Money(v.Subtotal)}}
	for _, n := range v.Notices {
		data := map[string]any{"Country": loc.CountryName(sh.Country)}
		for k, val := range n.Data {
			data[k] = val
		}
		p.Notices = append(p.Notices, loc.Message(n.ID, data))
	}
	for _, l := range v.Lines {
		id := strconv.FormatInt(l.VariantID, 10)
		line := views.Line{Title: l.Item.Title, URL: loc.Path("/p/" + url.PathEscape(l.Item.Slug) + "?sku=" + url.QueryEscape(l.Item.SKU)),
			Image: l.Item.Image, Options: catalog.OptionsText(loc, l.Item.Options), Qty: strconv.Itoa(l.Quantity),
			MaxQty: strconv.Itoa(MaxPerLine), UpdateURL: loc.Path("/cart/items/" + id), RemoveURL: loc.Path("/cart/items/" + id + "/remove"),
			UnitPrice: loc.Money(l.Price.Shown), Total: loc.Money(l.Total)}
		if line.Title == "" {
			line.Title = loc.T("cart.UnknownItem")
		}
		if l.Problem != "" {
			line.Problem = loc.T(l.Problem, "Count", l.Available)
		}
		p.Lines = append(p.Lines, line)
	}
	if h.summary != nil && v.CanCheckout {
		if p.Breakdown, err = h.summary.CartSummary(ctx, v); err != nil {
			var ue *httpx.UserError
			if !errors.As(err, &ue) {
				return err
			}
			p.Error, p.CanCheckout = loc.Message(ue.MessageID, ue.Data), false
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	return ui.Render(w, r, status, ui.Head{Title: p.Title, NoIndex: true}, views.Cart(p))
}

// userError renders the cart with the user's error, or returns the error for anything else.
func (h *Handler) userError(w http.ResponseWriter, r *http.Request, err error) error {
	var ue *httpx.UserError
	if errors.As(err, &ue) && httpx.Status(err) < 500 {
		loc := intl.FromContext(r.Context())
		return h.render(w, r, httpx.Status(err), loc.Message(ue.MessageID, ue.Data))
	}
	return err
}

// serveAdd handles POST /{locale}/cart/items (variant, qty) from the product page.
func (h *Handler) serveAdd(w http.ResponseWriter, r *http.Request) error {
	variantID, err := strconv.ParseInt(r.PostFormValue("variant"), 10, 64)
	if err != nil {
		return httpx.ErrNotFound
	}
	qty := 1
	if raw := strings.TrimSpace(r.PostFormValue("qty")); raw != "" {
		if qty, err = strconv.Atoi(raw); err != nil {
			return h.userError(w, r, httpx.Invalid("qty", "cart.QuantityPositive", nil))
		}
	}
	ref := h.ensureRef(w, r)
	if err := h.svc.Add(r.Context(), ref, ShopperFor(r), variantID, qty); err != nil {
		return h.userError(w, r, err)
	}
	httpx.SetFlash(w, "ok", "cart.Added")
	http.Redirect(w, r, intl.FromContext(r.Context()).Path("/cart"), http.StatusSeeOther)
	return nil
}

// serveSetQuantity handles POST /{locale}/cart/items/{variant} (qty; 0 removes).
func (h *Handler) serveSetQuantity(w http.ResponseWriter, r *http.Request) error {
	variantID, err := strconv.ParseInt(chi.URLParam(r, "variant"), 10, 64)
	if err != nil {
		return httpx.ErrNotFound
	}
	qty, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("qty")))
	if err != nil {
		return h.userError(w, r, httpx.Invalid("qty", "cart.QuantityPositive", nil))
	}
	if err := h.svc.SetQuantity(r.Context(), RefFor(r), ShopperFor(r), variantID, qty); err != nil {
		return h.userError(w, r, err)
	}
	http.Redirect(w, r, intl.FromContext(r.Context()).Path("/cart"), http.StatusSeeOther)
	return nil
}

// serveRemove handles POST /{locale}/cart/items/{variant}/remove.
func (h *Handler) serveRemove(w http.ResponseWriter, r *http.Request) error {
	variantID, err := strconv.ParseInt(chi.URLParam(r, "variant"), 10, 64)
	if err != nil {
		return httpx.ErrNotFound
	}
	if err := h.svc.Remove(r.Context(), RefFor(r), variantID); err != nil {
		return err
	}
	httpx.SetFlash(w, "ok", "cart.Removed")
	http.Redirect(w, r, intl.FromContext(r.Context()).Path("/cart"), http.StatusSeeOther)
	return nil
}
