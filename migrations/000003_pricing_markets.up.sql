-- Markets: a set of countries sold to with one presentment currency, the languages offered there, how prices
-- are shown (tax included or added at checkout), how converted prices are rounded, whether import charges are
-- collected at checkout (DDP) or on delivery (DAP), and the return window.
CREATE TABLE pricing_markets (
    code             text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,8}$'),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    default_locale   text        NOT NULL,
    locales          text[]      NOT NULL CHECK (cardinality(locales) > 0),
    tax_display      text        NOT NULL CHECK (tax_display IN ('inclusive', 'exclusive')),
    -- Keep the shopper-facing gross price the same across this market's VAT rates (the net adjusts).
    fixed_gross      boolean     NOT NULL DEFAULT false,
    rounding         text        NOT NULL CHECK (rounding IN ('minor', 'charm99', 'charm95', 'nearest1', 'nearest10', 'nearest100')),
    fx_buffer        numeric(6,4) NOT NULL DEFAULT 0 CHECK (fx_buffer >= 0 AND fx_buffer < 1),
    incoterm         text        NOT NULL CHECK (incoterm IN ('DDP', 'DAP')),
    return_days      integer     NOT NULL CHECK (return_days >= 0),
    active           boolean     NOT NULL DEFAULT true,
    position         integer     NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (default_locale = ANY (locales))
);

CREATE TABLE pricing_market_countries (
    country     text PRIMARY KEY CHECK (country ~ '^[A-Z]{2}$'),
    market_code text NOT NULL REFERENCES pricing_markets (code) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX pricing_market_countries_market ON pricing_market_countries (market_code);

-- The shop's starting markets. EU countries are separate markets sharing EUR, so each shows its own VAT in
-- tax-inclusive prices while fixed_gross keeps €19.99 at €19.99 everywhere.
INSERT INTO pricing_markets (code, currency, default_locale, locales, tax_display, fixed_gross, rounding, fx_buffer, incoterm, return_days, position) VALUES
    ('US', 'USD', 'en', '{en,es}',          'exclusive', false, 'minor',      0,     'DDP', 30,  1),
    ('CA', 'CAD', 'en', '{en,fr}',          'exclusive', false, 'charm99',    0.02,  'DDP', 30,  2),
    ('GB', 'GBP', 'en', '{en}',             'inclusive', false, 'charm99',    0.02,  'DDP', 30,  3),
    ('DE', 'EUR', 'de', '{de,en}',          'inclusive', true,  'charm99',    0.02,  'DDP', 30,  4),
    ('FR', 'EUR', 'fr', '{fr,en}',          'inclusive', true,  'charm99',    0.02,  'DDP', 30,  5),
    ('NL', 'EUR', 'nl', '{nl,en}',          'inclusive', true,  'charm99',    0.02,  'DDP', 30,  6),
    ('IT', 'EUR', 'it', '{it,en}',          'inclusive', true,  'charm99',    0.02,  'DDP', 30,  7),
    ('ES', 'EUR', 'es', '{es,en}',          'inclusive', true,  'charm99',    0.02,  'DDP', 30,  8),
    ('IE', 'EUR', 'en', '{en}',             'inclusive', true,  'charm99',    0.02,  'DDP', 30,  9),
    ('CH', 'CHF', 'de', '{de,fr,it,en}',    'inclusive', false, 'charm95',    0.02,  'DAP', 30, 10),
    ('NO', 'NOK', 'en', '{en}',             'inclusive', false, 'nearest1',   0.02,  'DDP', 30, 11),
    ('AU', 'AUD', 'en', '{en}',             'inclusive', false, 'charm95',    0.02,  'DDP', 30, 12),
    ('NZ', 'NZD', 'en', '{en}',             'inclusive', false, 'charm99',    0.02,  'DDP', 30, 13),
    ('JP', 'JPY', 'ja', '{ja,en}',          'inclusive', false, 'nearest10',  0.02,  'DDP', 30, 14),
    ('SG', 'SGD', 'en', '{en,zh-Hans}',     'inclusive', false, 'charm99',    0.02,  'DDP', 30, 15),
    ('KR', 'KRW', 'ko', '{ko,en}',          'inclusive', false, 'nearest100', 0.02,  'DDP', 30, 16),
    ('AE', 'AED', 'ar', '{ar,en}',          'inclusive', false, 'charm99',    0.02,  'DAP', 30, 17);

INSERT INTO pricing_market_countries (country, market_code)
SELECT code, code FROM pricing_markets;
