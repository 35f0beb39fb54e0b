package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/platform/postgres"
)

// queryLog records the statements a pool runs, with their arguments.
type queryLog struct {
	mu    sync.Mutex
	count int
	seen  map[string][]any // statement → the arguments of its first run
}

type statement struct {
	sql  string
	args []any
}

func (q *queryLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	q.record(d.SQL, d.Args)
	return ctx
}

func (q *queryLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (q *queryLog) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (q *queryLog) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	q.record(d.SQL, d.Args)
}

func (q *queryLog) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (q *queryLog) record(sql string, args []any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.count++
	if q.seen == nil {
		q.seen = map[string][]any{}
	}
	if _, ok := q.seen[sql]; !ok {
		q.seen[sql] = args
	}
}

func (q *queryLog) n() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.count
}

func (q *queryLog) statements() []statement {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []statement
	for sql, args := range q.seen {
		out = append(out, statement{sql, args})
	}
	return out
}

// tracedShop is a seeded shop whose every database statement goes through log.
func tracedShop(t *testing.T) (*testShop, *queryLog) {
	t.Helper()
	log := &queryLog{}
	pool, err := postgres.Open(context.Background(), seededDatabase(t), func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return serveShopWith(t, pool, map[string]string{"BLOB_DIR": seededBlobs}), log
}

// queriesOf is the number of statements a request runs.
func queriesOf(t *testing.T, log *queryLog, do func() response) int {
	t.Helper()
	before := log.n()
	if res := do(); res.Status >= 400 {
		t.Fatalf("request failed: %d", res.Status)
	}
	return log.n() - before
}

var productHref = regexp.MustCompile(`href="(/en-us/p/[^"?#]+)"`)

// TestPagesRunFewQueriesWhateverTheirSize: storefront pages cost a small, fixed number of database round trips
// (none at all for browsing once the read models are warm, one for a search), and a cart or checkout with five lines costs the same as with one:
// no query per product, line or price.
func TestPagesRunFewQueriesWhateverTheirSize(t *testing.T) {
	t.Parallel()
	shop, log := tracedShop(t)
	c := shop.client()
	category := categoryPath(shop, "/en-us")
	home := c.get("/en-us/")
	products := productHref.FindAllStringSubmatch(home.Body, -1)
	if len(products) < 5 {
		t.Fatalf("the home page links %d products", len(products))
	}
	pages := map[string]int{ // path → most statements allowed on a warm view: only search asks the database
		"/en-us/":                      0,
		category:                       0,
		category + "?sort=price_asc":   0,
		products[0][1]:                 0,
		"/en-us/search?q=cotton+shirt": 1,
	}
	for path, most := range pages {
		c.get(path) // warm the read models and caches
		n := queriesOf(t, log, func() response { return c.get(path) })
		if n > most {
			t.Errorf("GET %s ran %d statements, want at most %d", path, n, most)
		}
		t.Logf("GET %s: %d statements", path, n)
	}

	// A first-time visitor's first add to cart: the cart and its line are created in one statement, without
	// looking for a cart that cannot exist yet (stock comes from what the product page just showed).
	visitor := shop.client()
	firstPage := visitor.get(products[0][1])
	variant := regexp.MustCompile(`name="variant" value="(\d+)"`).FindStringSubmatch(firstPage.Body)
	if variant == nil {
		t.Fatal("no variant on the product page")
	}
	token := visitor.csrf()
	n := queriesOf(t, log, func() response {
		return visitor.postRaw("/en-us/cart/items", url.Values{"variant": {variant[1]}, "qty": {"1"}, "csrf_token": {token}})
	})
	if n > 1 {
		t.Errorf("a first add to cart ran %d statements, want 1", n)
	}

	// A cart of one line and of five lines: the same number of statements to show it and to review the order.
	buyer := shop.client()
	cartQueries := map[int]int{}
	reviewQueries := map[int]int{}
	added := 0
	for _, m := range productHref.FindAllStringSubmatch(home.Body, -1) {
		if added == 5 {
			break
		}
		page := buyer.get(m[1])
		v := regexp.MustCompile(`name="variant" value="(\d+)"`).FindStringSubmatch(page.Body)
		if v == nil {
			continue
		}
		if res := buyer.post("/en-us/cart/items", url.Values{"variant": {v[1]}, "qty": {"1"}}); res.Status != http.StatusSeeOther {
			continue
		}
		added++
		if added == 1 {
			res := buyer.post("/en-us/checkout", url.Values{"email": {"q@example.com"}, "phone": {"+1 415 555 0100"},
				"name": {"Query Counter"}, "line1": {"1 Market St"}, "city": {"San Francisco"}, "region": {"CA"},
				"postal_code": {"94103"}, "country": {"US"}, "service": {"economy"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("address: %d", res.Status)
			}
		}
		if added == 1 || added == 5 {
			buyer.get("/en-us/cart")
			cartQueries[added] = queriesOf(t, log, func() response { return buyer.get("/en-us/cart") })
			buyer.get("/en-us/checkout/review")
			reviewQueries[added] = queriesOf(t, log, func() response { return buyer.get("/en-us/checkout/review") })
		}
	}
	if added < 5 {
		t.Fatalf("only %d products could be added", added)
	}
	if cartQueries[5] != cartQueries[1] || reviewQueries[5] != reviewQueries[1] {
		t.Errorf("statements for 1 and 5 lines: cart %d vs %d, review %d vs %d (a query per line)",
			cartQueries[1], cartQueries[5], reviewQueries[1], reviewQueries[5])
	}
	t.Logf("statements per page: cart %d, review %d", cartQueries[5], reviewQueries[5])
}

// TestHotQueriesCanUseIndexes runs the storefront's everyday requests, then asks PostgreSQL to plan every
// statement they ran with sequential scans discouraged: a statement still planned with a sequential scan has no
// index it could use, which on a real catalog means reading a whole table per request.
func TestHotQueriesCanUseIndexes(t *testing.T) {
	t.Parallel()
	shop, log := tracedShop(t)
	c := shop.client()
	c.get("/en-us/")
	c.get(categoryPath(shop, "/en-us"))
	c.get("/en-us/search?q=shirt")
	c.get("/ja-jp/search?q=" + url.QueryEscape("シャツ"))
	item, productURL := shop.buyableProduct(t, "/en-us", "")
	c.get(productURL)
	if res := c.post("/en-us/cart/items", url.Values{"variant": {strconv.FormatInt(item.ID, 10)}, "qty": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add to cart: %d", res.Status)
	}
	c.get("/en-us/cart")
	c.post("/en-us/checkout", url.Values{"email": {"q@example.com"}, "phone": {"+1 415 555 0100"}, "name": {"Index Check"},
		"line1": {"1 Market St"}, "city": {"San Francisco"}, "region": {"CA"}, "postal_code": {"94103"}, "country": {"US"},
		"service": {"economy"}})
	review := c.get("/en-us/checkout/review")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(review.Body)
	if key == nil {
		t.Fatal("no order key on the review page")
	}
	placed := c.post("/en-us/checkout/place", url.Values{"method": {"test"}, "key": {key[1]}})
	if placed.Status != http.StatusSeeOther {
		t.Fatalf("place order: %d", placed.Status)
	}
	c.get(placed.Header.Get("Location"))

	ctx := context.Background()
	explained := 0
	for _, st := range log.statements() {
		verb := strings.ToUpper(strings.Fields(strings.TrimSpace(st.sql) + " x")[0])
		if !strings.Contains(strings.ToUpper(st.sql), "WHERE") && verb == "SELECT" {
			continue // a whole table read on purpose, to build a read model
		}
		if verb == "WITH" || verb == "SELECT" || verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" {
			plan := explain(t, ctx, shop.pool, st)
			explained++
			if strings.Contains(plan, "Seq Scan") {
				t.Errorf("no index serves this statement:\n%s\nplan:\n%s", st.sql, plan)
			}
		}
	}
	if explained < 10 {
		t.Fatalf("only %d statements were checked", explained)
	}
}

// explain plans a statement with its recorded arguments, sequential scans discouraged, in a transaction that is
// rolled back.
func explain(t *testing.T, ctx context.Context, pool *pgxpool.Pool, st statement) string {
	t.Helper()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, "EXPLAIN "+st.sql, st.args...)
	if err != nil {
		t.Fatalf("explain %s: %v", st.sql, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	return strings.Join(plan, "\n")
}
