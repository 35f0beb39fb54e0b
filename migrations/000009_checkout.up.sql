-- Shipping: per market, each service's price by weight band (the price shown to the shopper, in the market's
-- currency; tax included where the market shows prices with tax), free above an order value.
CREATE TABLE checkout_shipping_rates (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    market_code  text    NOT NULL,
    service      text    NOT NULL CHECK (service IN ('economy', 'express')),
    carrier      text    NOT NULL,
    channel      text    NOT NULL CHECK (channel IN ('postal', 'courier')),
    max_weight_g integer NOT NULL CHECK (max_weight_g > 0),
    price        numeric(14,4) NOT NULL CHECK (price >= 0),
    free_over    numeric(14,4),
    min_days     integer NOT NULL CHECK (min_days > 0),
    max_days     integer NOT NULL CHECK (max_days >= min_days),
    CONSTRAINT checkout_shipping_rates_band UNIQUE (market_code, service, max_weight_g)
);

INSERT INTO checkout_shipping_rates (market_code, service, carrier, channel, max_weight_g, price, free_over, min_days, max_days)
SELECT m.code, r.service, r.carrier, r.channel, r.max_weight_g, r.price * m.factor, CASE WHEN r.service = 'economy' THEN m.free_over END,
       r.min_days, r.max_days
FROM (VALUES
    -- market, factor applied to the base table, free economy shipping above
    ('US', 1, 75), ('CA', 1.4, 100), ('GB', 0.8, 60), ('DE', 0.9, 70), ('FR', 0.9, 70), ('NL', 0.9, 70), ('IT', 0.9, 70),
    ('ES', 0.9, 70), ('IE', 0.9, 70), ('CH', 0.9, 70), ('NO', 10, 790), ('AU', 1.6, 110), ('NZ', 1.7, 120),
    ('JP', 150, 11000), ('SG', 1.35, 100), ('KR', 1350, 100000), ('AED', 3.7, 275)
) AS m(code, factor, free_over)
CROSS JOIN (VALUES
    ('economy', 'Postal economy', 'postal', 500, 4.99, 7, 15),
    ('economy', 'Postal economy', 'postal', 2000, 8.99, 7, 15),
    ('economy', 'Postal economy', 'postal', 5000, 14.99, 8, 18),
    ('economy', 'Postal economy', 'postal', 30000, 39.00, 10, 20),
    ('express', 'Express courier', 'courier', 500, 14.99, 2, 5),
    ('express', 'Express courier', 'courier', 2000, 24.99, 2, 5),
    ('express', 'Express courier', 'courier', 5000, 39.99, 3, 6),
    ('express', 'Express courier', 'courier', 30000, 89.00, 3, 7)
) AS r(service, carrier, channel, max_weight_g, price, min_days, max_days);
-- The UAE market's code is AE.
UPDATE checkout_shipping_rates SET market_code = 'AE' WHERE market_code = 'AED';
-- Round converted prices the way each currency is written: whole yen, won and kroner; .x9 elsewhere.
UPDATE checkout_shipping_rates SET price = round(price / 10) * 10 WHERE market_code IN ('JP', 'KR');
UPDATE checkout_shipping_rates SET price = round(price) WHERE market_code IN ('NO');
UPDATE checkout_shipping_rates SET price = floor(price) + 0.99 WHERE market_code NOT IN ('JP', 'KR', 'NO', 'US') AND price <> floor(price);

-- Checkout in progress: address and shipping choice per cart, so a shopper can go back and forth.
CREATE TABLE checkout_drafts (
    cart_id    bigint PRIMARY KEY,
    email      text  NOT NULL DEFAULT '',
    phone      text  NOT NULL DEFAULT '',
    address    jsonb NOT NULL DEFAULT '{}',
    service    text  NOT NULL DEFAULT 'economy',
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE checkout_order_numbers START 1001;

CREATE TABLE checkout_orders (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    idempotency_key  text NOT NULL UNIQUE,
    status           text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'partially_shipped', 'shipped', 'delivered', 'cancelled')),
    user_id          bigint,
    email            text NOT NULL,
    phone            text NOT NULL DEFAULT '',
    locale           text NOT NULL,
    market_code      text NOT NULL,
    country          text NOT NULL,
    currency         text NOT NULL,
    address          jsonb NOT NULL,
    service          text NOT NULL,
    carrier          text NOT NULL,
    incoterm         text NOT NULL CHECK (incoterm IN ('DDP', 'DAP')),
    tax_included     boolean NOT NULL,
    goods            numeric(20,4) NOT NULL,
    shipping         numeric(20,4) NOT NULL,
    duty             numeric(20,4) NOT NULL,
    tax              numeric(20,4) NOT NULL,
    tax_in_prices    numeric(20,4) NOT NULL,
    fees             numeric(20,4) NOT NULL,
    total            numeric(20,4) NOT NULL,
    due_now          numeric(20,4) NOT NULL,
    due_on_delivery  numeric(20,4) NOT NULL,
    duty_unknown     boolean NOT NULL DEFAULT false,
    regimes          text[] NOT NULL DEFAULT '{}',
    quote            jsonb NOT NULL,
    rules_version    text NOT NULL,
    payment_method   text NOT NULL CHECK (payment_method IN ('card', 'bank_transfer', 'test')),
    reservation_ref  text NOT NULL,
    pay_by           timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    paid_at          timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (total = due_now + due_on_delivery)
);
CREATE INDEX checkout_orders_user ON checkout_orders (user_id, created_at DESC);
CREATE INDEX checkout_orders_status ON checkout_orders (status, created_at);
CREATE INDEX checkout_orders_unpaid ON checkout_orders (pay_by) WHERE status = 'pending_payment';

-- Order lines are what was sold, as it was sold: price, exchange rate, duty and tax, origin and warehouse.
-- They never change (a trigger refuses updates and deletes).
CREATE TABLE checkout_order_lines (
    order_id          bigint  NOT NULL REFERENCES checkout_orders (id),
    line_no           integer NOT NULL,
    variant_id        bigint  NOT NULL,
    sku               text    NOT NULL,
    title             text    NOT NULL,
    options           jsonb   NOT NULL DEFAULT '{}',
    quantity          integer NOT NULL CHECK (quantity > 0),
    unit_shown        numeric(20,4) NOT NULL,
    unit_net          numeric(20,4) NOT NULL,
    unit_tax_in_price numeric(20,4) NOT NULL,
    tax_rate          numeric(9,6)  NOT NULL,
    duty              numeric(20,4) NOT NULL,
    import_tax        numeric(20,4) NOT NULL,
    fx                jsonb   NOT NULL,
    hs_code           text    NOT NULL,
    origin            text    NOT NULL,
    weight_g          integer NOT NULL,
    warehouse_id      bigint  NOT NULL,
    warehouse_country text    NOT NULL,
    supplier          text    NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, line_no)
);

CREATE FUNCTION checkout_order_lines_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order lines are immutable' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER checkout_order_lines_immutable BEFORE UPDATE OR DELETE ON checkout_order_lines
    FOR EACH ROW EXECUTE FUNCTION checkout_order_lines_immutable();

-- Every status change, who made it and why.
CREATE TABLE checkout_order_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES checkout_orders (id),
    at          timestamptz NOT NULL DEFAULT now(),
    from_status text,
    to_status   text NOT NULL,
    actor       text NOT NULL,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX checkout_order_events_order ON checkout_order_events (order_id, at);

CREATE TABLE checkout_payments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL REFERENCES checkout_orders (id),
    method          text   NOT NULL CHECK (method IN ('card', 'bank_transfer', 'test')),
    status          text   NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
    amount          numeric(20,4) NOT NULL CHECK (amount >= 0),
    currency        text   NOT NULL,
    captured        numeric(20,4) NOT NULL DEFAULT 0 CHECK (captured >= 0),
    -- The provider's session (Stripe Checkout Session) and, once paid, the payment it produced (PaymentIntent),
    -- which refunds go back to.
    provider_ref    text,
    charge_ref      text,
    idempotency_key text   NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_payments_provider_ref ON checkout_payments (provider_ref) WHERE provider_ref IS NOT NULL;
CREATE INDEX checkout_payments_order ON checkout_payments (order_id);

-- Refunds go back to the payment they refund, in its currency. The database itself refuses a refund that would
-- take more than was captured.
CREATE TABLE checkout_refunds (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id      bigint NOT NULL REFERENCES checkout_payments (id),
    order_id        bigint NOT NULL REFERENCES checkout_orders (id),
    amount          numeric(20,4) NOT NULL CHECK (amount > 0),
    currency        text   NOT NULL,
    reason          text   NOT NULL,
    provider_ref    text,
    status          text   NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'manual')),
    idempotency_key text   NOT NULL UNIQUE,
    created_by      text   NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_refunds_order ON checkout_refunds (order_id);

CREATE FUNCTION checkout_refunds_within_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    captured numeric;
    refunded numeric;
BEGIN
    -- Lock the payment so concurrent refunds are checked one after the other.
    SELECT p.captured INTO captured FROM checkout_payments p WHERE p.id = NEW.payment_id FOR UPDATE;
    SELECT coalesce(sum(r.amount), 0) INTO refunded FROM checkout_refunds r
    WHERE r.payment_id = NEW.payment_id AND r.status <> 'failed' AND r.id <> NEW.id;
    IF refunded + NEW.amount > captured THEN
        RAISE EXCEPTION 'refund of % exceeds the % left of payment %', NEW.amount, captured - refunded, NEW.payment_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'checkout_refunds_within_capture';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER checkout_refunds_within_capture BEFORE INSERT OR UPDATE ON checkout_refunds
    FOR EACH ROW EXECUTE FUNCTION checkout_refunds_within_capture();

-- Stripe events, each stored once; processing is idempotent.
CREATE TABLE checkout_stripe_events (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    payload      jsonb NOT NULL,
    created      timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    outcome      text NOT NULL DEFAULT ''
);

CREATE TABLE checkout_shipments (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id          bigint NOT NULL REFERENCES checkout_orders (id),
    warehouse_id      bigint NOT NULL,
    warehouse_country text   NOT NULL,
    status            text   NOT NULL CHECK (status IN ('picking', 'packed', 'shipped', 'delivered')),
    carrier           text   NOT NULL DEFAULT '',
    tracking_number   text   NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    shipped_at        timestamptz,
    delivered_at      timestamptz
);
CREATE INDEX checkout_shipments_order ON checkout_shipments (order_id);

CREATE TABLE checkout_shipment_lines (
    shipment_id bigint  NOT NULL REFERENCES checkout_shipments (id),
    order_id    bigint  NOT NULL,
    line_no     integer NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (shipment_id, line_no),
    FOREIGN KEY (order_id, line_no) REFERENCES checkout_order_lines (order_id, line_no)
);

-- Logistics events at every node, shown to the shopper.
CREATE TABLE checkout_tracking_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shipment_id bigint NOT NULL REFERENCES checkout_shipments (id),
    at          timestamptz NOT NULL DEFAULT now(),
    status      text NOT NULL,
    location    text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    created_by  text NOT NULL
);
CREATE INDEX checkout_tracking_events_shipment ON checkout_tracking_events (shipment_id, at);
