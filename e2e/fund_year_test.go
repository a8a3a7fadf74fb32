package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"mobilityfund/i18n"
	"mobilityfund/internal/browsertest"
	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestFundYear runs the next year of the fund without a developer, on
// both databases: in December 2026 the administrator adds a new
// institution with its cost centre and gives Erik the applicant role
// for it, and the coordinator makes the 2027 call; in January 2027 Erik
// applies for the institution, the coordinator makes the case ready, the
// decider grants it with the reference number proposed from 2027's
// series, and the follow-up and the yearly report for 2027 show it.
// Every page is checked with axe-core.
func TestFundYear(t *testing.T) {
	b := browsertest.Start(t)
	for _, backend := range dbtest.Backends(t) {
		t.Run(backend.Name, func(t *testing.T) {
			var clock atomic.Value
			clock.Store(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
			s := dbtest.New(t, backend)
			s.SetClock(func() time.Time { return clock.Load().(time.Time) })
			a := newApp(t, s)
			bundle, err := i18n.New()
			if err != nil {
				t.Fatal(err)
			}
			j := &journey{t: t, a: a, tab: b.NewTab(t, a.srv.URL, "fund-year-"+backend.Name), lang: "sv", l: bundle.For("sv")}
			fy := fundYear{journey: j, store: s}
			fy.newInstitution()
			fy.newCall()
			clock.Store(time.Date(2027, 1, 10, 10, 0, 0, 0, time.UTC))
			fy.applyAndDecide()
			fy.followUp()
			fy.narrowPages()
		})
	}
}

type fundYear struct {
	*journey
	store       *models.Store
	unit, call  int64
	application string
}

const (
	geoName   = "Institutionen för geografi och miljö"
	call2027  = "Medel för utresande studentmobilitet 2027"
	reference = "ORU 2027/00001"
)

func (f *fundYear) id(table, where string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.store.DB().Table(table).Select("id").Where(where, args...).Scan(&id).Error; err != nil || id == 0 {
		f.t.Fatalf("%s where %s %v: %d, %v", table, where, args, id, err)
	}
	return id
}

// newInstitution: the administrator adds GEO under the faculty ENT with
// its cost centre and project, and makes Erik an applicant of it.
func (f *fundYear) newInstitution() {
	tab := f.tab
	f.as("Eva Strand")
	tab.Open("/admin/units")
	f.page("org chart", "HUMUS", "1110")
	for id, v := range map[string]string{"#f-code": "GEO", "#f-name_sv": geoName, "#f-name_en": "School of Geography and Environment",
		"#f-parent": "ENT", "#f-cost_centre": "3130", "#f-project_code": "P3130-GEO", "#f-project_name": "Utlandsmobilitet GEO"} {
		tab.Type(id, v)
	}
	tab.Choose("#f-kind", "institution")
	tab.Submit(`form[action="/admin/units"] button[type=submit]`)
	f.page("unit created", f.l.T("admin.units.done_created"), geoName, "3130")
	f.unit = f.id("org_units", "code = ?", "GEO")

	erik := f.id("users", "name LIKE ?", "Erik%")
	tab.Open(fmt.Sprintf("/admin/people/%d", erik))
	f.page("Erik's roles")
	tab.Choose("#role", "applicant")
	tab.Choose("#unit_id", strconv.FormatInt(f.unit, 10))
	tab.Submit(fmt.Sprintf(`form[action="/admin/people/%d/grants"] button[type=submit]`, erik))
	f.page("Erik applicant of GEO", geoName)
}

// newCall: the coordinator makes the 2027 call, first with a deadline
// before its opening, which the form refuses naming the field.
func (f *fundYear) newCall() {
	tab := f.tab
	f.as("Sara Ekberg")
	tab.Open("/admin/calls")
	f.page("calls", "2026")
	tab.Submit(`a[href="/admin/calls/new"]`)
	f.page("new call")
	for id, v := range map[string]string{"#f-code": "2027", "#f-title_sv": call2027, "#f-title_en": "Funding for outgoing student mobility 2027",
		"#f-description_sv": "Årets utlysning.", "#f-description_en": "This year's call.", "#f-budget": "2 000 000",
		"#f-opens_at": "2027-01-01 00:00", "#f-deadline_at": "2026-12-24", "#f-decision_on": "2027-04-30", "#f-report_due_on": "2028-06-30"} {
		tab.Type(id, v)
	}
	tab.Click("#f-endorsement") // the 2027 call needs no endorsement
	tab.Submit(`form[action="/admin/calls"] button[type=submit]`)
	f.page("call refused", f.l.T("form.error_summary"), f.l.T("admin.err.deadline_before_opens"))
	f.errorLinksResolve("call refused")
	tab.Type("#f-deadline_at", "2027-03-31 23:59")
	tab.Submit(`form[action="/admin/calls"] button[type=submit]`)
	f.page("call created", f.l.T("admin.calls.done_created"), call2027)
	f.call = f.id("calls", "code = ?", "2027")
	if c, err := f.store.CallByID(f.t.Context(), f.call); err != nil || f.store.YearOf(c.OpensAt) != 2027 || c.EndorsementRequired {
		f.t.Fatalf("the 2027 call as stored: %+v, %v", c, err)
	}
}

// applyAndDecide: in January 2027 Erik applies for GEO, Sara makes the
// case ready and Karin grants it with the proposed reference number.
func (f *fundYear) applyAndDecide() {
	t, tab := f.t, f.tab
	f.as("Erik Nyström")
	tab.Open(fmt.Sprintf("/applications/new?call=%d", f.call))
	f.page("new application in the 2027 call", call2027)
	tab.Choose("#unit", strconv.FormatInt(f.unit, 10))
	tab.Type("#title", "Fältkurs i Tartu för geografistudenter")
	tab.Type("#summary", "En fältkurs med partneruniversitetet i Tartu.")
	tab.Type("#purpose", "Fler geografistudenter reser ut.")
	tab.Choose("#period_start", "2027-09-01")
	tab.Choose("#period_end", "2028-06-30")
	tab.Choose("#line_0-category", "travel")
	tab.Type("#line_0-description", "Resor")
	tab.Type("#line_0", "60 000")
	tab.Click(`input[name=activities]`)
	tab.Click(`#neolaia-ja`)
	tab.Click(`#level-first`)
	for _, c := range []string{"quality", "responsibility", "inclusion", "sustainability", "equality"} {
		tab.Type("#consideration_"+c, "Planerat för "+c+".")
	}
	tab.Submit(`button[name=op][value=save]`)
	f.application = regexp.MustCompile(`^/applications/\d+`).FindString(tab.Path())
	if f.application == "" {
		t.Fatalf("saving the draft leads to %s", tab.Path())
	}
	f.app = f.application
	f.page("draft", geoName)
	f.act("submit")
	f.page("submitted without endorsement", f.l.T("state.in_review"))

	f.as("Sara Ekberg")
	tab.Open(f.application)
	tab.Type("#mark_ready-assessment", "Väl motiverad.")
	tab.Type("#mark_ready-amount", "60 000")
	f.act("mark_ready")
	f.page("ready", f.l.T("state.ready_for_decision"))

	f.as("Karin Sjöberg")
	tab.Open(f.application + "/decide")
	f.page("decision page", f.l.T("decide.reference_hint"))
	if got := browsertest.Eval[string](tab, `document.querySelector("#decide-grant-decision_ref").value`); got != reference {
		t.Errorf("proposed reference %q, want %q", got, reference)
	}
	tab.Type("#decide-grant-comment", "Beviljas.")
	tab.Submit(fmt.Sprintf(`form[action="%s/actions/grant"] button[type=submit]`, f.application))
	f.page("granted", f.l.T("state.granted"), reference, f.l.Money(60_000_00))
}

// followUp: the follow-up and the yearly report of 2027 show the call,
// the institution and the money.
func (f *fundYear) followUp() {
	tab := f.tab
	f.as("Sara Ekberg")
	tab.Open("/followup?year=2027")
	f.page("follow-up 2027", call2027, geoName, f.l.Money(60_000_00))
	tab.Open("/followup/yearly?year=2027")
	f.page("yearly report 2027", call2027, geoName, f.l.Money(60_000_00))
	tab.Open("/followup/yearly?year=2026")
	if text := tab.Text(); regexp.MustCompile(regexp.QuoteMeta(call2027)).MatchString(text) {
		f.t.Error("the 2026 yearly report lists the 2027 call")
	}
}

// narrowPages checks the administration pages at a phone's width (WCAG
// 2.1 SC 1.4.10 Reflow: 320 CSS pixels): tables scroll in their own
// region, nothing else scrolls sideways.
func (f *fundYear) narrowPages() {
	tab := f.tab
	tab.Viewport(320, 800)
	f.as("Eva Strand")
	for _, p := range []string{"/admin/calls", "/admin/calls/new", fmt.Sprintf("/admin/calls/%d", f.call), "/admin/units",
		fmt.Sprintf("/admin/units/%d", f.unit), "/admin/people-import"} {
		tab.Open(p)
		f.page("narrow " + p)
	}
}
