package returns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/checkout"
	"storefront/internal/intl"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/blob"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// Limits of what a shopper and ops write.
const (
	MaxComment      = 2000
	MaxMessage      = 2000
	MaxInstructions = 4000
)

// Errors the shopper sees when a return cannot be requested.
var (
	ErrNotDelivered = httpx.Fail(httpx.ErrConflict, "returns.NotDelivered", nil)
)

// Config is what NewService needs.
type Config struct {
	Pool    *pgxpool.Pool
	Log     *slog.Logger
	Orders  Orders
	Stock   Stock
	Markets Markets
	// Blobs keeps the shoppers' photos (shown to staff only).
	Blobs blob.Store
	// ReturnAddress is where returned parcels go: the return instructions ops send on approval start from it,
	// in the shopper's language (they can edit them per return).
	ReturnAddress string
	// Messages translate those instructions.
	Messages *intl.Messages
}

// Service is the returns module's API.
type Service struct {
	pool    *pgxpool.Pool
	log     *slog.Logger
	orders  Orders
	stock   Stock
	markets Markets
	blobs   blob.Store
	address string
	msgs    *intl.Messages
	now     func() time.Time
}

// NewService returns the returns service.
func NewService(c Config) (*Service, error) {
	if c.Pool == nil || c.Log == nil || c.Orders == nil || c.Stock == nil || c.Markets == nil || c.Blobs == nil || c.Messages == nil {
		return nil, errors.New("returns: NewService needs a pool, a logger, orders, stock, markets, a blob store and messages")
	}
	return &Service{pool: c.Pool, log: c.Log, orders: c.Orders, stock: c.Stock, markets: c.Markets, blobs: c.Blobs,
		address: c.ReturnAddress, msgs: c.Messages, now: time.Now}, nil
}

// DefaultInstructions are the return instructions ops start from when approving a return: the return address
// and how to pack and label the parcel, in the shopper's language.
func (s *Service) DefaultInstructions(r Return) string {
	loc := s.msgs.Default()
	if lang, ok := s.msgs.ByCode(r.Locale); ok {
		loc = s.msgs.Locale(lang, "")
	}
	return loc.T("returns.DefaultInstructions", "Address", s.address, "Number", r.Number)
}

// Policy returns a market's return policy.
func (s *Service) Policy(ctx context.Context, market string) (Policy, error) {
	return store{db: s.pool}.policy(ctx, market)
}

// Eligibility is whether, until when and how many units of an order can still be returned.
type Eligibility struct {
	Delivered   bool
	DeliveredAt time.Time
	WindowDays  int
	Deadline    time.Time
	// Open is true while the window runs.
	Open   bool
	Policy Policy
	// Returnable is, per order line number, the units not yet in a return.
	Returnable map[int]int
}

// Err is why no return can be requested now, or nil.
func (e Eligibility) Err() error {
	if !e.Delivered {
		return ErrNotDelivered
	}
	if !e.Open {
		return httpx.Fail(httpx.ErrConflict, "returns.WindowClosed", map[string]any{"Date": e.Deadline, "Days": e.WindowDays})
	}
	for _, n := range e.Returnable {
		if n > 0 {
			return nil
		}
	}
	return httpx.Fail(httpx.ErrConflict, "returns.NothingLeft", nil)
}

// Eligibility tells whether units of an order can be returned: the order must be delivered, and the market's
// return window (never shorter than the statutory withdrawal period) counts from delivery.
func (s *Service) Eligibility(ctx context.Context, o checkout.Order) (Eligibility, error) {
	st := store{db: s.pool}
	e := Eligibility{Returnable: map[int]int{}}
	m, err := s.markets.Market(o.Market)
	if err != nil {
		return e, err
	}
	if e.Policy, err = st.policy(ctx, o.Market); err != nil {
		return e, err
	}
	e.WindowDays = e.Policy.WindowDays(m.ReturnDays)
	at, ok, err := s.orders.DeliveredAt(ctx, o.ID)
	if err != nil {
		return e, err
	}
	e.Delivered = ok && o.Status == checkout.StatusDelivered
	if e.Delivered {
		e.DeliveredAt = at
		e.Deadline = at.AddDate(0, 0, e.WindowDays)
		e.Open = !s.now().After(e.Deadline)
	}
	taken, err := st.takenUnits(ctx, o.ID)
	if err != nil {
		return e, err
	}
	for _, l := range o.Lines {
		e.Returnable[l.LineNo] = max(l.Quantity-taken[l.LineNo], 0)
	}
	return e, nil
}

// RequestInput is a shopper's return request.
type RequestInput struct {
	// Quantities are the units to return per order line number.
	Quantities map[int]int
	Reason     Reason
	Comment    string
	// Photos are up to MaxPhotos pictures (JPEG, PNG or WebP, at most MaxPhotoBytes each).
	Photos []io.Reader
	// Locale is the shopper's language code, for what the shop tells them later.
	Locale string
}

// QuantityField is the form field of an order line's quantity.
func QuantityField(lineNo int) string { return "qty_" + strconv.Itoa(lineNo) }

// Request records a return of units of a delivered order, within its window, and stores the photos. Nothing is
// recorded unless everything is valid. Errors: checkout's ErrOrderNotFound; ErrNotDelivered and
// returns.WindowClosed / returns.NothingLeft (ErrConflict); field errors (ErrInvalid) for quantities (none, more
// than bought or than are not already in a return), the reason, the comment and the photos.
func (s *Service) Request(ctx context.Context, orderID int64, in RequestInput) (Return, error) {
	o, err := s.orders.Order(ctx, orderID)
	if err != nil {
		return Return{}, err
	}
	e, err := s.Eligibility(ctx, o)
	if err != nil {
		return Return{}, err
	}
	if err := e.Err(); err != nil {
		return Return{}, err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	var fe httpx.FieldErrors
	if !in.Reason.valid() {
		fe.Add("reason", "returns.ReasonRequired", nil)
	}
	if utf8.RuneCountInString(in.Comment) > MaxComment {
		fe.Add("comment", "returns.CommentTooLong", map[string]any{"Max": MaxComment})
	}
	byNo := map[int]checkout.OrderLine{}
	for _, l := range o.Lines {
		byNo[l.LineNo] = l
	}
	units := 0
	for no, q := range in.Quantities {
		l, ok := byNo[no]
		switch {
		case !ok:
			fe.Add("lines", "returns.UnknownLine", nil)
		case q < 0:
			fe.Add(QuantityField(no), "returns.QuantityInvalid", nil)
		case q > l.Quantity:
			fe.Add(QuantityField(no), "returns.MoreThanBought", map[string]any{"Max": l.Quantity})
		case q > e.Returnable[no]:
			fe.Add(QuantityField(no), "returns.AlreadyReturned", map[string]any{"Max": e.Returnable[no]})
		default:
			units += q
		}
	}
	if units == 0 && len(fe) == 0 {
		fe.Add("lines", "returns.NothingSelected", nil)
	}
	photos, err := processPhotos(in.Photos)
	if fpe, ok := httpx.AsFieldErrors(err); ok {
		fe = append(fe, fpe...)
	} else if err != nil {
		return Return{}, err
	}
	if err := fe.Err(); err != nil {
		return Return{}, err
	}

	now := s.now()
	r := Return{OrderID: o.ID, OrderNumber: o.Number, Market: o.Market, Currency: o.Currency, Locale: in.Locale,
		Status: StatusRequested, Reason: in.Reason, Comment: in.Comment, UserID: o.UserID, Email: o.Email, DeliveredAt: e.DeliveredAt,
		CreatedAt: now}
	if r.Locale == "" {
		r.Locale = o.Locale
	}
	for _, l := range o.Lines {
		if q := in.Quantities[l.LineNo]; q > 0 {
			r.Lines = append(r.Lines, Line{OrderLineNo: l.LineNo, VariantID: l.VariantID, SKU: l.SKU, Title: l.Title,
				Supplier: l.Supplier, Origin: l.Origin, Quantity: q})
		}
	}
	// The files go to the blob store before the transaction, so it does not hold the order's lock while they are
	// written; a request that is refused or fails deletes them.
	var stored []string
	deleteStored := func() {
		for _, key := range stored {
			if derr := s.blobs.Delete(context.WithoutCancel(ctx), key); derr != nil {
				s.log.WarnContext(ctx, "return photo of a refused request not deleted", "key", key, "err", derr)
			}
		}
	}
	for _, p := range photos {
		if err := s.blobs.Put(ctx, p.key, bytes.NewReader(p.data)); err != nil {
			deleteStored()
			return Return{}, fmt.Errorf("returns: store photo: %w", err)
		}
		stored = append(stored, p.key)
	}
	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		if err := st.lockOrder(ctx, o.ID); err != nil {
			return err
		}
		// Counted again under the order's lock: a request made meanwhile may have taken the units.
		taken, err := st.takenUnits(ctx, o.ID)
		if err != nil {
			return err
		}
		var fe httpx.FieldErrors
		for _, l := range r.Lines {
			if left := byNo[l.OrderLineNo].Quantity - taken[l.OrderLineNo]; l.Quantity > left {
				fe.Add(QuantityField(l.OrderLineNo), "returns.AlreadyReturned", map[string]any{"Max": max(left, 0)})
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		seq, err := st.nextNumber(ctx)
		if err != nil {
			return err
		}
		r.Number = fmt.Sprintf("RMA-%d-%06d", now.Year(), seq)
		if err := st.insertReturn(ctx, &r); err != nil {
			return err
		}
		for _, l := range r.Lines {
			if err := st.insertLine(ctx, r.ID, l); err != nil {
				return err
			}
		}
		for _, p := range photos {
			if err := st.insertPhoto(ctx, &Photo{ReturnID: r.ID, Key: p.key, ContentType: p.contentType, Size: len(p.data)}); err != nil {
				return err
			}
		}
		who := o.Email // a guest, known by the order's e-mail address
		if a, ok := actor.From(ctx); ok {
			who = a.Label()
		}
		return st.event(ctx, r.ID, who, "requested", "", StatusRequested, string(r.Reason))
	})
	if err != nil {
		deleteStored()
		return Return{}, err
	}
	return r, nil
}

// Return returns a return with its lines. Errors: ErrReturnNotFound.
func (s *Service) Return(ctx context.Context, id int64) (Return, error) {
	return store{db: s.pool}.get(ctx, "id = $1", id, false)
}

// ReturnByNumber returns a return by its RMA number. Errors: ErrReturnNotFound.
func (s *Service) ReturnByNumber(ctx context.Context, number string) (Return, error) {
	return store{db: s.pool}.get(ctx, "number = $1", number, false)
}

// ReturnsOf lists an order's returns, newest first.
func (s *Service) ReturnsOf(ctx context.Context, orderID int64) ([]Return, error) {
	return store{db: s.pool}.list(ctx, Filter{}, orderID, 100, 0)
}

// List lists returns matching the filter, newest first.
func (s *Service) List(ctx context.Context, f Filter, limit, offset int) ([]Return, error) {
	return store{db: s.pool}.list(ctx, f, 0, limit, offset)
}

// Events returns a return's audit trail, oldest first.
func (s *Service) Events(ctx context.Context, id int64) ([]Event, error) {
	return store{db: s.pool}.events(ctx, id)
}

// transition locks a return, checks it may go to the status, applies change (may be nil) and moves it, with an
// audit entry; all in one transaction.
func (s *Service) transition(ctx context.Context, id int64, to Status, action, note string, change func(st store, r Return) error) error {
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		r, err := st.get(ctx, "id = $1", id, true)
		if err != nil {
			return err
		}
		if !CanTransition(r.Status, to) {
			return errTransition(r.Status, to)
		}
		if change != nil {
			if err := change(st, r); err != nil {
				return err
			}
		}
		return st.setStatus(ctx, id, r.Status, to, actor.Label(ctx), action, note)
	})
}

// Approve accepts a requested return and sends the shopper the return instructions (where and how to send the
// parcel, with the RMA number) and an optional message. Errors: ErrReturnNotFound; field errors; a conflict for
// a return that is not requested.
func (s *Service) Approve(ctx context.Context, id int64, instructions, message string) error {
	instructions, message = strings.TrimSpace(instructions), strings.TrimSpace(message)
	var fe httpx.FieldErrors
	if instructions == "" || utf8.RuneCountInString(instructions) > MaxInstructions {
		fe.Add("instructions", "returns.InstructionsRequired", map[string]any{"Max": MaxInstructions})
	}
	if utf8.RuneCountInString(message) > MaxMessage {
		fe.Add("message", "returns.MessageTooLong", map[string]any{"Max": MaxMessage})
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.transition(ctx, id, StatusApproved, "approved", message, func(st store, r Return) error {
		return st.setMessages(ctx, id, message, instructions)
	})
}

// Reject refuses a requested return with a message to the shopper (required); its units may be asked back again.
// Errors: ErrReturnNotFound; field errors; a conflict for a return that is not requested.
func (s *Service) Reject(ctx context.Context, id int64, message string) error {
	message = strings.TrimSpace(message)
	if message == "" || utf8.RuneCountInString(message) > MaxMessage {
		return httpx.Invalid("message", "returns.MessageRequired", map[string]any{"Max": MaxMessage})
	}
	return s.transition(ctx, id, StatusRejected, "rejected", message, func(st store, r Return) error {
		return st.setMessages(ctx, id, message, r.Instructions)
	})
}

// Receive records that an approved return's parcel arrived. Errors: ErrReturnNotFound; a conflict for a return
// that is not approved.
func (s *Service) Receive(ctx context.Context, id int64) error {
	return s.transition(ctx, id, StatusReceived, "received", "", nil)
}

// Inspection is the decision for one line's units: how many go back into stock (into WarehouseID) and how many
// are written off.
type Inspection struct {
	OrderLineNo int
	Restock     int
	WriteOff    int
	WarehouseID int64
}

// RestockField and WriteOffField are the inspection form's fields of a line; WarehouseField its warehouse.
func RestockField(lineNo int) string   { return "restock_" + strconv.Itoa(lineNo) }
func WriteOffField(lineNo int) string  { return "writeoff_" + strconv.Itoa(lineNo) }
func WarehouseField(lineNo int) string { return "warehouse_" + strconv.Itoa(lineNo) }

// Inspect records the inspection of a received return, every unit restocked or written off, then books the
// restocked units back into stock (an inventory "returned" movement per line). Errors: ErrReturnNotFound; field
// errors; a conflict for a return that is not received; an inventory error when booking fails (the inspection
// stays recorded: RetryRestock books what is left).
func (s *Service) Inspect(ctx context.Context, id int64, decisions []Inspection) error {
	warehouses, err := s.stock.Warehouses(ctx)
	if err != nil {
		return err
	}
	active := map[int64]bool{}
	for _, w := range warehouses {
		active[w.ID] = w.Active
	}
	byLine := map[int]Inspection{}
	for _, d := range decisions {
		byLine[d.OrderLineNo] = d
	}
	// The outcome per line is on the lines (the detail page shows it): the trail records who inspected, and when.
	err = s.transition(ctx, id, StatusInspected, "inspected", "", func(st store, r Return) error {
		var fe httpx.FieldErrors
		for _, l := range r.Lines {
			d, ok := byLine[l.OrderLineNo]
			switch {
			case !ok || d.Restock < 0 || d.WriteOff < 0 || d.Restock+d.WriteOff != l.Quantity:
				fe.Add(RestockField(l.OrderLineNo), "returns.InspectAll", map[string]any{"SKU": l.SKU, "Units": l.Quantity})
			case d.Restock > 0 && !active[d.WarehouseID]:
				fe.Add(WarehouseField(l.OrderLineNo), "returns.WarehouseRequired", nil)
			}
		}
		if len(byLine) != len(r.Lines) && len(fe) == 0 {
			fe.Add("lines", "returns.UnknownLine", nil)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		for _, l := range r.Lines {
			d := byLine[l.OrderLineNo]
			wid := d.WarehouseID
			if d.Restock == 0 {
				wid = 0
			}
			if err := st.setInspection(ctx, id, l.OrderLineNo, d.Restock, d.WriteOff, wid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.RetryRestock(ctx, id)
}

// RetryRestock books the restocked units of an inspected return that are not booked yet. Each line is claimed
// before its movement is booked, so it is booked at most once even when two requests run at once. Errors:
// ErrReturnNotFound; a conflict before inspection; inventory's errors.
func (s *Service) RetryRestock(ctx context.Context, id int64) error {
	r, err := s.Return(ctx, id)
	if err != nil {
		return err
	}
	if r.Status != StatusInspected && r.Status != StatusRefunded && r.Status != StatusClosed {
		return httpx.Fail(httpx.ErrConflict, "returns.NotInspected", nil)
	}
	st := store{db: s.pool}
	for _, l := range r.Lines {
		if l.Restock == 0 || l.Booked {
			continue
		}
		claimed, err := st.claimRestock(ctx, id, l.OrderLineNo)
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		ref := fmt.Sprintf("rma:%s:%d", r.Number, l.OrderLineNo)
		if err := s.stock.Return(ctx, l.VariantID, l.WarehouseID, l.Restock, ref); err != nil {
			if uerr := st.unclaimRestock(context.WithoutCancel(ctx), id, l.OrderLineNo); uerr != nil {
				s.log.ErrorContext(ctx, "restock claim not released", "return", r.Number, "err", uerr)
			}
			s.log.ErrorContext(ctx, "returned units not booked into stock", "return", r.Number, "line", l.OrderLineNo, "err", err)
			return httpx.Fail(httpx.ErrConflict, "returns.RestockFailed", map[string]any{"SKU": l.SKU})
		}
		if err := st.event(ctx, id, actor.Label(ctx), "restocked", "", "", fmt.Sprintf("%s × %d → #%d", l.SKU, l.Restock, l.WarehouseID)); err != nil {
			return err
		}
	}
	return nil
}

// Close ends a return: an approved one whose parcel never came, an inspected one that is not refunded, or a
// refunded one. message (optional) is shown to the shopper. Errors: ErrReturnNotFound; field errors; a conflict
// for other statuses, or while a refund is being sent.
func (s *Service) Close(ctx context.Context, id int64, message string) error {
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > MaxMessage {
		return httpx.Invalid("message", "returns.MessageTooLong", map[string]any{"Max": MaxMessage})
	}
	return s.transition(ctx, id, StatusClosed, "closed", message, func(st store, r Return) error {
		if r.Status == StatusInspected {
			// A refund sent (or on its way) must finish first; closing would hide it.
			if f, err := st.refund(ctx, id); err == nil && f.Status != "failed" {
				return ErrRefundInProgress
			} else if err != nil && !errors.Is(err, httpx.ErrNotFound) {
				return err
			}
		}
		if message == "" {
			return nil
		}
		return st.setMessages(ctx, id, message, r.Instructions)
	})
}
