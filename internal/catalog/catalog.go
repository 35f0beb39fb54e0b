// Package catalog owns what the shop sells: categories (a tree), products with their translations per locale,
// variants with the facts cross-border selling needs (HS code, origin, weight, tax category), images, market
// availability and certifications. It serves the storefront's home, category, search and product pages, the
// sitemap, and the merchant's listings editor with CSV import and export.
//
// Storefront reads come from an in-memory read model of the whole catalog, rebuilt when any instance writes
// (postgres.Changes), so a category or product page costs no catalog query. Search goes to PostgreSQL.
package catalog

import (
	"fmt"
	"regexp"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
)

// Status is a product's place in its life.
type Status string

// Statuses: drafts are invisible to shoppers; active products are sold; archived ones are kept for orders and
// history but no longer shown.
const (
	StatusDraft    Status = "draft"
	StatusActive   Status = "active"
	StatusArchived Status = "archived"
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusActive, StatusArchived}

// TaxCategories are the categories the landed-cost rules map to VAT/GST rates per destination.
var TaxCategories = []string{"standard", "reduced", "super_reduced", "zero"}

// Errors.
var (
	ErrProductNotFound  = fmt.Errorf("catalog: product %w", httpx.ErrNotFound)
	ErrCategoryNotFound = fmt.Errorf("catalog: category %w", httpx.ErrNotFound)
	ErrVariantNotFound  = fmt.Errorf("catalog: variant %w", httpx.ErrNotFound)
)

// Category is a node of the category tree.
type Category struct {
	ID       int64
	ParentID int64 // 0 for a root
	Code     string
	Path     []int64
	Position int
	// Texts by locale code ("de", "zh-Hans").
	Texts map[string]CategoryText
	// Requirements lists certifications required per market code.
	Requirements map[string][]string
}

// CategoryText is a category's name, slug and description in one locale.
type CategoryText struct {
	Name, Slug, Description string
}

// Product is one listing.
type Product struct {
	ID          int64
	CategoryID  int64
	Status      Status
	Brand       string
	Supplier    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
	Texts       map[string]ProductText
	Variants    []Variant
	Images      []Image
	// Markets limits the product to these market codes; empty means every market.
	Markets        []string
	Certifications []string
}

// ProductText is a product's texts in one locale.
type ProductText struct {
	Title, Description, SEOTitle, SEODescription, Slug string
}

// Variant is one sellable item of a product (a size, a colour…), with its own SKU.
type Variant struct {
	ID                 int64
	ProductID          int64
	SKU                string
	Options            map[string]string
	BasePrice          decimal.Decimal // net of tax, base currency
	WeightG            int
	LengthMM           int
	WidthMM            int
	HeightMM           int
	HSCode             string
	OriginCountry      string
	TaxCategory        string
	CustomsDescription string
	Position           int
}

// Image is a product picture in the blob store.
type Image struct {
	ID       int64
	Key      string
	Width    int
	Height   int
	Position int
}

var (
	hsCodePattern  = regexp.MustCompile(`^[0-9]{6,10}$`)
	skuPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	slugPattern    = regexp.MustCompile(`^[^/?#\s]{1,200}$`)
	certPattern    = regexp.MustCompile(`^[A-Z0-9-]{2,16}$`)
	optionKey      = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)
)

// NormalizeHSCode removes the dots and spaces people write in HS codes ("6109.10.00" → "61091000").
func NormalizeHSCode(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && c != ' ' {
			out = append(out, c)
		}
	}
	return string(out)
}

var regexpCategoryCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
