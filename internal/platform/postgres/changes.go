package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// changesChannel is the one LISTEN/NOTIFY channel every instance uses to tell the others that cached data
// changed. The payload is a topic such as "catalog".
const changesChannel = "storefront_changes"

// Notify tells every instance (this one included) that data of topic changed. Called inside a transaction, the
// notification is delivered only when the transaction commits, so nobody reloads half a change.
func Notify(ctx context.Context, db DBTX, topic string) error {
	_, err := db.Exec(ctx, "SELECT pg_notify($1, $2)", changesChannel, topic)
	return err
}

// Changes delivers change notifications to subscribers: a module keeps a read cache and subscribes to its topic
// to drop it when any instance writes. When the listening connection is lost, every subscriber is called on
// reconnection, since notifications sent meanwhile are lost.
type Changes struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	mu   sync.Mutex
	subs map[string][]func()
}

// NewChanges returns a notification hub on pool; Run starts listening.
func NewChanges(pool *pgxpool.Pool, log *slog.Logger) *Changes {
	return &Changes{pool: pool, log: log, subs: map[string][]func(){}}
}

// Subscribe calls fn whenever topic changes. fn must be quick (mark a cache stale); it runs on the listener's
// goroutine.
func (c *Changes) Subscribe(topic string, fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs[topic] = append(c.subs[topic], fn)
}

func (c *Changes) deliver(topic string) {
	c.mu.Lock()
	fns := append([]func(){}, c.subs[topic]...)
	c.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

func (c *Changes) deliverAll() {
	c.mu.Lock()
	var fns []func()
	for _, list := range c.subs {
		fns = append(fns, list...)
	}
	c.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// Run listens until ctx ends, reconnecting with a pause after errors.
func (c *Changes) Run(ctx context.Context) {
	first := true
	for ctx.Err() == nil {
		err := c.listen(ctx, !first)
		first = false
		if ctx.Err() != nil {
			return
		}
		c.log.Warn("change notifications interrupted; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (c *Changes) listen(ctx context.Context, reconnected bool) error {
	conn, err := c.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	if reconnected {
		c.deliverAll()
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			// The connection may hold a half-read notification; do not return it to the pool.
			conn.Conn().Close(context.WithoutCancel(ctx)) //nolint:errcheck
			return err
		}
		c.deliver(n.Payload)
	}
}
