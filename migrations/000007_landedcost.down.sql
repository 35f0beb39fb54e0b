DROP TABLE landedcost_tariff;
DROP TABLE landedcost_rules;
