package models_test

import (
	"context"
	"slices"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestEachOperationalRow: reading the operational plan chunk by chunk
// gives exactly the rows of OperationalRows, in their order, for the demo
// data and for a generated data set, with and without a call, a unit and
// a limited scope, whatever the chunk.
func TestEachOperationalRow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		plan, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string) {
			t.Helper()
			var call models.Call
			if err := s.DB().Where("plan_id = ?", plan.ID).Order("id DESC").First(&call).Error; err != nil {
				t.Fatal(err)
			}
			all := workflow.Scope{All: true}
			rows, err := s.OperationalRows(ctx, models.FollowupFilter{PlanID: plan.ID, Scope: all})
			if err != nil {
				t.Fatal(err)
			}
			var units []int64 // the units with rows, in order
			for _, r := range rows {
				if len(units) == 0 || units[len(units)-1] != r.UnitID {
					units = append(units, r.UnitID)
				}
			}
			if len(units) == 0 {
				t.Fatalf("%s: no rows", name)
			}
			some := workflow.Scope{UnitIDs: units[:max(1, len(units)/2)]}
			for i, f := range []models.FollowupFilter{
				{PlanID: plan.ID, Scope: all},
				{PlanID: plan.ID, UnitID: units[0], Scope: all},
				{PlanID: plan.ID, Scope: some},
				{PlanID: plan.ID, UnitID: units[len(units)-1], Scope: all},
				{PlanID: plan.ID, CallID: call.ID, Scope: all},
				{PlanID: plan.ID, UnitID: units[len(units)-1], Scope: some},
				{PlanID: plan.ID, Scope: workflow.Scope{}},
			} {
				want, err := s.OperationalRows(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 && i < 4 { // the first four have rows by construction
					t.Fatalf("%s, filter %+v: no rows to compare", name, f)
				}
				for _, chunk := range []int{1, 3, 500} {
					var got []models.OperationalRow
					err := s.EachOperationalRowChunked(ctx, f, chunk, func(r *models.OperationalRow) error {
						got = append(got, *r)
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s, filter %+v, chunks of %d: %d rows, OperationalRows gives %d", name, f, chunk, len(got), len(want))
					}
				}
			}
		}
		check("demo data")
		if _, err := s.SeedSynthetic(ctx, 1500, 2); err != nil {
			t.Fatal(err)
		}
		check("generated data")
	})
}
