// Package browsertest drives Debian's Chromium, headless, through the
// real pages of the application: it starts one browser per test package,
// opens tabs with cookies of their own, signs in through the development
// sign-in page by clicking, checks each page with axe-core and saves
// screenshots.
//
// Chromium and npm (for axe-core) are looked up on the machine. Where
// either is missing the tests are skipped with a loud message, or fail
// when REQUIRE_BROWSER=1.
package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ErrNoBrowser is what Find returns when no Chromium is installed.
var ErrNoBrowser = errors.New("no Chromium found (install the Debian package chromium, or set CHROMIUM to its path)")

// actionTimeout bounds one step in the browser so that a page that never
// answers ends the test with an error instead of hanging it. It is a
// guard, not an assertion about speed.
const actionTimeout = 60 * time.Second

// Find returns the path of the Chromium to drive: $CHROMIUM, else the
// first of chromium, chromium-browser, google-chrome on PATH. It returns
// ErrNoBrowser when there is none.
func Find() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Required reports whether REQUIRE_BROWSER=1 asks for the browser tests
// to fail, not skip, when a browser or axe-core is missing.
func Required() bool { return os.Getenv("REQUIRE_BROWSER") == "1" }

// unavailable skips t with a message no one can miss, or fails it under
// REQUIRE_BROWSER=1.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if Required() {
		t.Fatalf("REQUIRE_BROWSER=1 but the browser tests cannot run: %v", err)
	}
	t.Skipf("\n\n*** SKIPPING BROWSER TESTS: %v ***\n*** (install chromium and npm; REQUIRE_BROWSER=1 makes this a failure) ***\n", err)
}

// Browser is one running headless Chromium with axe-core at hand.
type Browser struct {
	ctx       context.Context // the browser's own context; tabs derive from it
	axe       string          // axe.min.js
	artifacts string
	closeOnce sync.Once
	cancel    func()
}

// Start launches Chromium for t with a fresh profile directory and
// installs axe-core if needed; the browser closes when t ends. It skips
// t (or fails it under REQUIRE_BROWSER=1) when Chromium or axe-core is
// not available, and fails it when the browser does not start.
func Start(t testing.TB) *Browser {
	t.Helper()
	exe, err := Find()
	if err != nil {
		unavailable(t, err)
	}
	axePath, err := InstallAxe()
	if err != nil {
		unavailable(t, err)
	}
	src, err := os.ReadFile(axePath)
	if err != nil {
		unavailable(t, err)
	}
	profile, err := os.MkdirTemp("", "mobilityfund-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("password-store", "basic"),
		// A Swedish reader's browser: the first page must come in Swedish.
		chromedp.Flag("lang", "sv-SE"),
		chromedp.Flag("accept-lang", "sv-SE,sv,en"),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b := &Browser{ctx: ctx, axe: string(src), artifacts: Artifacts(t)}
	b.cancel = func() {
		cancelBrowser()
		cancelAlloc()
		_ = os.RemoveAll(profile)
	}
	t.Cleanup(b.Close)
	// The first run on the browser's own context launches the process; a
	// context with a deadline here would end the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return b
}

// Close stops the browser and removes its profile directory.
func (b *Browser) Close() { b.closeOnce.Do(b.cancel) }

// Artifacts is the directory screenshots go to: $BROWSER_ARTIFACTS
// (created if needed), else a temporary directory of t.
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("BROWSER_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// fileName makes a screenshot name safe for a file system.
func fileName(parts ...string) string {
	s := strings.Join(parts, "-")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// describe shortens a page's text for an error message.
func describe(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
