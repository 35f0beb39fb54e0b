package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestRunQuoteErrors(t *testing.T) {
	ok := `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR"}`
	good := func() map[string]any { return line("1", "610910", "CN", "10.00", 1, "0.12", "standard") }
	with := func(k string, v any) map[string]any { l := good(); l[k] = v; return l }
	tests := []struct {
		name string
		req  []byte
		want string
	}{
		{"invalid JSON", []byte(`{"as_of":`), "request: invalid JSON: "},
		{"two values", []byte(`{} {}`), "request: invalid JSON: more than one JSON value"},
		{"not an object", []byte(`[1]`), "request: must be a JSON object"},
		{"empty", []byte(``), "request: invalid JSON: empty input"},
		{"money as number", []byte(strings.Replace(string(request(t, ok, good())), `"unit_price":"10.00"`, `"unit_price":10.00`, 1)),
			`lines[0].unit_price: must be a decimal string such as "12.50", not a JSON number`},
		{"shipping as number", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","shipping":5}`, good()),
			"shipping: must be a decimal string"},
		{"fx as number", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","fx_rate":1}`, good()),
			"fx_rate: must be a decimal string"},
		{"negative price", request(t, ok, good(), func() map[string]any { l := with("unit_price", "-1.00"); l["id"] = "2"; return l }()), "lines[1].unit_price: must not be negative"},
		{"exponent", request(t, ok, with("unit_price", "1e3")), `lines[0].unit_price: "1e3" is not a decimal number`},
		{"unknown country", request(t, `{"destination":{"country":"XX"},"currency":"EUR","merchant_currency":"EUR"}`, good()),
			`destination.country: unknown country "XX"`},
		{"unsupported country", request(t, `{"destination":{"country":"BR"},"currency":"BRL","merchant_currency":"BRL"}`, good()),
			`destination.country: no landed-cost rules for "BR" on 2026-11-22`},
		{"date before the rules", request(t, `{"as_of":"2019-06-01","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR"}`, good()),
			`destination.country: no landed-cost rules for "DE" on 2019-06-01`},
		{"unknown currency", request(t, `{"destination":{"country":"DE"},"currency":"ABC","merchant_currency":"EUR"}`, good()),
			`currency: unknown currency "ABC"`},
		// money.IsCurrency accepts "", so an absent merchant_currency used to be quoted as if it were the quote
		// currency.
		{"missing merchant currency", request(t, `{"destination":{"country":"DE"},"currency":"EUR"}`, good()),
			"merchant_currency: required"},
		{"empty merchant currency", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":""}`, good()),
			"merchant_currency: required"},
		{"missing currency", request(t, `{"destination":{"country":"DE"},"merchant_currency":"EUR"}`, good()), "currency: required"},
		{"hs code", request(t, ok, with("hs_code", "6109")), "lines[0].hs_code: must be 6 to 10 digits"},
		{"hs letters", request(t, ok, with("hs_code", "61091A")), "lines[0].hs_code: must be 6 to 10 digits"},
		{"quantity", request(t, ok, with("quantity", 1.5)), "lines[0].quantity: must be a JSON integer"},
		{"zero quantity", request(t, ok, with("quantity", 0)), "lines[0].quantity: must be a positive integer"},
		{"origin", request(t, ok, with("origin", "China")), `lines[0].origin: unknown country "CHINA"`},
		{"category", request(t, ok, with("tax_category", "luxury")), `lines[0].tax_category: "luxury" is not one of`},
		{"category missing in market", request(t, ok, with("tax_category", "super_reduced")), `lines[0].tax_category: DE has no "super_reduced" VAT rate`},
		{"duty rate", request(t, ok, with("duty_rate", "-0.1")), "lines[0].duty_rate: must be a fraction"},
		{"duplicate id", request(t, ok, good(), good()), `lines[1].id: duplicate line id "1"`},
		{"no lines", request(t, ok), "lines: at least one line is required"},
		{"incoterm", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","incoterm":"EXW"}`, good()),
			`incoterm: "EXW" is not one of DDP, DAP`},
		{"registration", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","registrations":["EU_OSS"]}`, good()),
			`registrations[0]: unknown registration "EU_OSS"`},
		{"fx rate", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","fx_rate":"0"}`, good()),
			"fx_rate: must be a positive decimal string"},
		{"as_of", request(t, `{"as_of":"22/11/2026","destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR"}`, good()),
			`as_of: "22/11/2026" is not a YYYY-MM-DD date`},
		{"transport", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","transport_mode":"rail"}`, good()),
			`transport_mode: "rail" is not one of air, sea, land`},
		{"rounding mode", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","rounding_mode":"BANKERS"}`, good()),
			"rounding_mode: unknown rounding mode"},
		{"absorb under DAP", request(t, `{"destination":{"country":"DE"},"currency":"EUR","merchant_currency":"EUR","incoterm":"DAP","seller_absorbs_duty":true}`, good()),
			"seller_absorbs_duty: requires incoterm DDP"},
		{"missing price", request(t, ok, func() map[string]any { l := good(); delete(l, "unit_price"); return l }()),
			"lines[0].unit_price: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectError(t, tt.req, tt.want) })
	}
}

func TestRequestErrorType(t *testing.T) {
	_, err := snap(t).Quote(Request{})
	var re *RequestError
	if !errors.As(err, &re) || re.Field != "as_of" {
		t.Fatalf("Quote(Request{}) = %v, want a RequestError for as_of", err)
	}
}

func TestRunQuoteTolerance(t *testing.T) {
	// Unknown fields are ignored, field values are normalised (lower-case codes, dotted HS code), an empty
	// channel means courier, and duty_rate "" means unknown.
	req := []byte(`{"as_of":"2026-11-22","destination":{"country":"gb","region":""},"ship_from":"cn","currency":"GBP",
		"merchant_currency":"GBP","fx_rate":"1","incoterm":"ddp","shipping":"0","insurance":"0","customer_note":"x",
		"lines":[{"id":"1","hs_code":"6109.10","origin":"cn","unit_price":"200.00","quantity":1,"duty_rate":"","tax_category":"standard","colour":"red"}]}`)
	got := runJSON(t, snap(t), req)
	if got["duty_unknown"] != true || got["tax"] != "40.00" {
		t.Errorf("got %s", compact(got))
	}
	// Currency codes are normalised like country codes.
	got = runJSON(t, snap(t), bytes.Replace(bytes.Replace(req, []byte(`"currency":"GBP"`), []byte(`"currency":"gbp"`), 1),
		[]byte(`"merchant_currency":"GBP"`), []byte(`"merchant_currency":" gbp "`), 1))
	if got["currency"] != "GBP" || got["tax"] != "40.00" {
		t.Errorf("lower-case currencies: got %s", compact(got))
	}
}

// TestQuoteDoesNotModifyRequest checks that quoting leaves the caller's request as it was.
func TestQuoteDoesNotModifyRequest(t *testing.T) {
	req, err := ParseRequest(request(t, `{"destination":{"country":"de"},"currency":"EUR","merchant_currency":"EUR"}`,
		line("1", "6109.10", "cn", "10.00", 1, "0.12", "Standard")))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(req)
	if _, err := snap(t).Quote(req); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(req)
	if !bytes.Equal(before, after) {
		t.Errorf("request changed:\n%s\n%s", before, after)
	}
}

func TestRequestRoundTrip(t *testing.T) {
	for _, c := range loadCases(t) {
		if c.Kind == "display" {
			continue
		}
		req, err := ParseRequest(c.Request)
		if err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseRequest(b)
		if err != nil {
			t.Fatalf("%s: re-parse: %v\n%s", c.ID, err, b)
		}
		b2, _ := json.Marshal(again)
		if !bytes.Equal(b, b2) {
			t.Errorf("%s: round trip differs:\n%s\n%s", c.ID, b, b2)
		}
	}
}
