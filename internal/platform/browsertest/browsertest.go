// Package browsertest drives Debian's headless Chromium from Go tests (chromedp) against a shop served by
// httptest. A failing step saves a screenshot of the page to the artifacts folder and names it in the failure.
//
// Without Chromium the tests are skipped locally and fail when CI is set.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ArtifactsDir is where screenshots go: BROWSERTEST_ARTIFACTS, or browsertest-artifacts/ in the test's
// package directory.
func ArtifactsDir() string {
	if d := os.Getenv("BROWSERTEST_ARTIFACTS"); d != "" {
		return d
	}
	return "browsertest-artifacts"
}

// Browser is one headless Chromium tab.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	BaseURL string
}

// chromiumPath finds the browser: CHROMIUM_PATH, then Debian's chromium, then other common names.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Options adjust a browser.
type Options struct {
	// Width and Height of the viewport; 0 means 1280×900. Use 390×844 for a phone.
	Width, Height int64
	// Mobile emulates a touch phone (device scale 3).
	Mobile bool
	// AcceptLanguage sets the browser's language preference.
	AcceptLanguage string
}

// New starts a headless Chromium for the test at baseURL; it is closed when the test ends.
func New(t testing.TB, baseURL string, o Options) *Browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("browsertest: CI is set but Chromium is not installed (apt-get install chromium)")
		}
		t.Skip("browsertest: Chromium not installed")
	}
	// Not t.TempDir: Chromium may still be writing its profile while the test's cleanup runs.
	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		t.Fatal(err)
	}
	if o.Width == 0 {
		o.Width, o.Height = 1280, 900
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(int(o.Width), int(o.Height)),
	}
	if o.AcceptLanguage != "" {
		opts = append(opts, chromedp.Flag("lang", o.AcceptLanguage), chromedp.Flag("accept-lang", o.AcceptLanguage))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	})
	if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(o.Width, o.Height, deviceScale(o.Mobile), o.Mobile)); err != nil {
		t.Fatalf("browsertest: start Chromium (%s): %v", path, err)
	}
	b := &Browser{t: t, ctx: ctx, BaseURL: strings.TrimSuffix(baseURL, "/")}
	// Registered after the browser's own cleanup, so it runs first: a test that failed on its own assertion
	// (not in a browser step, which saves one itself) leaves the page it ended on.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browsertest: page at the end of the failed test: %s", b.Screenshot("FAILED at end"))
		}
	})
	return b
}

func deviceScale(mobile bool) float64 {
	if mobile {
		return 3
	}
	return 1
}

// Context is the tab's context, for chromedp calls not wrapped here.
func (b *Browser) Context() context.Context { return b.ctx }

// Run runs actions with a timeout; on failure it saves a screenshot and fails the test with its path.
func (b *Browser) Run(step string, actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		shot := b.Screenshot("FAILED " + step)
		var url string
		_ = chromedp.Run(b.ctx, chromedp.Location(&url))
		b.t.Fatalf("browsertest: %s: %v (page %s; screenshot %s)", step, err, url, shot)
	}
}

// Visit navigates to a path of the shop and waits for the page body.
func (b *Browser) Visit(path string) {
	b.t.Helper()
	b.Run("visit "+path, chromedp.Navigate(b.BaseURL+path), chromedp.WaitReady("body", chromedp.ByQuery))
}

// Text returns the visible text of the first element matching the CSS selector.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	var s string
	b.Run("read "+selector, chromedp.Text(selector, &s, chromedp.ByQuery, chromedp.NodeVisible))
	return s
}

// Attr returns an attribute of the first element matching the CSS selector.
func (b *Browser) Attr(selector, name string) string {
	b.t.Helper()
	var v string
	var ok bool
	b.Run("read "+selector+"@"+name, chromedp.AttributeValue(selector, name, &v, &ok, chromedp.ByQuery))
	return v
}

// Location returns the current URL.
func (b *Browser) Location() string {
	b.t.Helper()
	var u string
	b.Run("location", chromedp.Location(&u))
	return u
}

// Fill types value into the field matching selector, replacing what was there.
func (b *Browser) Fill(selector, value string) {
	b.t.Helper()
	sel, _ := json.Marshal(selector)
	val, _ := json.Marshal(value)
	b.Run("fill "+selector, chromedp.WaitVisible(selector, chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const el = document.querySelector(`+string(sel)+`); el.value = `+string(val)+`;
			el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil))
}

// Click clicks the element matching selector and waits for the next page when it navigates.
func (b *Browser) Click(selector string) {
	b.t.Helper()
	b.Run("click "+selector, chromedp.WaitVisible(selector, chromedp.ByQuery), chromedp.Click(selector, chromedp.ByQuery),
		chromedp.WaitReady("body", chromedp.ByQuery))
}

// Submit clicks a submit button and waits for the page it leads to (a new document, fully loaded).
func (b *Browser) Submit(selector string) {
	b.t.Helper()
	b.Run("submit "+selector, chromedp.WaitVisible(selector, chromedp.ByQuery),
		chromedp.Evaluate(`window.__beforeSubmit = true`, nil),
		chromedp.Click(selector, chromedp.ByQuery))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var loaded bool
		// Evaluations fail while the browser swaps documents; that is expected, so retry.
		err := chromedp.Run(b.ctx, chromedp.Evaluate(`window.__beforeSubmit !== true && document.readyState === "complete"`, &loaded))
		if err == nil && loaded {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	shot := b.Screenshot("FAILED submit")
	b.t.Fatalf("browsertest: submit %s: no new page after 20s (screenshot %s)", selector, shot)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves a full-page PNG named after the test and label, and returns its path.
func (b *Browser) Screenshot(label string) string {
	var png []byte
	// Bounded like every other step: a stuck renderer must fail the test, not hang it until the global timeout.
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		return fmt.Sprintf("(no screenshot: %v)", err)
	}
	dir := ArtifactsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Sprintf("(no screenshot: %v)", err)
	}
	name := unsafeName.ReplaceAllString(b.t.Name()+"-"+label, "_") + ".png"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return fmt.Sprintf("(no screenshot: %v)", err)
	}
	abs, _ := filepath.Abs(path)
	return abs
}
