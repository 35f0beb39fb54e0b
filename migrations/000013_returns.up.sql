-- Return policies per market, as data: the restocking fee (charged only when the shopper changed their mind),
-- whether the original shipping is refunded when a whole order comes back, and the statutory withdrawal
-- period that the return window can never be shorter than (EU and UK consumer law: 14 days).
CREATE TABLE returns_policies (
    market_code                    text PRIMARY KEY CHECK (market_code ~ '^[A-Z]{2,8}$'),
    restocking_fee_rate            numeric(5,4) NOT NULL DEFAULT 0 CHECK (restocking_fee_rate >= 0 AND restocking_fee_rate < 1),
    refund_shipping_on_full_return boolean NOT NULL DEFAULT false,
    withdrawal_days                integer NOT NULL DEFAULT 0 CHECK (withdrawal_days >= 0)
);

INSERT INTO returns_policies (market_code, restocking_fee_rate, refund_shipping_on_full_return, withdrawal_days) VALUES
    ('DE', 0, true, 14), ('FR', 0, true, 14), ('NL', 0, true, 14), ('IT', 0, true, 14), ('ES', 0, true, 14),
    ('IE', 0, true, 14), ('GB', 0, true, 14),
    ('US', 0.10, false, 0), ('CA', 0.10, false, 0), ('AU', 0.10, false, 0), ('NZ', 0.10, false, 0),
    ('JP', 0.10, false, 0), ('KR', 0.10, false, 0), ('SG', 0.10, false, 0), ('AE', 0.10, false, 0),
    ('CH', 0.10, false, 0), ('NO', 0.10, false, 0);

CREATE SEQUENCE returns_numbers START 1001;

-- A return request (RMA) for units of one order. Order facts the return needs later (market, currency, when
-- the order was delivered) are copied in, so the module never reads another module's tables.
CREATE TABLE returns_requests (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number             text   NOT NULL UNIQUE,
    order_id           bigint NOT NULL,
    order_number       text   NOT NULL,
    market_code        text   NOT NULL,
    currency           text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    locale             text   NOT NULL,
    status             text   NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'received', 'inspected', 'refunded', 'closed')),
    reason             text   NOT NULL CHECK (reason IN ('defective', 'wrong_item', 'damaged', 'not_as_described', 'changed_mind')),
    comment            text   NOT NULL DEFAULT '',
    message_to_shopper text   NOT NULL DEFAULT '',
    instructions       text   NOT NULL DEFAULT '',
    user_id            bigint,
    email              text   NOT NULL,
    delivered_at       timestamptz NOT NULL,
    received_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_requests_order ON returns_requests (order_id);
CREATE INDEX returns_requests_status ON returns_requests (status, created_at);

-- The units of each order line being returned, with what the order line said about them (for quality
-- reports) and the outcome of the inspection: restocked into a warehouse or written off.
CREATE TABLE returns_lines (
    return_id          bigint  NOT NULL REFERENCES returns_requests (id),
    order_line_no      integer NOT NULL CHECK (order_line_no > 0),
    variant_id         bigint  NOT NULL,
    sku                text    NOT NULL,
    title              text    NOT NULL,
    supplier           text    NOT NULL DEFAULT '',
    origin             text    NOT NULL DEFAULT '',
    quantity           integer NOT NULL CHECK (quantity > 0),
    inspected_restock  integer NOT NULL DEFAULT 0 CHECK (inspected_restock >= 0),
    inspected_writeoff integer NOT NULL DEFAULT 0 CHECK (inspected_writeoff >= 0),
    warehouse_id       bigint,
    -- Set before the stock movement is booked, so a retry can never book it twice.
    restock_booked     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (return_id, order_line_no),
    CHECK (inspected_restock + inspected_writeoff IN (0, quantity)),
    CHECK (inspected_restock = 0 OR warehouse_id IS NOT NULL)
);
CREATE INDEX returns_lines_sku ON returns_lines (sku);

-- Photos the shopper attached; the files are in the blob store, shown to staff only.
CREATE TABLE returns_photos (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id    bigint  NOT NULL REFERENCES returns_requests (id),
    blob_key     text    NOT NULL UNIQUE,
    content_type text    NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes   integer NOT NULL CHECK (size_bytes > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX returns_photos_return ON returns_photos (return_id);

-- The refund of a return: its breakdown in the order's currency, and the attempt sent to the payment side under
-- an idempotency key. A pending row is claimed (claimed_at) by the request sending it, so concurrent requests
-- refund once; a failed attempt is retried under a new key.
CREATE TABLE returns_refunds (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id          bigint NOT NULL UNIQUE REFERENCES returns_requests (id),
    currency           text   NOT NULL,
    goods              numeric(20,4) NOT NULL,
    tax_included       numeric(20,4) NOT NULL,
    tax                numeric(20,4) NOT NULL,
    duty               numeric(20,4) NOT NULL,
    shipping           numeric(20,4) NOT NULL CHECK (shipping >= 0),
    restocking_fee     numeric(20,4) NOT NULL CHECK (restocking_fee >= 0),
    total              numeric(20,4) NOT NULL CHECK (total > 0),
    incoterm           text   NOT NULL CHECK (incoterm IN ('DDP', 'DAP')),
    lines              jsonb  NOT NULL,
    attempt            integer NOT NULL CHECK (attempt > 0),
    idempotency_key    text   NOT NULL UNIQUE,
    status             text   NOT NULL CHECK (status IN ('pending', 'succeeded', 'manual', 'failed')),
    claimed_at         timestamptz,
    checkout_refund_id bigint,
    error              text   NOT NULL DEFAULT '',
    created_by         text   NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (total = goods + tax + duty + shipping - restocking_fee)
);

-- The audit trail: every step, who took it, when, and the note given.
CREATE TABLE returns_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    return_id   bigint NOT NULL REFERENCES returns_requests (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text   NOT NULL,
    action      text   NOT NULL,
    from_status text,
    to_status   text,
    note        text   NOT NULL DEFAULT ''
);
CREATE INDEX returns_events_return ON returns_events (return_id, at);
