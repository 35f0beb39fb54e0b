-- A paid order that is cancelled gives its sold units back to the warehouses they were sold from, each line once:
-- the line is claimed here in the transaction that waits for its restock, so a cancellation retried after a
-- failure restocks only what is still missing.
CREATE TABLE checkout_restocks (
    order_id   bigint  NOT NULL,
    line_no    integer NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, line_no),
    FOREIGN KEY (order_id, line_no) REFERENCES checkout_order_lines (order_id, line_no)
);
