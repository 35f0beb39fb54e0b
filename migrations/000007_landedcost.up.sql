-- Landed-cost rules and tariff rates as data: loaded from the rule files shipped with the shop (internal/
-- landedcost/rulesdata) and editable afterwards. Every row is effective-dated ([effective_from, effective_to))
-- and names its source, so a quote for any date can be reproduced and explained.
CREATE TABLE landedcost_rules (
    id             text PRIMARY KEY,
    destination    text  NOT NULL,
    kind           text  NOT NULL,
    effective_from date  NOT NULL,
    effective_to   date,
    params         jsonb NOT NULL,
    source         text  NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text  NOT NULL DEFAULT 'rule files',
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX landedcost_rules_destination ON landedcost_rules (destination);

CREATE TABLE landedcost_tariff (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    destination    text    NOT NULL,
    hs_prefix      text    NOT NULL CHECK (hs_prefix ~ '^[0-9]{2,10}$'),
    origin         text    NOT NULL DEFAULT '',
    preference     text    NOT NULL DEFAULT '',
    rate           numeric(9,6) NOT NULL CHECK (rate >= 0),
    effective_from date    NOT NULL,
    effective_to   date,
    source         text    NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT landedcost_tariff_key UNIQUE (destination, hs_prefix, origin, preference, effective_from),
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
