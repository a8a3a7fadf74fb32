package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// hidden reads a hidden field's value from a page.
func hidden(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no hidden %s\n%s", name, body)
	}
	return html.UnescapeString(m[1])
}

// TestStaleSaveKeepsBothTexts has two applicants of one unit edit the
// same draft: Anna opens the form, James saves first, then Anna saves.
// Anna's save answers 409 with her text still in the form, James's
// change taken into the fields she left alone and shown beside the field
// they both changed; saving again stores both people's work.
func TestStaleSaveKeepsBothTexts(t *testing.T) {
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

		anna, james := a.demo("anna"), a.demo("james")
		r := anna.post("/applications", applicationForm(humus, activity))
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		id := strings.TrimPrefix(strings.Split(r.header.Get("Location"), "?")[0], "/applications/")
		edit := "/applications/" + id + "/edit"

		annaForm := anna.get(edit)
		jamesForm := james.get(edit)

		theirs := applicationForm(humus, activity)
		theirs.Set("version", hidden(t, jamesForm.body, "version"))
		theirs.Set("base", hidden(t, jamesForm.body, "base"))
		theirs.Set("title", "Tartu och Tallinn")
		theirs.Set("summary", "James sammanfattning.")
		if r := james.post(edit, theirs); r.status != http.StatusSeeOther {
			t.Fatalf("james saves: %d\n%s", r.status, r.body)
		}

		mine := applicationForm(humus, activity)
		mine.Set("version", hidden(t, annaForm.body, "version"))
		mine.Set("base", hidden(t, annaForm.body, "base"))
		mine.Set("title", "Utbyte med Tartu, våren 2027")
		mine.Set("purpose", "Annas syfte.")
		r = anna.post(edit, mine)
		expect(t, "stale save", r, http.StatusConflict, "Ansökan har ändrats av någon annan", "James Whitfield",
			// Anna's texts are in the form.
			`value="Utbyte med Tartu, våren 2027"`, ">Annas syfte.</textarea>",
			// James's summary, which Anna left alone, is taken into it.
			">James sammanfattning.</textarea>",
			// James's title, which both changed, is shown beside hers.
			"<td>Tartu och Tallinn</td>", "Spara min version", "Behåll den andra versionen")
		if v := hidden(t, r.body, "version"); v == mine.Get("version") {
			t.Fatalf("the form after a stale save still carries the old version %s", v)
		}

		// Saving the form as it came back stores both people's work.
		again := applicationForm(humus, activity)
		again.Set("version", hidden(t, r.body, "version"))
		again.Set("base", hidden(t, r.body, "base"))
		again.Set("title", "Utbyte med Tartu, våren 2027")
		again.Set("purpose", "Annas syfte.")
		again.Set("summary", "James sammanfattning.")
		if r := anna.post(edit, again); r.status != http.StatusSeeOther {
			t.Fatalf("anna saves knowingly: %d\n%s", r.status, r.body)
		}
		page := anna.get("/applications/" + id)
		expect(t, "both texts stored", page, http.StatusOK, "Utbyte med Tartu, våren 2027", "Annas syfte.", "James sammanfattning.")
	})
}

// TestStaleActionKeepsMessage has the unit head of HUMUS and the dean
// above her act on the same submitted application: the dean endorses
// first, and the unit head's return, with its message, comes too late.
// The page answers 409, says who changed what, and keeps her message.
func TestStaleActionKeepsMessage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		ctx := context.Background()
		apps, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateSubmitted})
		if err != nil {
			t.Fatal(err)
		}
		if len(apps) == 0 {
			t.Fatal("the demo data has no submitted application")
		}
		id := itoa(apps[0].ID)
		maria, lars := a.demo("maria"), a.demo("lars")
		seen := version(t, maria, id)
		lars.post("/applications/"+id+"/actions/endorse", url.Values{"version": {version(t, lars, id)}})
		r := maria.post("/applications/"+id+"/actions/return", url.Values{"version": {seen},
			"comment": {"Budgeten för resor behöver specificeras."}})
		expect(t, "stale return", r, http.StatusConflict, "Ansökan har ändrats av någon annan", "Lars Holm",
			"Budgeten för resor behöver specificeras.")
	})
}

// TestStaleReportKeepsText has two applicants of HUMUS write the same
// outcome report: James saves first, and Anna's save, from the page she
// opened before, answers 409 with her text still in the form.
func TestStaleReportKeepsText(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		app := bookedDemo(t, s, "Språkstöd inför utlandsstudier")
		page := "/applications/" + itoa(app.ID) + "/report"
		anna, james := a.demo("anna"), a.demo("james")
		seen := hidden(t, anna.get(page).body, "version")
		if r := james.post(page, reportForm(hidden(t, james.get(page).body, "version"), "90 000", "save")); r.status != http.StatusSeeOther {
			t.Fatalf("james saves: %d\n%s", r.status, r.body)
		}
		mine := reportForm(seen, "95 000", "save")
		mine.Set("done", "Annas beskrivning av kursen.")
		r := anna.post(page, mine)
		expect(t, "stale report", r, http.StatusConflict, "Ansökan har ändrats av någon annan", "Annas beskrivning av kursen.")
		if v := hidden(t, r.body, "version"); v == seen {
			t.Fatalf("the report form after a stale save still carries the old version %s", v)
		}
	})
}
