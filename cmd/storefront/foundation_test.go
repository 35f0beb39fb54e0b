package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"storefront/internal/account"
	"storefront/internal/platform/pgtest"
	"storefront/internal/platform/postgres"
	"storefront/migrations"
)

func TestRootNegotiatesStorefront(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	c := shop.client()
	cases := []struct{ acceptLanguage, want string }{
		{"", "/en-us/"},
		{"de-DE,de;q=0.9", "/de-de/"},
		{"de-CH", "/de-ch/"},
		{"ja", "/ja-jp/"},
		{"fr-CA,fr;q=0.8", "/fr-ca/"},
		{"ar", "/ar-ae/"},
		{"zh-CN", "/zh-sg/"},
		{"pt-BR,en-GB;q=0.5", "/en-gb/"},
	}
	for _, tc := range cases {
		res := c.get("/", "Accept-Language", tc.acceptLanguage)
		if res.Status != http.StatusFound || res.Header.Get("Location") != tc.want {
			t.Errorf("Accept-Language %q: got %d → %q, want 302 → %q", tc.acceptLanguage, res.Status, res.Header.Get("Location"), tc.want)
		}
	}
	// The selector's choice wins over the browser's language on the next visit.
	if res := c.get("/locale?country=jp&lang=en&next=/de-de/account/signin"); res.Header.Get("Location") != "/en-jp/account/signin" {
		t.Fatalf("selector: redirect to %q", res.Header.Get("Location"))
	}
	if res := c.get("/", "Accept-Language", "de"); res.Header.Get("Location") != "/en-jp/" {
		t.Errorf("after choosing en-jp, / goes to %q", res.Header.Get("Location"))
	}
}

func TestHomeCarriesLocaleAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	c := shop.client()
	for prefix, want := range map[string][]string{
		"/en-us/": {`<html lang="en-US" dir="ltr">`, `hreflang="x-default"`, `hreflang="ja-JP"`, `<link rel="canonical" href="` + shop.URL + `/en-us/"`},
		"/ar-ae/": {`<html lang="ar-AE" dir="rtl">`},
		"/ja-jp/": {`<html lang="ja-JP" dir="ltr">`},
	} {
		res := c.get(prefix)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", prefix, res.Status)
		}
		for _, w := range want {
			if !strings.Contains(res.Body, w) {
				t.Errorf("GET %s: page lacks %s", prefix, w)
			}
		}
	}
	res := c.get("/en-us/")
	h := res.Header
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-ID") == "" {
		t.Errorf("security headers missing: %v", h)
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain http")
	}
	for _, ck := range res.Header.Values("Set-Cookie") {
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || strings.Contains(ck, "Secure") {
			t.Errorf("cookie over http: %s", ck)
		}
	}

	// Behind https (BASE_URL), pages send HSTS and every cookie is Secure as well.
	secure := newTestShopWith(t, map[string]string{"BASE_URL": "https://shop.example"})
	res = secure.client().get("/en-us/account/signin")
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("no HSTS under https: %q", hsts)
	}
	cookies := res.Header.Values("Set-Cookie")
	if len(cookies) == 0 {
		t.Fatal("the sign-in page set no cookie")
	}
	for _, ck := range cookies {
		if !strings.Contains(ck, "Secure") || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
			t.Errorf("cookie under https: %s", ck)
		}
	}
	if strings.Contains(res.Body, "<script>") || regexp.MustCompile(`style="`).MatchString(res.Body) {
		t.Error("page has inline script or style, which the CSP forbids")
	}
}

func TestStaticAssetsAreHashedImmutableAndCompressed(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	c := shop.client()
	page := c.get("/en-us/").Body
	m := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("stylesheet link with hashed name not found")
	}
	req, _ := http.NewRequest(http.MethodGet, shop.URL+m[1], nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset response: %d %v", res.StatusCode, res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(zr)
	if !strings.Contains(string(css), "margin-inline") {
		t.Error("stylesheet content unexpected")
	}
	if res := c.get("/static/app.0000000000.css"); res.Status != http.StatusNotFound {
		t.Errorf("unknown asset: %d", res.Status)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	c := shop.client()
	if res := c.get("/healthz"); res.Status != http.StatusOK {
		t.Errorf("healthz %d", res.Status)
	}
	if res := c.get("/readyz"); res.Status != http.StatusOK {
		t.Errorf("readyz %d", res.Status)
	}
	shop.pool.Close()
	if res := c.get("/readyz"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database gone: %d, want 503", res.Status)
	}
}

func TestUnknownRoutesAndMalformedIDsAre404(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	shop.mustUser("root@example.com", account.RoleAdmin)
	c := shop.client()
	for _, p := range []string{"/nope", "/en-us/nope", "/xx-yy/", "/EN-US/", "/de-us/", "/en-us/account/nope"} {
		res := c.get(p)
		if res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.Status)
		}
		if !strings.Contains(res.Body, "<html") {
			t.Errorf("GET %s: not an HTML error page", p)
		}
	}
	// An unknown storefront prefix lists the served ones.
	if res := c.get("/xx-yy/"); !strings.Contains(res.Body, `href="/de-de/"`) || !strings.Contains(res.Body, `href="/ja-jp/"`) {
		t.Error("the 404 for an unknown storefront does not link the served storefronts")
	}
	// Localized: the German error page speaks German.
	res := c.get("/xx-yy/", "Accept-Language", "de")
	if !strings.Contains(res.Body, `lang="de-DE"`) {
		t.Errorf("error page not negotiated to German")
	}
	c.signIn("root@example.com")
	for _, p := range []string{"/admin/users/abc/role", "/admin/users/99999999999999999999/role", "/admin/users/42/role"} {
		if res := c.post(p, url.Values{"role": {"ops"}}); res.Status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", p, res.Status)
		}
	}
}

// TestMalformedTextIsRefusedNot500: a NUL byte or broken UTF-8 in a search, a form or a path is a clear refusal in
// the shopper's language, never a 500 from deep inside a query.
func TestMalformedTextIsRefusedNot500(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	c := shop.client()
	for _, p := range []string{"/de-de/search?q=%ff", "/de-de/search?q=Becher%00", "/de-de/c/%ff"} {
		res := c.get(p, "Accept-Language", "de")
		if res.Status != http.StatusUnprocessableEntity && res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 422 or 404", p, res.Status)
		}
	}
	res := c.get("/de-de/search?q=%ff")
	if !strings.Contains(res.Body, "Zeichen") || !strings.Contains(res.Body, `lang="de-DE"`) {
		t.Errorf("the refusal is not explained in German: %d", res.Status)
	}
	for _, form := range []url.Values{
		{"email": {"a\x00@example.com"}, "password": {"x"}},
		{"email": {"\xff@example.com"}, "password": {"x"}},
		{"email": {"new@example.com"}, "name": {"Mia\x00"}, "password": {"correct horse battery"}},
	} {
		for _, path := range []string{"/en-us/account/signin", "/en-us/account/signup"} {
			if res := c.post(path, form); res.Status != http.StatusUnprocessableEntity {
				t.Errorf("POST %s %q: %d, want 422", path, form.Encode(), res.Status)
			}
		}
	}
}

func TestPostWithoutCSRFTokenIsForbidden(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	shop.mustUser("sam@example.com", account.RoleShopper)
	c := shop.client()
	c.csrf() // obtain the cookie, but send no or a wrong token
	for _, form := range []url.Values{
		{"email": {"sam@example.com"}, "password": {testPassword}},
		{"email": {"sam@example.com"}, "password": {testPassword}, "csrf_token": {"forged"}},
	} {
		res := c.postRaw("/en-us/account/signin", form)
		if res.Status != http.StatusForbidden {
			t.Errorf("POST without a valid token: %d, want 403", res.Status)
		}
	}
	if c.cookie(account.SessionCookie) != nil {
		t.Fatal("a session was started by a request without a valid CSRF token")
	}
	// The refusal speaks the storefront's language, whatever the browser prefers.
	res := c.postRaw("/fr-fr/account/signin", url.Values{"email": {"sam@example.com"}})
	if res.Status != http.StatusForbidden || !strings.Contains(res.Body, `lang="fr-FR"`) {
		t.Errorf("403 under /fr-fr: %d, not in French", res.Status)
	}
	// A token from another visitor's cookie is not valid either.
	other := shop.client()
	form := url.Values{"email": {"sam@example.com"}, "password": {testPassword}, "csrf_token": {other.csrf()}}
	if res := c.postRaw("/en-us/account/signin", form); res.Status != http.StatusForbidden {
		t.Errorf("POST with another visitor's token: %d, want 403", res.Status)
	}
	c.signIn("sam@example.com")
}

func TestSignUpSignInSignOut(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	c := shop.client()
	res := c.post("/en-us/account/signup", url.Values{"email": {"not-an-email"}, "password": {"short"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "valid e-mail address") ||
		!strings.Contains(res.Body, "at least 10 characters") {
		t.Fatalf("bad sign-up: %d\n%s", res.Status, res.Body)
	}
	res = c.post("/en-us/account/signup", url.Values{"email": {"New@Example.com"}, "name": {"Nia"}, "password": {testPassword}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign-up: %d\n%s", res.Status, res.Body)
	}
	ck := c.cookie(account.SessionCookie)
	if ck == nil {
		t.Fatal("no session after sign-up")
	}
	if res := c.get("/en-us/account"); res.Status != http.StatusOK || !strings.Contains(res.Body, "new@example.com") {
		t.Fatalf("account page: %d", res.Status)
	}
	// The same e-mail cannot sign up twice.
	c2 := shop.client()
	if res := c2.post("/en-us/account/signup", url.Values{"email": {"new@example.com"}, "password": {testPassword}}); res.Status != http.StatusConflict {
		t.Errorf("duplicate sign-up: %d", res.Status)
	}
	// Sign-in rotates the session: the old token no longer works.
	old := ck.Value
	c.signIn("new@example.com")
	if c.cookie(account.SessionCookie).Value == old {
		t.Error("session token not rotated at sign-in")
	}
	if _, err := shop.app.accounts.SessionUser(context.Background(), old); err == nil {
		t.Error("the pre-sign-in session still works")
	}
	if res := c.post("/en-us/account/signout", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", res.Status)
	}
	if res := c.get("/en-us/account"); res.Status != http.StatusSeeOther {
		t.Errorf("account page after sign-out: %d, want a redirect to sign in", res.Status)
	}
}

func TestSessionSurvivesRestart(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	first := serveShop(t, pool)
	first.mustUser("ops@example.com", account.RoleOps)
	c := first.client()
	res := c.post("/en-us/account/signin", url.Values{"email": {"ops@example.com"}, "password": {testPassword}})
	var set string
	for _, ck := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, account.SessionCookie+"=") {
			set = ck
		}
	}
	if !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") || !strings.Contains(set, "Path=/") {
		t.Errorf("session cookie: %q", set)
	}
	token := c.cookie(account.SessionCookie).Value
	first.srv.Close()

	second := serveShop(t, pool) // a new process: nothing in memory survives
	c2 := second.client()
	u, _ := url.Parse(second.URL)
	c2.http.Jar.SetCookies(u, []*http.Cookie{{Name: account.SessionCookie, Value: token, Path: "/"}})
	if res := c2.get("/admin"); res.Status != http.StatusOK || !strings.Contains(res.Body, "ops@example.com") {
		t.Fatalf("after restart the session is gone: %d", res.Status)
	}
}

func TestSignInThrottling(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	shop.mustUser("target@example.com", account.RoleShopper)
	c := shop.client()
	for i := 0; i < 5; i++ {
		res := c.post("/en-us/account/signin", url.Values{"email": {"target@example.com"}, "password": {"wrong password!"}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, res.Status)
		}
	}
	res := c.post("/en-us/account/signin", url.Values{"email": {"target@example.com"}, "password": {testPassword}})
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "wait 15 minutes") {
		t.Fatalf("after 5 failures the right password must wait: %d", res.Status)
	}
}

// TestAdminRoutesByRole walks every route under /admin and checks each role's access against the section
// table: anonymous visitors are sent to sign in, shoppers are refused, staff reach exactly their sections.
func TestAdminRoutesByRole(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	clients := map[string]*client{"anonymous": shop.client()}
	for _, role := range account.Roles {
		email := string(role) + "@example.com"
		shop.mustUser(email, role)
		c := shop.client()
		c.signIn(email)
		clients[string(role)] = c
	}
	public := map[string]bool{"/admin/signin": true, "/admin/signout": true, "/admin/language": true}
	// Who may use each part of the back office, written out here rather than read from the code's own table, so
	// a section given the wrong roles fails. A new section must be added here: its routes fail until it is.
	merchant, ops, admin := account.RoleMerchant, account.RoleOps, account.RoleAdmin
	expected := map[string][]account.Role{
		"/admin":                {merchant, ops, admin}, // the dashboard
		"/admin/catalog":        {merchant, admin},
		"/admin/pricing":        {merchant, admin},
		"/admin/inventory":      {merchant, ops, admin},
		"/admin/landed-cost":    {merchant, ops, admin},
		"/admin/return-reasons": {merchant, ops, admin},
		"/admin/orders":         {ops, admin},
		"/admin/returns":        {ops, admin},
		"/admin/users":          {admin},
		"/admin/mail":           {admin},
	}
	allowedRoles := func(route string) []account.Role {
		best := ""
		for prefix := range expected {
			if (route == prefix || strings.HasPrefix(route, prefix+"/")) && len(prefix) > len(best) {
				best = prefix
			}
		}
		if best == "/admin" && route != "/admin" && route != "/admin/" {
			t.Fatalf("route %s belongs to no back-office section listed in this test: decide who may use it", route)
		}
		return expected[best]
	}
	routes := 0
	err := chi.Walk(shop.app.handler.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(route, "/admin") || public[strings.TrimSuffix(route, "/")] {
			return nil
		}
		routes++
		path := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(route, "1")
		path = strings.TrimSuffix(strings.ReplaceAll(path, "/*", "/"), "*")
		allowed := allowedRoles(route)
		for name, c := range clients {
			var res response
			if method == http.MethodGet {
				res = c.get(path)
			} else {
				form := url.Values{"csrf_token": {c.csrf()}}
				req, _ := http.NewRequest(method, c.base+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res = c.do(req)
			}
			mayEnter := false
			for _, r := range allowed {
				if string(r) == name {
					mayEnter = true
				}
			}
			switch {
			case name == "anonymous" && method == http.MethodGet:
				if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/signin") {
					t.Errorf("%s %s as anonymous: %d %s, want a redirect to sign in", method, path, res.Status, res.Header.Get("Location"))
				}
			case name == "anonymous":
				if res.Status != http.StatusUnauthorized {
					t.Errorf("%s %s as anonymous: %d, want 401", method, path, res.Status)
				}
			case mayEnter:
				if res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized || res.Status >= 500 {
					t.Errorf("%s %s as %s: %d, want access", method, path, name, res.Status)
				}
			default:
				if res.Status != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", method, path, name, res.Status)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if routes < 3 {
		t.Fatalf("only %d admin routes walked", routes)
	}
}

func TestConcurrentMigrationsApplyOnce(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewEmptyDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	versions := make([]uint, 6)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pool, err := postgres.Open(context.Background(), dbURL)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			versions[i], errs[i] = postgres.NewMigrator(pool, migrations.FS).Up(context.Background())
		}(i)
	}
	wg.Wait()
	latest, _ := postgres.NewMigrator(nil, migrations.FS).Latest()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		} else if versions[i] != latest {
			t.Errorf("migrator %d ended at version %d, want %d", i, versions[i], latest)
		}
	}
}

// TestTwoServeProcessesShareOneDatabase starts `storefront serve` twice at once on an empty database: both
// migrate under the advisory lock, both serve, and a session made on one works on the other.
func TestTwoServeProcessesShareOneDatabase(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewEmptyDatabase(t)
	ctx := context.Background()
	addrs := []string{freeAddr(t), freeAddr(t)}
	var procs []*exec.Cmd
	var logs []*bytes.Buffer
	for _, addr := range addrs {
		// Two operating-system processes, started at once on an empty database: both migrate (one waits for the
		// other's advisory lock) and serve.
		cmd := exec.Command(os.Args[0], "serve")
		cmd.Env = append(os.Environ(), runAsBinaryEnv+"=1", "DATABASE_URL="+dbURL, "HTTP_ADDR="+addr,
			"SESSION_KEY="+testSessionKey, "BASE_URL=http://"+addr, "LOG_LEVEL=warn", "BLOB_DIR="+t.TempDir())
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		procs, logs = append(procs, cmd), append(logs, out)
	}
	for _, addr := range addrs {
		waitReady(t, "http://"+addr)
	}
	pool, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	svc, _ := account.NewService(pool, testLogger())
	if _, err := svc.CreateUser(ctx, account.NewUser{Email: "m@example.com", Password: testPassword, Role: account.RoleMerchant}); err != nil {
		t.Fatal(err)
	}
	first := &testShop{t: t, URL: "http://" + addrs[0]}
	c := first.client()
	c.signIn("m@example.com")
	token := c.cookie(account.SessionCookie).Value
	c.base = "http://" + addrs[1]
	u, _ := url.Parse(c.base)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: account.SessionCookie, Value: token, Path: "/"}})
	if res := c.get("/admin"); res.Status != http.StatusOK || !strings.Contains(res.Body, "m@example.com") {
		t.Fatalf("the second instance does not know the first one's session: %d", res.Status)
	}
	// SIGTERM, as a deployment stops them: both finish cleanly.
	for i, p := range procs {
		if err := p.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := p.Wait(); err != nil {
			t.Errorf("instance %d: %v\n%s", i, err, logs[i])
		}
	}
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", base)
}

// TestGracefulShutdownFinishesInFlightRequests cancels the server while a slow request runs: the request
// completes and the server then stops.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	shop := newTestShop(t)
	release := make(chan struct{})
	started := make(chan struct{})
	slow := http.NewServeMux()
	slow.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		fmt.Fprint(w, "finished")
	})
	shop.app.handler = slow
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- shop.app.serve(ctx, ln) }()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	<-started
	cancel() // SIGTERM
	time.Sleep(100 * time.Millisecond)
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// TestHugePageNumbersAreEmptyPagesNot500: a page number from the URL far past the last page is an empty page,
// not an overflowed offset (a panic slicing a listing, a negative OFFSET in SQL).
func TestHugePageNumbersAreEmptyPagesNot500(t *testing.T) {
	t.Parallel()
	shop := seededShop(t)
	shop.mustUser("pages@example.com", account.RoleAdmin)
	c := shop.client()
	huge := "page=9223372036854775807"
	for _, p := range []string{categoryPath(shop, "/en-us") + "?" + huge, "/en-us/search?q=shirt&" + huge} {
		if res := c.get(p); res.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	c.signIn("pages@example.com")
	for _, p := range []string{"/admin/catalog", "/admin/catalog/history", "/admin/orders", "/admin/returns", "/admin/inventory",
		"/admin/users"} {
		if res := c.get(p + "?" + huge); res.Status != http.StatusOK {
			t.Errorf("GET %s?%s: %d", p, huge, res.Status)
		}
	}
}
