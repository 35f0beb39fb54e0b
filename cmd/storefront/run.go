package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"storefront/internal/platform/config"
	"storefront/internal/platform/devdb"
	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

// run is the whole program: it reads the configuration once and dispatches to the subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)

	cmd, rest := "serve", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, cfg, log)
	case "dev":
		return cmdDev(ctx, cfg, log, stdout)
	case "migrate":
		return cmdMigrate(ctx, cfg, rest, stdout)
	case "seed":
		return cmdSeed(ctx, cfg, log, rest, stdout)
	case "user":
		return cmdUser(ctx, cfg, log, rest, stdin, stdout)
	case "devdb":
		return cmdDevDB(ctx, rest, stdout, stderr)
	case "landedcost":
		return cmdLandedCost(ctx, cfg, log, rest, stdin, stdout)
	case "catalog":
		return cmdCatalog(ctx, cfg, log, rest, stdin, stdout, stderr)
	case "fx":
		return cmdFX(ctx, cfg, log, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage: storefront [command]
  serve                                  migrate, then serve the shop (default)
  dev                                    local database (when DATABASE_URL is unset), migrate, seed demo, serve
  migrate up | down N | version          schema migrations
  seed demo                              create or refresh the demo shop
  user create --email E --role R [--name N] [--password-stdin]
  catalog import [--dry-run] FILE.csv | catalog export FILE.csv
  fx load FILE|URL                       exchange rates: ECB daily XML or the shop's JSON
  landedcost quote                       one quote: JSON request on stdin, JSON quote on stdout
  landedcost sync [--overwrite]          load the shipped rule files into the database
  devdb start|stop --dir DIR [--throwaway] [--remove]
`

func cmdMigrate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if err := cfg.CheckDatabase(); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	m := postgres.NewMigrator(pool, migrations.FS)
	if len(args) == 0 {
		return errors.New("migrate: say up, down N or version")
	}
	switch args[0] {
	case "up":
		v, err := m.Up(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "schema at version %d\n", v)
	case "down":
		if len(args) != 2 {
			return errors.New("migrate down: give the number of migrations to revert, e.g. migrate down 1")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 1 {
			return fmt.Errorf("migrate down: %q is not a positive number", args[1])
		}
		v, err := m.Down(ctx, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "schema at version %d\n", v)
	case "version":
		v, dirty, err := m.Version(ctx)
		if err != nil {
			return err
		}
		latest, _ := m.Latest()
		state := ""
		if dirty {
			state = " (dirty: the last migration failed half-way; fix it and force the version)"
		}
		fmt.Fprintf(stdout, "schema at version %d of %d%s\n", v, latest, state)
	default:
		return fmt.Errorf("migrate: unknown action %q (up, down N, version)", args[0])
	}
	return nil
}

func cmdDevDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("devdb: say start or stop")
	}
	fs := flag.NewFlagSet("devdb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".data/postgres", "data directory of the cluster")
	throwaway := fs.Bool("throwaway", false, "no fsync: for test clusters deleted afterwards")
	remove := fs.Bool("remove", false, "with stop: delete the data directory")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	o := devdb.Options{Dir: *dir, Throwaway: *throwaway, Log: stderr}
	switch args[0] {
	case "start":
		url, err := devdb.Start(ctx, o)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, url)
		return nil
	case "stop":
		return devdb.Stop(ctx, o, *remove)
	}
	return fmt.Errorf("devdb: unknown action %q (start, stop)", args[0])
}
