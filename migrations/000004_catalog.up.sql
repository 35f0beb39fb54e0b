-- Trigram indexes give Chinese, Japanese and Korean search, which PostgreSQL's word-based full-text
-- configurations cannot segment.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The category tree. path holds the ids from the root down to the category itself, so "this category and
-- everything below it" and "every ancestor" are single array tests.
CREATE TABLE catalog_categories (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id  bigint REFERENCES catalog_categories (id) ON DELETE RESTRICT,
    code       text    NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]*$'),
    path       bigint[] NOT NULL DEFAULT '{}',
    position   integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog_category_translations (
    category_id bigint NOT NULL REFERENCES catalog_categories (id) ON DELETE CASCADE,
    locale      text   NOT NULL,
    name        text   NOT NULL CHECK (name <> ''),
    slug        text   NOT NULL CHECK (slug ~ '^[^/?#\s]+$'),
    description text   NOT NULL DEFAULT '',
    PRIMARY KEY (category_id, locale),
    CONSTRAINT catalog_category_slug_key UNIQUE (locale, slug)
);

-- A category can require a certification in a market (CE in the EU markets, UKCA in GB, FCC in the US, PSE in
-- JP); the requirement holds for the category and everything below it.
CREATE TABLE catalog_category_certifications (
    category_id   bigint NOT NULL REFERENCES catalog_categories (id) ON DELETE CASCADE,
    market_code   text   NOT NULL,
    certification text   NOT NULL CHECK (certification ~ '^[A-Z0-9-]{2,16}$'),
    PRIMARY KEY (category_id, market_code, certification)
);

CREATE TABLE catalog_products (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id  bigint NOT NULL REFERENCES catalog_categories (id),
    status       text   NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    brand        text   NOT NULL DEFAULT '',
    supplier     text   NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX catalog_products_category ON catalog_products (category_id);

-- Per-locale texts. The search column is built with the text-search configuration of the locale's language
-- ('simple' for languages PostgreSQL cannot stem).
CREATE TABLE catalog_product_translations (
    product_id      bigint    NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    locale          text      NOT NULL,
    title           text      NOT NULL CHECK (title <> ''),
    description     text      NOT NULL DEFAULT '',
    seo_title       text      NOT NULL DEFAULT '',
    seo_description text      NOT NULL DEFAULT '',
    slug            text      NOT NULL CHECK (slug ~ '^[^/?#\s]+$'),
    search_config   regconfig NOT NULL DEFAULT 'simple',
    search          tsvector  GENERATED ALWAYS AS (
        setweight(to_tsvector(search_config, title), 'A') || setweight(to_tsvector(search_config, description), 'B')
    ) STORED,
    PRIMARY KEY (product_id, locale),
    CONSTRAINT catalog_product_slug_key UNIQUE (locale, slug)
);
CREATE INDEX catalog_product_translations_search ON catalog_product_translations USING gin (search);
CREATE INDEX catalog_product_translations_trgm ON catalog_product_translations USING gin ((title || ' ' || description) gin_trgm_ops);

CREATE TABLE catalog_variants (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id          bigint  NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    sku                 text    NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    options             jsonb   NOT NULL DEFAULT '{}',
    -- Net of tax, in the merchant's base currency.
    base_price          numeric(14,4) NOT NULL CHECK (base_price > 0),
    weight_g            integer NOT NULL CHECK (weight_g > 0),
    length_mm           integer NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
    width_mm            integer NOT NULL DEFAULT 0 CHECK (width_mm >= 0),
    height_mm           integer NOT NULL DEFAULT 0 CHECK (height_mm >= 0),
    hs_code             text    NOT NULL CHECK (hs_code ~ '^[0-9]{6,10}$'),
    origin_country      text    NOT NULL CHECK (origin_country ~ '^[A-Z]{2}$'),
    tax_category        text    NOT NULL DEFAULT 'standard' CHECK (tax_category IN ('standard', 'reduced', 'super_reduced', 'zero')),
    customs_description text    NOT NULL DEFAULT '',
    position            integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT catalog_variants_sku_key UNIQUE (sku)
);
CREATE INDEX catalog_variants_product ON catalog_variants (product_id, position);

-- Images are stored by content hash in the blob store; each has a small and a large rendition.
CREATE TABLE catalog_images (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id  bigint  NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    blob_key    text    NOT NULL,
    width       integer NOT NULL,
    height      integer NOT NULL,
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_images_product ON catalog_images (product_id, position);

-- A product with rows here is sold only in those markets; without rows, in every market.
CREATE TABLE catalog_product_markets (
    product_id  bigint NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    market_code text   NOT NULL,
    PRIMARY KEY (product_id, market_code)
);

CREATE TABLE catalog_product_certifications (
    product_id    bigint NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
    certification text   NOT NULL CHECK (certification ~ '^[A-Z0-9-]{2,16}$'),
    PRIMARY KEY (product_id, certification)
);

-- Who changed which listing, when, and what changed.
CREATE TABLE catalog_audit (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id bigint,
    actor      text   NOT NULL,
    action     text   NOT NULL,
    changes    jsonb  NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_audit_product ON catalog_audit (product_id, at DESC);
