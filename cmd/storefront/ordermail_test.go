package main

import (
	"context"
	"strings"
	"testing"

	"storefront/internal/checkout"
	"storefront/internal/platform/actor"
)

type outboxRow struct {
	To, Subject, Body, Locale string
}

// outboxFor returns the mail queued for a recipient whose subject names the order, oldest first.
func outboxFor(t *testing.T, shop *testShop, email, number string) []outboxRow {
	t.Helper()
	rows, err := shop.pool.Query(context.Background(), `SELECT recipient, subject, body, locale FROM mail_outbox
		WHERE recipient = $1 AND subject LIKE '%' || $2 || '%' ORDER BY id`, email, number)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.To, &r.Subject, &r.Body, &r.Locale); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestBankTransferOrderIsMailedAtPlacement: a bank-transfer order is e-mailed when it is placed, in the shopper's
// language — amount, reference, bank details, deadline and the signed order link — and the paid confirmation
// follows when the transfer arrives; a card order is mailed only once paid.
func TestBankTransferOrderIsMailedAtPlacement(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	item := shop.stockedVariant(t, 5)
	ctx := actor.With(context.Background(), actor.Actor{Email: "ops@example.com", Role: "ops"})
	for _, prefix := range []string{"/de-de", "/ja-jp"} {
		t.Run(strings.Trim(prefix, "/"), func(t *testing.T) {
			loc, _ := shop.app.router.Resolve(strings.Trim(prefix, "/"))
			o, err := shop.placeOrder(ctx, prefix, shop.shopper(t, prefix), item.ID, 1, checkout.MethodBankTransfer)
			if err != nil {
				t.Fatal(err)
			}
			link := shop.URL + shop.app.checkout.OrderLink(o, loc.Prefix())
			mails := outboxFor(t, shop, o.Email, o.Number)
			if len(mails) != 1 {
				t.Fatalf("%d e-mails at placement, want the order-received one", len(mails))
			}
			m := mails[0]
			if m.Locale != loc.BCP47() || m.Subject != loc.T("checkout.MailReceivedSubject", "Number", o.Number) {
				t.Errorf("order-received e-mail %q in %s, want %q in %s", m.Subject, m.Locale,
					loc.T("checkout.MailReceivedSubject", "Number", o.Number), loc.BCP47())
			}
			for name, want := range map[string]string{
				"greeting":     loc.T("checkout.MailHello", "Name", o.Address.Name),
				"intro":        loc.T("checkout.MailReceived", "Number", o.Number),
				"instructions": loc.T("checkout.BankInstructions", "Amount", loc.Money(o.DueNow), "Number", o.Number),
				"bank details": loc.T("checkout.BankDetails"),
				"deadline":     loc.T("checkout.PayBy", "Date", loc.Date(o.PayBy)),
				"order link":   link,
			} {
				if !strings.Contains(m.Body, want) {
					t.Errorf("order-received e-mail lacks the %s %q:\n%s", name, want, m.Body)
				}
			}

			if err := shop.app.checkout.MarkPaid(ctx, o.ID, 0, o.DueNow, "", "transfer received"); err != nil {
				t.Fatal(err)
			}
			mails = outboxFor(t, shop, o.Email, o.Number)
			if len(mails) != 2 {
				t.Fatalf("%d e-mails after payment, want the confirmation too", len(mails))
			}
			c := mails[1]
			if c.Locale != loc.BCP47() || c.Subject != loc.T("checkout.MailSubject", "Number", o.Number) ||
				!strings.Contains(c.Body, loc.T("checkout.MailConfirmed", "Number", o.Number)) || !strings.Contains(c.Body, link) {
				t.Errorf("confirmation %q in %s:\n%s", c.Subject, c.Locale, c.Body)
			}
		})
	}
	t.Run("paid at once", func(t *testing.T) {
		o, err := shop.placeOrder(ctx, "/en-de", shop.shopper(t, "/en-de"), item.ID, 1, checkout.MethodTest)
		if err != nil {
			t.Fatal(err)
		}
		if mails := outboxFor(t, shop, o.Email, o.Number); len(mails) != 0 {
			t.Errorf("an order paid at once was mailed before payment: %+v", mails)
		}
	})
}
