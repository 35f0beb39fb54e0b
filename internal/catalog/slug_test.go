package catalog

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSlugOfAnyLanguageRedirectsToTheStorefrontsOwn: the language selector keeps the path, and shoppers share
// links across storefronts, so a product or category URL with a slug of any shipped language resolves in every
// storefront and redirects (301, query kept) to the slug of the storefront's language.
func TestSlugOfAnyLanguageRedirectsToTheStorefrontsOwn(t *testing.T) {
	c := newTestCatalog(t)
	cat := c.mustCategory("toys", 0, nil) // English "toys", German "toys-de"
	c.mustProduct(cat, map[string]ProductText{
		"en": {Title: "Cove Wooden Blocks"},
		"de": {Title: "Cove Holzbausteine"},
		"fr": {Title: "Cove Cubes en bois"},
		"ja": {Title: "コーブ 積み木"},
	}, "COVE-BLOCKS")
	// Only English and German: other storefronts show (and link) the English slug.
	c.mustProduct(cat, map[string]ProductText{"en": {Title: "Drift Kite"}, "de": {Title: "Drift Drachen"}}, "DRIFT-KITE")
	// Slugs are unique per language only: "lamp" is one product's English slug and another's German one.
	c.mustProduct(cat, map[string]ProductText{"en": {Title: "Lamp"}}, "LAMP-EN")
	c.mustProduct(cat, map[string]ProductText{"en": {Title: "Table Light"}, "de": {Title: "Lamp"}}, "LAMP-DE")
	h := c.storefront()
	ja := "/ja-jp/p/" + url.PathEscape("コーブ-積み木")

	for _, tc := range []struct{ from, to string }{
		// The selector from the German page to Japanese: the German slug under /ja-jp.
		{"/ja-jp/p/cove-holzbausteine", ja},
		{"/ja-jp/p/cove-holzbausteine?sku=COVE-BLOCKS", ja + "?sku=COVE-BLOCKS"},
		{"/fr-fr/p/" + url.PathEscape("コーブ-積み木"), "/fr-fr/p/cove-cubes-en-bois"},
		{"/en-us/p/cove-cubes-en-bois", "/en-us/p/cove-wooden-blocks"},
		{"/de-de/p/cove-wooden-blocks", "/de-de/p/cove-holzbausteine"},
		// No Japanese text: the English slug is the Japanese storefront's.
		{"/ja-jp/p/drift-drachen", "/ja-jp/p/drift-kite"},
		// The storefront's own language wins, then English, over the others.
		{"/fr-fr/p/lamp", ""},
		{"/de-de/p/table-light", "/de-de/p/lamp"},
		// Categories: German has its own slug; Japanese falls back to English.
		{"/ja-jp/c/toys-de", "/ja-jp/c/toys"},
		{"/en-gb/c/toys-de?sort=price_asc&page=2", "/en-gb/c/toys?sort=price_asc&page=2"},
		{"/de-de/c/toys", "/de-de/c/toys-de"},
	} {
		res := get(t, h, tc.from)
		if tc.to == "" {
			if res.Code != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", tc.from, res.Code)
			}
			continue
		}
		if res.Code != http.StatusMovedPermanently || res.Header().Get("Location") != tc.to {
			t.Errorf("GET %s: %d → %q, want 301 → %q", tc.from, res.Code, res.Header().Get("Location"), tc.to)
			continue
		}
		// The target is the page itself, not another redirect.
		if res := get(t, h, tc.to); res.Code != http.StatusOK {
			t.Errorf("GET %s (after %s): %d", tc.to, tc.from, res.Code)
		}
	}
	// Which product "lamp" is depends on the storefront's language.
	if body := get(t, h, "/fr-fr/p/lamp").Body.String(); !strings.Contains(body, `"sku":"LAMP-EN"`) {
		t.Error("/fr-fr/p/lamp is not the product with the English slug lamp")
	}
	if body := get(t, h, "/de-de/p/lamp").Body.String(); !strings.Contains(body, `"sku":"LAMP-DE"`) {
		t.Error("/de-de/p/lamp is not the product with the German slug lamp")
	}
	for _, bad := range []string{"/ja-jp/p/nope", "/ja-jp/c/nope"} {
		if res := get(t, h, bad); res.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, res.Code)
		}
	}
}
