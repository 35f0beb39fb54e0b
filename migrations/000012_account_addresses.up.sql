-- A signed-in shopper's saved delivery addresses, offered again at checkout.
CREATE TABLE account_addresses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES account_users (id) ON DELETE CASCADE,
    name        text   NOT NULL,
    line1       text   NOT NULL,
    line2       text   NOT NULL DEFAULT '',
    city        text   NOT NULL,
    region      text   NOT NULL DEFAULT '',
    postal_code text   NOT NULL DEFAULT '',
    country     text   NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    phone       text   NOT NULL DEFAULT '',
    used_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT account_addresses_unique UNIQUE (user_id, name, line1, line2, city, region, postal_code, country)
);
CREATE INDEX account_addresses_user ON account_addresses (user_id, used_at DESC);
