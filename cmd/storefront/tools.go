package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"storefront/internal/catalog"
	"storefront/internal/landedcost/engine"
	"storefront/internal/platform/actor"
	"storefront/internal/platform/config"
	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

// cmdLandedCost handles `landedcost quote` (one JSON request on stdin, one quote on stdout, with the rule files
// shipped in the binary, so it needs no database) and `landedcost sync [--overwrite]` (load the rule files
// into the database).
func cmdLandedCost(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("landedcost: say quote or sync")
	}
	switch args[0] {
	case "quote":
		snap, err := engine.Embedded()
		if err != nil {
			return err
		}
		return engine.RunQuote(snap, stdin, stdout)
	case "sync":
		a, cleanup, err := openApp(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer cleanup()
		n, err := a.landedcost.SyncRuleFiles(ctx, len(args) > 1 && args[1] == "--overwrite")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d rule rows changed\n", n)
		return nil
	}
	return fmt.Errorf("landedcost: unknown action %q (quote, sync)", args[0])
}

// openApp connects, migrates and wires the shop for a command.
func openApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, func(), error) {
	if err := cfg.CheckDatabase(); err != nil {
		return nil, nil, err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if _, err := postgres.NewMigrator(pool, migrations.FS).Up(ctx); err != nil {
		pool.Close()
		return nil, nil, err
	}
	a, err := newApp(ctx, cfg, log, pool)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return a, pool.Close, nil
}

// cmdCatalog handles `catalog import [--dry-run] FILE.csv` and `catalog export FILE.csv` ("-" for standard
// input or output), with a progress bar on a terminal.
func cmdCatalog(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		return errors.New("catalog: usage: catalog import [--dry-run] FILE.csv | catalog export FILE.csv")
	}
	a, cleanup, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	ctx = actor.With(ctx, actor.Actor{Email: "command line", Role: "system"})
	switch args[0] {
	case "export":
		w := stdout
		if args[1] != "-" {
			f, err := os.Create(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		n, err := a.catalog.Export(ctx, w)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "exported %d variants\n", n)
		return nil
	case "import":
		dryRun := args[1] == "--dry-run"
		path := args[len(args)-1]
		r := stdin
		if path != "-" {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		bar := newProgressBar(stderr)
		rep, err := a.catalog.Import(ctx, r, dryRun, bar.update)
		bar.done()
		loc := a.msgs.Default()
		view := catalog.ReportView(loc, rep)
		fmt.Fprintln(stdout, view.Title)
		for _, s := range view.Summary {
			fmt.Fprintln(stdout, "  "+s)
		}
		for _, e := range view.Errors {
			fmt.Fprintln(stdout, "  "+e)
		}
		return err
	}
	return fmt.Errorf("catalog: unknown action %q (import, export)", args[0])
}

// progressBar draws "[#####.....] 50% write 5000/10000" on a terminal and nothing elsewhere.
type progressBar struct {
	w       io.Writer
	tty     bool
	last    time.Time
	printed bool
}

func newProgressBar(w io.Writer) *progressBar {
	p := &progressBar{w: w}
	if f, ok := w.(*os.File); ok {
		p.tty = term.IsTerminal(int(f.Fd()))
	}
	return p
}

func (p *progressBar) update(phase string, done, total int) {
	if !p.tty || (time.Since(p.last) < 100*time.Millisecond && done != total) {
		return
	}
	p.last = time.Now()
	p.printed = true
	if total <= 0 {
		fmt.Fprintf(p.w, "\r%-6s %d rows", phase, done)
		return
	}
	const width = 30
	filled := done * width / total
	fmt.Fprintf(p.w, "\r%-6s [%s%s] %3d%% %d/%d", phase, strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		done*100/total, done, total)
}

func (p *progressBar) done() {
	if p.printed {
		fmt.Fprintln(p.w)
	}
}

// cmdFX handles `fx load FILE|URL`: the ECB daily euro-reference XML or the shop's JSON rate format.
func cmdFX(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 2 || args[0] != "load" {
		return errors.New("fx: usage: fx load FILE|URL")
	}
	a, cleanup, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer cleanup()
	n, err := a.pricing.FetchRates(actor.With(ctx, actor.System), &http.Client{Timeout: 30 * time.Second}, args[1])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d exchange rates loaded from %s\n", n, args[1])
	return nil
}
