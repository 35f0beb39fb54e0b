// Package checkout turns a cart into a paid, shipped order: address and shipping, the landed-cost breakdown
// (duty, VAT/GST and fees, what is paid now and on delivery), orders with immutable lines, stock reserved
// atomically, payments (Stripe Checkout, bank transfer, a test method in the demo), webhooks, e-mails, and the ops
// staff's fulfilment queue with shipments and tracking.
package checkout

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"storefront/internal/cart"
	"storefront/internal/intl"
	"storefront/internal/inventory"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/mail"
	"storefront/internal/platform/money"
	"storefront/internal/platform/postgres"
)

// How long an unpaid order holds its stock: a card or test payment is made at once; a bank transfer takes days.
// A card order's payment page closes CardSessionGrace before its hold ends (see CardSessionEnd) and stays open at
// least Stripe's minimum of 30 minutes, so the hold is longer than both: nobody can pay on a page whose order was
// already cancelled and its stock released.
const (
	PayWithinCard = 45 * time.Minute
	PayWithinBank = 7 * 24 * time.Hour
)

// Errors.
var (
	ErrOrderNotFound = fmt.Errorf("checkout: order %w", httpx.ErrNotFound)
	ErrCannotBuy     = httpx.Fail(httpx.ErrConflict, "checkout.CartProblems", nil)
	ErrNoAddress     = httpx.Fail(httpx.ErrConflict, "checkout.AddressFirst", nil)
	ErrMethod        = httpx.Invalid("method", "checkout.MethodUnavailable", nil)
	// ErrNotPending is abandoning the payment of an order that no longer awaits one (it was paid meanwhile).
	ErrNotPending = httpx.Fail(httpx.ErrConflict, "checkout.NotPending", nil)
)

// Config is what NewService needs.
type Config struct {
	Pool          *pgxpool.Pool
	Log           *slog.Logger
	Carts         Carts
	Stock         Stock
	Landed        LandedCost
	Messages      *intl.Messages
	Cards         CardPayments // nil: card payments unavailable
	Registrations []string
	// Demo enables the test payment method.
	Demo bool
	// LinkKey signs guests' order links.
	LinkKey []byte
	// BaseURL is the shop's public origin, for links in e-mails and payment redirects.
	BaseURL string
}

// Service is the checkout module's API.
type Service struct {
	pool          *pgxpool.Pool
	log           *slog.Logger
	carts         Carts
	stock         Stock
	landed        LandedCost
	msgs          *intl.Messages
	cards         CardPayments
	registrations []string
	demo          bool
	linkKey       []byte
	baseURL       string
	now           func() time.Time
	rates         rateTables
}

// NewService returns the checkout service.
func NewService(c Config) (*Service, error) {
	if c.Pool == nil || c.Log == nil || c.Carts == nil || c.Stock == nil || c.Landed == nil || c.Messages == nil {
		return nil, errors.New("checkout: NewService needs a pool, a logger, carts, stock, landed cost and messages")
	}
	if len(c.LinkKey) == 0 {
		// Commands that never show order links (seeding, imports) run without the session key; serving requires
		// it (config.CheckServer), so links stay valid across restarts and instances.
		c.LinkKey = make([]byte, 32)
		_, _ = rand.Read(c.LinkKey)
	}
	return &Service{pool: c.Pool, log: c.Log, carts: c.Carts, stock: c.Stock, landed: c.Landed, msgs: c.Messages,
		cards: c.Cards, registrations: c.Registrations, demo: c.Demo, linkKey: c.LinkKey,
		baseURL: strings.TrimSuffix(c.BaseURL, "/"), now: time.Now}, nil
}

// Methods lists the payment methods offered: card when Stripe is configured, bank transfer, and the test method
// in the demo.
func (s *Service) Methods() []string {
	var out []string
	if s.cards != nil {
		out = append(out, MethodCard)
	}
	out = append(out, MethodBankTransfer)
	if s.demo {
		out = append(out, MethodTest)
	}
	return out
}

// Draft is a checkout in progress.
type Draft struct {
	CartID  int64
	Email   string
	Phone   string
	Address Address
	Service string
	Saved   bool
}

// Draft returns the checkout in progress of a cart (empty when none).
func (s *Service) Draft(ctx context.Context, cartID int64) (Draft, error) {
	return store{db: s.pool}.draft(ctx, cartID)
}

// SaveDraft validates and keeps the address, contact and shipping choice. Errors: field errors.
func (s *Service) SaveDraft(ctx context.Context, d Draft, countries []string) error {
	fe := d.Address.Validate(countries)
	if email, ok := mail.NormalizeAddress(d.Email); ok {
		d.Email = email
	} else {
		fe.Add("email", "checkout.EmailInvalid", nil)
	}
	d.Phone = strings.TrimSpace(d.Phone)
	if !validPhone(d.Phone) {
		fe.Add("phone", "checkout.PhoneInvalid", nil)
	}
	if d.Service != ServiceEconomy && d.Service != ServiceExpress {
		fe.Add("service", "checkout.ServiceInvalid", nil)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return store{db: s.pool}.saveDraft(ctx, d)
}

// BasketFor builds the basket of a cart view with the draft's destination and service.
func BasketFor(v cart.View, d Draft, at time.Time) Basket {
	b := Basket{Market: v.Shopper.Market, Country: v.Shopper.Country, Lines: v.Lines, Service: d.Service, Date: at}
	if d.Saved {
		b.Country, b.Region = d.Address.Country, d.Address.Region
	}
	if b.Service == "" {
		b.Service = ServiceEconomy
	}
	return b
}

// PlaceInput is an order being placed.
type PlaceInput struct {
	Ref     cart.Ref
	Shopper cart.Shopper
	UserID  int64
	Method  string
	// Key makes placing idempotent: the review page carries one, so a double click or a retried request finds
	// the order the first one made.
	Key string
}

// Place creates the order from the cart, in one transaction: the lines as they were shown (prices and exchange
// rates locked in), the landed-cost quote, the stock reserved (all or nothing: a unit sold out meanwhile fails
// the order, never oversells), the payment record, and the cart emptied. Errors: ErrCannotBuy, ErrNoAddress,
// ErrMethod, inventory's ErrInsufficientStock (ErrConflict).
func (s *Service) Place(ctx context.Context, in PlaceInput) (Order, error) {
	if in.Key == "" || len(in.Key) > 100 {
		return Order{}, httpx.Fail(httpx.ErrInvalid, "checkout.FormExpired", nil)
	}
	st := store{db: s.pool}
	if o, err := st.order(ctx, "idempotency_key = $1", in.Key, false); err == nil {
		return o, nil
	} else if !errors.Is(err, ErrOrderNotFound) {
		return Order{}, err
	}
	if !containsString(s.Methods(), in.Method) {
		return Order{}, ErrMethod
	}
	v, err := s.carts.View(ctx, in.Ref, in.Shopper)
	if err != nil {
		return Order{}, err
	}
	if !v.CanCheckout {
		return Order{}, ErrCannotBuy
	}
	d, err := st.draft(ctx, v.ID)
	if err != nil {
		return Order{}, err
	}
	if !d.Saved {
		return Order{}, ErrNoAddress
	}
	if _, ok := mail.NormalizeAddress(d.Email); !ok {
		// A draft saved before addresses were checked this strictly: its e-mails could never be sent.
		return Order{}, httpx.Fail(httpx.ErrConflict, "checkout.EmailInvalid", nil)
	}
	now := s.now()
	b, err := s.Breakdown(ctx, BasketFor(v, d, now))
	if err != nil {
		return Order{}, err
	}
	o := Order{UserID: in.UserID, Email: d.Email, Phone: d.Phone, Locale: in.Shopper.Locale, Market: in.Shopper.Market.Code,
		Country: d.Address.Country, Currency: b.Currency, Address: d.Address, Service: b.Rate.Service, Carrier: b.Rate.Carrier,
		Incoterm: b.Incoterm, TaxIncluded: b.TaxIncluded, Goods: b.Items, Shipping: b.Shipping, Duty: b.Duty, Tax: b.Tax,
		TaxInPrices: b.TaxInPrices, Fees: b.Fees, Total: b.Total, DueNow: b.DueNow, DueOnDelivery: b.DueOnDelivery,
		DutyUnknown: b.DutyUnknown, Regimes: b.Regimes, RulesVersion: b.RulesVersion, PaymentMethod: in.Method,
		PayBy: now.Add(PayWithinCard)}
	if in.Method == MethodBankTransfer {
		o.PayBy = now.Add(PayWithinBank)
	}
	type quoteRecord struct {
		ShipFrom string          `json:"ship_from"`
		Request  json.RawMessage `json:"request"`
		Response json.RawMessage `json:"response"`
	}
	var records []quoteRecord
	for _, c := range b.Consignments {
		req, err := json.Marshal(c.Request)
		if err != nil {
			return Order{}, err
		}
		res, err := json.Marshal(c.Quote)
		if err != nil {
			return Order{}, err
		}
		records = append(records, quoteRecord{ShipFrom: c.ShipFrom, Request: req, Response: res})
	}
	if o.Quote, err = json.Marshal(records); err != nil {
		return Order{}, err
	}

	err = postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		seq, err := st.nextOrderNumber(ctx)
		if err != nil {
			return err
		}
		o.Number = orderNumber(seq, now)
		o.ReservationRef = "order:" + o.Number
		if err := st.insertOrder(ctx, &o, in.Key); err != nil {
			if _, dup := postgres.IsUniqueViolation(err); dup {
				return errDuplicatePlace
			}
			return err
		}
		var reserve []inventory.Allocation
		lineNo := 0
		for i, l := range b.Lines {
			vl := v.Lines[i]
			for _, a := range l.Allocations {
				lineNo++
				duty, tax := partCharges(b, i, a.WarehouseID)
				ol := OrderLine{LineNo: lineNo, VariantID: vl.VariantID, SKU: vl.Item.SKU, Title: vl.Item.Title,
					Options: vl.Item.Options, Quantity: a.Quantity, UnitShown: vl.Price.Shown.Number, UnitNet: vl.Price.Net.Number,
					UnitTaxInPrice: decimal.Zero, TaxRate: vl.Price.TaxRate, Duty: duty, ImportTax: tax, FX: vl.Price.FX,
					HSCode: vl.Item.HSCode, Origin: vl.Item.OriginCountry, WeightG: vl.Item.WeightG, WarehouseID: a.WarehouseID,
					WarehouseCountry: a.WarehouseCountry, Supplier: vl.Item.Supplier}
				if b.TaxIncluded {
					ol.UnitTaxInPrice = vl.Price.Shown.Number.Sub(vl.Price.Net.Number)
				}
				if err := st.insertLine(ctx, o.ID, ol); err != nil {
					return err
				}
				o.Lines = append(o.Lines, ol)
				reserve = append(reserve, a)
			}
		}
		if _, err := s.stock.ReserveTx(ctx, tx, o.ReservationRef, reserve, o.PayBy); err != nil {
			return err
		}
		p := Payment{OrderID: o.ID, Method: in.Method, Amount: o.DueNow}
		if in.Method == MethodCard {
			// Card processors cannot charge every amount (Stripe wants three-decimal currencies in tens).
			if p.Amount, err = Chargeable(o.DueNow); err != nil {
				return err
			}
		}
		if err := st.insertPayment(ctx, &p, "order:"+o.Number+":payment:1"); err != nil {
			return err
		}
		if err := st.event(ctx, o.ID, "", string(StatusPendingPayment), actor.Label(ctx), in.Method); err != nil {
			return err
		}
		if err := st.deleteDraft(ctx, v.ID); err != nil {
			return err
		}
		if in.Method == MethodBankTransfer {
			// The shopper needs the bank details, the amount and the reference to pay at all.
			if err := s.queueReceived(ctx, tx, o); err != nil {
				return err
			}
		}
		return s.carts.ClearTx(ctx, tx, v.ID)
	})
	if errors.Is(err, errDuplicatePlace) {
		// A concurrent submission of the same form won: that order is the answer.
		return st.order(ctx, "idempotency_key = $1", in.Key, false)
	}
	if err != nil {
		return Order{}, err
	}
	o.Status = StatusPendingPayment
	return o, nil
}

var errDuplicatePlace = errors.New("checkout: order already placed with this key")

// partCharges is the duty and import tax of basket line i's part shipping from warehouse wid.
func partCharges(b Breakdown, i int, wid int64) (duty, tax decimal.Decimal) {
	id := partID(i, wid)
	for _, c := range b.Consignments {
		for _, ql := range c.Quote.Lines {
			if ql.ID == id {
				return ql.Duty, ql.Tax
			}
		}
	}
	return decimal.Zero, decimal.Zero
}

func partID(line int, warehouse int64) string {
	return strconv.Itoa(line) + "-" + strconv.FormatInt(warehouse, 10)
}

// Order returns an order with its lines. Errors: ErrOrderNotFound.
func (s *Service) Order(ctx context.Context, id int64) (Order, error) {
	return store{db: s.pool}.order(ctx, "id = $1", id, false)
}

// OrderByNumber returns an order by its number. Errors: ErrOrderNotFound.
func (s *Service) OrderByNumber(ctx context.Context, number string) (Order, error) {
	return store{db: s.pool}.order(ctx, "number = $1", number, false)
}

// Orders lists orders matching the filter, newest first.
func (s *Service) Orders(ctx context.Context, f OrderFilter, limit, offset int) ([]Order, error) {
	return store{db: s.pool}.orders(ctx, f, limit, offset)
}

// Events returns an order's status history.
func (s *Service) Events(ctx context.Context, orderID int64) ([]OrderEvent, error) {
	return store{db: s.pool}.events(ctx, orderID)
}

// Payments returns an order's payments.
func (s *Service) Payments(ctx context.Context, orderID int64) ([]Payment, error) {
	return store{db: s.pool}.payments(ctx, orderID)
}

// MarkPaid records that an order's payment succeeded with amount (which must be the payment's amount): the order
// turns paid, its reserved stock is sold, and the confirmation e-mail is queued, all in one transaction. Marking
// an order paid again does nothing (webhooks and clicks repeat). chargeRef is the provider's payment reference
// for refunds ("" for bank transfers). Errors: ErrOrderNotFound; ErrConflict for an order that can no longer be
// paid or a wrong amount.
func (s *Service) MarkPaid(ctx context.Context, orderID, paymentID int64, amount money.Amount, chargeRef, note string) error {
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		return s.markPaidTx(ctx, tx, orderID, paymentID, amount, chargeRef, note)
	})
}

func (s *Service) markPaidTx(ctx context.Context, tx pgx.Tx, orderID, paymentID int64, amount money.Amount, chargeRef, note string) error {
	st := store{db: tx}
	o, err := st.order(ctx, "id = $1", orderID, true)
	if err != nil {
		return err
	}
	if o.Status != StatusPendingPayment {
		if o.PaidAt != nil {
			return nil // already paid: a repeated event or click
		}
		return errTransition(o.Status, StatusPaid)
	}
	payments, err := st.payments(ctx, orderID)
	if err != nil {
		return err
	}
	var p *Payment
	for i := range payments {
		if payments[i].ID == paymentID || (paymentID == 0 && payments[i].Status == "pending") {
			p = &payments[i]
		}
	}
	if p == nil {
		return fmt.Errorf("checkout: payment %d of order %s: %w", paymentID, o.Number, httpx.ErrNotFound)
	}
	if amount.Currency != p.Amount.Currency || !amount.Number.Equal(p.Amount.Number) {
		return httpx.Fail(httpx.ErrConflict, "checkout.AmountMismatch", map[string]any{"Expected": p.Amount.String(), "Got": amount.String()})
	}
	if err := st.settlePayment(ctx, p.ID, "succeeded", amount.Number, chargeRef); err != nil {
		return err
	}
	if err := st.setStatus(ctx, orderID, StatusPendingPayment, StatusPaid, actor.Label(ctx), note); err != nil {
		return err
	}
	if err := s.stock.CommitReservationTx(ctx, tx, o.ReservationRef); err != nil {
		return err
	}
	o.Status = StatusPaid
	return s.queueConfirmation(ctx, tx, o)
}

// CancelUnpaid cancels an order that is still awaiting payment, releasing its reservation: the shopper abandoning
// the payment, the payment page expiring. Cancelling it again does nothing. Errors: ErrOrderNotFound;
// ErrNotPending (ErrConflict) for an order that was paid meanwhile.
func (s *Service) CancelUnpaid(ctx context.Context, orderID int64, note string) error {
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		o, err := store{db: tx}.order(ctx, "id = $1", orderID, true)
		if err != nil {
			return err
		}
		return s.cancelUnpaidTx(ctx, tx, o, note)
	})
}

// cancelUnpaidTx cancels o, locked by the caller in tx, if it awaits payment: its stock is released and its
// pending payment closed.
func (s *Service) cancelUnpaidTx(ctx context.Context, tx pgx.Tx, o Order, note string) error {
	if o.Status == StatusCancelled {
		return nil
	}
	if o.Status != StatusPendingPayment {
		return ErrNotPending
	}
	st := store{db: tx}
	if err := s.stock.ReleaseReservationTx(ctx, tx, o.ReservationRef, "order cancelled: "+note); err != nil {
		return err
	}
	payments, err := st.payments(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, p := range payments {
		if p.Status == "pending" {
			if err := st.settlePayment(ctx, p.ID, "cancelled", decimal.Zero, ""); err != nil {
				return err
			}
		}
	}
	return st.setStatus(ctx, o.ID, StatusPendingPayment, StatusCancelled, actor.Label(ctx), note)
}

// ExpireUnpaid cancels orders whose payment deadline passed, releasing their stock; several instances may run it
// at once. It returns how many it cancelled.
func (s *Service) ExpireUnpaid(ctx context.Context, now time.Time) (int, error) {
	n := 0
	for {
		var cancelled bool
		err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
			ids, err := store{db: tx}.dueUnpaid(ctx, now, 1)
			if err != nil || len(ids) == 0 {
				return err
			}
			cancelled = true
			o, err := store{db: tx}.order(ctx, "id = $1", ids[0], true)
			if err != nil {
				return err
			}
			return s.cancelUnpaidTx(ctx, tx, o, "payment deadline passed")
		})
		if err != nil || !cancelled {
			return n, err
		}
		n++
	}
}

// OrderLink is the signed link a guest follows to see an order (from the confirmation page and e-mail).
func (s *Service) OrderLink(o Order, prefix string) string {
	return prefix + "/orders/" + o.Number + "?key=" + s.LinkKey(o.Number)
}

// LinkKey is the signed key that opens the order with this number (and what belongs to it, such as its returns)
// to whoever holds it: the ?key= of the links the shop sends.
func (s *Service) LinkKey(number string) string {
	h := hmac.New(sha256.New, s.linkKey)
	h.Write([]byte("order:" + number))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18])
}

// ValidLink reports whether key opens the order: the HMAC under the shop's key, compared in constant time.
func (s *Service) ValidLink(number, key string) bool {
	return hmac.Equal([]byte(s.LinkKey(number)), []byte(key))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Sales is how many units of a SKU sold (in orders paid and not cancelled), with the facts quality reports group
// by.
type Sales struct {
	SKU      string
	Title    string
	Supplier string
	Origin   string
	Units    int
}

// SalesBySKU sums the units sold per SKU since a date, for return-rate reports.
func (s *Service) SalesBySKU(ctx context.Context, since time.Time) ([]Sales, error) {
	return store{db: s.pool}.salesBySKU(ctx, since)
}
