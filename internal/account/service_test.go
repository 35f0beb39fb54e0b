package account

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"storefront/internal/platform/httpx"
	"storefront/internal/platform/pgtest"
)

func newService(t *testing.T) *Service {
	t.Helper()
	s, err := NewService(pgtest.NewPool(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPasswordsAreArgon2idAndVerified(t *testing.T) {
	h, err := hashPassword("correct horse battery")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=7168,t=5,p=1$") {
		t.Fatalf("hash %q %v", h, err)
	}
	// A hash made with the earlier 19 MiB setting still verifies: the parameters come from the hash.
	old := "$argon2id$v=19$m=19456,t=2,p=1$" + base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef")) + "$" +
		base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte("tr0ub4dor&3 horse"), []byte("0123456789abcdef"), 2, 19456, 1, 32))
	if ok, err := checkPassword(old, "tr0ub4dor&3 horse"); !ok || err != nil {
		t.Errorf("a 19 MiB hash no longer verifies: %v", err)
	}
	if _, err := checkPassword(strings.Replace(old, "m=19456", "m=4194304", 1), "tr0ub4dor&3 horse"); err == nil {
		t.Error("a hash asking for 4 GiB was computed")
	}
	if ok, _ := checkPassword(h, "correct horse battery"); !ok {
		t.Error("right password refused")
	}
	if ok, _ := checkPassword(h, "correct horse batterx"); ok {
		t.Error("wrong password accepted")
	}
	if _, err := checkPassword("$bcrypt$nope", "x"); err == nil {
		t.Error("malformed hash accepted")
	}
}

func TestCreateUserValidatesAndNormalizes(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, NewUser{Email: "  Ada@Example.COM ", Password: "long enough pw", Role: RoleOps})
	if err != nil || u.Email != "ada@example.com" {
		t.Fatalf("create: %+v %v", u, err)
	}
	_, err = s.CreateUser(ctx, NewUser{Email: "ada@example.com", Password: "long enough pw", Role: RoleOps})
	if !errors.Is(err, ErrEmailTaken) || httpx.Status(err) != 409 {
		t.Errorf("duplicate: %v", err)
	}
	_, err = s.CreateUser(ctx, NewUser{Email: "nope", Password: "x", Role: "king"})
	fe, ok := httpx.AsFieldErrors(err)
	if !ok || fe.For("email") == nil || fe.For("password") == nil || fe.For("role") == nil {
		t.Errorf("validation: %v", err)
	}
}

func TestTheLastAdminCannotBeDemoted(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	a, _ := s.CreateUser(ctx, NewUser{Email: "a@example.com", Password: "long enough pw", Role: RoleAdmin})
	b, _ := s.CreateUser(ctx, NewUser{Email: "b@example.com", Password: "long enough pw", Role: RoleAdmin})
	if err := s.SetRole(ctx, a.ID, RoleOps); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, b.ID, RoleShopper); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("demoting the last admin: %v", err)
	}
	if err := s.SetRole(ctx, 424242, RoleOps); !errors.Is(err, httpx.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestEnsureUserIsIdempotent(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	in := NewUser{Email: "demo@example.com", Password: "demo-password", Role: RoleMerchant}
	first, err := s.EnsureUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.EnsureUser(ctx, in)
	if err != nil || second.ID != first.ID {
		t.Fatalf("second ensure: %+v %v", second, err)
	}
	if _, err := s.Authenticate(ctx, "demo@example.com", "demo-password", "127.0.0.1"); err != nil {
		t.Errorf("demo password does not work: %v", err)
	}
}

func TestSessionsExpireAndEnd(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, NewUser{Email: "s@example.com", Password: "long enough pw", Role: RoleShopper})
	token, err := s.StartSession(ctx, u.ID, "", "test", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionUser(ctx, token); err != nil || got.ID != u.ID {
		t.Fatalf("session user: %+v %v", got, err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE account_sessions SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(ctx, token); !errors.Is(err, httpx.ErrUnauthenticated) {
		t.Errorf("expired session accepted: %v", err)
	}
	if n, _ := s.DeleteExpiredSessions(ctx); n != 1 {
		t.Errorf("expired sessions removed: %d", n)
	}
}
