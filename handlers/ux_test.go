package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestNextStepFirst checks what leads each page: "Ny ansökan" for a
// signed-in applicant on the start and call pages, the count of what
// waits in the menu and on My tasks with how long each has waited, and
// the list as CSV in the export package's dialect.
func TestNextStepFirst(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		anna := a.demo("anna")
		start := anna.get("/")
		expect(t, "start", start, http.StatusOK, `class="button primary" href="/applications/new?call=`, "Ny ansökan")
		expect(t, "anonymous start", a.client().get("/"), http.StatusOK, `class="button primary" href="/login"`)
		if strings.Contains(a.demo("peter").get("/").body, "/applications/new?call=") {
			t.Error("the start page offers a new application to finance")
		}

		sara := a.demo("sara")
		tasks := sara.get("/tasks")
		expect(t, "tasks", tasks, http.StatusOK, "väntar på dig.", "Har väntat", `<span class="count">`)
		if !strings.Contains(tasks.body, " dag</td>") && !strings.Contains(tasks.body, " dagar</td>") {
			t.Errorf("My tasks shows no age\n%s", tasks.body)
		}

		r := sara.get("/applications.csv?state=submitted")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", r.status, r.header.Get("Content-Type"))
		}
		if !strings.HasPrefix(r.body, "\uFEFFNummer;Titel;Enhet;Status;Sökt belopp;Beviljat belopp;Senast ändrad\r\n") ||
			!strings.Contains(r.body, ";Inskickad;") || strings.Contains(r.body, ";Utkast;") {
			t.Errorf("CSV of submitted applications:\n%s", r.body)
		}
		expect(t, "list", sara.get("/applications?state=submitted"), http.StatusOK, `href="/applications.csv?state=submitted"`)
	})
}

// TestDraftPeriodOrder checks that an end date before the start date is
// said when the draft is saved, with everything typed kept.
func TestDraftPeriodOrder(t *testing.T) {
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
		form := applicationForm(humus, plan.Activities()[1].ID)
		form.Set("period_start", "2027-06-30")
		form.Set("period_end", "2026-09-01")
		expect(t, "end before start", a.demo("anna").post("/applications", form), http.StatusUnprocessableEntity,
			"Slutdatumet kan inte vara före startdatumet.", `href="#period_end"`, `value="2026-09-01"`)
	})
}

// TestDecisionPages checks the decision page's budget lines,
// attachments and warning, the granted application leading with its
// decision, and that revoking asks for a confirmation.
func TestDecisionPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		ctx := context.Background()
		ready, _ := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateReadyForDecision})
		granted, _ := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateGranted})
		if len(ready) == 0 || len(granted) == 0 {
			t.Fatal("the demo data lacks an application ready for decision or granted")
		}
		karin := a.demo("karin")
		page := "/applications/" + itoa(ready[0].ID)
		expect(t, "decision page", karin.get(page+"/decide"), http.StatusOK, "Språklärare, 120 timmar", "Bilagor",
			`id="decide-over" hidden`)
		r := karin.post(page+"/actions/grant", url.Values{"version": {version(t, karin, itoa(ready[0].ID))},
			"amount": {"9 000 000"}, "decision_ref": {"ORU 2026/9"}, "comment": {"För mycket."}})
		if strings.Contains(r.body, `id="decide-over" hidden`) || !strings.Contains(r.body, "remaining negative") {
			t.Errorf("a grant over the budget does not warn about the negative remainder: %d", r.status)
		}

		gid := itoa(granted[0].ID)
		expect(t, "granted", karin.get("/applications/"+gid), http.StatusOK, `aria-labelledby="decision-lead"`,
			`<details class="danger-zone">`, `name="confirm"`)
		r = karin.post("/applications/"+gid+"/actions/revoke", url.Values{"version": {version(t, karin, gid)},
			"comment": {"Resan blev inställd."}, "decision_ref": {"ORU 2026/10"}})
		expect(t, "revoke unconfirmed", r, http.StatusUnprocessableEntity, "Kryssa i", `href="#revoke-confirm"`,
			"Resan blev inställd.", `<details class="danger-zone" open>`)
		r = karin.post("/applications/"+gid+"/actions/revoke", url.Values{"version": {version(t, karin, gid)},
			"comment": {"Resan blev inställd."}, "decision_ref": {"ORU 2026/10"}, "confirm": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("revoke confirmed: %d\n%s", r.status, r.body)
		}
		expect(t, "revoked", karin.get("/applications/"+gid), http.StatusOK, "Beslutet upphävt")
	})
}
