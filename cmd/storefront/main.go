// Command storefront is the shop: one binary that serves the storefront and back office, migrates the schema,
// seeds the demo, manages users, imports catalogs, loads exchange rates and quotes landed costs.
//
//	storefront [serve]                      migrate, then serve HTTP and run background jobs
//	storefront dev                          make run: local database, migrate, seed demo, serve
//	storefront migrate up|down N|version    schema migrations
//	storefront seed demo                    idempotent demo shop
//	storefront user create --email --role   staff or shopper accounts
//	storefront catalog import|export FILE   listings CSV, with a progress bar on a terminal
//	storefront fx load FILE|URL             exchange rates (ECB daily XML or JSON)
//	storefront landedcost quote             one landed-cost quote, JSON on stdin and stdout
//	storefront devdb start|stop --dir D     a private PostgreSQL cluster (make run, make test)
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
}
