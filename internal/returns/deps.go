package returns

import (
	"context"
	"time"

	"storefront/internal/checkout"
	"storefront/internal/inventory"
	"storefront/internal/platform/money"
	"storefront/internal/pricing"
)

// Orders is what returns needs of checkout: the orders and their delivery, the signed links that open them,
// refunds of their payments, and sales for return rates. *checkout.Service satisfies it.
type Orders interface {
	Order(ctx context.Context, id int64) (checkout.Order, error)
	OrderByNumber(ctx context.Context, number string) (checkout.Order, error)
	DeliveredAt(ctx context.Context, orderID int64) (at time.Time, ok bool, err error)
	RefundOrder(ctx context.Context, orderID int64, amount money.Amount, reason, key string) (checkout.Refund, error)
	Refundable(ctx context.Context, orderID int64) (money.Amount, error)
	ValidLink(number, key string) bool
	OrderLink(o checkout.Order, prefix string) string
	LinkKey(number string) string
	SalesBySKU(ctx context.Context, since time.Time) ([]checkout.Sales, error)
}

// Stock is what returns needs of inventory: where returned units can go back into stock, and booking them.
// *inventory.Service satisfies it.
type Stock interface {
	Warehouses(ctx context.Context) ([]inventory.Warehouse, error)
	Return(ctx context.Context, variantID, warehouseID int64, qty int, ref string) error
}

// Markets is what returns needs of pricing: a market's return window and customs terms. *pricing.Service
// satisfies it.
type Markets interface {
	Market(code string) (pricing.Market, error)
}

// The modules' services fit these interfaces as they are: cmd passes them in without adapters.
var (
	_ Orders  = (*checkout.Service)(nil)
	_ Stock   = (*inventory.Service)(nil)
	_ Markets = (*pricing.Service)(nil)
)
