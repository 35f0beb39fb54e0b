package engine

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// defaultRequest holds the inputs most table tests share; each test merges its own JSON over it.
const defaultRequest = `{"as_of":"2026-11-22","ship_from":"CN","channel":"courier","fx_rate":"1","incoterm":"DDP",
	"registrations":[],"personal_use":false,"shipping":"0","insurance":"0"}`

// line builds a request line as JSON.
func line(id, hs, origin, price string, qty int, duty, category string) map[string]any {
	l := map[string]any{"id": id, "hs_code": hs, "origin": origin, "unit_price": price, "quantity": qty, "tax_category": category}
	if duty != "" {
		l["duty_rate"] = duty
	}
	return l
}

// request merges override (a JSON object) and lines over defaultRequest and returns the JSON.
func request(t *testing.T, override string, lines ...map[string]any) []byte {
	t.Helper()
	var req, patch map[string]any
	if err := json.Unmarshal([]byte(defaultRequest), &req); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(override), &patch); err != nil {
		t.Fatalf("override: %v", err)
	}
	mergePatch(req, patch)
	if len(lines) > 0 {
		ls := make([]any, len(lines))
		for i, l := range lines {
			ls[i] = l
		}
		req["lines"] = ls
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// expect runs the request and compares the listed response fields (JSON object, check.sh semantics), then the
// README §1.3 identities.
func expect(t *testing.T, req []byte, want string) map[string]any {
	t.Helper()
	got := runJSON(t, snap(t), req)
	if d := diff("", decodeAny(t, []byte(want)), got); d != "" {
		t.Errorf("%s\nresponse: %s", d, compact(got))
	}
	checkIdentities(t, got)
	return got
}

// expectError runs the request and wants an error message containing substr.
func expectError(t *testing.T, req []byte, substr string) {
	t.Helper()
	var out bytes.Buffer
	err := RunQuote(snap(t), bytes.NewReader(req), &out)
	if err == nil {
		t.Fatalf("no error, want %q; output %s", substr, out.String())
	}
	if !strings.Contains(err.Error(), substr) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %q, want one line containing %q", err, substr)
	}
	if out.Len() != 0 {
		t.Errorf("output written on error: %s", out.String())
	}
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
