package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestPlanVersionKeepsOldLinks copies the 2025–2026 plan into 2027–2028,
// retires an activity that demo applications link to, and edits the new
// plan: the old applications keep their activities, the retired one can
// no longer be picked, and the new plan is not linked to anything.
func TestPlanVersionKeepsOldLinks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		eva, sara := mustActor(t, s, "eva"), mustActor(t, s, "sara")
		old, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		before := map[int64][]int64{}
		for _, r := range rows {
			d, err := s.ApplicationView(ctx, workflow.Visibility{All: true}, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range d.Activities {
				before[r.ID] = append(before[r.ID], a.ID)
			}
		}
		linked := before[rows[0].ID][0]

		if err := s.RetirePlanActivity(ctx, sara, old.ID, linked, true); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("coordinator retires: %v", err)
		}
		if err := s.RetirePlanActivity(ctx, eva, old.ID, linked, true); err != nil {
			t.Fatal(err)
		}
		in := models.PlanCopy{FromID: old.ID, Code: "2027-2028", TitleSV: "Handlingsplan 2027–2028", TitleEN: "Action plan 2027–2028",
			StartsOn: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC)}
		if _, err := s.CopyPlan(ctx, sara, in); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("coordinator copies: %v", err)
		}
		bad := in
		bad.Code, bad.EndsOn = old.Code, in.StartsOn
		var verr *workflow.ValidationError
		if _, err := s.CopyPlan(ctx, eva, bad); !errors.As(err, &verr) || verr.Fields["ends_on"] == "" {
			t.Errorf("bad period: %v", err)
		}
		bad.EndsOn = in.EndsOn
		if _, err := s.CopyPlan(ctx, eva, bad); !errors.As(err, &verr) || verr.Fields["code"] != models.MsgPlanCodeTaken {
			t.Errorf("code taken: %v", err)
		}
		created, err := s.CopyPlan(ctx, eva, in)
		if err != nil {
			t.Fatal(err)
		}
		next, err := s.PlanByID(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(next.Areas) != len(old.Areas) || len(next.Activities()) != len(old.Activities())-1 || len(next.Responsibles) != len(old.Responsibles) {
			t.Fatalf("copy has %d areas, %d activities; old %d, %d", len(next.Areas), len(next.Activities()), len(old.Areas), len(old.Activities()))
		}

		// Edits to the new plan leave the old one alone.
		act := next.Activities()[0]
		edit := models.PlanActivityInput{TextSV: "Ny text", TextEN: "New text", Neolaia: models.NeolaiaPartly, Responsible: "IK,Inst"}
		if err := s.SavePlanActivity(ctx, eva, next.ID, 0, act.ID, edit); err != nil {
			t.Fatal(err)
		}
		if err := s.SavePlanActivity(ctx, eva, old.ID, 0, act.ID, edit); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("activity edited through another plan: %v", err)
		}
		edit.Responsible = "XYZ"
		if err := s.SavePlanActivity(ctx, eva, next.ID, 0, act.ID, edit); !errors.As(err, &verr) || verr.Fields["responsible"] != models.MsgResponsibleUnknown {
			t.Errorf("unknown responsible code: %v", err)
		}
		edit.Responsible = "Inst"
		if err := s.SavePlanActivity(ctx, eva, next.ID, next.Areas[0].Goals[0].ID, 0, edit); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdatePlanText(ctx, eva, next.ID, "goal", next.Areas[0].Goals[0].ID, "Nytt mål", "New goal"); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdatePlanText(ctx, eva, next.ID, "area", old.Areas[0].ID, "X", "X"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("area edited through another plan: %v", err)
		}
		goalActs := len(next.Areas[0].Goals[0].Activities)
		next, _ = s.PlanByID(ctx, created.ID)
		i := slices.IndexFunc(next.Activities(), func(a models.PlanActivity) bool { return a.ID == act.ID })
		got := next.Activities()[i]
		if got.TextSV != "Ny text" || got.Neolaia != models.NeolaiaPartly || got.Responsible != "IK, Inst" ||
			next.Areas[0].Goals[0].TextSV != "Nytt mål" || len(next.Areas[0].Goals[0].Activities) != goalActs+1 {
			t.Errorf("edited plan: %+v %+v", got, next.Areas[0].Goals[0])
		}
		reloaded, _ := s.PlanByID(ctx, old.ID)
		if reloaded.Activities()[0].TextSV != old.Activities()[0].TextSV || reloaded.Areas[0].Goals[0].TextSV != old.Areas[0].Goals[0].TextSV {
			t.Error("editing the new plan changed the old one")
		}

		// Old applications keep every link, the retired one included.
		for id, acts := range before {
			d, err := s.ApplicationView(ctx, workflow.Visibility{All: true}, id)
			if err != nil {
				t.Fatal(err)
			}
			var now []int64
			for _, a := range d.Activities {
				now = append(now, a.ID)
			}
			if !slices.Equal(now, acts) {
				t.Errorf("application %d links %v, had %v", id, now, acts)
			}
		}
		if slices.ContainsFunc(reloaded.PickableActivities(), func(a models.PlanActivity) bool { return a.ID == linked }) {
			t.Error("a retired activity can be picked")
		}
		ids, err := s.PickableActivityIDs(ctx, old.ID, before[rows[0].ID])
		if err != nil || slices.Contains(ids, linked) {
			t.Errorf("pickable ids %v (%v)", ids, err)
		}
		if err := s.RetirePlanActivity(ctx, eva, old.ID, linked, false); err != nil {
			t.Fatal(err)
		}
		if ids, _ := s.PickableActivityIDs(ctx, old.ID, []int64{linked}); !slices.Equal(ids, []int64{linked}) {
			t.Errorf("restored activity not pickable: %v", ids)
		}

		// The follow-up is per plan: the new plan has nothing yet.
		all := workflow.Scope{All: true}
		for plan, wantAny := range map[int64]bool{old.ID: true, next.ID: false} {
			sums, err := s.FollowupSumsBy(ctx, models.FollowupFilter{PlanID: plan, Scope: all}, models.ByTotal)
			if err != nil || len(sums) != 1 || (sums[0].Applications > 0) != wantAny {
				t.Errorf("plan %d follow-up: %+v %v", plan, sums, err)
			}
		}
		plans, err := s.Plans(ctx)
		if err != nil || len(plans) != 2 || plans[0].Code != "2027-2028" {
			t.Errorf("plans: %+v %v", plans, err)
		}
	})
}
