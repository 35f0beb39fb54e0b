DROP TABLE pricing_price_list_items;
DROP TABLE pricing_price_lists;
DROP TABLE pricing_fx_rates;
ALTER TABLE pricing_markets
    DROP CONSTRAINT pricing_markets_fixed_gross_reference,
    DROP CONSTRAINT pricing_markets_fixed_gross_inclusive,
    DROP COLUMN gross_reference_country;
