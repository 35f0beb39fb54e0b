package account

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/postgres"
)

// store holds the account module's SQL; it owns account_users, account_sessions and account_signin_failures.
type store struct{ db postgres.DBTX }

const userColumns = `id, email, name, role, locale, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.Locale, &u.CreatedAt)
	u.Role = Role(role)
	return u, err
}

const insertUserSQL = `
INSERT INTO account_users (email, name, password_hash, role, locale)
VALUES ($1, $2, $3, $4, $5)
RETURNING ` + userColumns

func (s store) insertUser(ctx context.Context, email, name, hash string, role Role, locale string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, insertUserSQL, email, name, hash, string(role), locale))
	if _, dup := postgres.IsUniqueViolation(err); dup {
		return User{}, fmt.Errorf("account: e-mail %s: %w", email, ErrEmailTaken)
	}
	return u, err
}

const resetUserSQL = `
UPDATE account_users SET password_hash = $2, role = $3, updated_at = now() WHERE email = $1
RETURNING ` + userColumns

func (s store) resetUser(ctx context.Context, email, hash string, role Role) (User, error) {
	return scanUser(s.db.QueryRow(ctx, resetUserSQL, email, hash, string(role)))
}

const userByEmailSQL = `SELECT ` + userColumns + `, password_hash FROM account_users WHERE email = $1`

func (s store) userByEmail(ctx context.Context, email string) (User, string, error) {
	var u User
	var role, hash string
	err := s.db.QueryRow(ctx, userByEmailSQL, email).Scan(&u.ID, &u.Email, &u.Name, &role, &u.Locale, &u.CreatedAt, &hash)
	if postgres.NoRows(err) {
		return User{}, "", fmt.Errorf("account: user %s: %w", email, httpx.ErrNotFound)
	}
	u.Role = Role(role)
	return u, hash, err
}

const userByIDSQL = `SELECT ` + userColumns + ` FROM account_users WHERE id = $1`

func (s store) userByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, userByIDSQL, id))
	if postgres.NoRows(err) {
		return User{}, fmt.Errorf("account: user %d: %w", id, httpx.ErrNotFound)
	}
	return u, err
}

const listUsersSQL = `SELECT ` + userColumns + ` FROM account_users
WHERE ($1 = '' OR email LIKE '%' || $1 || '%' OR name ILIKE '%' || $1 || '%')
ORDER BY id LIMIT $2 OFFSET $3`

func (s store) listUsers(ctx context.Context, query string, limit, offset int) ([]User, error) {
	rows, err := s.db.Query(ctx, listUsersSQL, query, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

const setRoleSQL = `UPDATE account_users SET role = $2, updated_at = now() WHERE id = $1`

func (s store) setRole(ctx context.Context, id int64, role Role) error {
	tag, err := s.db.Exec(ctx, setRoleSQL, id, string(role))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("account: user %d: %w", id, httpx.ErrNotFound)
	}
	return nil
}

const countAdminsSQL = `SELECT count(*) FROM account_users WHERE role = 'admin'`

func (s store) countAdmins(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, countAdminsSQL).Scan(&n)
	return n, err
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

const insertSessionSQL = `
INSERT INTO account_sessions (token_hash, user_id, expires_at, user_agent, ip) VALUES ($1, $2, $3, $4, $5)`

func (s store) insertSession(ctx context.Context, token string, userID int64, expires time.Time, ua, ip string) error {
	_, err := s.db.Exec(ctx, insertSessionSQL, hashToken(token), userID, expires, ua, ip)
	return err
}

// sessionUserSQL returns the session's user and whether the session's last-seen mark is old enough to renew.
const sessionUserSQL = `
SELECT u.id, u.email, u.name, u.role, u.locale, u.created_at, s.last_seen_at < now() - interval '1 hour'
FROM account_sessions s JOIN account_users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now()`

func (s store) sessionUser(ctx context.Context, token string) (User, bool, error) {
	var u User
	var role string
	var stale bool
	err := s.db.QueryRow(ctx, sessionUserSQL, hashToken(token)).Scan(&u.ID, &u.Email, &u.Name, &role, &u.Locale, &u.CreatedAt, &stale)
	if postgres.NoRows(err) {
		return User{}, false, fmt.Errorf("account: session: %w", httpx.ErrUnauthenticated)
	}
	u.Role = Role(role)
	return u, stale, err
}

const touchSessionSQL = `UPDATE account_sessions SET last_seen_at = now(), expires_at = $2 WHERE token_hash = $1`

func (s store) touchSession(ctx context.Context, token string, expires time.Time) error {
	_, err := s.db.Exec(ctx, touchSessionSQL, hashToken(token), expires)
	return err
}

const deleteSessionSQL = `DELETE FROM account_sessions WHERE token_hash = $1`

func (s store) deleteSession(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, deleteSessionSQL, hashToken(token))
	return err
}

const deleteExpiredSessionsSQL = `DELETE FROM account_sessions WHERE expires_at < now()`

func (s store) deleteExpiredSessions(ctx context.Context) (int64, error) {
	tag, err := s.db.Exec(ctx, deleteExpiredSessionsSQL)
	return tag.RowsAffected(), err
}

const recentFailuresSQL = `
SELECT (SELECT count(*) FROM account_signin_failures WHERE email = $1 AND failed_at > now() - $3::interval),
       (SELECT count(*) FROM account_signin_failures WHERE ip = $2 AND failed_at > now() - $3::interval)`

func (s store) recentFailures(ctx context.Context, email, ip string, window time.Duration) (byEmail, byIP int, err error) {
	err = s.db.QueryRow(ctx, recentFailuresSQL, email, ip, window).Scan(&byEmail, &byIP)
	return byEmail, byIP, err
}

const insertFailureSQL = `INSERT INTO account_signin_failures (email, ip) VALUES ($1, $2)`

func (s store) insertFailure(ctx context.Context, email, ip string) error {
	_, err := s.db.Exec(ctx, insertFailureSQL, email, ip)
	return err
}

const clearFailuresSQL = `DELETE FROM account_signin_failures WHERE email = $1 OR failed_at < now() - interval '1 day'`

func (s store) clearFailures(ctx context.Context, email string) error {
	_, err := s.db.Exec(ctx, clearFailuresSQL, email)
	return err
}
