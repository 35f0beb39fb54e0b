package inventory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// Reserve holds stock for ref (e.g. "order:123") until expiresAt, all lines or none, in its own transaction:
// see ReserveTx for the rules and errors.
func (s *Service) Reserve(ctx context.Context, ref string, lines []Allocation, expiresAt time.Time) (int64, error) {
	return s.reserve(ctx, s.pool, ref, lines, expiresAt)
}

// ReserveTx holds stock for ref inside the caller's transaction tx (under a savepoint, so a refusal leaves tx
// usable), and returns the reservation's ID. Lines of the same variant and warehouse are added up. Every line
// reserves with a conditional update that never lets available stock go below zero, also under concurrent
// requests, and rows are locked in (variant, warehouse) order so that concurrent multi-line reservations
// cannot deadlock. Only stock in active warehouses can be reserved.
//
// Errors: ErrInvalid for an empty or overlong ref, no lines, a quantity ≤ 0 or an expiry not in the future;
// ErrReservationExists (ErrConflict) when ref was reserved before (whatever became of it);
// ErrInsufficientStock (ErrConflict, message inventory.InsufficientStock with VariantID, Requested and
// Available) when a line's warehouse lacks the stock; ErrUnknownWarehouse (ErrInvalid) for a warehouse ID that
// does not exist. On any error nothing is reserved.
func (s *Service) ReserveTx(ctx context.Context, tx pgx.Tx, ref string, lines []Allocation, expiresAt time.Time) (int64, error) {
	return s.reserve(ctx, tx, ref, lines, expiresAt)
}

func (s *Service) reserve(ctx context.Context, db postgres.Beginner, ref string, lines []Allocation, expiresAt time.Time) (int64, error) {
	ref, err := checkRef(ref)
	if err != nil {
		return 0, err
	}
	lines, err = normalizeLines(lines)
	if err != nil {
		return 0, err
	}
	if !expiresAt.After(time.Now()) {
		return 0, httpx.Invalid("expires_at", "inventory.ExpiryInPast", nil)
	}
	who := actor.Label(ctx)
	var id int64
	err = postgres.Transact(ctx, db, func(tx pgx.Tx) error {
		st := store{db: tx}
		var err error
		if id, err = st.insertReservation(ctx, ref, expiresAt); err != nil {
			return err
		}
		for _, l := range lines {
			ok, err := st.reserveLine(ctx, id, l, who)
			if err != nil {
				return err
			}
			if !ok {
				return s.reserveRefusal(ctx, st, l)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// reserveRefusal explains a refused line: the warehouse's available stock, or none if it is inactive.
func (s *Service) reserveRefusal(ctx context.Context, st store, l Allocation) error {
	w, err := st.warehouse(ctx, l.WarehouseID)
	if errors.Is(err, httpx.ErrNotFound) {
		return fmt.Errorf("inventory: warehouse %d: %w", l.WarehouseID, ErrUnknownWarehouse)
	} else if err != nil {
		return err
	}
	available := 0
	if w.Active {
		onHand, reserved, err := st.stockRow(ctx, l.VariantID, l.WarehouseID)
		if err != nil {
			return err
		}
		available = onHand - reserved
	}
	return insufficient(l.VariantID, l.Quantity, available)
}

func checkRef(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > maxRef {
		return "", httpx.Invalid("ref", "inventory.RefInvalid", map[string]any{"Max": maxRef})
	}
	return ref, nil
}

// normalizeLines validates lines, adds up those of the same stock row and sorts them in lock order.
func normalizeLines(lines []Allocation) ([]Allocation, error) {
	if len(lines) == 0 {
		return nil, httpx.Invalid("lines", "inventory.NothingToReserve", nil)
	}
	type key struct{ variant, warehouse int64 }
	sum := map[key]int{}
	var out []Allocation
	for _, l := range lines {
		if err := checkVariant(l.VariantID); err != nil {
			return nil, err
		}
		if err := checkQuantity("quantity", l.Quantity); err != nil {
			return nil, err
		}
		k := key{l.VariantID, l.WarehouseID}
		if _, seen := sum[k]; !seen {
			out = append(out, Allocation{VariantID: l.VariantID, WarehouseID: l.WarehouseID, WarehouseCountry: l.WarehouseCountry})
		}
		sum[k] += l.Quantity
	}
	for i := range out {
		out[i].Quantity = sum[key{out[i].VariantID, out[i].WarehouseID}]
		if err := checkQuantity("quantity", out[i].Quantity); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b Allocation) int {
		return cmp.Or(cmp.Compare(a.VariantID, b.VariantID), cmp.Compare(a.WarehouseID, b.WarehouseID))
	})
	return out, nil
}

// CommitReservation turns ref's reservation into sales (an order was paid): each line becomes a sold
// movement that takes the units off the shelf and out of the reserved count. It is idempotent: committing a
// committed reservation does nothing. A reservation past its expiry that the expiry job has not yet released
// still holds its stock, so it can be committed. Errors: ErrNotFound for an unknown ref;
// ErrReservationClosed (ErrConflict, message inventory.ReservationClosed) when it was released or expired.
func (s *Service) CommitReservation(ctx context.Context, ref string) error {
	return s.commit(ctx, s.pool, ref)
}

// CommitReservationTx is CommitReservation inside the caller's transaction (under a savepoint), so that
// marking an order paid and selling its stock happen together.
func (s *Service) CommitReservationTx(ctx context.Context, tx pgx.Tx, ref string) error {
	return s.commit(ctx, tx, ref)
}

func (s *Service) commit(ctx context.Context, db postgres.Beginner, ref string) error {
	who := actor.Label(ctx)
	return postgres.Transact(ctx, db, func(tx pgx.Tx) error {
		st := store{db: tx}
		id, status, err := st.lockReservation(ctx, ref)
		if err != nil {
			return err
		}
		switch status {
		case ReservationCommitted:
			return nil
		case ReservationReleased, ReservationExpired:
			return reservationClosed(ref, status)
		}
		return closeReservation(ctx, st, id, ReservationCommitted, who, "")
	})
}

func reservationClosed(ref string, status ReservationStatus) error {
	return &httpx.UserError{Kind: ErrReservationClosed, MessageID: "inventory.ReservationClosed",
		Data: map[string]any{"Ref": ref, "Status": string(status)}}
}

// ReleaseReservation gives ref's reserved stock back (an order was cancelled or its payment failed), with an
// optional reason for the ledger. It is idempotent: releasing a released or expired reservation does nothing.
// Errors: ErrNotFound for an unknown ref; ErrReservationClosed (ErrConflict) when it was committed (sold
// stock comes back through Return); ErrInvalid (field "reason") for an overlong reason.
func (s *Service) ReleaseReservation(ctx context.Context, ref string, reason string) error {
	return s.release(ctx, s.pool, ref, reason)
}

// ReleaseReservationTx is ReleaseReservation inside the caller's transaction (under a savepoint).
func (s *Service) ReleaseReservationTx(ctx context.Context, tx pgx.Tx, ref string, reason string) error {
	return s.release(ctx, tx, ref, reason)
}

func (s *Service) release(ctx context.Context, db postgres.Beginner, ref string, reason string) error {
	reason, err := checkReason("reason", reason, false)
	if err != nil {
		return err
	}
	who := actor.Label(ctx)
	return postgres.Transact(ctx, db, func(tx pgx.Tx) error {
		st := store{db: tx}
		id, status, err := st.lockReservation(ctx, ref)
		if err != nil {
			return err
		}
		switch status {
		case ReservationReleased, ReservationExpired:
			return nil
		case ReservationCommitted:
			return reservationClosed(ref, status)
		}
		return closeReservation(ctx, st, id, ReservationReleased, who, reason)
	})
}

// ReleaseExpired releases every active reservation whose expiry is at or before now, each in its own short
// transaction, and returns how many it released. Reservations are claimed with FOR UPDATE SKIP LOCKED, so
// several instances can run it at once without waiting on or double-releasing each other. The ledger names
// the system as the actor. A background job calls it every minute or so.
func (s *Service) ReleaseExpired(ctx context.Context, now time.Time) (int, error) {
	who := actor.System.Label()
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		claimed := false
		err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
			st := store{db: tx}
			id, ok, err := st.claimExpired(ctx, now)
			if err != nil || !ok {
				return err
			}
			claimed = true
			return closeReservation(ctx, st, id, ReservationExpired, who, "")
		})
		if err != nil {
			return n, err
		}
		if !claimed {
			return n, nil
		}
		n++
	}
}

// closeReservation ends a locked, active reservation: committed sells its lines; released and expired give
// them back. Stock rows are updated in (variant, warehouse) order.
func closeReservation(ctx context.Context, st store, id int64, to ReservationStatus, who, reason string) error {
	lines, err := st.reservationLines(ctx, id)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := st.closeLine(ctx, id, l, to == ReservationCommitted, who, reason); err != nil {
			return err
		}
	}
	return st.setReservationStatus(ctx, id, to)
}
