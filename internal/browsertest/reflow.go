package browsertest

import (
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// Viewport sets the tab's window to width × height CSS pixels, as a
// phone of that width shows pages (device scale 1, a mobile viewport).
func (tab *Tab) Viewport(width, height int64) {
	tab.t.Helper()
	tab.do(fmt.Sprintf("set the viewport to %d×%d", width, height),
		chromedp.EmulateViewport(width, height, chromedp.EmulatePortrait))
}

// overflowJS measures the page's horizontal overflow and names the
// widest elements that stick out past the right edge of the viewport,
// skipping what sits inside an element that scrolls on its own (a table
// region) unless it is positioned out of it.
const overflowJS = `(() => {
  const root = document.documentElement, w = root.clientWidth;
  // An element inside a scrolling region stays in it, unless it is
  // positioned absolutely and the region is not positioned.
  const scrolls = e => { const abs = getComputedStyle(e).position === "absolute";
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if ((s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden") && (!abs || s.position !== "static")) return true; } return false; };
  const out = [];
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1 || scrolls(e)) continue;
    out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") +
      " (right edge " + Math.round(r.right) + " px): " + (e.innerText || "").trim().slice(0, 40));
    if (out.length >= 8) break;
  }
  return {scroll: root.scrollWidth, client: w, culprits: out};
})()`

// Overflow is what CheckReflow measured on a page.
type Overflow struct {
	Scroll   int      `json:"scroll"`   // document.documentElement.scrollWidth
	Client   int      `json:"client"`   // document.documentElement.clientWidth
	Culprits []string `json:"culprits"` // elements sticking out, for the message
}

// CheckReflow fails the test (and goes on) when the page shown scrolls
// sideways as a whole: WCAG 2.1 SC 1.4.10 asks that content reflows at
// 320 CSS pixels without two-dimensional scrolling, except for parts
// such as data tables, which here scroll inside their own region.
func (tab *Tab) CheckReflow(label string) Overflow {
	tab.t.Helper()
	o := Eval[Overflow](tab, overflowJS)
	if o.Scroll > o.Client {
		shot := tab.Screenshot("reflow-" + label)
		tab.t.Errorf("reflow, %s (%s): the page is %d px wide in a %d px viewport\n  %s\n  screenshot %s",
			label, tab.Path(), o.Scroll, o.Client, strings.Join(o.Culprits, "\n  "), shot)
	}
	return o
}
