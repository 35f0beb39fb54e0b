package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Request is one landed-cost quote request (README §1.1 and §1.4). Money is in MerchantCurrency; rates are
// fractions. Decode it from JSON with ParseRequest (or json.Unmarshal), which enforces decimal strings for money
// and names the offending field in its error; Quote validates the values either way.
type Request struct {
	AsOf             time.Time   `json:"as_of"`
	Destination      Destination `json:"destination"`
	ShipFrom         string      `json:"ship_from"`
	Channel          string      `json:"channel"` // "courier" (default) or "postal"
	Currency         string      `json:"currency"`
	MerchantCurrency string      `json:"merchant_currency"`
	// FXRate is destination-currency units per merchant-currency unit (the customs rate to use).
	FXRate        decimal.Decimal `json:"fx_rate"`
	Incoterm      string          `json:"incoterm"` // "DDP" or "DAP"
	Registrations []string        `json:"registrations"`
	PersonalUse   bool            `json:"personal_use"`
	Lines         []Line          `json:"lines"`
	Shipping      decimal.Decimal `json:"shipping"`
	Insurance     decimal.Decimal `json:"insurance"`
	// TransportMode is "air" (default), "sea" or "land".
	TransportMode string `json:"transport_mode,omitempty"`
	// RoundingMode overrides the mode of the market's tax rounding (a test mode; README §1.4).
	RoundingMode      string `json:"rounding_mode,omitempty"`
	SellerAbsorbsDuty bool   `json:"seller_absorbs_duty,omitempty"`
	// ThresholdFX gives destination-currency units per unit of another currency, for markets whose thresholds,
	// flat duties or fees are set in a currency that is neither Currency nor MerchantCurrency (e.g. the Korean
	// USD 150 test on a EUR-priced order quoted in KRW). This is an extension of the contract.
	ThresholdFX map[string]decimal.Decimal `json:"threshold_fx,omitempty"`
}

// Destination is the destination market: an ISO country and, where it matters (Canadian provinces), a region.
type Destination struct {
	Country string `json:"country"`
	Region  string `json:"region"`
}

// Line is one order line.
type Line struct {
	ID          string          `json:"id"`
	Description string          `json:"description"`
	HSCode      string          `json:"hs_code"`
	Origin      string          `json:"origin"`
	UnitPrice   decimal.Decimal `json:"unit_price"`
	Quantity    int             `json:"quantity"`
	// DutyRate is the applicable ad valorem rate; an invalid (absent) value means "unknown", which the quote
	// reports instead of assuming zero.
	DutyRate    decimal.NullDecimal `json:"duty_rate"`
	TaxCategory string              `json:"tax_category"`
	// TaxRate, when valid, overrides the TaxCategory mapping.
	TaxRate     decimal.NullDecimal `json:"tax_rate"`
	Preference  string              `json:"preference,omitempty"`
	KRClearance string              `json:"kr_clearance,omitempty"`
}

// RequestError is a rejected request: Field is the JSON path of the offending value ("lines[1].unit_price").
type RequestError struct {
	Field string
	Msg   string
}

func (e *RequestError) Error() string { return e.Field + ": " + e.Msg }

func reqErr(field, format string, args ...any) error {
	return &RequestError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// ParseRequest decodes one JSON request. Money, rates and fx_rate must be JSON strings (a JSON number is
// rejected, because binary floating point must never carry money); quantity must be a JSON integer; unknown
// fields are ignored. Errors are *RequestError values naming the field.
func ParseRequest(data []byte) (Request, error) {
	var r Request
	err := r.UnmarshalJSON(data)
	return r, err
}

// MarshalJSON renders the request in the contract's format (as_of as YYYY-MM-DD, money as decimal strings).
func (r Request) MarshalJSON() ([]byte, error) {
	type plain Request
	return json.Marshal(struct {
		AsOf string `json:"as_of"`
		plain
	}{r.AsOf.Format(dateLayout), plain(r)})
}

// UnmarshalJSON implements the strict decoding described at ParseRequest.
func (r *Request) UnmarshalJSON(data []byte) error {
	top, err := object(data, "request")
	if err != nil {
		return err
	}
	var out Request
	f := fields{top, ""}
	if out.AsOf, err = f.date("as_of"); err != nil {
		return err
	}
	if raw, ok := f.get("destination"); ok {
		dest, err := object(raw, "destination")
		if err != nil {
			return err
		}
		df := fields{dest, "destination."}
		if out.Destination.Country, err = df.str("country"); err != nil {
			return err
		}
		if out.Destination.Region, err = df.str("region"); err != nil {
			return err
		}
	}
	for _, s := range []struct {
		name string
		dst  *string
	}{
		{"ship_from", &out.ShipFrom}, {"channel", &out.Channel}, {"currency", &out.Currency},
		{"merchant_currency", &out.MerchantCurrency}, {"incoterm", &out.Incoterm},
		{"transport_mode", &out.TransportMode}, {"rounding_mode", &out.RoundingMode},
	} {
		if *s.dst, err = f.str(s.name); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		name string
		dst  *decimal.Decimal
	}{{"fx_rate", &out.FXRate}, {"shipping", &out.Shipping}, {"insurance", &out.Insurance}} {
		v, err := f.dec(d.name)
		if err != nil {
			return err
		}
		*d.dst = v.Decimal
	}
	if out.PersonalUse, err = f.boolean("personal_use"); err != nil {
		return err
	}
	if out.SellerAbsorbsDuty, err = f.boolean("seller_absorbs_duty"); err != nil {
		return err
	}
	if raw, ok := f.get("registrations"); ok {
		if err := json.Unmarshal(raw, &out.Registrations); err != nil {
			return reqErr("registrations", "must be an array of strings")
		}
	}
	if raw, ok := f.get("threshold_fx"); ok {
		m, err := object(raw, "threshold_fx")
		if err != nil {
			return err
		}
		out.ThresholdFX = make(map[string]decimal.Decimal, len(m))
		mf := fields{m, "threshold_fx."}
		for k := range m {
			v, err := mf.dec(k)
			if err != nil {
				return err
			}
			out.ThresholdFX[k] = v.Decimal
		}
	}
	if raw, ok := f.get("lines"); ok {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return reqErr("lines", "must be an array of line objects")
		}
		out.Lines = make([]Line, len(items))
		for i, item := range items {
			if err := parseLine(item, fmt.Sprintf("lines[%d]", i), &out.Lines[i]); err != nil {
				return err
			}
		}
	}
	*r = out
	return nil
}

func parseLine(data json.RawMessage, path string, l *Line) error {
	m, err := object(data, path)
	if err != nil {
		return err
	}
	f := fields{m, path + "."}
	for _, s := range []struct {
		name string
		dst  *string
	}{
		{"id", &l.ID}, {"description", &l.Description}, {"hs_code", &l.HSCode}, {"origin", &l.Origin},
		{"tax_category", &l.TaxCategory}, {"preference", &l.Preference}, {"kr_clearance", &l.KRClearance},
	} {
		if *s.dst, err = f.str(s.name); err != nil {
			return err
		}
	}
	price, err := f.dec("unit_price")
	if err != nil {
		return err
	}
	if !price.Valid {
		return reqErr(path+".unit_price", "required")
	}
	l.UnitPrice = price.Decimal
	if l.DutyRate, err = f.dec("duty_rate"); err != nil {
		return err
	}
	if l.TaxRate, err = f.dec("tax_rate"); err != nil {
		return err
	}
	if raw, ok := f.get("quantity"); ok {
		q, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
		if err != nil {
			return reqErr(path+".quantity", "must be a JSON integer")
		}
		l.Quantity = q
	}
	return nil
}

func object(data []byte, path string) (map[string]json.RawMessage, error) {
	if !json.Valid(data) {
		return nil, reqErr(path, "invalid JSON")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, reqErr(path, "must be a JSON object")
	}
	return m, nil
}

// fields reads typed values out of a decoded JSON object; absent and null values count as absent.
type fields struct {
	m      map[string]json.RawMessage
	prefix string
}

func (f fields) get(name string) (json.RawMessage, bool) {
	raw, ok := f.m[name]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return nil, false
	}
	return raw, true
}

func (f fields) str(name string) (string, error) {
	raw, ok := f.get(name)
	if !ok {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", reqErr(f.prefix+name, "must be a string")
	}
	return s, nil
}

func (f fields) boolean(name string) (bool, error) {
	raw, ok := f.get(name)
	if !ok {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, reqErr(f.prefix+name, "must be true or false")
	}
	return b, nil
}

// dec reads a decimal string. An empty string counts as absent, which for duty_rate means "unknown".
func (f fields) dec(name string) (decimal.NullDecimal, error) {
	raw, ok := f.get(name)
	if !ok {
		return decimal.NullDecimal{}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return decimal.NullDecimal{}, reqErr(f.prefix+name, "must be a decimal string such as \"12.50\", not a JSON %s", jsonType(raw))
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return decimal.NullDecimal{}, nil
	}
	if !isDecimalString(s) {
		return decimal.NullDecimal{}, reqErr(f.prefix+name, "%q is not a decimal number", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.NullDecimal{}, reqErr(f.prefix+name, "%q is not a decimal number", s)
	}
	return decimal.NullDecimal{Decimal: d, Valid: true}, nil
}

func (f fields) date(name string) (time.Time, error) {
	s, err := f.str(name)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, reqErr(f.prefix+name, "%q is not a YYYY-MM-DD date", s)
	}
	return t, nil
}

// isDecimalString accepts plain decimal notation only ("-12", "0.5", "12.50"); exponents and other forms that
// decimal.NewFromString would take are not money strings.
func isDecimalString(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

func jsonType(raw json.RawMessage) string {
	switch t := bytes.TrimSpace(raw); {
	case len(t) == 0:
		return "value"
	case t[0] == '{':
		return "object"
	case t[0] == '[':
		return "array"
	case t[0] == 't' || t[0] == 'f':
		return "boolean"
	default:
		return "number"
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
