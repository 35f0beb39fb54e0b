// Package engine computes the landed cost of a cross-border order — goods, shipping, insurance, customs duty,
// import or seller-collected VAT/GST and government or postal fees — for the storefront's checkout, following
// the contract in shared/landed-cost/README.md and the market rules in RULES.md.
//
// The engine is pure: a Snapshot is built once from rule rows (package rulesdata, or the same rows read back
// from the database) and quoting reads only the snapshot and the request. There is no I/O, no clock and no
// mutable global state (a sync.Pool recycles emptied working buffers between quotes; nothing survives from one
// quote to the next); money is exact decimal (shopspring/decimal), never binary floating point, and ISO 4217
// minor units come from package money.
//
//	s, err := engine.Embedded()            // or NewSnapshot(rules, tariff, version)
//	q, err := s.Quote(req)                 // or RunQuote(s, stdin, stdout) for the CLI
//	rate, src, ok := s.DutyRate("FR", "610910", "CN", "", day)
//	vat, err := s.TaxRate("DE", "", "standard", day)
//
// # Dates
//
// Rules are effective-dated: effective_from inclusive, effective_to exclusive (the first day a rule no longer
// applies; a Postgres daterange '[)'). A quote uses the rules in force on its as_of date. The rule set starts
// on 2021-01-01 (earlier where a rule's own start is earlier); a date with no market rules is an error.
//
// # Interpretations of RULES.md
//
// Where RULES.md leaves a question open, the engine follows the convention README.md states and keeps the
// choice in the rule data, so switching it is a data change. Each is also recorded in the source text of its
// rule row.
//
//   - Conversion and thresholds (README §3.2-3.3): each line total, unit price, shipping and insurance is
//     converted and rounded HALF_UP before any test. A threshold in another currency is converted exactly: at
//     fx_rate when it is in the merchant currency, otherwise at the request's threshold_fx rate (an extension);
//     without either the quote fails naming threshold_fx rather than guessing a rate.
//   - Freight and insurance are allocated to lines pro rata to line value and kept as exact fractions until the
//     final rounding; an order of zero-priced lines splits them equally.
//   - Rounding: HALF_UP to the minor unit once per tax component and rate group per consignment, unless a
//     rounding rule says otherwise (US duty per line; JP truncations per line; NO whole kroner at the border; KR
//     truncation to 10 won; NZ HALF_DOWN at exactly half a cent; CH 0.01, switchable to 0.05). The request's
//     rounding_mode replaces the mode of the tax rounding only. Rounded duty enters the import-tax base.
//   - Line allocation: rounded totals go back to lines by largest remainder of the unrounded line amounts, ties
//     to the earlier line; a group of one line takes the whole group amount (README §1.3).
//   - Timing: DDP puts everything at checkout. DAP puts goods, shipping, insurance and seller-collected tax at
//     checkout and import duty, import tax and fees on delivery (README §1.3 has no DAP case with a
//     seller-collected regime). A domestic sale is all at checkout.
//   - Domestic sales (an extension): dispatch from inside the destination's customs territory (EU incl. MC; CH
//     incl. LI) is taxed at the destination's rates on goods, shipping and insurance with no duty or fees; EU
//     distance sales are assumed above the EUR 10,000 OSS threshold. US domestic sales carry no tax here: state
//     sales tax is out of scope.
//   - Unknown duty rate (an extension): a line without duty_rate whose duty would be ad valorem is listed in
//     duty_unknown_lines with zero duty; the quote's duty and any import tax on top of it are then lower
//     bounds. Where the rate does not matter (relief, flat duty, exemption, duty-free regime) nothing is flagged.
//   - EU (§3, §13.1-13.3): the EUR 150 intrinsic-value test is on goods only, inclusive. Duty relief until
//     2026-06-30; the EUR 3 flat duty from 2026-07-01 to 2028-07-01 applies to every B2C consignment of EUR 150
//     or less (IOSS or not, case C04), per distinct 6-digit HS code, including 0%-duty goods and preference
//     claims, replacing the ad valorem rate. Under IOSS and DDP the recharged EUR 3 is in the VAT base (Art. 78,
//     C03); when the seller absorbs it, it is in neither. DE: import duty plus VAT under EUR 1 is not levied. IT
//     contributo EUR 2 per consignment of EUR 150 or less from outside the EU, shopper-borne, outside the VAT
//     base, kept after 2026-07-01. FR EUR 2 per article (distinct HS code) below EUR 150 from 2026-03-01 is
//     seller-borne (not on the consumer invoice): reported in seller_borne, not in fees. RO RON 25 per parcel
//     from 2026-01-01 is modelled as shopper-borne on consignments of EUR 150 or less (scope unconfirmed). The
//     EU handling fee is not modelled (start and amount unconfirmed). "reduced" is the rate for books and most
//     food where RULES.md gives one (DE 7, FR 5.5, NL 9, IE 13.5), else the member state's main reduced rate;
//     rates below 5% are "super_reduced" (IT and ES 4%, FR 2.1%, IE 4.8%, LU 3%).
//   - UK (§4): point-of-sale VAT for consignments of GBP 135 or less applies whether or not UK_VAT is listed
//     (there is no registration threshold for overseas sellers); no duty; no GBP 9 waiver.
//   - Excise goods (EU §1.5 and §3, UK §4, AU §7, NZ §8): alcohol (HS 2203-2208) and tobacco (24) lines are outside
//     IOSS, UK POS, the AU/NZ low-value rules and the EU/UK duty reliefs, so they are imported normally (duty and
//     VAT/GST at the border) while the rest of the order keeps its regime. The EU EUR 3 flat duty covers them.
//   - US (§5): duty on the FOB value, rounded per line; no VAT. De minimis USD 800 (inclusive) until
//     2025-08-28, not for CN/HK origin from 2025-05-02 (one such line disqualifies the shipment); it also waives
//     MPF. Entries of USD 2,500 or more are formal (MPF 0.3464%, min/max), below informal (flat MPF); HMF
//     0.125% by sea only. USMCA claims (aliases CUSMA, T-MEC) for US/CA/MX origin take those lines out of the
//     MPF; a claim for another origin is ignored. FY2025 MPF amounts are [M]; FY2027 amounts are not known.
//     Section 122 surcharges are tariff data for DutyRate; Quote takes duty_rate as the full applicable rate.
//   - CA (§6): thresholds on value for duty (goods) per shipment by place of direct shipment and channel; only
//     GST/HST is collected at the border (PST/RST/QST are not, at_import false), all components on domestic
//     sales; region "" means federal GST only. Canada Post handling CAD 9.95 on postal items that attract duty or
//     tax, not taxed.
//   - AU (§7): a consignment of customs value AUD 1,000 or less is not taxed at the border; a registered vendor
//     charges LVG GST on it (items of AUD 1,000 or less). A consignment over AUD 1,000 is a taxable importation
//     for all its lines, with no LVG GST (reasonable-belief exception). Any non-sea mode pays the air
//     biosecurity charge.
//   - NZ (§8): NZD 1,000 per consignment, inclusive; LVG GST only for a registered seller; IETF and BSEL are not
//     modelled (amounts unknown); HALF_DOWN applies to GST, duty rounds HALF_UP.
//   - JP (§9): the JPY 10,000 test is on total customs value (CIF, or 0.6 × goods + freight for personal use),
//     inclusive; liquor, tobacco, leather bags and gloves, footwear, knitted apparel and stockings stay taxable.
//     Duty is truncated to JPY 100 per line on the untruncated customs value (reproducing case C28); the
//     consumption-tax base per line is truncated to JPY 1,000; national tax (78% of the rate) to JPY 100 per
//     line; local tax = 22/78 of each line's national tax, fractions of a yen dropped, total truncated to JPY
//     100. Domestic sales drop fractions of a yen. duty_rate carries the simplified-tariff rate when it applies.
//   - KR (§12, §13.9): USD 150, or USD 200 when shipped from the US and every line is list-clearance
//     (kr_clearance, else general for HS chapters 1-24, 30 and headings 3303-3307); basis goods price; whole
//     value taxed above; duty and VAT truncated to 10 won; duty + VAT under KRW 10,000 not collected.
//   - SG (§12): import relief for consignments of CIF SGD 400 or less imported by air; OVR for registered
//     sellers only within that relief; sea/land imports pay import GST. README §5 states that channel changes
//     results only in Canada, so the relief keys on transport_mode alone (a postal parcel carried by sea has no
//     relief). Only liquor (2203-2208), tobacco (24), petroleum (2709-2711) and motor vehicles (8702-8704, 8711)
//     are dutiable: other goods are duty-free whatever duty_rate says, and dutiable goods are outside the relief
//     and OVR.
//   - CH (§10): industrial goods (HS 25-97) duty-free from 2024; other goods use duty_rate as an ad valorem
//     approximation of the weight-based duty. Import VAT of CHF 5.00 or less is not levied; a CH_VAT
//     (mail-order) seller charges Swiss VAT at checkout on every delivery.
//   - NO (§11): VOEC items below NOK 3,000 each (strict, unit price excluding shipping) are taxed at checkout and
//     duty-free; items of NOK 3,000 or more in the same order are imported normally, and so are foodstuffs and
//     excise goods, which VOEC excludes (approximated as HS chapters 01-24; restricted goods are not modelled). Before 2024 consignments
//     below NOK 350 including shipping were exempt.
//   - AE (not in RULES.md, a documented default): VAT 5% on CIF + duty, duty 5% GCC rate with an AED 1,000
//     duty relief; to be verified before production.
//
// # Not implemented
//
// Excise duties on alcohol and tobacco (their lines are taken out of the low-value regimes, see above, but no
// excise is added); WET and other special taxes;
// NZ IETF/BSEL; the EU handling fee; US postal specific duties (Aug 2025-Feb 2026) and IEEPA tariffs;
// Swiss weight-based duties; the JP 2028 reform and the UK 2029 relief abolition (no dates yet); Canadian
// counter-surtaxes; state and provincial registration thresholds.
package engine
