-- Fixed-gross markets turn a converted net price into their one shelf price with the VAT rate of a reference
-- country (DE for the euro markets), so €19.99 is €19.99 in every country of the currency.
ALTER TABLE pricing_markets
    ADD COLUMN gross_reference_country text CHECK (gross_reference_country ~ '^[A-Z]{2}$');
UPDATE pricing_markets SET gross_reference_country = 'DE' WHERE fixed_gross AND currency = 'EUR';
ALTER TABLE pricing_markets
    ADD CONSTRAINT pricing_markets_fixed_gross_inclusive CHECK (NOT fixed_gross OR tax_display = 'inclusive'),
    ADD CONSTRAINT pricing_markets_fixed_gross_reference CHECK (NOT fixed_gross OR gross_reference_country IS NOT NULL);

-- Exchange rates, effective-dated: 1 base = rate quote from effective_at on, until a newer row of the pair takes
-- over. Rows are never updated: an override is a new row (the newest effective_at wins, then the newest id), so
-- a rate captured on a cart line or an order always stays explainable by its id.
CREATE TABLE pricing_fx_rates (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    base         text          NOT NULL CHECK (base ~ '^[A-Z]{3}$'),
    quote        text          NOT NULL CHECK (quote ~ '^[A-Z]{3}$' AND quote <> base),
    rate         numeric(30,12) NOT NULL CHECK (rate > 0),
    effective_at timestamptz   NOT NULL,
    source       text          NOT NULL CHECK (source <> '' AND length(source) <= 300),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    created_by   text          NOT NULL,
    -- Loading the same file twice stores nothing new.
    CONSTRAINT pricing_fx_rates_same UNIQUE (base, quote, effective_at, rate)
);
CREATE INDEX pricing_fx_rates_pair ON pricing_fx_rates (base, quote, effective_at DESC, id DESC);

-- Price lists: shelf prices set by hand, either for one market or for every market of a currency (a market's
-- list wins over its currency's list for the SKUs it has). One list per market and one per currency.
CREATE TABLE pricing_price_lists (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL CHECK (name <> '' AND length(name) <= 200),
    market_code text        UNIQUE REFERENCES pricing_markets (code) ON UPDATE CASCADE ON DELETE CASCADE,
    currency    text        UNIQUE CHECK (currency ~ '^[A-Z]{3}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pricing_price_lists_one_scope CHECK ((market_code IS NULL) <> (currency IS NULL))
);

-- A list price is the price shoppers see: gross in tax-inclusive markets, net in the others.
CREATE TABLE pricing_price_list_items (
    list_id    bigint         NOT NULL REFERENCES pricing_price_lists (id) ON DELETE CASCADE,
    sku        text           NOT NULL CHECK (sku <> '' AND length(sku) <= 100),
    price      numeric(20,4)  NOT NULL CHECK (price > 0),
    updated_at timestamptz    NOT NULL DEFAULT now(),
    updated_by text           NOT NULL,
    PRIMARY KEY (list_id, sku)
);
