-- E-mail outbox (package platform/mail): messages are written in the same transaction as what they announce,
-- then sent by a background job when SMTP is configured. Without SMTP they stay here, readable by admins.
CREATE TABLE mail_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient  text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    locale     text NOT NULL DEFAULT 'en',
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'stored')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);
CREATE INDEX mail_outbox_pending ON mail_outbox (created_at) WHERE status = 'pending';
