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
)

// TestCallAdminPages: sara makes a call through the form, is refused a
// budget below what the demo call committed with the amount named, gets
// a warning before moving the demo call's deadline and saves it when she
// confirms; the demo's grant of 180 000 kr is in the 2026 call.
func TestCallAdminPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		a := newApp(t, s)
		sara := a.demo("sara")
		expect(t, "calls", sara.get("/admin/calls"), http.StatusOK, "Medel för utresande studentmobilitet 2026", "ORU 2026/01236")
		expect(t, "new call", sara.get("/admin/calls/new"), http.StatusOK, "Skapa utlysningen")
		plan, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"code": {"2026-host"}, "plan": {itoa(plan.ID)}, "title_sv": {"Hösten 2026"}, "title_en": {"Autumn 2026"},
			"budget": {"500 000"}, "opens_at": {"2026-08-15"}, "deadline_at": {"2026-08-01"}, "report_due_on": {"2027-12-31"}}
		expect(t, "reversed dates", sara.post("/admin/calls", form), http.StatusUnprocessableEntity,
			"Sista ansökningsdag måste ligga efter öppningsdagen", `value="2026-08-01"`, `value="Hösten 2026"`)
		form.Set("deadline_at", "2026-10-15")
		r := sara.post("/admin/calls", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.status, r.body)
		}
		autumn := mustCall(t, s, "2026-host")
		if got := autumn.DeadlineAt.In(stockholm).Format("2006-01-02 15:04"); got != "2026-10-15 23:59" {
			t.Errorf("a deadline typed as a day ends at %s", got)
		}
		if !strings.Contains(sara.get("/admin/calls").body, "Hösten 2026") {
			t.Error("the list lacks the new call")
		}

		call := mustCall(t, s, models.CallCode2026)
		edit := sara.get("/admin/calls/" + itoa(call.ID))
		expect(t, "edit", edit, http.StatusOK, `value="2026-12-31 23:59"`)
		values := formValues(edit.body)
		values.Set("budget", "100 000")
		expect(t, "budget below committed", sara.post("/admin/calls/"+itoa(call.ID), values), http.StatusUnprocessableEntity,
			"Budgeten kan inte sänkas under det som redan är beviljat: 180")
		values.Set("budget", "3 500 000")
		values.Set("deadline_at", "2026-11-30 23:59")
		expect(t, "warning", sara.post("/admin/calls/"+itoa(call.ID), values), http.StatusConflict,
			"ansökningar bygger på utlysningens inställningar", `name="confirm"`)
		values.Set("confirm", "yes")
		if r := sara.post("/admin/calls/"+itoa(call.ID), values); r.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d\n%s", r.status, r.body)
		}
		if c := mustCall(t, s, models.CallCode2026); c.BudgetOre != 3_500_000_00 || c.Version != call.Version+1 {
			t.Errorf("saved call: budget %d, version %d", c.BudgetOre, c.Version)
		}
		if r := sara.post("/admin/calls/"+itoa(call.ID), values); r.status != http.StatusConflict {
			t.Errorf("a stale form: %d", r.status)
		}
		if r := a.demo("anna").get("/admin/calls"); r.status != http.StatusForbidden {
			t.Errorf("an applicant on the calls page: %d", r.status)
		}
	})
}

// TestUnitAdminPages: eva previews the demo chart's own export (nothing
// changes), imports a Windows-1252 file with a new unit, and is told of
// an unknown parent by row and column.
func TestUnitAdminPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		eva := a.demo("eva")
		expect(t, "units", eva.get("/admin/units"), http.StatusOK, "Handelshögskolan", "3110")
		export := eva.get("/admin/units/export.csv")
		expect(t, "export", export, http.StatusOK, "code;name_sv;name_en;parent;cost_centre;project;kind;project_name", "HUMUS;")
		expect(t, "round trip", eva.upload("/admin/units/import", "chart.csv", []byte(export.body)), http.StatusOK, "Filen ändrar ingenting")

		latin1 := []byte("code;name_sv;name_en;parent;cost_centre;project\nGEO;Institutionen f\xf6r geografi;School of Geography;ENT;3130;\n")
		preview := eva.upload("/admin/units/import", "chart.csv", latin1)
		expect(t, "preview", preview, http.StatusOK, "Institutionen för geografi", "Ny enhet", "Genomför importen")
		content := html.UnescapeString(regexp.MustCompile(`(?s)<textarea id="import-content" name="content" hidden>(.*?)</textarea>`).FindStringSubmatch(preview.body)[1])
		if r := eva.post("/admin/units/import/apply", url.Values{"content": {content}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", r.status, r.body)
		}
		expect(t, "imported", eva.get("/admin/units?done=imported"), http.StatusOK, "Organisationen är importerad", "Institutionen för geografi")

		bad := eva.upload("/admin/units/import", "chart.csv", []byte("code,name_sv,name_en,parent,cost_centre,project\nX1,X,X,NOPE,1,\n"))
		expect(t, "unknown parent", bad, http.StatusUnprocessableEntity, "Rad 2, kolumn parent: Det finns ingen enhet med den koden.")
	})
}

var stockholm, _ = time.LoadLocation("Europe/Stockholm")

func mustCall(t *testing.T, s *models.Store, code string) models.Call {
	t.Helper()
	var c models.Call
	if err := s.DB().Where("code = ?", code).First(&c).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	inputRe    = regexp.MustCompile(`<input id="f-([a-z_]+)" name="([a-z_]+)" type="text" value="([^"]*)"`)
	textareaRe = regexp.MustCompile(`(?s)<textarea id="f-[a-z_]+" name="([a-z_]+)"[^>]*>(.*?)</textarea>`)
	hiddenRe   = regexp.MustCompile(`<input type="hidden" name="version" value="(\d+)">`)
	checkedRe  = regexp.MustCompile(`<input type="checkbox" id="[a-z0-9-]+" name="(activities|endorsement)" value="([^"]+)" checked>`)
	selectedRe = regexp.MustCompile(`<option value="(\d+)" selected>`)
)

// formValues reads the call form's fields as a browser would send them.
func formValues(body string) url.Values {
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(body, -1) {
		v.Set(m[2], html.UnescapeString(m[3]))
	}
	for _, m := range textareaRe.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	if m := hiddenRe.FindStringSubmatch(body); m != nil {
		v.Set("version", m[1])
	}
	for _, m := range checkedRe.FindAllStringSubmatch(body, -1) {
		v.Add(m[1], m[2])
	}
	if m := selectedRe.FindStringSubmatch(body); m != nil {
		v.Set("plan", m[1])
	}
	return v
}

// TestDecisionReferenceProposedAndUnique: the decision page proposes the
// next number of 2026's series after the demo's ORU 2026/01235, and a
// number another decision has is refused beside the field with 422.
func TestDecisionReferenceProposedAndUnique(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		a := newApp(t, s)
		var app models.Application
		if err := s.DB().Where("title = ?", "Språkstöd inför utlandsstudier").First(&app).Error; err != nil {
			t.Fatal(err)
		}
		karin := a.demo("karin")
		id := itoa(app.ID)
		expect(t, "decide", karin.get("/applications/"+id+"/decide"), http.StatusOK, `value="ORU 2026/01236"`)
		form := url.Values{"version": {version(t, karin, id)}, "amount": {"98 000"}, "decision_ref": {"ORU 2026/01234"}, "comment": {"Beviljas."}}
		expect(t, "reference in use", karin.post("/applications/"+id+"/actions/grant", form), http.StatusUnprocessableEntity,
			"Diarienumret används redan av ett annat beslut", `value="ORU 2026/01234"`)
		form.Set("decision_ref", "ORU 2026/01236")
		if r := karin.post("/applications/"+id+"/actions/grant", form); r.status != http.StatusSeeOther {
			t.Fatalf("grant: %d\n%s", r.status, r.body)
		}
		if ref, err := s.ProposeReference(context.Background()); err != nil || ref != "ORU 2026/01237" {
			t.Errorf("next proposal %q, %v", ref, err)
		}
	})
}

// TestPeopleImportPages: eva previews a people file, applies it, and
// finds the person; a file without the email column is refused by row
// and column.
func TestPeopleImportPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		eva := a.demo("eva")
		expect(t, "form", eva.get("/admin/people-import"), http.StatusOK, "subject,name,email,unit")
		file := []byte("subject,name,email,unit,role,role_unit\nu900,Olle Ek,olle.ek@example.se,NT,applicant,NT\n")
		preview := eva.upload("/admin/people-import", "people.csv", file)
		expect(t, "preview", preview, http.StatusOK, "Olle Ek", "Ny person", "Genomför importen")
		content := html.UnescapeString(regexp.MustCompile(`(?s)<textarea id="import-content" name="content" hidden>(.*?)</textarea>`).FindStringSubmatch(preview.body)[1])
		if r := eva.post("/admin/people-import/apply", url.Values{"content": {content}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", r.status, r.body)
		}
		expect(t, "found", eva.get("/admin/people?q=Olle"), http.StatusOK, "Olle Ek")
		expect(t, "again", eva.upload("/admin/people-import", "people.csv", file), http.StatusOK, "Filen ändrar ingenting")
		expect(t, "missing column", eva.upload("/admin/people-import", "people.csv", []byte("subject,name,unit\nx,y,NT\n")),
			http.StatusUnprocessableEntity, "Rad 1, kolumn email: Kolumnen saknas i rubrikraden.")
	})
}
