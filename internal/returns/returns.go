// Package returns is after-sales: a shopper asks to return units of a delivered order within the market's
// return window (never shorter than the statutory withdrawal period), with a reason, a comment and photos; ops
// approve or reject it with return instructions and an RMA number, receive the parcel, inspect each unit
// (restock it into a warehouse or write it off) and refund it. Refunds are computed per unit from the order's
// locked prices, duty and tax, in the order's currency, exact to the minor unit, and sent once however often
// the button is pressed. Every step is in an audit trail, and a report shows which products come back and why.
package returns

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"storefront/internal/platform/httpx"
)

// Status is where a return is in its life.
type Status string

// Return statuses.
const (
	StatusRequested Status = "requested"
	StatusApproved  Status = "approved"
	StatusRejected  Status = "rejected"
	StatusReceived  Status = "received"
	StatusInspected Status = "inspected"
	StatusRefunded  Status = "refunded"
	StatusClosed    Status = "closed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusRequested, StatusApproved, StatusRejected, StatusReceived, StatusInspected, StatusRefunded, StatusClosed}

// transitions are the only status changes allowed. An approved return whose parcel never comes, or an inspected
// one that is not refunded, can be closed; rejected and closed are final.
var transitions = map[Status][]Status{
	StatusRequested: {StatusApproved, StatusRejected},
	StatusApproved:  {StatusReceived, StatusClosed},
	StatusReceived:  {StatusInspected},
	StatusInspected: {StatusRefunded, StatusClosed},
	StatusRefunded:  {StatusClosed},
}

// CanTransition reports whether a return may go from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(transitions[from], to) }

// errTransition carries the statuses as Status values: pages name them in the reader's language.
func errTransition(from, to Status) error {
	return httpx.Fail(httpx.ErrConflict, "returns.BadTransition", map[string]any{"From": from, "To": to})
}

// open reports whether the return is still being handled.
func (s Status) open() bool {
	switch s {
	case StatusRequested, StatusApproved, StatusReceived, StatusInspected:
		return true
	}
	return false
}

// Reason is why the shopper sends units back.
type Reason string

// Return reasons.
const (
	ReasonDefective      Reason = "defective"
	ReasonWrongItem      Reason = "wrong_item"
	ReasonDamaged        Reason = "damaged"
	ReasonNotAsDescribed Reason = "not_as_described"
	ReasonChangedMind    Reason = "changed_mind"
)

// Reasons lists every reason in the order the form offers them.
var Reasons = []Reason{ReasonDefective, ReasonWrongItem, ReasonDamaged, ReasonNotAsDescribed, ReasonChangedMind}

func (r Reason) valid() bool { return slices.Contains(Reasons, r) }

// feeApplies reports whether a restocking fee may be charged for the reason: only when the shopper changed their
// mind, never when the shop is at fault (defective, wrong, damaged, not as described).
func (r Reason) feeApplies() bool { return r == ReasonChangedMind }

// Return is a return request with its lines.
type Return struct {
	ID               int64
	Number           string // the RMA number, "RMA-2026-001001"
	OrderID          int64
	OrderNumber      string
	Market           string
	Currency         string
	Locale           string
	Status           Status
	Reason           Reason
	Comment          string
	MessageToShopper string
	Instructions     string
	UserID           int64
	Email            string
	DeliveredAt      time.Time
	ReceivedAt       *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Lines            []Line
}

// Units is the number of units the return covers.
func (r Return) Units() int {
	n := 0
	for _, l := range r.Lines {
		n += l.Quantity
	}
	return n
}

// Line is the units of one order line in a return, and what inspection decided for them.
type Line struct {
	OrderLineNo int
	VariantID   int64
	SKU         string
	Title       string
	Supplier    string
	Origin      string
	Quantity    int
	Restock     int
	WriteOff    int
	WarehouseID int64 // where restocked units went; 0 when none
	Booked      bool  // the restock movement is booked (or being booked)
}

// Inspected reports whether the line's units have been inspected.
func (l Line) Inspected() bool { return l.Restock+l.WriteOff == l.Quantity }

// Photo is a picture the shopper attached.
type Photo struct {
	ID          int64
	ReturnID    int64
	Key         string
	ContentType string
	Size        int
	CreatedAt   time.Time
}

// Event is one step of a return's audit trail.
type Event struct {
	At     time.Time
	Actor  string
	Action string
	From   Status
	To     Status
	Note   string
}

// Policy is a market's return policy.
type Policy struct {
	Market string
	// RestockingFeeRate is charged on the goods refunded (0.10 = 10%), only for reasons where a fee applies.
	RestockingFeeRate decimal.Decimal
	// RefundShippingOnFullReturn refunds the order's original shipping when the whole order comes back under
	// the right of withdrawal.
	RefundShippingOnFullReturn bool
	// WithdrawalDays is the statutory withdrawal period; the return window is never shorter.
	WithdrawalDays int
}

// WindowDays is the return window of a market whose own return policy grants returnDays.
func (p Policy) WindowDays(returnDays int) int { return max(returnDays, p.WithdrawalDays) }
