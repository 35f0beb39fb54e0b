package checkout

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/money"
	"storefront/internal/pricing"
)

// Status is where an order is in its life.
type Status string

// Order statuses.
const (
	StatusPendingPayment   Status = "pending_payment"
	StatusPaid             Status = "paid"
	StatusPartiallyShipped Status = "partially_shipped"
	StatusShipped          Status = "shipped"
	StatusDelivered        Status = "delivered"
	StatusCancelled        Status = "cancelled"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusPendingPayment, StatusPaid, StatusPartiallyShipped, StatusShipped, StatusDelivered, StatusCancelled}

// transitions are the only status changes allowed. A paid order can still be cancelled before anything ships
// (its payment is then refunded); nothing leaves delivered or cancelled.
var transitions = map[Status][]Status{
	StatusPendingPayment:   {StatusPaid, StatusCancelled},
	StatusPaid:             {StatusPartiallyShipped, StatusShipped, StatusCancelled},
	StatusPartiallyShipped: {StatusShipped},
	StatusShipped:          {StatusDelivered},
}

// CanTransition reports whether an order may go from one status to another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ErrTransition is returned for a status change the lifecycle does not allow.
func errTransition(from, to Status) error {
	return &httpx.UserError{Kind: httpx.ErrConflict, MessageID: "checkout.BadTransition",
		Data: map[string]any{"From": string(from), "To": string(to)}}
}

// Payment methods.
const (
	MethodCard         = "card"
	MethodBankTransfer = "bank_transfer"
	MethodTest         = "test"
)

// Order is a placed order with its immutable lines.
type Order struct {
	ID             int64
	Number         string
	Status         Status
	UserID         int64
	Email          string
	Phone          string
	Locale         string
	Market         string
	Country        string
	Currency       string
	Address        Address
	Service        string
	Carrier        string
	Incoterm       string
	TaxIncluded    bool
	Goods          money.Amount
	Shipping       money.Amount
	Duty           money.Amount
	Tax            money.Amount
	TaxInPrices    money.Amount
	Fees           money.Amount
	Total          money.Amount
	DueNow         money.Amount
	DueOnDelivery  money.Amount
	DutyUnknown    bool
	Regimes        []string
	Quote          json.RawMessage
	RulesVersion   string
	PaymentMethod  string
	ReservationRef string
	PayBy          time.Time
	CreatedAt      time.Time
	PaidAt         *time.Time
	Lines          []OrderLine
}

// TaxAdjustment is the tax added on top of (or taken off) the shown prices.
func (o Order) TaxAdjustment() money.Amount {
	return money.Amount{Number: o.Tax.Number.Sub(o.TaxInPrices.Number), Currency: o.Currency}
}

// OrderLine is one line of an order as it was sold.
type OrderLine struct {
	LineNo           int
	VariantID        int64
	SKU              string
	Title            string
	Options          map[string]string
	Quantity         int
	UnitShown        decimal.Decimal
	UnitNet          decimal.Decimal
	UnitTaxInPrice   decimal.Decimal
	TaxRate          decimal.Decimal
	Duty             decimal.Decimal
	ImportTax        decimal.Decimal
	FX               pricing.FXQuote
	HSCode           string
	Origin           string
	WeightG          int
	WarehouseID      int64
	WarehouseCountry string
	Supplier         string
}

// LineTotal is what the line shows: unit price times quantity.
func (l OrderLine) LineTotal() decimal.Decimal {
	return l.UnitShown.Mul(decimal.NewFromInt(int64(l.Quantity)))
}

// Payment is a payment attempt for an order.
type Payment struct {
	ID          int64
	OrderID     int64
	Method      string
	Status      string
	Amount      money.Amount
	Captured    money.Amount
	ProviderRef string
	// ChargeRef is the provider's payment (Stripe PaymentIntent) refunds go back to.
	ChargeRef string
	CreatedAt time.Time
}

// Shipment is a parcel of an order from one warehouse.
type Shipment struct {
	ID               int64
	OrderID          int64
	WarehouseID      int64
	WarehouseCountry string
	Status           string
	Carrier          string
	TrackingNumber   string
	CreatedAt        time.Time
	ShippedAt        *time.Time
	DeliveredAt      *time.Time
	Lines            map[int]int // line_no → quantity
	Events           []TrackingEvent
}

// TrackingEvent is a logistics event of a shipment.
type TrackingEvent struct {
	At          time.Time
	Status      string
	Location    string
	Description string
}

// OrderEvent is a recorded status change.
type OrderEvent struct {
	At    time.Time
	From  string
	To    string
	Actor string
	Note  string
}

func orderNumber(seq int64, at time.Time) string {
	return fmt.Sprintf("BG-%d-%06d", at.Year(), seq)
}
