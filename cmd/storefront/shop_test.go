package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"storefront/internal/account"
	"storefront/internal/platform/config"
	"storefront/internal/platform/pgtest"
)

// testShop is the whole shop served by httptest on a fresh database.
type testShop struct {
	t    testing.TB
	app  *app
	pool *pgxpool.Pool
	srv  *httptest.Server
	URL  string
}

const testSessionKey = "test-session-key-0123456789abcdef0123456789"

func testConfig(t testing.TB, baseURL, databaseURL string, extra map[string]string) config.Config {
	t.Helper()
	env := map[string]string{"BASE_URL": baseURL, "SESSION_KEY": testSessionKey, "DATABASE_URL": databaseURL,
		"DEMO": "true", "BLOB_DIR": t.TempDir()}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func testLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newTestShop serves a new shop on a fresh database.
func newTestShop(t testing.TB) *testShop {
	t.Helper()
	return serveShop(t, pgtest.NewPool(t))
}

// newTestShopWith serves a new shop with extra configuration.
func newTestShopWith(t testing.TB, env map[string]string) *testShop {
	t.Helper()
	return serveShopWith(t, pgtest.NewPool(t), env)
}

// serveShop serves a shop (a new app instance) on an existing database.
func serveShop(t testing.TB, pool *pgxpool.Pool) *testShop {
	t.Helper()
	return serveShopWith(t, pool, nil)
}

func serveShopWith(t testing.TB, pool *pgxpool.Pool, env map[string]string) *testShop {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	a, err := newApp(context.Background(), testConfig(t, base, "", env), testLogger(), pool)
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: a.handler}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &testShop{t: t, app: a, pool: pool, srv: srv, URL: base}
}

// mustUser creates an account with the role (password "correct horse battery").
func (s *testShop) mustUser(email string, role account.Role) account.User {
	s.t.Helper()
	u, err := s.app.accounts.CreateUser(context.Background(), account.NewUser{Email: email, Name: strings.Split(email, "@")[0],
		Password: testPassword, Role: role})
	if err != nil {
		s.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

const testPassword = "correct horse battery"

// client is a browser-like HTTP client: it keeps cookies and does not follow redirects, so tests see them.
type client struct {
	t    testing.TB
	http *http.Client
	base string
}

func (s *testShop) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: s.t, base: s.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (c *client) get(path string, header ...string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns a valid token for this client, read from a page's form.
func (c *client) csrf() string {
	c.t.Helper()
	res := c.get("/en-us/account/signin")
	m := csrfInput.FindStringSubmatch(res.Body)
	if m == nil {
		c.t.Fatalf("no CSRF token on the sign-in page (status %d)", res.Status)
	}
	return m[1]
}

// post submits a form with a valid CSRF token.
func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", c.csrf())
	return c.postRaw(path, form)
}

// postRaw submits a form as is (no token added).
func (c *client) postRaw(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// signIn signs the client in through the storefront form.
func (c *client) signIn(email string) {
	c.t.Helper()
	res := c.post("/en-us/account/signin", url.Values{"email": {email}, "password": {testPassword}})
	if res.Status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: status %d\n%s", email, res.Status, res.Body)
	}
}

func (c *client) cookie(name string) *http.Cookie {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}
