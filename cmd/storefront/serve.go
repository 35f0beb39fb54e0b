package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"storefront/internal/platform/actor"
	"storefront/internal/platform/config"
	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

// cmdServe migrates the schema (under the advisory lock, so several instances may start together), then serves
// until ctx is cancelled (SIGTERM, Ctrl-C), letting in-flight requests finish.
func cmdServe(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if err := cfg.CheckServer(); err != nil {
		return err
	}
	started := time.Now()
	log.Info("starting", "config", cfg)
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	version, err := postgres.NewMigrator(pool, migrations.FS).Up(ctx)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, log, pool)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	log.Info("ready", "addr", ln.Addr().String(), "schema_version", version, "startup", time.Since(started))
	return a.serve(ctx, ln)
}

// serve runs the HTTP server and background workers on ln until ctx ends, then shuts down gracefully.
func (a *app) serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	workersDone := a.startWorkers(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down: finishing in-flight requests", "timeout", a.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	<-workersDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.log.Info("stopped")
	return nil
}

// startWorkers runs the background work until ctx ends; the returned channel closes when it has stopped. Every
// task is safe with several instances running it at once.
func (a *app) startWorkers(ctx context.Context) <-chan struct{} {
	ctx = actor.With(ctx, actor.System)
	var wg sync.WaitGroup
	every := func(name string, period time.Duration, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(period)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if err := fn(ctx); err != nil && ctx.Err() == nil {
						a.log.Warn("background task failed", "task", name, "err", err)
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.changes.Run(ctx)
	}()
	every("release expired reservations", time.Minute, func(ctx context.Context) error {
		n, err := a.inventory.ReleaseExpired(ctx, time.Now())
		if n > 0 {
			a.log.Info("expired reservations released", "count", n)
		}
		return err
	})
	every("reload prices and rates", time.Minute, a.pricing.Reload)
	every("cancel unpaid orders past their deadline", time.Minute, func(ctx context.Context) error {
		n, err := a.checkout.ExpireUnpaid(ctx, time.Now())
		if n > 0 {
			a.log.Info("unpaid orders cancelled", "count", n)
		}
		return err
	})
	every("send e-mail", 15*time.Second, func(ctx context.Context) error {
		_, err := a.outbox.SendPending(ctx, 50)
		return err
	})
	every("delete abandoned guest carts", time.Hour, func(ctx context.Context) error {
		_, err := a.carts.DeleteAbandoned(ctx, 60*24*time.Hour)
		return err
	})
	every("delete expired sessions", time.Hour, func(ctx context.Context) error {
		_, err := a.accounts.DeleteExpiredSessions(ctx)
		return err
	})
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	return done
}
