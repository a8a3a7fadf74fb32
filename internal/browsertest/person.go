package browsertest

import (
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// SignIn signs in as the demo person named name (as the development
// sign-in page lists them) by clicking their button, signing out first
// when someone is signed in.
func (tab *Tab) SignIn(name string) {
	tab.t.Helper()
	tab.SignOut()
	tab.Open("/login")
	tab.SubmitText(`form[action="/login/dev"]`, name)
	if !tab.Has(`form[action="/logout"]`) {
		tab.fatal("sign in as "+name, fmt.Errorf("still signed out"))
	}
}

// SignOut clicks the sign-out button when there is one.
func (tab *Tab) SignOut() {
	tab.t.Helper()
	if tab.Path() != "" && tab.Has(`form[action="/logout"] button`) {
		tab.Submit(`form[action="/logout"] button`)
	}
}

// UseLanguage switches the pages to lang ("sv" or "en") with the
// language button in the header, when they are not in it already.
func (tab *Tab) UseLanguage(lang string) {
	tab.t.Helper()
	if tab.Lang() == lang {
		return
	}
	tab.Submit(fmt.Sprintf(`form.lang-switch button[value=%q]`, lang))
	if got := tab.Lang(); got != lang {
		tab.fatal("switch language", fmt.Errorf("the page is in %q after pressing the button for %q", got, lang))
	}
}

// Focused describes the element that has the keyboard focus.
type Focused struct {
	Desc    string `json:"desc"`    // tag, id, class and text, for messages
	Href    string `json:"href"`    // its href, for links
	Visible bool   `json:"visible"` // on screen
	Ring    bool   `json:"ring"`    // shows a focus indicator (outline or box-shadow)
	Body    bool   `json:"body"`    // focus is on the page itself
	First   bool   `json:"first"`   // the walk started here: it has come round
}

const focusedJS = `(() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return {desc: "body", body: true};
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== "none");
  const first = !document.querySelector("[data-browsertest-focused]") ? (e.setAttribute("data-browsertest-first", "1"), false) : e.hasAttribute("data-browsertest-first");
  e.setAttribute("data-browsertest-focused", "1");
  const desc = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") +
    (e.getAttribute("name") ? "[name=" + e.getAttribute("name") + "]" : "") + " " + (e.innerText || e.value || "").trim().slice(0, 40);
  return {desc, href: e.getAttribute("href") || "", visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth, ring: !!ring, body: false, first};
})()`

// Tab presses the Tab key (shift-Tab when back) and returns what has the
// focus then.
func (tab *Tab) Tab(back bool) Focused {
	tab.t.Helper()
	var mods []chromedp.KeyOption
	if back {
		mods = append(mods, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	tab.do("press Tab", chromedp.KeyEvent(kb.Tab, mods...))
	return Eval[Focused](tab, focusedJS)
}

// Press sends one key (a kb constant or text) to the focused element.
func (tab *Tab) Press(key string) {
	tab.t.Helper()
	tab.do("press key", chromedp.KeyEvent(key))
}

// CheckSkipLink loads path and checks with the keyboard that the first
// Tab reaches a visible skip link with a focus indicator, and that Enter
// on it moves the focus to the main content.
func (tab *Tab) CheckSkipLink(path string) {
	tab.t.Helper()
	tab.Open(path)
	f := tab.Tab(false)
	if f.Href != "#main" || !f.Visible || !f.Ring {
		tab.t.Errorf("keyboard, %s: the first Tab reaches %+v, want a visible skip link to #main with a focus indicator", path, f)
		return
	}
	tab.Press(kb.Enter)
	if id := tab.evalString(`document.activeElement ? document.activeElement.id : ""`); id != "main" {
		tab.t.Errorf("keyboard, %s: Enter on the skip link moves the focus to %q, want main", path, id)
	}
}

// CheckFocusOrder loads path and walks the page with the Tab key: every
// element that can take the focus must be reached (no trap, nothing left
// out but the other buttons of a radio group) and must show a visible
// focus indicator.
func (tab *Tab) CheckFocusOrder(path string) {
	tab.t.Helper()
	tab.Open(path)
	for range 1000 {
		f := tab.Tab(false)
		// A date field takes several Tabs (day, month, year): only the
		// first element coming round again ends the walk.
		if f.Body || f.First {
			break
		}
		if !f.Ring || !f.Visible {
			tab.t.Errorf("keyboard, %s: %s has the focus but %s", path, strings.TrimSpace(f.Desc), missing(f))
		}
	}
	left := Eval[[]string](tab, `[...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])")]
	  .filter(e => !e.disabled && e.getClientRects().length > 0 && !e.hasAttribute("data-browsertest-focused"))
	  .filter(e => !(e.type === "radio" && document.querySelector("input[type=radio][name='" + e.name + "'][data-browsertest-focused]")))
	  .map(e => e.outerHTML.slice(0, 120))`)
	for _, e := range left {
		tab.t.Errorf("keyboard, %s: Tab never reaches %s", path, e)
	}
}

func missing(f Focused) string {
	switch {
	case !f.Visible:
		return "is not visible"
	default:
		return "shows no focus indicator"
	}
}
