package models_test

import (
	"context"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestSeedDemo checks the demo university: its shape, a person for every
// role, applications in several states reached through the workflow, the
// money they hold, and that loading it twice changes nothing.
func TestSeedDemo(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		for range 2 {
			if err := s.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
		}
		chart, err := s.OrgChart(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[models.UnitKind]int{}
		for _, u := range chart.Units {
			kinds[u.Kind]++
			if u.Kind == models.KindInstitution && u.CostCentre == "" {
				t.Errorf("institution %s has no cost centre", u.Code)
			}
		}
		if kinds[models.KindFaculty] != 3 || kinds[models.KindInstitution] != 8 {
			t.Errorf("units by kind = %v, want 3 faculties and 8 institutions", kinds)
		}

		users, err := s.DevUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[workflow.Role]bool{}
		for _, u := range users {
			a, err := s.ActorFor(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range a.Grants {
				roles[g.Role] = true
			}
		}
		for _, r := range workflow.Roles() {
			if !roles[r] {
				t.Errorf("no demo user holds %s today", r)
			}
		}
		// The substitute's grant begins later: not a decider today.
		johan, err := s.DemoActor(ctx, "johan")
		if err != nil {
			t.Fatal(err)
		}
		if johan.Has(workflow.RoleDecider) {
			t.Error("the substitute decider is a decider already")
		}

		rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[workflow.State]int{}
		for _, r := range rows {
			states[r.State]++
		}
		want := map[workflow.State]int{workflow.StateDraft: 1, workflow.StateSubmitted: 1, workflow.StateInReview: 1,
			workflow.StateReadyForDecision: 1, workflow.StateGranted: 1, workflow.StateRejected: 1}
		if len(rows) != 6 {
			t.Errorf("demo applications = %d, want 6", len(rows))
		}
		for st, n := range want {
			if states[st] != n {
				t.Errorf("applications in %s = %d, want %d (all: %v)", st, states[st], n, states)
			}
		}

		call, err := s.CallByID(ctx, rows[0].CallID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.BudgetOf(ctx, call)
		if err != nil {
			t.Fatal(err)
		}
		if b.CommittedOre != 180_000*100 || b.RemainingOre() != 2_820_000*100 {
			t.Errorf("committed %d, remaining %d öre; want 180 000 kr and 2 820 000 kr", b.CommittedOre, b.RemainingOre())
		}

		var audit, outbox int64
		if err := s.DB().Model(&models.AuditEvent{}).Count(&audit).Error; err != nil {
			t.Fatal(err)
		}
		// The 2026 call, the 15 units and the 11 people with their 11
		// grants go in as anyone's would, audited; then 6 creations and
		// 15 steps.
		if audit != 59 {
			t.Errorf("audit events = %d, want 59", audit)
		}
		if err := s.DB().Model(&models.OutboxMessage{}).Count(&outbox).Error; err != nil {
			t.Fatal(err)
		}
		if outbox != 0 {
			t.Errorf("the demo queued %d notifications, want none", outbox)
		}
	})
}
