package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// inCallWindow is a moment when the demo's 2026 call is open, so that the
// walk does not depend on today's date.
var inCallWindow = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// demo signs a new client in as the demo person with subject.
func (a *app) demo(subject string) *client {
	a.t.Helper()
	actor, err := a.store.DemoActor(context.Background(), subject)
	if err != nil {
		a.t.Fatal(err)
	}
	c := a.client()
	c.login(actor)
	return c
}

// expect fails the test unless r has status and its body contains every
// one of want.
func expect(t *testing.T, what string, r response, status int, want ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, r.body)
	}
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Fatalf("%s: the page lacks %q\n%s", what, w, r.body)
		}
	}
}

// version reads the version the application page's forms carry.
func version(t *testing.T, c *client, id string) string {
	t.Helper()
	r := c.get("/applications/" + id)
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("application %s offers no action to this person\n%s", id, r.body)
	}
	return m[1]
}

// applicationForm is a complete application as anna types it.
func applicationForm(unitID int64, activityID int64) url.Values {
	return url.Values{
		"unit": {itoa(unitID)}, "title": {"Utbyte med Tartu för lärarstudenter"},
		"summary": {"Ett första utbyte med Tartu."}, "purpose": {"Fler lärarstudenter reser ut."},
		"period_start": {"2026-09-01"}, "period_end": {"2027-06-30"}, "neolaia": {"ja"},
		"target_levels": {"first"}, "expected_first": {"12"},
		"line_category": {"travel", "staff"}, "line_description": {"Resor", "Planering"},
		"line_amount":                  {"30 000", "20 000,50 kr"},
		"activities":                   {itoa(activityID)},
		"consideration_quality":        {"Utvärderas."},
		"consideration_responsibility": {"Tåg före flyg."},
		"consideration_inclusion":      {"Korta utbyten."},
		"consideration_sustainability": {"Digitala moment."},
		"consideration_equality":       {"Öppet urval."},
		"op":                           {"save"},
	}
}

// TestLifecycleThroughPages walks an application from draft to a partial
// grant, each step by the proper demo person through the pages, and
// checks the timeline, the budget and who may see it.
func TestLifecycleThroughPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		ctx := context.Background()
		chart, _ := s.OrgChart(ctx)
		var humus int64
		for _, u := range chart.Units {
			if u.Code == "HUMUS" {
				humus = u.ID
			}
		}
		plan, _ := s.CurrentPlan(ctx)
		activity := plan.Activities()[1].ID

		anna := a.demo("anna")
		expect(t, "new form", anna.get("/applications/new"), http.StatusOK, `name="line_amount"`, "Handlingsplanens hänsyn")

		// A mistyped amount: the form comes back with everything typed.
		bad := applicationForm(humus, activity)
		bad["line_amount"] = []string{"30 000", "tjugo"}
		expect(t, "bad amount", anna.post("/applications", bad), http.StatusUnprocessableEntity,
			"error-summary", "Beloppet kunde inte läsas", "Utbyte med Tartu för lärarstudenter", `value="tjugo"`)

		// Adding a budget line keeps what was typed and saves nothing.
		more := applicationForm(humus, activity)
		more.Set("op", "add_line")
		r := anna.post("/applications", more)
		expect(t, "add line", r, http.StatusOK, "Utbyte med Tartu")
		if n := strings.Count(r.body, `name="line_amount"`); n != 3 {
			t.Fatalf("after adding a line the form has %d lines, want 3", n)
		}

		r = anna.post("/applications", applicationForm(humus, activity))
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		loc := r.header.Get("Location")
		id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/applications/")
		page := "/applications/" + id
		expect(t, "draft", anna.get(loc), http.StatusOK, "Ansökan är sparad som utkast", "50\u00a0000,50\u00a0kr")

		// Another unit's applicant cannot open it, not even by URL.
		erik := a.demo("erik")
		expect(t, "outsider", erik.get(page), http.StatusNotFound)
		expect(t, "outsider edit", erik.get(page+"/edit"), http.StatusNotFound)
		expect(t, "outsider action", erik.post(page+"/actions/withdraw", url.Values{"version": {"1"}}), http.StatusNotFound)

		step := func(c *client, who, action string, form url.Values) {
			t.Helper()
			if form == nil {
				form = url.Values{}
			}
			form.Set("version", version(t, c, id))
			r := c.post(page+"/actions/"+action, form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("%s by %s: %d\n%s", action, who, r.status, r.body)
			}
		}
		step(anna, "anna", "submit", nil)
		maria := a.demo("maria")
		step(maria, "maria", "endorse", nil)

		// Returning needs a message; without one the form says so.
		sara := a.demo("sara")
		expect(t, "return without message", sara.post(page+"/actions/return", url.Values{"version": {version(t, sara, id)}}),
			http.StatusUnprocessableEntity, "Fyll i fältet")
		step(sara, "sara", "return", url.Values{"comment": {"Budgeten för resor behöver specificeras."}})
		expect(t, "returned", anna.get(page), http.StatusOK, "Ska kompletteras", "Budgeten för resor behöver specificeras.")

		// anna fixes the budget; a posted state or amount has no effect.
		fix := applicationForm(humus, activity)
		fix.Set("version", version(t, anna, id))
		fix["line_amount"] = []string{"35 000", "20 000"}
		fix.Set("state", "granted")
		fix.Set("granted_ore", "99999999")
		if r := anna.post(page+"/edit", fix); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.status, r.body)
		}
		// Saving again with the version of before is refused, not lost.
		fix.Set("version", "1")
		expect(t, "stale save", anna.post(page+"/edit", fix), http.StatusConflict)

		step(anna, "anna", "submit", nil)
		step(maria, "maria", "endorse", nil)
		step(sara, "sara", "mark_ready", url.Values{"assessment": {"Väl förankrad."}, "amount": {"45 000"}})

		karin := a.demo("karin")
		expect(t, "decision page", karin.get(page+"/decide"), http.StatusOK, "Kvar före beslutet", "2\u00a0820\u00a0000\u00a0kr")
		expect(t, "grant above request", karin.post(page+"/actions/grant", url.Values{"version": {version(t, karin, id)},
			"amount": {"60 000"}, "decision_ref": {"ORU 2026/1"}, "comment": {"Beviljas."}}),
			http.StatusUnprocessableEntity, "får inte vara större än det sökta", `value="60 000"`)
		step(karin, "karin", "grant", url.Values{"amount": {"40 000"}, "decision_ref": {"ORU 2026/77"},
			"comment": {"Beviljas delvis: resorna i sin helhet."}})

		r = anna.get(page)
		expect(t, "granted", r, http.StatusOK, "Beviljad", "40\u00a0000\u00a0kr", "ORU 2026/77", "Beviljas delvis")
		for _, ev := range []string{"Ansökan skapades", "Inskickad", "Tillstyrkt", "Skickad tillbaka för komplettering",
			"Ansökan ändrades", "Lämnad till beslut", "Beviljad"} {
			if !strings.Contains(r.body, ev) {
				t.Errorf("the timeline lacks %q", ev)
			}
		}
		expect(t, "start page", anna.get("/"), http.StatusOK, "2\u00a0780\u00a0000\u00a0kr")

		app, err := s.ApplicationView(ctx, workflow.Visibility{All: true}, mustInt(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if app.App.State != workflow.StateGranted || app.App.GrantedOre != 40_000_00 || app.App.RequestedOre != 55_000_00 {
			t.Errorf("stored: %s, granted %d, requested %d", app.App.State, app.App.GrantedOre, app.App.RequestedOre)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConflictOfInterestExplained checks that a coordinator who belongs to
// the applying unit sees why the buttons are missing, and cannot act.
func TestConflictOfInterestExplained(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		ctx := context.Background()
		rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateReadyForDecision})
		if err != nil || len(rows) != 1 {
			t.Fatalf("ready applications: %d, %v", len(rows), err)
		}
		app := rows[0]
		// sara moves to the applying unit.
		if err := s.DB().Model(&models.User{}).Where("issuer = ? AND subject = ?", models.DevIssuer, "sara").
			Update("unit_id", app.UnitID).Error; err != nil {
			t.Fatal(err)
		}
		sara := a.demo("sara")
		page := "/applications/" + itoa(app.ID)
		expect(t, "conflicted page", sara.get(page), http.StatusOK, "jäv")
		r := sara.post(page+"/actions/return", url.Values{"version": {strconv.Itoa(app.Version)}, "comment": {"x"}})
		if r.status != http.StatusForbidden {
			t.Errorf("conflicted return = %d, want 403", r.status)
		}
	})
}

// TestTasksAndList checks "My tasks" per role and the list's filters.
func TestTasksAndList(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		for subject, want := range map[string]string{
			"maria": "Informationsturné om utlandsstudier",       // submitted, waits for endorsement
			"sara":  "Kortare utbyten för ingenjörsstudenter",    // in review
			"karin": "Språkstöd inför utlandsstudier",            // ready for decision
			"peter": "Partnerbesök för nya utbytesavtal",         // granted, to book
			"anna":  "Utbytesvecka i Bologna för lärarstudenter", // her draft
		} {
			expect(t, "tasks of "+subject, a.demo(subject).get("/tasks"), http.StatusOK, want)
		}
		if r := a.demo("erik").get("/tasks"); strings.Contains(r.body, "Språkstöd") {
			t.Error("erik's tasks show another unit's application")
		}

		sara := a.demo("sara")
		expect(t, "list", sara.get("/applications"), http.StatusOK, "6 ansökningar")
		expect(t, "search", sara.get("/applications?q=spr%C3%A5kst%C3%B6d"), http.StatusOK, "1 ansökan", "Språkstöd")
		expect(t, "state", sara.get("/applications?state=rejected"), http.StatusOK, "1 ansökan", "Studieresa till London")
		r := sara.get("/applications?sort=requested&desc=1")
		first := strings.Index(r.body, "Partnerbesök")
		last := strings.Index(r.body, "Informationsturné")
		if first < 0 || last < 0 || first > last {
			t.Error("sorting by requested amount, descending, does not put the largest first")
		}
		expect(t, "anna sees her unit only", a.demo("anna").get("/applications"), http.StatusOK, "4 ansökningar")
	})
}

// TestActionsWithTheirOwnPages checks that booking and reports cannot be
// posted to the generic action form, which lacks what they record.
func TestActionsWithTheirOwnPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		rows, err := s.Applications(context.Background(), workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateGranted})
		if err != nil || len(rows) != 1 {
			t.Fatalf("granted: %d, %v", len(rows), err)
		}
		page := "/applications/" + itoa(rows[0].ID)
		peter := a.demo("peter")
		expect(t, "book link", peter.get(page), http.StatusOK, `href="/finance"`)
		r := peter.post(page+"/actions/book", url.Values{"version": {strconv.Itoa(rows[0].Version)}})
		if r.status != http.StatusNotFound {
			t.Errorf("booking through the generic form: %d, want 404", r.status)
		}
		for _, action := range []string{"report", "accept_report", "request_revision", "no_such_action"} {
			if r := a.demo("erik").post(page+"/actions/"+action, url.Values{"version": {"1"}}); r.status != http.StatusNotFound {
				t.Errorf("%s through the generic form: %d, want 404", action, r.status)
			}
		}
	})
}
