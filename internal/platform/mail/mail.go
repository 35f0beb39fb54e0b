// Package mail is the shop's e-mail outbox: modules write messages in the same transaction as the change they
// announce (so an order confirmation exists exactly when the order does), and a background job sends them over
// SMTP when one is configured. Without SMTP, messages are kept as "stored" and admins can read them.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/platform/postgres"
)

// Message is one e-mail.
type Message struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	Locale    string
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    *time.Time
}

// NormalizeAddress returns s, trimmed and lower-cased, when it is one bare address the outbox can send to
// ("a@example.com": no display name, no angle brackets, no list, a domain with a dot, at most 254 characters);
// ok is false otherwise. Accounts and checkout accept e-mail addresses by this one rule.
func NormalizeAddress(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 254 {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s[strings.IndexByte(s, '@'):], ".") {
		return "", false
	}
	return s, true
}

// Enqueue writes a message to the outbox inside the caller's transaction.
func Enqueue(ctx context.Context, db postgres.DBTX, m Message) error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	_, err := db.Exec(ctx, `INSERT INTO mail_outbox (recipient, subject, body, locale) VALUES ($1, $2, $3, $4)`,
		m.To, m.Subject, m.Body, m.Locale)
	return err
}

// Outbox sends and lists messages.
type Outbox struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	smtp *url.URL
	from string
}

// NewOutbox returns the outbox; smtpURL ("smtp://user:pass@host:587") may be empty (messages are stored).
func NewOutbox(pool *pgxpool.Pool, log *slog.Logger, smtpURL, from string) (*Outbox, error) {
	o := &Outbox{pool: pool, log: log, from: from}
	if smtpURL != "" {
		u, err := url.Parse(smtpURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return nil, errors.New("mail: SMTP_URL must look like smtp://user:pass@host:587")
		}
		o.smtp = u
	}
	return o, nil
}

// SendPending sends up to batch pending messages; several instances may run it at once (SKIP LOCKED). Without
// SMTP, pending messages are marked stored.
func (o *Outbox) SendPending(ctx context.Context, batch int) (int, error) {
	sent := 0
	for i := 0; i < batch; i++ {
		done, err := o.sendOne(ctx)
		if err != nil || !done {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

func (o *Outbox) sendOne(ctx context.Context) (bool, error) {
	found := false
	err := postgres.Transact(ctx, o.pool, func(tx pgx.Tx) error {
		var m Message
		err := tx.QueryRow(ctx, `SELECT id, recipient, subject, body, attempts FROM mail_outbox
			WHERE status = 'pending' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`).Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts)
		if postgres.NoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		if o.smtp == nil {
			_, err := tx.Exec(ctx, `UPDATE mail_outbox SET status = 'stored' WHERE id = $1`, m.ID)
			return err
		}
		if serr := o.deliver(m); serr != nil {
			status := "pending"
			if m.Attempts+1 >= 5 {
				status = "failed"
			}
			o.log.WarnContext(ctx, "mail not sent", "id", m.ID, "err", serr)
			_, err := tx.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, status = $3 WHERE id = $1`,
				m.ID, serr.Error(), status)
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1 WHERE id = $1`, m.ID)
		return err
	})
	return found, err
}

func (o *Outbox) deliver(m Message) error {
	host := o.smtp.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, "587")
	}
	var auth smtp.Auth
	if o.smtp.User != nil {
		pass, _ := o.smtp.User.Password()
		h, _, _ := net.SplitHostPort(host)
		auth = smtp.PlainAuth("", o.smtp.User.Username(), pass, h)
	}
	msg := "From: " + o.from + "\r\nTo: " + m.To + "\r\nSubject: " + mimeHeader(m.Subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(m.Body, "\n", "\r\n")
	return smtp.SendMail(host, auth, o.from, []string{m.To}, []byte(msg))
}

// mimeHeader encodes a non-ASCII subject (RFC 2047).
func mimeHeader(s string) string {
	for _, r := range s {
		if r > 127 {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// Recent lists the newest messages, for the admin's outbox page.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]Message, error) {
	rows, err := o.pool.Query(ctx, `SELECT id, recipient, subject, body, locale, status, attempts, last_error, created_at, sent_at
		FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Locale, &m.Status, &m.Attempts, &m.LastError, &m.CreatedAt, &m.SentAt); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
