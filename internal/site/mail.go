package site

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"storefront/internal/intl"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/mail"
	"storefront/internal/platform/ui"
	"storefront/internal/site/views"
)

// MailRoutes is the admins' outbox page, mounted at /admin/mail: every e-mail the shop wrote, sent or (without
// SMTP) stored.
func MailRoutes(outbox *mail.Outbox) chi.Router {
	r := chi.NewRouter()
	r.Get("/", httpx.H(func(w http.ResponseWriter, r *http.Request) error {
		loc := intl.FromContext(r.Context())
		msgs, err := outbox.Recent(r.Context(), 200)
		if err != nil {
			return err
		}
		p := views.OutboxProps{Intro: loc.T("site.OutboxIntro"), Empty: loc.T("site.OutboxEmpty")}
		for _, m := range msgs {
			p.Rows = append(p.Rows, views.MailRow{Created: loc.DateTime(m.CreatedAt), To: m.To, Subject: m.Subject,
				Status: loc.T("site.MailStatus." + m.Status), Body: m.Body})
		}
		return ui.RenderAdmin(w, r, http.StatusOK, loc.T("site.SectionMail"), views.Outbox(p))
	}))
	return r
}
