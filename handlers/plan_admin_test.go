package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestPlanAdminPages: eva copies the plan into 2027–2028, edits an
// activity, is told about an unknown responsible code beside the field,
// and retires an activity; only admins reach these pages.
func TestPlanAdminPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := newApp(t, s)
		old, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		eva := a.demo("eva")
		expect(t, "plans", eva.get("/admin/plans"), http.StatusOK, old.TitleSV, "Skapa nästa version")
		if r := a.demo("sara").get("/admin/plans"); r.status != http.StatusForbidden {
			t.Errorf("coordinator on /admin/plans: %d", r.status)
		}
		if r := a.demo("sara").post("/admin/plans", url.Values{"from": {itoa(old.ID)}}); r.status != http.StatusForbidden {
			t.Errorf("coordinator copies a plan: %d", r.status)
		}

		form := url.Values{"from": {itoa(old.ID)}, "code": {"2027-2028"}, "title_sv": {"Handlingsplan 2027–2028"},
			"title_en": {"Action plan 2027–2028"}, "starts_on": {"2027-01-01"}, "ends_on": {"2026-12-31"}}
		expect(t, "bad period", eva.post("/admin/plans", form), http.StatusUnprocessableEntity,
			"Slutdatumet måste komma efter startdatumet", `value="2026-12-31"`)
		form.Set("ends_on", "2028-12-31")
		r := eva.post("/admin/plans", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("copy: %d\n%s", r.status, r.body)
		}
		loc := r.header.Get("Location")
		page := eva.get(loc)
		expect(t, "new plan", page, http.StatusOK, "Handlingsplan 2027–2028", "Den nya planen är skapad")
		if strings.Contains(page.body, "[followup.") {
			t.Error("the plan page shows a message id")
		}
		plans, err := s.Plans(ctx)
		if err != nil || len(plans) != 2 {
			t.Fatalf("plans: %v %v", plans, err)
		}
		next, err := s.PlanByID(ctx, plans[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		act := next.Activities()[0]
		base := "/admin/plans/" + itoa(next.ID)
		edit := url.Values{"text_sv": {"Ny aktivitet"}, "text_en": {"New activity"}, "neolaia": {"delvis"}, "responsible": {"Inst, Nope"}}
		expect(t, "unknown code", eva.post(base+"/activities/"+itoa(act.ID), edit), http.StatusUnprocessableEntity,
			"Använd bara koder som planen definierar", `value="Inst, Nope"`)
		edit.Set("responsible", "Inst, IK")
		if r := eva.post(base+"/activities/"+itoa(act.ID), edit); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.status, r.body)
		}
		if r := eva.post("/admin/plans/"+itoa(old.ID)+"/activities/"+itoa(act.ID), edit); r.status != http.StatusNotFound {
			t.Errorf("activity edited through the wrong plan: %d", r.status)
		}
		if r := eva.post(base+"/activities/"+itoa(act.ID)+"/retire", url.Values{"retire": {"true"}}); r.status != http.StatusSeeOther {
			t.Fatalf("retire: %d", r.status)
		}
		if r := eva.post(base+"/goals/"+itoa(next.Areas[0].Goals[0].ID)+"/activities", edit); r.status != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", r.status, r.body)
		}
		if r := eva.post(base+"/texts/area/"+itoa(next.Areas[0].ID), url.Values{"text_sv": {"Forskning och innovation"}, "text_en": {"Research"}}); r.status != http.StatusSeeOther {
			t.Fatalf("area: %d", r.status)
		}
		expect(t, "edited plan", eva.get(base), http.StatusOK, "Ny aktivitet", "Forskning och innovation", "utgått ur planen", "Ta i bruk igen")
		got, _ := s.PlanByID(ctx, next.ID)
		if got.Activities()[0].Responsible != "Inst, IK" || !got.Activities()[0].Retired() {
			t.Errorf("activity after edit and retirement: %+v", got.Activities()[0])
		}
		if reloaded, _ := s.PlanByID(ctx, old.ID); reloaded.Areas[0].NameSV != old.Areas[0].NameSV {
			t.Error("editing the new plan changed the old one")
		}
		expect(t, "follow-up of the new plan", eva.get("/followup?plan="+itoa(next.ID)), http.StatusOK, "Forskning och innovation")
	})
}
