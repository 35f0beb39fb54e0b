package account

import (
	"context"
	"fmt"
	"strings"

	"storefront/internal/platform/httpx"
)

// Address is a saved delivery address. Checkout validates addresses before they are saved.
type Address struct {
	ID         int64
	Name       string
	Line1      string
	Line2      string
	City       string
	Region     string
	PostalCode string
	Country    string
	Phone      string
}

// maxAddresses keeps an address book useful rather than a log of every typo.
const maxAddresses = 20

// Addresses returns a user's saved addresses, most recently used first.
func (s *Service) Addresses(ctx context.Context, userID int64) ([]Address, error) {
	return store{db: s.pool}.addresses(ctx, userID)
}

// SaveAddress remembers an address for the user; saving one already there just marks it used. Errors:
// ErrInvalid when required parts are missing.
func (s *Service) SaveAddress(ctx context.Context, userID int64, a Address) (int64, error) {
	if strings.TrimSpace(a.Name) == "" || strings.TrimSpace(a.Line1) == "" || strings.TrimSpace(a.City) == "" || len(a.Country) != 2 {
		return 0, httpx.Invalid("address", "account.AddressIncomplete", nil)
	}
	st := store{db: s.pool}
	id, err := st.upsertAddress(ctx, userID, a)
	if err != nil {
		return 0, err
	}
	return id, st.pruneAddresses(ctx, userID, maxAddresses)
}

// DeleteAddress removes one of the user's addresses. Errors: ErrNotFound (also for another user's address).
func (s *Service) DeleteAddress(ctx context.Context, userID, id int64) error {
	return store{db: s.pool}.deleteAddress(ctx, userID, id)
}

const addressColumns = `id, name, line1, line2, city, region, postal_code, country, phone`

func (s store) addresses(ctx context.Context, userID int64) ([]Address, error) {
	rows, err := s.db.Query(ctx, `SELECT `+addressColumns+` FROM account_addresses WHERE user_id = $1 ORDER BY used_at DESC, id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Address
	for rows.Next() {
		var a Address
		if err := rows.Scan(&a.ID, &a.Name, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &a.Phone); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s store) upsertAddress(ctx context.Context, userID int64, a Address) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO account_addresses (user_id, name, line1, line2, city, region, postal_code, country, phone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT ON CONSTRAINT account_addresses_unique DO UPDATE SET used_at = now(), phone = $9
		RETURNING id`, userID, a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone).Scan(&id)
	return id, err
}

func (s store) pruneAddresses(ctx context.Context, userID int64, keep int) error {
	_, err := s.db.Exec(ctx, `DELETE FROM account_addresses WHERE user_id = $1 AND id NOT IN (
		SELECT id FROM account_addresses WHERE user_id = $1 ORDER BY used_at DESC, id DESC LIMIT $2)`, userID, keep)
	return err
}

func (s store) deleteAddress(ctx context.Context, userID, id int64) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM account_addresses WHERE id = $1 AND user_id = $2`, id, userID)
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("account: address %d: %w", id, httpx.ErrNotFound)
	}
	return err
}
