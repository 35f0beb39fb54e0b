package mail

import "testing"

func TestNormalizeAddress(t *testing.T) {
	for in, want := range map[string]string{
		"  Ada@Example.COM ": "ada@example.com",
		"a@b@c.com":          "",
		"a,b@c.com":          "",
		"Ada <ada@x.com>":    "",
		"<ada@x.com>":        "",
		"ada@localhost":      "",
		"":                   "",
		"ada@例え.jp":          "ada@例え.jp",
	} {
		got, ok := NormalizeAddress(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeAddress(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
