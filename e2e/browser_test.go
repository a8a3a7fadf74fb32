// Package e2e walks the real application in a real browser: headless
// Chromium, driven by internal/browsertest, against handlers.New on a
// test server. It is a package of its own so that its minutes in the
// browser run beside the handlers' tests, not inside their time.
package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"mobilityfund/i18n"
	"mobilityfund/internal/browsertest"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/pdftest"
	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// The browser tests run on SQLite only: what they check is the pages,
// and the database behind them is covered on both backends by the other
// handler tests.

// TestBrowser starts one Chromium for the package and runs, in parallel,
// the application's whole journey in Swedish and in English (the English
// one with JavaScript turned off), and a keyboard and axe-core check of
// the pages outside the journey. Every page visited is checked with
// axe-core against WCAG 2.1 A and AA.
func TestBrowser(t *testing.T) {
	b := browsertest.Start(t)
	// Each walk runs in a phone's width (WCAG 2.1 SC 1.4.10 Reflow names
	// 320 CSS pixels; 390 is a common phone): every page it visits must
	// fit without scrolling sideways.
	for _, w := range []struct {
		lang  string
		width int64
	}{{"sv", 320}, {"en", 390}} {
		t.Run("journey-"+w.lang, func(t *testing.T) {
			t.Parallel()
			j := newJourney(t, b, w.lang, "journey-"+w.lang)
			j.tab.Viewport(w.width, 800)
			if w.lang == "en" {
				j.tab.WithoutJavaScript()
			}
			j.walk()
		})
	}
	t.Run("pages", func(t *testing.T) {
		t.Parallel()
		j := newJourney(t, b, "sv", "pages")
		j.tab.Viewport(320, 800)
		j.publicPages()
	})
}

// journey is one walk through the pages in one language, on an
// application of its own.
type journey struct {
	t          *testing.T
	a          *app
	tab        *browsertest.Tab
	lang       string
	l          *i18n.Localizer
	app        string // the application's page, /applications/N
	skipReport bool
	signedIn   bool // someone has signed in: the start page is checked
}

func newJourney(t *testing.T, b *browsertest.Browser, lang, name string) *journey {
	s := dbtest.New(t, dbtest.Backend{Name: "sqlite"})
	s.SetClock(func() time.Time { return inCallWindow })
	a := newApp(t, s)
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return &journey{t: t, a: a, tab: b.NewTab(t, a.srv.URL, name), lang: lang, l: bundle.For(lang)}
}

// untranslatedID is how a message id without a translation shows.
var untranslatedID = regexp.MustCompile(`\[[a-z_]+(\.[a-z0-9_]+)+\]`)

// page checks the page shown: its language, no untranslated message id,
// the text it must contain, and axe-core.
func (j *journey) page(label string, want ...string) {
	j.t.Helper()
	if got := j.tab.Lang(); got != j.lang {
		j.t.Errorf("%s (%s): <html lang=%q>, want %q", label, j.tab.Path(), got, j.lang)
	}
	text := j.tab.Text()
	if m := untranslatedID.FindAllString(text, -1); m != nil {
		j.t.Errorf("%s (%s): untranslated message ids %v", label, j.tab.Path(), m)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			j.t.Errorf("%s (%s): the page lacks %q\n%s", label, j.tab.Path(), w, text)
		}
	}
	j.tab.CheckReflow(j.lang + "-" + label)
	j.tab.Axe(j.lang + "-" + label)
}

// as signs in as a demo person and makes sure the pages are in the
// journey's language, switching with the header's button.
func (j *journey) as(name string) {
	j.t.Helper()
	j.tab.SignIn(name)
	j.tab.UseLanguage(j.lang)
	if !j.signedIn {
		j.page("start, signed in")
		j.signedIn = true
	}
}

// act presses the button of an action's form on the application page.
func (j *journey) act(action string) {
	j.t.Helper()
	j.tab.Submit(fmt.Sprintf(`form[action="%s/actions/%s"] button[type=submit]`, j.app, action))
}

// amount is how a person writing in the journey's language types an
// amount in kronor.
func (j *journey) amount(kr int) string {
	if j.lang == "en" {
		return fmt.Sprintf("SEK %d,%03d", kr/1000, kr%1000)
	}
	return fmt.Sprintf("%d %03d", kr/1000, kr%1000)
}

// walk takes an application from draft to a partial grant, payment and
// an accepted outcome report, each step by its proper person through the
// pages, pressing the buttons a person would.
func (j *journey) walk() {
	t, tab := j.t, j.tab

	// The browser asks for Swedish; nobody has chosen a language yet.
	tab.Open("/")
	if got := tab.Lang(); got != "sv" {
		t.Errorf("a first visit with Accept-Language sv-SE shows %q", got)
	}

	j.as("Anna Lindqvist")
	tab.Open("/applications/new")
	j.page("new application")
	if tab.Has(`#unit option[value=""]`) {
		humus := browsertest.Eval[string](tab, `[...document.querySelectorAll("#unit option")].find(o => o.text.includes("HUMUS")).value`)
		tab.Choose("#unit", humus)
	}
	tab.Type("#title", "Utbyte med Tartu för lärarstudenter")
	tab.Type("#summary", "Ett första utbyte med Tartu.")
	tab.Type("#purpose", "Fler lärarstudenter reser ut.")
	tab.Choose("#period_start", "2026-09-01")
	tab.Choose("#period_end", "2027-06-30")
	tab.Choose("#line_0-category", "travel")
	tab.Type("#line_0-description", "Resor")
	tab.Type("#line_0", j.amount(30_000))
	lines := browsertest.Eval[int](tab, `document.querySelectorAll("input[name=line_amount]").length`)
	tab.Submit(`button[name=op][value=add_line]`)
	j.page("budget line added")
	if v := browsertest.Eval[string](tab, `document.querySelector("#title").value`); v != "Utbyte med Tartu för lärarstudenter" {
		t.Errorf("adding a budget line loses the title: %q", v)
	}
	if n := browsertest.Eval[int](tab, `document.querySelectorAll("input[name=line_amount]").length`); n != lines+1 {
		t.Fatalf("the add-line button leaves %d budget lines, want %d", n, lines+1)
	}
	last := fmt.Sprintf("#line_%d", lines)
	tab.Choose(last+"-category", "staff")
	tab.Type(last+"-description", "Planering")
	tab.Type(last, j.amount(20_000))
	tab.Click(`input[name=activities]`)
	tab.Click(`#neolaia-ja`)
	tab.Click(`#level-first`)
	tab.Type("#expected_first", "12")
	for _, c := range []string{"quality", "responsibility", "inclusion", "sustainability", "equality"} {
		tab.Type("#consideration_"+c, "Planerat för "+c+".")
	}
	tab.Submit(`button[name=op][value=save]`)
	j.app = regexp.MustCompile(`^/applications/\d+`).FindString(tab.Path())
	if j.app == "" {
		t.Fatalf("saving the draft leads to %s, not to the application", tab.Path())
	}
	j.page("draft", j.l.T("done.create"), j.l.Money(50_000_00))
	j.act("submit")
	j.page("submitted", j.l.T("state.submitted"))

	j.as("Maria Berg")
	tab.Open("/tasks")
	j.page("tasks of the unit head", "Utbyte med Tartu")
	tab.Submit(fmt.Sprintf(`a[href="%s"]`, j.app))
	j.page("application to endorse")
	j.act("endorse")
	j.page("endorsed", j.l.T("state.endorsed"))

	// Returning needs a message: without one the error summary links to
	// the field, and the field is there.
	j.as("Sara Ekberg")
	tab.Open(j.app)
	j.page("application to review")
	j.act("return")
	j.page("return without message", j.l.T("form.error_summary"))
	j.errorLinksResolve("return without message")
	tab.Type("#return-comment", "Budgeten för resor behöver specificeras.")
	j.act("return")
	j.page("returned", j.l.T("state.returned"))

	j.as("Anna Lindqvist")
	tab.Open(j.app)
	j.page("returned application", "Budgeten för resor behöver specificeras.")
	tab.Submit(fmt.Sprintf(`a[href="%s/edit"]`, j.app))
	j.page("edit")
	tab.Type("#line_0", j.amount(35_000))
	tab.Submit(`button[name=op][value=save]`)
	j.page("fixed", j.l.Money(55_000_00))
	j.act("submit")
	j.page("resubmitted", j.l.T("state.submitted"))

	j.as("Maria Berg")
	tab.Open(j.app)
	j.act("endorse")
	j.page("endorsed again", j.l.T("state.endorsed"))

	j.as("Sara Ekberg")
	tab.Open(j.app)
	tab.Type("#mark_ready-assessment", "Väl förankrad.")
	tab.Type("#mark_ready-amount", j.amount(45_000))
	j.act("mark_ready")
	j.page("ready for decision", j.l.T("state.ready_for_decision"), j.l.Money(45_000_00))

	j.as("Karin Sjöberg")
	tab.Open(j.app)
	j.page("application to decide")
	tab.Submit(fmt.Sprintf(`a[href="%s/decide"]`, j.app))
	j.page("decision page", j.l.T("decide.before"))
	tab.Type("#decide-grant-amount", j.amount(40_000))
	tab.Type("#decide-grant-decision_ref", "ORU 2026/77")
	tab.Type("#decide-grant-comment", "Beviljas delvis: resorna i sin helhet.")
	tab.Submit(fmt.Sprintf(`form[action="%s/actions/grant"] button[type=submit]`, j.app))
	j.page("granted", j.l.T("state.granted"), j.l.Money(40_000_00), "ORU 2026/77")
	tab.Screenshot("application-" + j.lang)
	j.decisionDocument("ORU 2026/77", 40_000_00)

	j.finance()
	j.report()
}

// finance books the grant as the finance officer, through the finance
// pages when they exist, else through the application page's action.
func (j *journey) finance() {
	t, tab := j.t, j.tab
	j.as("Peter Lund")
	tab.Open("/finance")
	if tab.Has(`a[href="/finance/settings"]`) && strings.Contains(tab.Text(), j.l.T("finance.settings_incomplete")) {
		j.page("finance, settings missing")
		tab.Submit(`a[href="/finance/settings"]`)
		j.page("finance settings")
		for id, v := range map[string]string{"organisation": "Örebro universitet", "pot_cost_centre": "9000",
			"pot_name": "Mobilitetspotten", "pot_account": "5999", "pot_account_name": "Interna kostnader",
			"unit_account": "3999", "unit_account_name": "Interna intäkter",
			"voucher_text": "Mobilitetsfonden {application}"} {
			tab.Type("#"+id, v)
		}
		tab.Submit(`form[action="/finance/settings"] button[type=submit]`)
		j.page("finance settings saved")
		tab.Open("/tillganglighet")
		j.page("statement with the organisation's name", "Örebro universitet")
		tab.Open("/finance")
	}
	if tab.Has(`form[action="/finance/batches"] button`) {
		j.page("finance", j.l.Money(40_000_00))
		tab.Submit(`form[action="/finance/batches"] button`)
		j.page("finance batch")
		tab.Type("#voucher_number", "V2026-0077")
		tab.Choose("#voucher_date", "2026-06-02")
		tab.Submit(`form[action$="/book"] button[type=submit]`)
		j.page("finance batch booked", "V2026-0077")
		tab.Open("/finance/reconciliation")
		j.page("finance reconciliation", j.l.T("finance.recon.title"))
	} else {
		t.Logf("no export batch to make at /finance (%s): booking through the application page", tab.Title())
	}
	tab.Open(j.app)
	if tab.Has(fmt.Sprintf(`form[action="%s/actions/book"]`, j.app)) {
		j.page("application to book")
		j.act("book")
	}
	if !strings.Contains(tab.Text(), j.l.T("state.booked")) {
		t.Log("SKIPPING the outcome report: the grant could not be booked through the pages")
		j.skipReport = true
		return
	}
	j.page("booked", j.l.T("state.booked"))
}

// report writes the outcome report as the applicant and accepts it as the
// coordinator.
func (j *journey) report() {
	if j.skipReport {
		return
	}
	t, tab := j.t, j.tab
	j.as("Anna Lindqvist")
	tab.Open(j.app)
	if !tab.Has(fmt.Sprintf(`a[href="%s/report"]`, j.app)) {
		t.Log("SKIPPING the outcome report: the application page offers no report")
		return
	}
	tab.Submit(fmt.Sprintf(`a[href="%s/report"]`, j.app))
	j.page("report form")
	tab.Type("#f-done", "Tolv lärarstudenter reste till Tartu.")
	tab.Type("#f-students_first", "12")
	tab.Type("#f-spent", j.amount(38_000))
	for _, c := range []string{"quality", "responsibility", "inclusion", "sustainability", "equality"} {
		if tab.Has("#f-consideration_" + c) {
			tab.Type("#f-consideration_"+c, "Följt upp: "+c+".")
		}
	}
	tab.Submit(`button[name=intent][value=submit]`)
	j.page("report submitted", j.l.T("state.reported"))

	j.as("Sara Ekberg")
	tab.Open(j.app + "/report")
	j.page("report to accept")
	tab.Submit(fmt.Sprintf(`form[action="%s/report/accept"] button[type=submit]`, j.app))
	j.page("report accepted", j.l.T("state.closed"))
}

// errorLinksResolve checks that every link of the page's error summary
// points at an element that exists.
func (j *journey) errorLinksResolve(label string) {
	j.t.Helper()
	broken := browsertest.Eval[[]string](j.tab, `[...document.querySelectorAll(".error-summary a[href^='#']")]
	  .filter(a => !document.getElementById(a.getAttribute("href").slice(1))).map(a => a.getAttribute("href"))`)
	if len(broken) > 0 {
		j.t.Errorf("%s: the error summary links to missing fields %v", label, broken)
	}
	if !j.tab.Has(".error-summary a[href^='#']") {
		j.t.Errorf("%s: the error summary has no link to a field", label)
	}
}

// publicPages checks the pages outside the journey with axe-core, and
// the keyboard on a few: the skip link, the focus order and its
// visibility.
func (j *journey) publicPages() {
	tab := j.tab
	for _, p := range []string{"/", "/plan", "/tillganglighet", "/login", "/no-such-page"} {
		tab.Open(p)
		j.page("public " + p)
	}
	tab.Open("/tillganglighet")
	j.page("statement", "WCAG 2.1", j.l.T("a11y.level_partial"))
	tab.Screenshot("accessibility-statement")
	if !tab.Has(`main a[href^="https://www.digg.se/"]`) {
		j.t.Error("the accessibility statement does not link to DIGG's form")
	}
	if !tab.Has(`footer a[href="/tillganglighet"]`) {
		j.t.Error("the footer does not link to the accessibility statement")
	}
	tab.Open("/")
	tab.Submit(`a[href^="/calls/"]`)
	j.page("call")
	tab.CheckSkipLink("/")
	tab.CheckFocusOrder("/")
	tab.CheckFocusOrder("/login")

	j.as("Anna Lindqvist")
	for _, p := range []string{"/applications", "/tasks", "/followup"} {
		tab.Open(p)
		j.page("signed in " + p)
	}
	tab.Open("/me/data")
	j.page("applicant's personal data")
	tab.CheckSkipLink("/applications/new")
	tab.CheckFocusOrder("/applications/new")
	tab.CheckFocusOrder("/applications")

	j.as("Sara Ekberg")
	rows, err := j.a.store.Applications(context.Background(), workflow.Visibility{All: true}, models.ApplicationFilter{})
	if err != nil || len(rows) == 0 {
		j.t.Fatalf("demo applications: %d, %v", len(rows), err)
	}
	for _, r := range rows {
		tab.Open(fmt.Sprintf("/applications/%d", r.ID))
		j.page(fmt.Sprintf("demo application %d (%s)", r.ID, r.State))
	}
	tab.CheckFocusOrder(fmt.Sprintf("/applications/%d", rows[0].ID))

	for _, p := range []string{"/tasks", "/applications", "/register", "/followup"} {
		tab.Open(p)
		j.page("coordinator " + p)
	}

	// The follow-up and the decision page as the decider, finance's pages
	// as finance, and the administration as the system owner: pages of
	// their own, outside the journey.
	j.as("Karin Sjöberg")
	for _, p := range []string{"/tasks", "/followup", "/followup/yearly"} {
		tab.Open(p)
		j.page("decider " + p)
	}
	for _, r := range rows {
		if r.State == workflow.StateReadyForDecision {
			tab.Open(fmt.Sprintf("/applications/%d/decide", r.ID))
			j.page("decider, decision page")
			break
		}
	}
	j.as("Maria Berg")
	tab.Open("/tasks")
	j.page("unit head /tasks")
	j.as("Peter Lund")
	for _, p := range []string{"/finance", "/finance/settings", "/finance/reconciliation"} {
		tab.Open(p)
		j.page("finance " + p)
	}
	j.as("Eva Strand")
	for _, p := range []string{"/admin/people", "/admin/plans", "/admin/mail", "/admin/audit", "/admin/records", "/dev/mailbox",
		"/admin/calls", "/admin/calls/new", "/admin/units", "/admin/people-import", "/me/data"} {
		tab.Open(p)
		j.page("admin " + p)
	}
	tab.Open("/admin/people")
	tab.Submit(`main a[href^="/admin/people/"]`)
	j.page("admin person")
	tab.Open("/admin/plans")
	tab.Submit(`main a[href^="/admin/plans/"]`)
	j.page("admin plan")
	tab.Open("/admin/calls")
	tab.Submit(`main table a[href^="/admin/calls/"]`)
	j.page("admin call")
	tab.Open("/admin/units")
	tab.Submit(`main table a[href^="/admin/units/"]`)
	j.page("admin unit")
}

// decisionDocument downloads the document of the decision just made, in
// the journey's language, from the application page's link, and finds
// its reference number and amount in the PDF's text.
func (j *journey) decisionDocument(ref string, ore int64) {
	j.t.Helper()
	link := browsertest.Eval[string](j.tab, `(document.querySelector('a[href^="/decisions/"][hreflang="`+j.lang+`"]') || {}).getAttribute?.("href") || ""`)
	if link == "" {
		j.t.Errorf("the application page links no decision document in %s", j.lang)
		return
	}
	status, pdf := j.tab.Fetch(link)
	if status != 200 {
		j.t.Fatalf("decision document %s: %d", link, status)
	}
	text := pdftest.Text(j.t, pdf)
	if !strings.Contains(text, ref) || !strings.Contains(text, money.Format(ore, j.lang)) {
		j.t.Errorf("the decision document lacks %q or %q:\n%s", ref, money.Format(ore, j.lang), text)
	}
	if _, again := j.tab.Fetch(link); string(again) != string(pdf) {
		j.t.Error("the decision document changed between two downloads")
	}
}
