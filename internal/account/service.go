// Package account owns the shop's users, their roles and server-side sessions: sign-up, sign-in with
// throttling, sign-out, and the admin's user management.
package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/mail"
	"storefront/internal/platform/postgres"
)

// Role is what a user may do. Every user has exactly one.
type Role string

// The roles. Shoppers buy; merchants manage listings; ops fulfil orders and handle returns; admins do all of it
// and manage users.
const (
	RoleShopper  Role = "shopper"
	RoleMerchant Role = "merchant"
	RoleOps      Role = "ops"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, least privileged first.
var Roles = []Role{RoleShopper, RoleMerchant, RoleOps, RoleAdmin}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", httpx.Invalid("role", "account.RoleUnknown", map[string]any{"Role": s})
}

// User is a person with an account.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	Locale    string
	CreatedAt time.Time
}

// Staff reports whether the user may enter the back office at all.
func (u User) Staff() bool { return u.Role != RoleShopper && u.Role != "" }

// Sentinel errors; each wraps a kind from httpx.
var (
	ErrEmailTaken     = httpx.Fail(httpx.ErrConflict, "account.EmailTaken", nil)
	ErrBadCredentials = httpx.Fail(httpx.ErrUnauthenticated, "account.BadCredentials", nil)
	ErrLastAdmin      = httpx.Fail(httpx.ErrConflict, "account.LastAdmin", nil)
)

// Throttling: after this many failed sign-ins for one e-mail (or many more from one address) within the
// window, further attempts are refused until the window has passed.
const (
	throttleWindow   = 15 * time.Minute
	maxFailuresEmail = 5
	maxFailuresIP    = 50
	sessionLifetime  = 30 * 24 * time.Hour
	minPasswordLen   = 10
	maxPasswordLen   = 256
)

// Service is the account module's API.
type Service struct {
	pool *pgxpool.Pool
	log  *slog.Logger
}

// NewService returns the account service on pool.
func NewService(pool *pgxpool.Pool, log *slog.Logger) (*Service, error) {
	if pool == nil || log == nil {
		return nil, errors.New("account: NewService needs a pool and a logger")
	}
	return &Service{pool: pool, log: log}, nil
}

func (s *Service) store() store { return store{db: s.pool} }

// NewUser is the input of CreateUser.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     Role
	Locale   string
}

// CreateUser validates and creates a user. Errors: field errors (ErrInvalid) for a bad e-mail, name, password
// or role; ErrEmailTaken (ErrConflict) when the e-mail has an account.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	var fe httpx.FieldErrors
	email, err := normalizeEmail(in.Email)
	if err != nil {
		fe.Add("email", "account.EmailInvalid", nil)
	}
	name := strings.TrimSpace(in.Name)
	if len(name) > 200 {
		fe.Add("name", "account.NameTooLong", nil)
	}
	switch n := len(in.Password); {
	case n < minPasswordLen:
		fe.Add("password", "account.PasswordTooShort", map[string]any{"Min": minPasswordLen})
	case n > maxPasswordLen:
		fe.Add("password", "account.PasswordTooLong", map[string]any{"Max": maxPasswordLen})
	}
	if _, err := ParseRole(string(in.Role)); err != nil {
		fe.Add("role", "account.RoleUnknown", map[string]any{"Role": in.Role})
	}
	if err := fe.Err(); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	return s.store().insertUser(ctx, email, name, hash, in.Role, in.Locale)
}

// EnsureUser creates the user unless one with that e-mail exists, whose role and password it then resets; the
// demo seed uses it so that re-seeding is idempotent and the printed logins always work.
func (s *Service) EnsureUser(ctx context.Context, in NewUser) (User, error) {
	u, err := s.CreateUser(ctx, in)
	if !errors.Is(err, ErrEmailTaken) {
		return u, err
	}
	email, _ := normalizeEmail(in.Email)
	hash, err := hashPassword(in.Password)
	if err != nil {
		return User{}, err
	}
	return s.store().resetUser(ctx, email, hash, in.Role)
}

func normalizeEmail(s string) (string, error) {
	email, ok := mail.NormalizeAddress(s)
	if !ok {
		return "", httpx.Invalid("email", "account.EmailInvalid", nil)
	}
	return email, nil
}

// Authenticate checks an e-mail and password. Errors: ErrTooManyRequests after repeated failures (the message
// says how long to wait), ErrBadCredentials for a wrong e-mail or password (which one is not revealed).
func (s *Service) Authenticate(ctx context.Context, email, password, ip string) (User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	st := s.store()
	byEmail, byIP, err := st.recentFailures(ctx, email, ip, throttleWindow)
	if err != nil {
		return User{}, err
	}
	if byEmail >= maxFailuresEmail || byIP >= maxFailuresIP {
		return User{}, httpx.Fail(httpx.ErrTooManyRequests, "account.Throttled",
			map[string]any{"Minutes": int(throttleWindow.Minutes())})
	}
	u, hash, err := st.userByEmail(ctx, email)
	if err != nil && !errors.Is(err, httpx.ErrNotFound) {
		return User{}, err
	}
	if hash == "" {
		hash = dummyHash()
	}
	ok, err := checkPassword(hash, password)
	if err != nil {
		return User{}, err
	}
	if !ok || u.ID == 0 {
		if err := st.insertFailure(ctx, email, ip); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	if err := st.clearFailures(ctx, email); err != nil {
		return User{}, err
	}
	return u, nil
}

// StartSession creates a new session for the user and returns its token (for the cookie). The previous session
// token, if any, is deleted in the same transaction: a session is never carried across sign-in (fixation).
func (s *Service) StartSession(ctx context.Context, userID int64, previousToken, userAgent, ip string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		if previousToken != "" {
			if err := st.deleteSession(ctx, previousToken); err != nil {
				return err
			}
		}
		return st.insertSession(ctx, token, userID, time.Now().Add(sessionLifetime), userAgent, ip)
	})
	return token, err
}

// SessionUser returns the user of a live session. Errors: ErrUnauthenticated for an unknown or expired token.
// Sessions slide: a session used after an hour of quiet is extended by the full lifetime.
func (s *Service) SessionUser(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, fmt.Errorf("account: no session: %w", httpx.ErrUnauthenticated)
	}
	u, stale, err := s.store().sessionUser(ctx, token)
	if err != nil {
		return User{}, err
	}
	if stale {
		if err := s.store().touchSession(ctx, token, time.Now().Add(sessionLifetime)); err != nil {
			s.log.WarnContext(ctx, "session renewal failed", "err", err)
		}
	}
	return u, nil
}

// EndSession deletes a session (sign-out).
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.store().deleteSession(ctx, token)
}

// DeleteExpiredSessions removes expired sessions; a periodic job calls it.
func (s *Service) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	return s.store().deleteExpiredSessions(ctx)
}

// User returns a user by ID. Errors: ErrNotFound.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return s.store().userByID(ctx, id)
}

// UserByEmail returns a user by e-mail. Errors: ErrNotFound.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	u, _, err := s.store().userByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	return u, err
}

// Users lists users matching query (e-mail or name), a page at a time.
func (s *Service) Users(ctx context.Context, query string, limit, offset int) ([]User, error) {
	return s.store().listUsers(ctx, strings.ToLower(strings.TrimSpace(query)), limit, offset)
}

// SetRole changes a user's role. Errors: ErrNotFound; ErrLastAdmin when it would leave the shop without an
// admin.
func (s *Service) SetRole(ctx context.Context, id int64, role Role) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	return postgres.Transact(ctx, s.pool, func(tx pgx.Tx) error {
		st := store{db: tx}
		// Serialize role changes so two admins demoting each other cannot leave nobody in charge.
		if _, err := tx.Exec(ctx, `LOCK TABLE account_users IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		u, err := st.userByID(ctx, id)
		if err != nil {
			return err
		}
		if u.Role == RoleAdmin && role != RoleAdmin {
			n, err := st.countAdmins(ctx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return ErrLastAdmin
			}
		}
		return st.setRole(ctx, id, role)
	})
}
