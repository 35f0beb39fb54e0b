package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// scenario is one endpoint driven at full speed.
type scenario struct {
	name        string
	connections int
	targets     []vegeta.Target
	// once: each target is sent exactly once (prepared carts), bounding the run.
	once bool
	// expect tells a correct answer from a wrong one beyond the status class (a 303 to the wrong place).
	expect    func(status int, location string) bool
	reference bool
	goal      goal
}

// goal is the target for a scenario; zero fields are not checked.
type goal struct {
	minRatio float64 // of the reference page's requests per second
	minRate  float64 // requests per second
	maxP99Ms float64
	noErrors bool
}

type plan struct {
	categoryBytes int
	scenarios     []scenario
}

// The storefronts the page scenarios rotate through: four languages, three currencies, tax-inclusive and not.
var pageLocales = []string{"de-de", "ja-jp", "en-us", "fr-fr"}

var (
	categoryLink = regexp.MustCompile(`href="(/[a-z]{2}-[a-z]{2}/c/[^"?#]+)"`)
	productLink  = regexp.MustCompile(`href="(/[a-z]{2}-[a-z]{2}/p/[^"?#]+)"`)
	productCard  = regexp.MustCompile(`class="card"`)
	csrfInput    = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	variantInput = regexp.MustCompile(`name="variant" value="(\d+)"`)
	skuText      = regexp.MustCompile(`SKU: ([A-Z0-9-]+)`)
	warehouseOpt = regexp.MustCompile(`<option value="(\d+)"[^>]*>([^<]*)</option>`)
)

// browser is a minimal HTTP client for preparing the run: it keeps cookies by name and never follows redirects.
type browser struct {
	base    string
	client  *http.Client
	mu      sync.Mutex
	cookies map[string]string
}

func newBrowser(base string) *browser {
	return &browser{base: base, cookies: map[string]string{}, client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) cookieHeader() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var parts []string
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

func (b *browser) do(ctx context.Context, method, path string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c := b.cookieHeader(); c != "" {
		req.Header.Set("Cookie", c)
	}
	res, err := b.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	text, err := io.ReadAll(res.Body)
	b.mu.Lock()
	for _, c := range res.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	b.mu.Unlock()
	return res, string(text), err
}

func (b *browser) get(ctx context.Context, path string) (string, error) {
	res, text, err := b.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", path, res.Status)
	}
	return text, nil
}

// post submits a form and expects a redirect.
func (b *browser) post(ctx context.Context, path string, form url.Values) error {
	res, text, err := b.do(ctx, http.MethodPost, path, form)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST %s: %s\n%.2000s", path, res.Status, text)
	}
	return nil
}

// discover reads the seeded shop through its pages and prepares every scenario's requests.
func discover(ctx context.Context, base string, o options) (plan, error) {
	var p plan
	guest := newBrowser(base)
	var categories, products []string
	for _, loc := range pageLocales {
		cat, page, err := fullCategory(ctx, guest, loc)
		if err != nil {
			return p, err
		}
		categories = append(categories, cat)
		if p.categoryBytes == 0 {
			p.categoryBytes = len(page)
		}
		for _, m := range productLink.FindAllStringSubmatch(page, -1) {
			products = append(products, m[1])
		}
	}
	reference := base + "/bench/reference?page=" + url.QueryEscape(categories[0])
	if text, err := guest.get(ctx, strings.TrimPrefix(reference, base)); err != nil {
		return p, err
	} else if len(text) != p.categoryBytes {
		return p, fmt.Errorf("reference page is %d bytes, the category page %d", len(text), p.categoryBytes)
	}

	token, err := csrfToken(ctx, guest)
	if err != nil {
		return p, err
	}
	csrfSecret := guest.cookies["csrf"]
	csrfCookie := "csrf=" + csrfSecret

	addTargets, err := addToCartTargets(ctx, guest, base, token, csrfCookie)
	if err != nil {
		return p, err
	}
	orderTargets, err := placeOrderTargets(ctx, base, token, csrfSecret, o.orders)
	if err != nil {
		return p, err
	}

	pages := func(paths []string) []vegeta.Target {
		var ts []vegeta.Target
		for _, path := range paths {
			ts = append(ts, vegeta.Target{Method: http.MethodGet, URL: base + path})
		}
		return ts
	}
	ok := func(status int, _ string) bool { return status == http.StatusOK }
	c := o.connections
	p.scenarios = []scenario{
		{name: "reference page", connections: c, targets: pages([]string{strings.TrimPrefix(reference, base)}), expect: ok, reference: true},
		{name: "category page, 24 products", connections: c, targets: pages(categories), expect: ok, goal: goal{minRatio: 0.33}},
		{name: "category page, 24 products", connections: 8, targets: pages(categories), expect: ok, goal: goal{maxP99Ms: 25}},
		{name: "product page", connections: c, targets: pages(products), expect: ok, goal: goal{minRatio: 0.4}},
		{name: "add to cart", connections: c, targets: addTargets, goal: goal{minRate: 2000},
			expect: func(status int, location string) bool {
				return status == http.StatusSeeOther && location == "/en-us/cart"
			}},
		{name: "place order (test payment)", connections: c, targets: orderTargets, once: true, goal: goal{minRate: 300, noErrors: true},
			expect: func(status int, location string) bool {
				return status == http.StatusSeeOther && strings.Contains(location, "/checkout/pay/")
			}},
		{name: "reference page", connections: c, targets: pages([]string{strings.TrimPrefix(reference, base)}), expect: ok, reference: true},
	}
	return p, nil
}

// fullCategory finds the locale's first category page listing at least 24 products.
func fullCategory(ctx context.Context, b *browser, loc string) (string, string, error) {
	home, err := b.get(ctx, "/"+loc+"/")
	if err != nil {
		return "", "", err
	}
	seen := map[string]bool{}
	for _, m := range categoryLink.FindAllStringSubmatch(home, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		page, err := b.get(ctx, m[1])
		if err != nil {
			return "", "", err
		}
		if len(productCard.FindAllString(page, -1)) >= 24 {
			return m[1], page, nil
		}
	}
	return "", "", fmt.Errorf("no category of /%s/ lists 24 products", loc)
}

func csrfToken(ctx context.Context, b *browser) (string, error) {
	page, err := b.get(ctx, "/en-us/account/signin")
	if err != nil {
		return "", err
	}
	m := csrfInput.FindStringSubmatch(page)
	if m == nil || b.cookies["csrf"] == "" {
		return "", errors.New("no CSRF token on the sign-in page")
	}
	return m[1], nil
}

// addToCartTargets add one of several products to a new guest cart each time, as a first-time visitor does.
func addToCartTargets(ctx context.Context, b *browser, base, token, csrfCookie string) ([]vegeta.Target, error) {
	home, err := b.get(ctx, "/en-us/")
	if err != nil {
		return nil, err
	}
	var ts []vegeta.Target
	for _, m := range productLink.FindAllStringSubmatch(home, 16) {
		page, err := b.get(ctx, m[1])
		if err != nil {
			return nil, err
		}
		v := variantInput.FindStringSubmatch(page)
		if v == nil {
			continue
		}
		form := url.Values{"variant": {v[1]}, "qty": {"1"}, "csrf_token": {token}}
		ts = append(ts, vegeta.Target{Method: http.MethodPost, URL: base + "/en-us/cart/items", Body: []byte(form.Encode()),
			Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {csrfCookie}}})
	}
	if len(ts) == 0 {
		return nil, errors.New("no product on /en-us/ can be added to the cart")
	}
	return ts, nil
}

// placeOrderTargets stocks one product generously (as the demo operator, through the admin) and prepares n guest
// carts holding it, each with a German address and economy shipping saved, so that each target places one
// order.
func placeOrderTargets(ctx context.Context, base, token, csrfSecret string, n int) ([]vegeta.Target, error) {
	ops := newBrowser(base)
	opsToken, err := csrfToken(ctx, ops)
	if err != nil {
		return nil, err
	}
	if err := ops.post(ctx, "/en-us/account/signin", url.Values{"email": {"ops@demo.shop"}, "password": {"demo-password"},
		"csrf_token": {opsToken}}); err != nil {
		return nil, fmt.Errorf("sign in as the demo operator: %w", err)
	}
	home, err := ops.get(ctx, "/en-de/")
	if err != nil {
		return nil, err
	}
	m := productLink.FindStringSubmatch(home)
	if m == nil {
		return nil, errors.New("no product on /en-de/")
	}
	page, err := ops.get(ctx, m[1])
	if err != nil {
		return nil, err
	}
	variant, sku := variantInput.FindStringSubmatch(page), skuText.FindStringSubmatch(page)
	if variant == nil || sku == nil {
		return nil, fmt.Errorf("%s has no variant to order", m[1])
	}
	inventory, err := ops.get(ctx, "/admin/inventory")
	if err != nil {
		return nil, err
	}
	warehouse := ""
	for _, o := range warehouseOpt.FindAllStringSubmatch(inventory, -1) {
		if strings.Contains(o[2], "CN-SZX") {
			warehouse = o[1]
		}
	}
	if warehouse == "" {
		return nil, errors.New("no CN-SZX warehouse on the inventory page")
	}
	if err := ops.post(ctx, "/admin/inventory/receive", url.Values{"sku": {sku[1]}, "warehouse": {warehouse},
		"quantity": {strconv.Itoa(n + 1000)}, "reason": {"load test"}, "csrf_token": {opsToken}}); err != nil {
		return nil, fmt.Errorf("receive stock: %w", err)
	}

	targets := make([]vegeta.Target, n)
	var next atomic.Int64
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				t, err := preparedCart(ctx, base, token, csrfSecret, variant[1], i)
				if err != nil {
					errs <- err
					return
				}
				targets[i] = t
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("prepare carts: %w", err)
	}
	return targets, nil
}

// preparedCart fills a new guest cart and saves its checkout details; the target places its order.
func preparedCart(ctx context.Context, base, token, csrfSecret, variant string, i int) (vegeta.Target, error) {
	b := newBrowser(base)
	b.cookies["csrf"] = csrfSecret
	if err := b.post(ctx, "/en-de/cart/items", url.Values{"variant": {variant}, "qty": {"1"}, "csrf_token": {token}}); err != nil {
		return vegeta.Target{}, err
	}
	if err := b.post(ctx, "/en-de/checkout", url.Values{"email": {fmt.Sprintf("load-%d@example.com", i)},
		"phone": {"+49 30 1234567"}, "name": {"Load Test"}, "line1": {"Teststraße 1"}, "city": {"Berlin"},
		"postal_code": {"10115"}, "country": {"DE"}, "service": {"economy"}, "csrf_token": {token}}); err != nil {
		return vegeta.Target{}, err
	}
	form := url.Values{"method": {"test"}, "key": {fmt.Sprintf("load-order-%d", i)}, "csrf_token": {token}}
	return vegeta.Target{Method: http.MethodPost, URL: base + "/en-de/checkout/place", Body: []byte(form.Encode()),
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {b.cookieHeader()}}}, nil
}
