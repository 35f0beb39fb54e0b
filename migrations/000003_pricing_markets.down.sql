DROP TABLE pricing_market_countries;
DROP TABLE pricing_markets;
