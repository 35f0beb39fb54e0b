CREATE TABLE account_users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text        NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    name          text        NOT NULL DEFAULT '',
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('shopper', 'merchant', 'ops', 'admin')),
    locale        text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT account_users_email_key UNIQUE (email)
);

-- Server-side sessions: the cookie holds a random token, the table only its SHA-256, so a leaked table does not
-- hand out sessions.
CREATE TABLE account_sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES account_users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    user_agent   text        NOT NULL DEFAULT '',
    ip           text        NOT NULL DEFAULT ''
);
CREATE INDEX account_sessions_user ON account_sessions (user_id);
CREATE INDEX account_sessions_expiry ON account_sessions (expires_at);

-- Failed sign-ins, for throttling per e-mail and per client address.
CREATE TABLE account_signin_failures (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email     text        NOT NULL,
    ip        text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_signin_failures_email ON account_signin_failures (email, failed_at);
CREATE INDEX account_signin_failures_ip ON account_signin_failures (ip, failed_at);
