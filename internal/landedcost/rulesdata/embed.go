// Package rulesdata holds the landed-cost rules and the demo tariff as data files, embedded into the binary.
//
// # Rule rows (rules/*.json)
//
// Each file is a JSON array of rows with the shape of the Postgres table
// (id text, destination text, kind text, effective_from date, effective_to date null, params jsonb, source text):
//
//	{"id": "eu-ioss", "destination": "EU", "kind": "seller_scheme",
//	 "effective_from": "2021-07-01", "effective_to": null, "params": {…}, "source": "…"}
//
// destination is an ISO 3166-1 alpha-2 country or a customs-territory code defined by a territory row ("EU").
// Rows of a territory apply to all its members; a member's own row replaces the territory row of the same kind
// and key. effective_from is inclusive, effective_to exclusive (a Postgres daterange '[)'); null = open-ended.
// Two rows with the same destination, kind and key must not overlap in time. Money amounts and rates are decimal
// strings; a value test is {"amount", "currency", "inclusive" (true = not exceeding, false = below), "basis"},
// with basis "goods" (intrinsic value), "cif" (goods + shipping + insurance), "customs_value" (the market's
// valuation basis) or "item" (one unit's price). Conditions ("when") may list ship_from, channel, transport_mode,
// air_or_post, all_lines_clearance and origin_not.
//
// Kinds (key in brackets) and their params:
//
//   - territory: members. A customs territory; dispatch from a member to a member is a domestic sale.
//   - market: currency, valuation ("CIF" | "FOB": the duty base), tax_base ("cif_duty" | "fob_duty": import tax on
//     customs value + transport + duty, or goods + duty), import_label. A destination is supported on the dates a
//     market row and a region-less vat_rates row are in force.
//   - personal_use: factor. Valuation of personal-use imports (JP 0.6 × retail price, plus freight).
//   - vat_rates [region|component]: region ("" = country-wide), component ("VAT", "GST", "HST", "PST", "QST", "CT"),
//     at_import (default true; false = not collected at the border), rates by tax category ("standard",
//     "reduced", "super_reduced", "zero"). A region with its own rows uses only those.
//   - relief [name]: applies_to ("duty", "tax", "fees"), max (value test over the consignment), when, excluded_hs
//     (HS prefixes the relief never covers), label. De minimis and low-value reliefs.
//   - seller_scheme [name]: registration, mandatory (applies without the registration, e.g. UK POS), label,
//     per ("consignment" | "item") with max, when, requires_border_tax_relief, duty_exempt,
//     base_includes_recharged_duty, excluded_hs (HS prefixes the regime never covers; those lines are imported
//     normally). Seller-collected regimes (IOSS, UK POS, LVG, VOEC, OVR, CH mail-order).
//   - flat_duty [name]: amount, per ("hs_code" with hs_digits | "line" | "unit" | "consignment"), max, scope
//     ("all" | "seller_scheme"), exclude_zero_rate, exclude_preference, label. The EU EUR 3 per item.
//   - duty_exemption [name]: hs_prefixes. Goods duty-free whatever the rate (CH industrial goods, SG goods other
//     than liquor, tobacco, petroleum and motor vehicles).
//   - fee [name]: amount or rate (+ min, max), per, hs_digits, borne_by ("shopper" | "seller"), basis,
//     value_min, value_max, when, waived_by_relief, requires_border_charges, exempt_preferences.
//   - min_collect [name]: applies_to ("duty", "tax"), amount, inclusive. Import amounts at or below (inclusive)
//     or below the amount are not collected.
//   - rounding [scope]: scope ("all" | "border" | "seller" | "domestic"), currency (increments apply only when
//     quoting in it), duty, tax, tax_base as {mode, unit, per ("consignment" | "line")}. Default: HALF_UP to the
//     minor unit once per consignment and rate group.
//   - tax_split: national_name, local_name, national_share, local_numerator, local_denominator, local_line,
//     local_total. JP national and local consumption tax.
//   - clearance_classes: default, general_hs_prefixes. KR list vs general clearance by HS code.
//   - preference [name]: aliases, origins. A preference claim honoured for non-rate effects (USMCA MPF exemption).
//   - additional_duty [name]: rate, hs_prefixes, origins, exempt_preferences. Surcharges added by the tariff
//     lookup (US Chapter 99), not by quotes, whose duty_rate already carries the applicable rate.
//
// # Tariff rows (tariff/*.json)
//
// Each file is a JSON array of rows (destination, hs_prefix, origin, preference, rate, effective_from,
// effective_to, source). destination is a customs territory; origin "" = any; preference "" = MFN/general, else
// the preference a line must claim (with origin = the qualifying origin). Lookup is longest-prefix on the HS
// digits, an origin-specific row before an any-origin row.
package rulesdata

import "embed"

// FS holds rules/*.json and tariff/*.json.
//
//go:embed rules/*.json tariff/*.json
var FS embed.FS
