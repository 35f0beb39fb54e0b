// Package pgtest gives each test its own PostgreSQL database, cloned from a template that holds the migrated
// schema. The template is built once per set of migrations (its name carries their hash), so a test costs one
// CREATE DATABASE … TEMPLATE, not a migration run.
//
// The server comes from TEST_DATABASE_URL (or DATABASE_URL): `make test` starts a throwaway cluster and sets
// it. Without one, tests that need a database are skipped locally and fail when CI is set.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

// ServerURL returns the URL of the test server's maintenance database, or skips (fails under CI) when none
// is configured.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := envServerURL()
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("pgtest: CI is set but neither TEST_DATABASE_URL nor DATABASE_URL is: the database tests cannot run")
		}
		t.Skip("pgtest: no TEST_DATABASE_URL; run `make test`, which starts a throwaway PostgreSQL")
	}
	return u
}

// envServerURL is TEST_DATABASE_URL, else DATABASE_URL, else "".
func envServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return os.Getenv("DATABASE_URL")
}

// templateName is the template database for the current migrations.
func templateName() (string, error) {
	h := sha256.New()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return "tmpl_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

// templateLock serializes template creation across test processes (go test runs packages in parallel).
const templateLock int64 = 0x7067746573 // "pgtes"

// migrated is the template this process has found or built: once it exists, further tests clone it without
// taking templateLock and asking the server again.
var migrated struct {
	sync.Mutex
	name string
}

// migratedTemplate returns the template of the current migrations, building it if no process has yet.
func migratedTemplate(ctx context.Context, admin *pgx.Conn, serverURL string) (string, error) {
	migrated.Lock()
	defer migrated.Unlock()
	if migrated.name != "" {
		return migrated.name, nil
	}
	name, err := ensureTemplate(ctx, admin, serverURL)
	if err == nil {
		migrated.name = name
	}
	return name, err
}

func ensureTemplate(ctx context.Context, admin *pgx.Conn, serverURL string) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		return "", err
	}
	defer admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", templateLock) //nolint:errcheck

	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// A half-built template from a crashed run is rebuilt.
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, withDatabase(serverURL, name))
	if err != nil {
		return "", err
	}
	_, err = postgres.NewMigrator(pool, migrations.FS).Up(ctx)
	pool.Close()
	if err != nil {
		return "", fmt.Errorf("pgtest: migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH is_template = true ALLOW_CONNECTIONS = false"); err != nil {
		return "", err
	}
	return name, nil
}

// NewDatabase creates a fresh, migrated database for the test and returns its URL; it is dropped when the test
// ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// NewEmptyDatabase creates a database without any schema (for tests of migrating itself); it is dropped when
// the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, false)
}

func newDatabase(t testing.TB, withSchema bool) string {
	t.Helper()
	serverURL := ServerURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", serverURL, err)
	}
	defer admin.Close(context.Background())
	tmpl := ""
	if withSchema {
		if tmpl, err = migratedTemplate(ctx, admin, serverURL); err != nil {
			t.Fatalf("pgtest: template: %v", err)
		}
	}
	return cloneDatabase(ctx, t, admin, serverURL, tmpl)
}

// cloneDatabase creates a database for the test from the template ("" for an empty one) over the admin
// connection, and drops it when the test ends.
func cloneDatabase(ctx context.Context, t testing.TB, admin *pgx.Conn, serverURL, tmpl string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test_" + hex.EncodeToString(b[:])
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if tmpl != "" {
		create += " TEMPLATE " + pgx.Identifier{tmpl}.Sanitize() + " STRATEGY FILE_COPY"
	}
	if _, err := admin.Exec(ctx, create); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		admin, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			t.Errorf("pgtest: cleanup connect: %v", err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(serverURL, name)
}

// NewPool returns a pool on a fresh, migrated database for the test; it is closed and dropped when the test
// ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := NewDatabase(t)
	pool, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// derived are the templates this test process built with NewDerivedDatabase, by key.
var (
	derivedMu sync.Mutex
	derived   = map[string]string{}
)

// NewDerivedDatabase returns a fresh database for the test cloned from a template that holds the migrated schema
// plus whatever build put in it, for fixtures too slow to make per test (a seeded demo shop). The first test of
// the process asking for key builds the template: build runs on a new migrated database and must close every
// connection it opened. The database is dropped when the test ends; DropDerived drops the templates.
func NewDerivedDatabase(t testing.TB, key string, build func(ctx context.Context, url string) error) string {
	t.Helper()
	serverURL := ServerURL(t)
	tmpl, err := derivedTemplate(serverURL, key, build)
	if err != nil {
		t.Fatalf("pgtest: build the %q template: %v", key, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("pgtest: connect to %s: %v", serverURL, err)
	}
	defer admin.Close(context.Background())
	return cloneDatabase(ctx, t, admin, serverURL, tmpl)
}

// derivedTemplate returns the template for key, building it the first time. Only the lookup and the build hold
// derivedMu: parallel tests clone the built template at the same time.
func derivedTemplate(serverURL, key string, build func(ctx context.Context, url string) error) (string, error) {
	derivedMu.Lock()
	defer derivedMu.Unlock()
	if tmpl, ok := derived[key]; ok {
		return tmpl, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tmpl, err := buildDerived(ctx, serverURL, key, build)
	if err != nil {
		return "", err
	}
	derived[key] = tmpl
	return tmpl, nil
}

func buildDerived(ctx context.Context, serverURL, key string, build func(ctx context.Context, url string) error) (string, error) {
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	base, err := migratedTemplate(ctx, admin, serverURL)
	if err != nil {
		return "", err
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := fmt.Sprintf("tmpl_%s_%d_%s", key, os.Getpid(), hex.EncodeToString(b[:]))
	id := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+id+" TEMPLATE "+pgx.Identifier{base}.Sanitize()+" STRATEGY FILE_COPY"); err != nil {
		return "", err
	}
	if err := build(ctx, withDatabase(serverURL, name)); err != nil {
		_, _ = admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)")
		return "", err
	}
	// Cloning needs the template to have no sessions: end any the build left behind.
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+id+" WITH is_template = true ALLOW_CONNECTIONS = false"); err != nil {
		return "", err
	}
	return name, nil
}

// DropDerived drops the templates NewDerivedDatabase built in this process; call it from TestMain after the tests.
func DropDerived() {
	derivedMu.Lock()
	defer derivedMu.Unlock()
	u := envServerURL()
	if u == "" || len(derived) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, u)
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	for key, name := range derived {
		id := pgx.Identifier{name}.Sanitize()
		_, _ = admin.Exec(ctx, "ALTER DATABASE "+id+" WITH is_template = false")
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)")
		delete(derived, key)
	}
}
