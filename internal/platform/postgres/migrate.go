package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// migrateLockKey is the advisory lock every instance takes before touching the schema, so that several
// instances starting together apply each migration once and none of them sees a half-migrated schema.
const migrateLockKey int64 = 0x73746f7265 // "store"

// Migrator applies the embedded migrations to one database.
type Migrator struct {
	pool *pgxpool.Pool
	fsys fs.FS
}

// NewMigrator returns a migrator for the *.sql files at the root of fsys.
func NewMigrator(pool *pgxpool.Pool, fsys fs.FS) *Migrator {
	return &Migrator{pool: pool, fsys: fsys}
}

// Up applies every pending migration. It returns the schema version reached.
func (m *Migrator) Up(ctx context.Context) (uint, error) {
	var version uint
	err := m.locked(ctx, func(mg *migrate.Migrate) error {
		if err := mg.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return err
		}
		v, _, err := mg.Version()
		version = v
		return err
	})
	return version, err
}

// Down reverts the last n migrations.
func (m *Migrator) Down(ctx context.Context, n int) (uint, error) {
	if n <= 0 {
		return 0, errors.New("migrate down: give the number of migrations to revert (at least 1)")
	}
	var version uint
	err := m.locked(ctx, func(mg *migrate.Migrate) error {
		if err := mg.Steps(-n); err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return err
		}
		v, _, err := mg.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			return nil
		}
		version = v
		return err
	})
	return version, err
}

// Version returns the applied schema version and whether the last migration failed halfway (dirty).
func (m *Migrator) Version(ctx context.Context) (version uint, dirty bool, err error) {
	err = m.locked(ctx, func(mg *migrate.Migrate) error {
		version, dirty, err = mg.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			return nil
		}
		return err
	})
	return version, dirty, err
}

// Latest returns the highest migration version shipped in the binary.
func (m *Migrator) Latest() (uint, error) {
	src, err := iofs.New(m.fsys, ".")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil
		}
		v = next
	}
}

func (m *Migrator) locked(ctx context.Context, fn func(*migrate.Migrate) error) error {
	conn, err := m.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey) //nolint:errcheck // released with the session anyway

	src, err := iofs.New(m.fsys, ".")
	if err != nil {
		return fmt.Errorf("migrate: read migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(m.pool)
	defer db.Close()
	driver, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	mg, err := migrate.NewWithInstance("iofs", src, "pgx5", driver)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer mg.Close()
	if err := fn(mg); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
