package checkout

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// Shipment statuses, in order.
const (
	ShipmentPicking   = "picking"
	ShipmentPacked    = "packed"
	ShipmentShipped   = "shipped"
	ShipmentDelivered = "delivered"
)

// Tracking event codes ops record for a parcel on its way; the shopper reads each in their own language
// (checkout.Shipment.{code}). Delivery itself is recorded by DeliverShipment, which also moves the order on.
const (
	TrackPickedUp          = "picked_up"
	TrackInTransit         = "in_transit"
	TrackCustomsCleared    = "customs_cleared"
	TrackCustomsHeld       = "customs_held"
	TrackOutForDelivery    = "out_for_delivery"
	TrackDeliveryAttempted = "delivery_attempted"
	TrackException         = "exception"
)

// TrackingEvents lists the codes AddTrackingEvent accepts, in the order a parcel usually meets them.
var TrackingEvents = []string{TrackPickedUp, TrackInTransit, TrackCustomsCleared, TrackCustomsHeld, TrackOutForDelivery,
	TrackDeliveryAttempted, TrackException}

// Shipments returns an order's shipments with their lines and tracking events.
func (s *Service) Shipments(ctx context.Context, orderID int64) ([]Shipment, error) {
	return store{db: s.pool}.shipments(ctx, orderID)
}

// StartShipment begins picking a parcel: the order's lines (or parts of them) from one warehouse. Only a paid
// or partially shipped order ships, only from the warehouse each line was reserved in, and never more than was
// ordered. Errors: ErrOrderNotFound; ErrInvalid/ErrConflict user errors.
func (s *Service) StartShipment(ctx context.Context, orderID, warehouseID int64, quantities map[int]int) (int64, error) {
	var id int64
	err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		o, err := st.order(ctx, "id = $1", orderID, true)
		if err != nil {
			return err
		}
		if err := canShip(o); err != nil {
			return err
		}
		shipped, err := st.shippedQuantities(ctx, orderID)
		if err != nil {
			return err
		}
		picked := false
		country := ""
		for _, l := range o.Lines {
			q := quantities[l.LineNo]
			if q == 0 {
				continue
			}
			if l.WarehouseID != warehouseID {
				return httpx.Invalid("lines", "checkout.WrongWarehouse", map[string]any{"SKU": l.SKU})
			}
			if q < 0 || q > l.Quantity-shipped[l.LineNo] {
				return httpx.Invalid("lines", "checkout.TooManyToShip", map[string]any{"SKU": l.SKU, "Max": l.Quantity - shipped[l.LineNo]})
			}
			picked, country = true, l.WarehouseCountry
		}
		for no := range quantities {
			if no < 1 || no > len(o.Lines) {
				return httpx.Invalid("lines", "checkout.UnknownLine", nil)
			}
		}
		if !picked {
			return httpx.Invalid("lines", "checkout.NothingToShip", nil)
		}
		if id, err = st.insertShipment(ctx, orderID, warehouseID, country); err != nil {
			return err
		}
		for no, q := range quantities {
			if q > 0 {
				if err := st.insertShipmentLine(ctx, id, orderID, no, q); err != nil {
					return err
				}
			}
		}
		return st.trackingEvent(ctx, id, ShipmentPicking, country, "", actor.Label(ctx))
	})
	return id, err
}

// canShip refuses parcel work (picking, packing, handing over) for an order that is not paid or is cancelled.
func canShip(o Order) error {
	if o.Status != StatusPaid && o.Status != StatusPartiallyShipped {
		return httpx.Fail(httpx.ErrConflict, "checkout.NotShippable", map[string]any{"Status": string(o.Status)})
	}
	return nil
}

// PackShipment marks a parcel packed. Errors: ErrOrderNotFound; ErrConflict for an order that is not paid or was
// cancelled (checkout.NotShippable) or a parcel not being picked.
func (s *Service) PackShipment(ctx context.Context, orderID, shipmentID int64) error {
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		o, err := st.order(ctx, "id = $1", orderID, true)
		if err != nil {
			return err
		}
		if err := canShip(o); err != nil {
			return err
		}
		sh, err := st.shipment(ctx, orderID, shipmentID, true)
		if err != nil {
			return err
		}
		if sh.Status != ShipmentPicking {
			return httpx.Fail(httpx.ErrConflict, "checkout.ShipmentStep", map[string]any{"Status": sh.Status})
		}
		if err := st.setShipment(ctx, shipmentID, ShipmentPacked, "", ""); err != nil {
			return err
		}
		return st.trackingEvent(ctx, shipmentID, ShipmentPacked, sh.WarehouseCountry, "", actor.Label(ctx))
	})
}

// ShipShipment hands a packed parcel to the carrier with its tracking number; the order becomes partially
// shipped or, when every unit has left, shipped, and the shopper is e-mailed. Errors: field errors;
// ErrOrderNotFound; ErrConflict for an order that is not paid or was cancelled (checkout.NotShippable) or a parcel
// not packed.
func (s *Service) ShipShipment(ctx context.Context, orderID, shipmentID int64, carrier, tracking string) error {
	carrier, tracking = strings.TrimSpace(carrier), strings.TrimSpace(tracking)
	var fe httpx.FieldErrors
	if carrier == "" || len(carrier) > 60 {
		fe.Add("carrier", "checkout.CarrierRequired", nil)
	}
	if len(tracking) < 4 || len(tracking) > 60 {
		fe.Add("tracking", "checkout.TrackingRequired", nil)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		o, err := st.order(ctx, "id = $1", orderID, true)
		if err != nil {
			return err
		}
		if err := canShip(o); err != nil {
			return err
		}
		sh, err := st.shipment(ctx, orderID, shipmentID, true)
		if err != nil {
			return err
		}
		if sh.Status != ShipmentPacked {
			return httpx.Fail(httpx.ErrConflict, "checkout.ShipmentStep", map[string]any{"Status": sh.Status})
		}
		if err := st.setShipment(ctx, shipmentID, ShipmentShipped, carrier, tracking); err != nil {
			return err
		}
		if err := st.trackingEvent(ctx, shipmentID, ShipmentShipped, sh.WarehouseCountry, carrier+" "+tracking, actor.Label(ctx)); err != nil {
			return err
		}
		sh.Carrier, sh.TrackingNumber = carrier, tracking
		complete, err := st.everythingShipped(ctx, orderID)
		if err != nil {
			return err
		}
		next := StatusPartiallyShipped
		if complete {
			next = StatusShipped
		}
		if next != o.Status {
			if err := st.setStatus(ctx, orderID, o.Status, next, actor.Label(ctx), "shipment "+fmt.Sprint(shipmentID)); err != nil {
				return err
			}
		}
		return s.queueShipped(ctx, tx, o, sh)
	})
}

// AddTrackingEvent records a logistics event of a shipped parcel: status is one of TrackingEvents (stored as
// the code, shown to the shopper in their language); location and description are ops' optional note, shown
// as written. Errors: field errors (an unknown code, a note too long); ErrOrderNotFound; ErrConflict for a
// parcel that is not on its way.
func (s *Service) AddTrackingEvent(ctx context.Context, orderID, shipmentID int64, status, location, description string) error {
	status, location, description = strings.TrimSpace(status), strings.TrimSpace(location), strings.TrimSpace(description)
	var fe httpx.FieldErrors
	if !containsString(TrackingEvents, status) {
		fe.Add("status", "checkout.TrackingEventInvalid", nil)
	}
	if utf8.RuneCountInString(location) > 100 {
		fe.Add("location", "checkout.TrackingLocationTooLong", map[string]any{"Max": 100})
	}
	if utf8.RuneCountInString(description) > 300 {
		fe.Add("description", "checkout.TrackingNoteTooLong", map[string]any{"Max": 300})
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		sh, err := st.shipment(ctx, orderID, shipmentID, true)
		if err != nil {
			return err
		}
		if sh.Status != ShipmentShipped {
			return httpx.Fail(httpx.ErrConflict, "checkout.ShipmentStep", map[string]any{"Status": sh.Status})
		}
		return st.trackingEvent(ctx, shipmentID, status, location, description, actor.Label(ctx))
	})
}

// DeliverShipment records a parcel delivered; the order is delivered when all of it has been. Errors:
// ErrOrderNotFound; ErrConflict for an order with nothing on its way (checkout.NotShippable) or a parcel not
// shipped.
func (s *Service) DeliverShipment(ctx context.Context, orderID, shipmentID int64) error {
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		o, err := st.order(ctx, "id = $1", orderID, true)
		if err != nil {
			return err
		}
		if o.Status != StatusPartiallyShipped && o.Status != StatusShipped {
			return httpx.Fail(httpx.ErrConflict, "checkout.NotShippable", map[string]any{"Status": string(o.Status)})
		}
		sh, err := st.shipment(ctx, orderID, shipmentID, true)
		if err != nil {
			return err
		}
		if sh.Status != ShipmentShipped {
			return httpx.Fail(httpx.ErrConflict, "checkout.ShipmentStep", map[string]any{"Status": sh.Status})
		}
		if err := st.setShipment(ctx, shipmentID, ShipmentDelivered, "", ""); err != nil {
			return err
		}
		if err := st.trackingEvent(ctx, shipmentID, ShipmentDelivered, "", "", actor.Label(ctx)); err != nil {
			return err
		}
		if o.Status != StatusShipped {
			return nil
		}
		all, err := st.everythingDelivered(ctx, orderID)
		if err != nil || !all {
			return err
		}
		return st.setStatus(ctx, orderID, StatusShipped, StatusDelivered, actor.Label(ctx), "")
	})
}

// DeliveredAt is when the order's last parcel was delivered (the start of return windows); ok is false before.
func (s *Service) DeliveredAt(ctx context.Context, orderID int64) (at time.Time, ok bool, err error) {
	return store{db: s.pool}.deliveredAt(ctx, orderID)
}
