-- Carts: a guest's is found by the SHA-256 of its cookie token, a signed-in shopper's by user. A cart belongs
-- to the market it was priced in.
CREATE TABLE cart_carts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea UNIQUE,
    user_id     bigint UNIQUE,
    market_code text NOT NULL,
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (token_hash IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX cart_carts_updated ON cart_carts (updated_at);

-- Each line keeps the price the shopper was shown and the exchange rate it was converted with, so the cart,
-- the checkout and the order show the same price.
CREATE TABLE cart_lines (
    cart_id         bigint  NOT NULL REFERENCES cart_carts (id) ON DELETE CASCADE,
    variant_id      bigint  NOT NULL,
    quantity        integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    currency        text    NOT NULL,
    unit_shown      numeric(20,4) NOT NULL CHECK (unit_shown >= 0),
    unit_net        numeric(20,4) NOT NULL CHECK (unit_net >= 0),
    unit_tax        numeric(20,4) NOT NULL CHECK (unit_tax >= 0),
    tax_rate        numeric(9,6)  NOT NULL,
    tax_included    boolean NOT NULL,
    from_price_list boolean NOT NULL,
    fx              jsonb   NOT NULL,
    captured_at     timestamptz NOT NULL,
    added_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, variant_id)
);
