// Command loadtest measures the storefront under load. It seeds a fresh database with the demo shop, starts the
// real server binary on loopback, and drives its HTTP endpoints with vegeta: the reference page (a copy of the
// category page served from memory through the same middleware), the localized category and product pages, add
// to cart and place order. For each it reports requests per second, p50/p99 latency and errors, each page's
// throughput as a share of the reference measured in the same run, the server's start-up time and its peak RSS.
//
// It needs a PostgreSQL cluster it may create a database on (TEST_DATABASE_URL or DATABASE_URL); make bench
// starts a throwaway one.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	server      string
	databaseURL string
	duration    time.Duration
	maxRequests int
	connections int
	orders      int
	profileDir  string
	memLimit    string
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.server, "server", ".data/bin/storefront", "the storefront binary to measure")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each endpoint is driven")
	fs.IntVar(&o.maxRequests, "requests", 200_000, "at most this many requests per endpoint")
	fs.IntVar(&o.connections, "connections", 64, "concurrent connections")
	fs.IntVar(&o.orders, "orders", 3000, "carts prepared for the place-order run (its request bound)")
	fs.StringVar(&o.profileDir, "profile", "", "write a CPU profile of the server per endpoint into this directory")
	fs.StringVar(&o.memLimit, "memlimit", "off", "the server's GOMEMLIMIT (Go's soft memory limit), as a deployment sets it; \"off\" for none")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.databaseURL = getenv("TEST_DATABASE_URL")
	if o.databaseURL == "" {
		o.databaseURL = getenv("DATABASE_URL")
	}
	if o.databaseURL == "" {
		return fmt.Errorf("set TEST_DATABASE_URL or DATABASE_URL to a PostgreSQL cluster the load test may create a database on (make bench starts one)")
	}

	db, err := createDatabase(ctx, o.databaseURL)
	if err != nil {
		return err
	}
	defer db.drop()
	srv, err := newServer(o.server, db.url, o.memLimit)
	if err != nil {
		return err
	}
	defer srv.cleanup()
	if err := srv.prepare(ctx); err != nil {
		return err
	}
	startup, err := srv.measureStartup(ctx, 3)
	if err != nil {
		return err
	}
	defer srv.stop()

	plan, err := discover(ctx, srv.base, o)
	if err != nil {
		return err
	}
	report := newReport(o, startup, plan)
	for _, sc := range plan.scenarios {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		before := srv.gcStats(ctx, false)
		res, err := attack(ctx, srv, sc, o)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		if after := srv.gcStats(ctx, false); before.valid && after.valid {
			res.gcs = after.numGC - before.numGC
		}
		res.peakRSS, _ = srv.peakRSS()
		report.add(sc, res)
	}
	report.gc = srv.gcStats(ctx, true)
	report.peakRSS, err = srv.peakRSS()
	if err != nil {
		return err
	}
	report.print(out)
	return nil
}
