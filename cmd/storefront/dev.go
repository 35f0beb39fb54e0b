package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"storefront/internal/platform/config"
	"storefront/internal/platform/devdb"
	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

// cmdDev is `make run`: with DATABASE_URL unset it starts (or reuses) the private cluster under .data/postgres;
// then it migrates, seeds the demo, prints the URL and demo logins, and serves with the demo payment method on.
func cmdDev(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.DatabaseURL == "" {
		url, err := devdb.Start(ctx, devdb.Options{Dir: filepath.Join(".data", "postgres"), Log: stdout})
		if err != nil {
			return err
		}
		cfg.DatabaseURL = url
	}
	if len(cfg.SessionKey) == 0 {
		key, err := devSessionKey(filepath.Join(".data", "session.key"))
		if err != nil {
			return err
		}
		cfg.SessionKey = key
	}
	cfg.Demo = true
	log.Info("starting", "config", cfg)
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := postgres.NewMigrator(pool, migrations.FS).Up(ctx); err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, log, pool)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "seeding the demo shop (first run takes a moment)…")
	if err := a.seedDemo(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	fmt.Fprintf(stdout, "\nThe shop is running at %s\n", strings.TrimSuffix(cfg.BaseURL.String(), "/")+"/")
	fmt.Fprintln(stdout, "Back office: "+strings.TrimSuffix(cfg.BaseURL.String(), "/")+"/admin")
	printLogins(stdout)
	fmt.Fprintln(stdout, "Press Ctrl-C to stop; `make db-stop` stops the database.")
	return a.serve(ctx, ln)
}

// devSessionKey keeps one random session key per checkout, so sessions survive restarts of `make run`.
func devSessionKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	key := hex.EncodeToString(b)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return []byte(key), os.WriteFile(path, []byte(key+"\n"), 0o600)
}
