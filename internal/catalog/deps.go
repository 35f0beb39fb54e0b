package catalog

import (
	"context"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/money"
)

// MarketInfo is what the catalog needs to know of the shopper's market: its code (for availability and
// certification rules) and how prices are shown.
type MarketInfo struct {
	Code        string
	Country     string
	Currency    string
	TaxIncluded bool
}

// PriceItem is a variant to price for the shopper.
type PriceItem struct {
	VariantID   int64
	SKU         string
	BaseNet     decimal.Decimal
	TaxCategory string
}

// ShelfPrice is a variant's price as the shopper sees it in their market (Amount), and its part net of tax.
type ShelfPrice struct {
	Amount      money.Amount
	Net         money.Amount
	TaxIncluded bool
}

// Storefront is what the catalog's pages need from the modules around it (pricing, inventory); the command
// wires it. Each method works for the request's market, which it reads from ctx.
type Storefront interface {
	Market(ctx context.Context) MarketInfo
	// MarketCode returns the code of the market serving a country (for hreflang and sitemaps of other
	// storefronts than the request's).
	MarketCode(country string) (string, bool)
	// Prices returns one price per item, in order.
	Prices(ctx context.Context, items []PriceItem) ([]ShelfPrice, error)
	// PricesVersion changes whenever prices may have changed (rates, price lists, markets reloaded), so listings
	// priced under another version are priced again.
	PricesVersion() uint64
	// Available returns the units available to sell per variant.
	Available(ctx context.Context, variantIDs []int64) (map[int64]int, error)
}

// Estimate is the product page's estimate of import charges for the shopper's market.
type Estimate struct {
	// Domestic is true when the item ships from a warehouse inside the destination's customs territory.
	Domestic         bool
	WarehouseCountry string
	Duty, Fees       money.Amount
	// Tax is the import VAT/GST on top of the shown price: in tax-inclusive markets the VAT in the price is not
	// counted again, so this is usually zero there.
	Tax money.Amount
	// TaxIncluded repeats whether the shown price already includes VAT/GST.
	TaxIncluded bool
	// Collected is true when the charges are paid at checkout (DDP), false when on delivery (DAP).
	Collected bool
	// DutyUnknown is true when no tariff rate is on file: the page says so instead of promising zero.
	DutyUnknown bool
	// Regime names the treatment applied (IOSS, UK point-of-sale VAT, import…), as a message ID suffix.
	Regime string
}

// Estimator computes the product page's import-charge estimate; optional (nil: no estimate shown).
type Estimator interface {
	Estimate(ctx context.Context, v Variant, price ShelfPrice) (Estimate, error)
}
