package checkout

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"storefront/internal/intl"
	"storefront/internal/platform/mail"
	"storefront/internal/platform/money"
)

// localeOf returns the locale an order was placed in, for its e-mails and pages.
func (s *Service) localeOf(o Order) *intl.Locale {
	if lang, ok := s.msgs.ByCode(o.Locale); ok {
		return s.msgs.Locale(lang, o.Country)
	}
	return s.msgs.Default()
}

// queueConfirmation writes the order confirmation to the outbox, in the shopper's language, inside tx.
func (s *Service) queueConfirmation(ctx context.Context, tx pgx.Tx, o Order) error {
	loc := s.localeOf(o)
	var b strings.Builder
	fmt.Fprintln(&b, loc.T("checkout.MailHello", "Name", o.Address.Name))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, loc.T("checkout.MailConfirmed", "Number", o.Number))
	fmt.Fprintln(&b)
	writeSummary(&b, loc, o, loc.T("checkout.PaidNow"))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, loc.T("checkout.MailFollow"))
	fmt.Fprintln(&b, s.baseURL+s.OrderLink(o, loc.Prefix()))
	return mail.Enqueue(ctx, tx, mail.Message{To: o.Email, Subject: loc.T("checkout.MailSubject", "Number", o.Number),
		Body: b.String(), Locale: loc.BCP47()})
}

// queueReceived writes the "order received" e-mail of an order paid by bank transfer, in the shopper's language,
// inside tx: what to transfer, with which reference, to which account and by when, and the order's link. The
// confirmation follows when the transfer arrives.
func (s *Service) queueReceived(ctx context.Context, tx pgx.Tx, o Order) error {
	loc := s.localeOf(o)
	var b strings.Builder
	fmt.Fprintln(&b, loc.T("checkout.MailHello", "Name", o.Address.Name))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, loc.T("checkout.MailReceived", "Number", o.Number))
	fmt.Fprintln(&b)
	writeSummary(&b, loc, o, loc.T("checkout.PayNow"))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, loc.T("checkout.BankInstructions", "Amount", loc.Money(o.DueNow), "Number", o.Number))
	fmt.Fprintln(&b, loc.T("checkout.BankDetails"))
	fmt.Fprintln(&b, loc.T("checkout.PayBy", "Date", loc.Date(o.PayBy)))
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, loc.T("checkout.MailFollow"))
	fmt.Fprintln(&b, s.baseURL+s.OrderLink(o, loc.Prefix()))
	return mail.Enqueue(ctx, tx, mail.Message{To: o.Email, Subject: loc.T("checkout.MailReceivedSubject", "Number", o.Number),
		Body: b.String(), Locale: loc.BCP47()})
}

// writeSummary writes an order's lines and charges; nowLabel names the amount due now (paid, or to pay).
func writeSummary(b *strings.Builder, loc *intl.Locale, o Order, nowLabel string) {
	amt := func(a money.Amount) string { return loc.Money(a) }
	for _, l := range o.Lines {
		fmt.Fprintf(b, "%d × %s (%s) — %s\n", l.Quantity, l.Title, l.SKU,
			amt(money.Amount{Number: l.LineTotal(), Currency: o.Currency}))
	}
	fmt.Fprintln(b)
	fmt.Fprintf(b, "%s: %s\n", loc.T("checkout.Shipping"), amt(o.Shipping))
	if !o.Duty.IsZero() {
		fmt.Fprintf(b, "%s: %s\n", loc.T("checkout.Duty"), amt(o.Duty))
	}
	if adj := o.TaxAdjustment(); !adj.IsZero() || !o.TaxIncluded {
		fmt.Fprintf(b, "%s: %s\n", taxLabel(loc, o.TaxIncluded), amt(adj))
	}
	if !o.Fees.IsZero() {
		fmt.Fprintf(b, "%s: %s\n", loc.T("checkout.Fees"), amt(o.Fees))
	}
	fmt.Fprintf(b, "%s: %s\n", loc.T("checkout.Total"), amt(o.Total))
	fmt.Fprintf(b, "%s: %s\n", nowLabel, amt(o.DueNow))
	if !o.DueOnDelivery.IsZero() {
		fmt.Fprintf(b, "%s: %s\n", loc.T("checkout.PayOnDelivery"), amt(o.DueOnDelivery))
	}
}

// queueShipped tells the shopper a parcel is on its way.
func (s *Service) queueShipped(ctx context.Context, tx pgx.Tx, o Order, sh Shipment) error {
	loc := s.localeOf(o)
	body := loc.T("checkout.MailHello", "Name", o.Address.Name) + "\n\n" +
		loc.T("checkout.MailShipped", "Number", o.Number, "Carrier", carrierLabel(loc, sh.Carrier), "Tracking", sh.TrackingNumber) + "\n\n" +
		loc.T("checkout.MailFollow") + "\n" + s.baseURL + s.OrderLink(o, loc.Prefix()) + "\n"
	return mail.Enqueue(ctx, tx, mail.Message{To: o.Email, Subject: loc.T("checkout.MailShippedSubject", "Number", o.Number),
		Body: body, Locale: loc.BCP47()})
}

// taxLabel names the tax row: in tax-inclusive markets it is what is added to (or taken off) the prices shown.
func taxLabel(loc *intl.Locale, included bool) string {
	if included {
		return loc.T("checkout.TaxAdjustment")
	}
	return loc.T("checkout.Tax")
}
