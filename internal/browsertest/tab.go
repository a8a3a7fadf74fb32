package browsertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Tab is one browser tab with cookies of its own (a separate browser
// context), working against one application at BaseURL. Its methods fail
// the test, with a screenshot, when a step cannot be done.
type Tab struct {
	t       testing.TB
	b       *Browser
	ctx     context.Context
	BaseURL string
	name    string // prefix of the tab's screenshot files
	shots   int
	noJS    bool // the page's own scripts are off
}

// NewTab opens a tab for t against the application at baseURL; name
// prefixes its screenshots. The tab closes when t ends.
func (b *Browser) NewTab(t testing.TB, baseURL, name string) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab; it must use the tab's own context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &Tab{t: t, b: b, ctx: ctx, BaseURL: strings.TrimRight(baseURL, "/"), name: name}
}

// WithoutJavaScript turns the page's own scripts off for the rest of the
// tab's life, to show that every page works without them. Axe runs with
// scripts on for the moment it checks a page, after the page has loaded
// without its own.
func (tab *Tab) WithoutJavaScript() {
	tab.t.Helper()
	tab.noJS = true
	tab.do("turn JavaScript off", scripts(false))
}

// scripts turns the page's script execution on or off.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// do runs steps with a guard against a page that never answers, and
// fails the test on error.
func (tab *Tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tab.fatal(what, err)
	}
}

// fatal ends the test with the page's address, title and a screenshot.
func (tab *Tab) fatal(what string, err error) {
	tab.t.Helper()
	shot := tab.Screenshot("failed")
	tab.t.Fatalf("%s: %v\n  page %s (%s)\n  screenshot %s\n  text: %s", what, err, tab.URL(), tab.Title(), shot,
		describe(tab.evalString(`document.body ? document.body.innerText : ""`), 600))
}

// Eval evaluates a JavaScript expression in the page and returns its
// value decoded as T; it fails the test on error.
func Eval[T any](tab *Tab, expr string) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tab.fatal("evaluate "+describe(expr, 80), err)
	}
	return v
}

// evalString is Eval for messages: it never fails the test.
func (tab *Tab) evalString(expr string) string {
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	return s
}

// URL is the address of the page shown; Title its title.
func (tab *Tab) URL() string   { return tab.evalString(`location.href`) }
func (tab *Tab) Title() string { return tab.evalString(`document.title`) }

// Path is the path and query of the page shown.
func (tab *Tab) Path() string { return tab.evalString(`location.pathname + location.search`) }

// Lang is the language the page declares on <html>.
func (tab *Tab) Lang() string { return tab.evalString(`document.documentElement.lang`) }

// Text is the visible text of the page.
func (tab *Tab) Text() string { return tab.evalString(`document.body ? document.body.innerText : ""`) }

// Has reports whether an element matches the CSS selector.
func (tab *Tab) Has(css string) bool {
	tab.t.Helper()
	return Eval[bool](tab, fmt.Sprintf(`document.querySelector(%q) !== null`, css))
}

// Open loads path of the application and waits for the page.
func (tab *Tab) Open(path string) {
	tab.t.Helper()
	tab.do("open "+path, chromedp.Navigate(tab.BaseURL+path))
}

// Type replaces the text of the input or textarea matching css, typing
// it key by key as a person would.
func (tab *Tab) Type(css, text string) {
	tab.t.Helper()
	tab.do("type into "+css, chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, css)),
		chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible))
}

// Choose picks value in the select (or sets the date input) matching
// css.
func (tab *Tab) Choose(css, value string) {
	tab.t.Helper()
	tab.do("choose "+value+" in "+css, chromedp.SetValue(chromedp.CSS(css), value, chromedp.NodeVisible))
}

// Click clicks the element matching css, with the mouse, and does not
// wait for anything.
func (tab *Tab) Click(css string) {
	tab.t.Helper()
	tab.do("click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// Submit clicks the button or link matching css and waits until the
// browser shows the page that answers it.
func (tab *Tab) Submit(css string) {
	tab.t.Helper()
	tab.navigateBy("click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// SubmitText clicks the button whose text contains text, inside the
// element matching within (a CSS selector), and waits for the answer.
func (tab *Tab) SubmitText(within, text string) {
	tab.t.Helper()
	js := fmt.Sprintf(`[...document.querySelectorAll(%q)].flatMap(f => [...f.querySelectorAll("button, a")]).find(e => e.innerText.includes(%q))`, within, text)
	tab.navigateBy(fmt.Sprintf("click %q in %s", text, within), chromedp.Click(chromedp.JSPath(js), chromedp.NodeVisible))
}

// navigateBy marks the current document, runs click and waits until a new
// document has loaded.
func (tab *Tab) navigateBy(what string, click chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	tab.do(what, chromedp.Evaluate[chromedp.Void](`window.__browsertestOld = true`), click)
	deadline := time.Now().Add(actionTimeout)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__browsertestOld !== true && document.readyState === "complete"`))
		cancel()
		if err == nil && done {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tab.fatal(what, fmt.Errorf("no new page within %s", actionTimeout))
}

// Screenshot saves the whole page as a PNG in the artifacts directory and
// returns its path ("" when even that fails).
func (tab *Tab) Screenshot(label string) string {
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tab.t.Logf("screenshot %s: %v", label, err)
		return ""
	}
	tab.shots++
	path := filepath.Join(tab.b.artifacts, fileName(fmt.Sprintf("%s-%02d-%s", tab.name, tab.shots, label))+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tab.t.Logf("screenshot %s: %v", label, err)
		return ""
	}
	return path
}

// Axe checks the page with axe-core against WCAG 2.1 A and AA and
// reports every violation, with its rule and elements, as a test error
// (the test goes on, so that one run lists every problem). The page is
// saved as a screenshot when it has any. label names the page.
func (tab *Tab) Axe(label string) []Violation {
	tab.t.Helper()
	vs := tab.Violations()
	if len(vs) > 0 {
		shot := tab.Screenshot("axe-" + label)
		for _, v := range vs {
			tab.t.Errorf("accessibility, %s (%s):\n  %s\n  screenshot %s", label, tab.Path(), v, shot)
		}
	}
	return vs
}

// Violations runs axe-core on the page and returns what it finds against
// WCAG 2.1 A and AA. It fails the test when axe cannot run.
func (tab *Tab) Violations() []Violation {
	tab.t.Helper()
	if tab.noJS {
		tab.do("turn JavaScript on for axe", scripts(true))
		defer tab.do("turn JavaScript off again", scripts(false))
	}
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](tab.b.axe+"\n;true"))
	}
	if err != nil {
		tab.fatal("load axe-core", err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRun(), chromedp.EvalAwaitPromise))
	if err != nil {
		tab.fatal("run axe-core", err)
	}
	return vs
}

// Fetch gets path as the page would, with the tab's session, and returns
// the status and the body's bytes: for files the browser would download,
// such as a PDF.
func (tab *Tab) Fetch(path string) (int, []byte) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, actionTimeout)
	defer cancel()
	expr := `fetch(` + strconv.Quote(path) + `, {credentials: "same-origin"}).then(async r => {
		const b = new Uint8Array(await r.arrayBuffer()); let s = "";
		for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
		return JSON.stringify({status: r.status, body: btoa(s)});
	})`
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tab.fatal("fetch "+path, err)
	}
	var out struct {
		Status int
		Body   string
	}
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		tab.fatal("fetch "+path, err)
	}
	data, err := base64.StdEncoding.DecodeString(out.Body)
	if err != nil {
		tab.fatal("fetch "+path, err)
	}
	return out.Status, data
}
