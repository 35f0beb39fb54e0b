-- Warehouses the shop ships from: its own (the home warehouse in China) and overseas third-party (3PL)
-- warehouses. The country decides whether a shipment to a destination is a domestic sale or an import.
CREATE TABLE inventory_warehouses (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text        NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,19}$'),
    name       text        NOT NULL CHECK (name <> '' AND length(name) <= 100),
    country    text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    kind       text        NOT NULL CHECK (kind IN ('own', 'third_party')),
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inventory_warehouses_code_key UNIQUE (code)
);

-- Stock of a catalog variant (no foreign key: the catalog owns variants) in one warehouse. The row is a cache of
-- the ledger in inventory_movements, kept in the same transaction as every movement: on_hand is the sum of the
-- received, sold, returned and adjusted movements; reserved the sum of the reserved and released movements and
-- of the sold movements that consumed a reservation. The CHECKs make overselling impossible whatever the code.
CREATE TABLE inventory_stock (
    variant_id   bigint      NOT NULL,
    warehouse_id bigint      NOT NULL REFERENCES inventory_warehouses (id),
    on_hand      integer     NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved     integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (variant_id, warehouse_id),
    CONSTRAINT inventory_stock_reserved_le_on_hand CHECK (reserved <= on_hand)
);
CREATE INDEX inventory_stock_warehouse ON inventory_stock (warehouse_id);

-- Low-stock alert level per variant; variants without a row use the default of the code (5).
CREATE TABLE inventory_thresholds (
    variant_id bigint      PRIMARY KEY,
    threshold  integer     NOT NULL CHECK (threshold >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Stock held for an order (ref, e.g. "order:123") until it is paid (committed), given up (released) or left to
-- time out (expired). A ref is reserved at most once.
CREATE TABLE inventory_reservations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref        text        NOT NULL CHECK (ref <> '' AND length(ref) <= 200),
    status     text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'committed', 'released', 'expired')),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inventory_reservations_ref_key UNIQUE (ref)
);
-- The expiry job scans only active reservations.
CREATE INDEX inventory_reservations_expiry ON inventory_reservations (expires_at) WHERE status = 'active';

CREATE TABLE inventory_reservation_lines (
    reservation_id bigint  NOT NULL REFERENCES inventory_reservations (id),
    variant_id     bigint  NOT NULL,
    warehouse_id   bigint  NOT NULL,
    quantity       integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, variant_id, warehouse_id),
    FOREIGN KEY (variant_id, warehouse_id) REFERENCES inventory_stock (variant_id, warehouse_id)
);

-- The ledger: append-only, one row per change of a stock row, with who (actor label) and why (reason or
-- reference). The sign of quantity is fixed by the kind, so a sum over the ledger is always meaningful.
CREATE TABLE inventory_movements (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    variant_id     bigint      NOT NULL,
    warehouse_id   bigint      NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('received', 'sold', 'reserved', 'released', 'returned', 'adjusted')),
    quantity       integer     NOT NULL,
    reservation_id bigint      REFERENCES inventory_reservations (id),
    actor          text        NOT NULL,
    reason         text        NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    created_at     timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (variant_id, warehouse_id) REFERENCES inventory_stock (variant_id, warehouse_id),
    CONSTRAINT inventory_movements_sign CHECK (
        (kind IN ('received', 'returned', 'reserved') AND quantity > 0) OR
        (kind IN ('sold', 'released') AND quantity < 0) OR
        (kind = 'adjusted' AND quantity <> 0)),
    -- Reserving and releasing always belong to a reservation.
    CONSTRAINT inventory_movements_reservation CHECK (kind NOT IN ('reserved', 'released') OR reservation_id IS NOT NULL)
);
-- A variant's ledger, latest first.
CREATE INDEX inventory_movements_variant ON inventory_movements (variant_id, id DESC);
-- The low-turnover report sums recent sales.
CREATE INDEX inventory_movements_sold ON inventory_movements (created_at, variant_id) WHERE kind = 'sold';
