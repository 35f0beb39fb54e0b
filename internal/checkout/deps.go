package checkout

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"storefront/internal/account"
	"storefront/internal/cart"
	"storefront/internal/inventory"
	"storefront/internal/landedcost/engine"
)

// Carts is what checkout needs of the cart module.
type Carts interface {
	View(ctx context.Context, ref cart.Ref, sh cart.Shopper) (cart.View, error)
	ClearTx(ctx context.Context, tx pgx.Tx, cartID int64) error
}

// Allocator says where a basket's items ship from: the warehouses, and the ones chosen for the items (those in
// preferredCountries first). Checkout allocates from live stock; the product page's estimate from the stock it
// shows.
type Allocator interface {
	Warehouses(ctx context.Context) ([]inventory.Warehouse, error)
	Allocate(ctx context.Context, items []inventory.Item, preferredCountries []string) ([]inventory.Allocation, error)
}

// Stock is what checkout needs of inventory: where items ship from, and holding them for an order.
type Stock interface {
	Allocator
	// WarehousesToShow lists the warehouses as read at most a moment ago (they change rarely).
	WarehousesToShow(ctx context.Context) ([]inventory.Warehouse, error)
	ReserveTx(ctx context.Context, tx pgx.Tx, ref string, lines []inventory.Allocation, expiresAt time.Time) (int64, error)
	CommitReservationTx(ctx context.Context, tx pgx.Tx, ref string) error
	ReleaseReservationTx(ctx context.Context, tx pgx.Tx, ref, reason string) error
	ReturnTx(ctx context.Context, tx pgx.Tx, variantID, warehouseID int64, qty int, ref string) error
}

// AddressBook is the signed-in shopper's saved addresses (the account module).
type AddressBook interface {
	Addresses(ctx context.Context, userID int64) ([]account.Address, error)
	SaveAddress(ctx context.Context, userID int64, a account.Address) (int64, error)
}

// LandedCost is what checkout needs of the landed-cost module.
type LandedCost interface {
	Quote(ctx context.Context, req engine.Request) (engine.Quote, error)
	DutyRate(ctx context.Context, destination, hsCode, origin, preference string, on time.Time) (decimal.Decimal, bool, error)
	TerritoryMembers(ctx context.Context, country string, candidates []string) ([]string, error)
	TaxRate(country, region, category string, on time.Time) (decimal.Decimal, error)
}
