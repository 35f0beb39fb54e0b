package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

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

// startWorkers runs the background jobs until ctx ends; the returned channel closes when they have stopped.
func (a *app) startWorkers(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(time.Hour)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				if n, err := a.accounts.DeleteExpiredSessions(ctx); err != nil {
					a.log.Warn("expired sessions cleanup failed", "err", err)
				} else if n > 0 {
					a.log.Info("expired sessions removed", "count", n)
				}
			}
		}
	}()
	return done
}
