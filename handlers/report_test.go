package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// bookedDemo brings the demo application with title (models/seed_demo.go)
// to booked through the workflow: karin grants the amount the coordinator
// recommended when it waits for a decision, and peter books it.
func bookedDemo(t *testing.T, s *models.Store, title string) *models.Application {
	t.Helper()
	ctx := context.Background()
	rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Title != title {
			continue
		}
		app := r.Application
		if app.State == workflow.StateReadyForDecision {
			karin, _ := s.DemoActor(ctx, "karin")
			done, err := s.Apply(ctx, app.ID, app.Version, karin, workflow.ActionGrant,
				workflow.Input{AmountOre: app.RecommendedOre, DecisionRef: "ORU 2026/09999", Comment: "Beviljas."})
			if err != nil {
				t.Fatal(err)
			}
			app = *done
		}
		peter, _ := s.DemoActor(ctx, "peter")
		done, err := s.Apply(ctx, app.ID, app.Version, peter, workflow.ActionBook, workflow.Input{})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	t.Fatalf("no demo application %q", title)
	return nil
}

func remaining(t *testing.T, s *models.Store, callID int64) int64 {
	t.Helper()
	ctx := context.Background()
	call, err := s.CallByID(ctx, callID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.BudgetOf(ctx, call)
	if err != nil {
		t.Fatal(err)
	}
	return b.RemainingOre()
}

func reportForm(version, spent, intent string) url.Values {
	return url.Values{"version": {version}, "intent": {intent}, "done": {"Språkkursen gavs för 31 studenter."},
		"students_first": {"20"}, "students_second": {"8"}, "students_third": {"0"}, "windows_identified": {"1"},
		"windows_created": {"0"}, "partner_agreements": {"0"}, "participants": {"31"}, "other_outcome": {""},
		"spent": {spent}, "consideration_quality": {"Utvärderad."}, "consideration_responsibility": {"Budgeten hölls."},
		"consideration_inclusion": {"Öppen för alla."}, "consideration_sustainability": {"Digitalt."},
		"consideration_equality": {"Jämn fördelning."},
		// Not editable in a report: must have no effect.
		"granted_ore": {"1"}, "state": {"closed"}, "returned_ore": {"5"}}
}

// TestReportThroughPages: anna (HUMUS applicant) reports on HUMUS's booked
// language-support application through the pages, sara accepts it, and
// the call's remaining budget grows by exactly the unspent amount.
func TestReportThroughPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		app := bookedDemo(t, s, "Språkstöd inför utlandsstudier")
		path := "/applications/" + itoa(app.ID) + "/report"
		v := itoa(int64(app.Version))
		anna, sara, erik := a.demo("anna"), a.demo("sara"), a.demo("erik")

		expect(t, "anna's report form", anna.get(path), http.StatusOK, `name="spent"`, `name="done"`, "2026-")
		if r := erik.get(path); r.status != http.StatusNotFound {
			t.Errorf("erik (NT) opened HUMUS's report: %d", r.status)
		}
		if r := erik.post(path, reportForm(v, "1", "save")); r.status != http.StatusNotFound {
			t.Errorf("erik (NT) saved HUMUS's report: %d", r.status)
		}

		r := anna.post(path, reportForm(v, "tolv kronor", "submit"))
		expect(t, "unparsable amount", r, http.StatusUnprocessableEntity, `value="tolv kronor"`, "error-summary",
			"Ange ett belopp", `href="#f-spent"`, "Språkkursen gavs för 31 studenter.")
		r = anna.post(path, reportForm(v, "98 000,01", "submit"))
		expect(t, "spent above granted", r, http.StatusUnprocessableEntity, "Förbrukat kan inte vara mer")
		bad := reportForm(v, "1000", "submit")
		bad.Set("students_first", "många")
		bad.Set("done", " ")
		expect(t, "bad count and empty account", anna.post(path, bad), http.StatusUnprocessableEntity,
			"Ange ett heltal", `value="många"`)

		draft := reportForm(v, "", "save")
		draft.Set("done", "")
		if r := anna.post(path, draft); r.status != http.StatusSeeOther {
			t.Fatalf("save draft: %d\n%s", r.status, r.body)
		}
		expect(t, "draft saved", anna.get(path+"?done=saved"), http.StatusOK, "Utkastet är sparat", `value="20"`)
		v = itoa(int64(app.Version + 1)) // the saved draft moved the version on
		if r := anna.post(path, reportForm(itoa(int64(app.Version-1)), "1", "save")); r.status != http.StatusConflict {
			t.Errorf("stale version: %d", r.status)
		}

		before := remaining(t, s, app.CallID)
		if r := anna.post(path, reportForm(v, "85 000,50", "submit")); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", r.status, r.body)
		}
		expect(t, "after submit", anna.get(path), http.StatusOK, "Återrapporterad", "12\u00a0999,50\u00a0kr")
		if r := anna.post(path+"/accept", url.Values{"version": {itoa(int64(app.Version + 2))}}); r.status != http.StatusForbidden {
			t.Errorf("anna accepts her own report: %d", r.status)
		}

		page := sara.get(path)
		expect(t, "sara's review", page, http.StatusOK, "Godkänn återrapporten", "Begär komplettering")
		for _, p := range []response{page, anna.get(path), a.demo("james").get(path)} {
			if strings.Contains(p.body, "[followup.") {
				t.Errorf("the report page shows a message id:\n%s", p.body)
			}
		}
		m := regexp.MustCompile(`action="[^"]*/report/accept">\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no accept form\n%s", page.body)
		}
		if r := sara.post(path+"/accept", url.Values{"version": {v}}); r.status != http.StatusConflict {
			t.Errorf("accept with a stale version: %d", r.status)
		}
		expect(t, "revision without a message", sara.post(path+"/revision", url.Values{"version": {m[1]}, "message": {" "}}),
			http.StatusUnprocessableEntity, "Fyll i fältet")
		if r := sara.post(path+"/accept", url.Values{"version": {m[1]}}); r.status != http.StatusSeeOther {
			t.Fatalf("accept: %d\n%s", r.status, r.body)
		}
		if got := remaining(t, s, app.CallID) - before; got != 1_299_950 {
			t.Errorf("remaining grew by %d öre, want 1299950 (12 999,50 kr)", got)
		}
		closed, err := s.ApplicationView(context.Background(), workflow.Visibility{All: true}, app.ID)
		if err != nil || closed.App.State != workflow.StateClosed || closed.App.GrantedOre != app.GrantedOre || closed.App.SpentOre != 8_500_050 {
			t.Fatalf("after acceptance: %+v %v", closed.App, err)
		}
		expect(t, "closed report", anna.get(path), http.StatusOK, "Avslutad", "återfört till potten")
		if strings.Contains(anna.get(path).body, `name="intent"`) {
			t.Error("a closed report can still be edited")
		}
	})
}

// TestReportRevisionThroughPages: sara asks for a revision with a
// message, which anna sees on her form.
func TestReportRevisionThroughPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		app := bookedDemo(t, s, "Partnerbesök för nya utbytesavtal i Finland och Spanien")
		path := "/applications/" + itoa(app.ID) + "/report"
		erik, sara := a.demo("erik"), a.demo("sara")
		if r := erik.post(path, reportForm(itoa(int64(app.Version)), "180000", "submit")); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d\n%s", r.status, r.body)
		}
		r := sara.post(path+"/revision", url.Values{"version": {itoa(int64(app.Version + 1))}, "message": {"Bifoga avtalen."}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("revision: %d\n%s", r.status, r.body)
		}
		expect(t, "erik sees the request", erik.get(path), http.StatusOK, "Komplettering begärd", "Bifoga avtalen.", `name="intent"`)
	})
}
