package models_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// tasksByRule is My tasks the simple way: every visible application
// asked of the rules one at a time. TaskGroups must give the same.
func tasksByRule(t *testing.T, s *models.Store, actor *models.Actor) map[int64]string {
	t.Helper()
	ctx := context.Background()
	chart, err := s.OrgChart(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.Applications(ctx, workflow.VisibilityOf(actor.Workflow, chart), models.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		call, err := s.CallByID(ctx, r.CallID)
		if err != nil {
			t.Fatal(err)
		}
		app := workflow.Application{ID: r.ID, State: r.State, UnitID: r.UnitID, UnitPath: chart.Path(r.UnitID),
			CreatedBy: r.CreatedBy}
		if r.DeadlineExtendedTo != nil {
			app.DeadlineExtendedTo = *r.DeadlineExtendedTo
		}
		wc := workflow.Call{ID: call.ID, BudgetOre: call.BudgetOre, Deadline: call.DeadlineAt, EndorsementRequired: call.EndorsementRequired}
		if acts := workflow.Tasks(app, wc, actor.Workflow, s.Now()); len(acts) > 0 {
			out[r.ID] = fmt.Sprint(acts)
		}
	}
	return out
}

// TestTaskGroupsMatchRules checks My tasks for every demo and synthetic
// person who can sign in: the groups, walked page by page, hold exactly
// the applications the rules say wait for them, with the same actions,
// and each group's count is its number of applications.
func TestTaskGroupsMatchRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SeedSynthetic(ctx, 600, 11); err != nil {
			t.Fatal(err)
		}
		users, err := s.DevUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			actor, err := s.ActorFor(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := tasksByRule(t, s, actor)
			got := map[int64]string{}
			groups, err := s.TaskGroups(ctx, actor, "", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range groups {
				n := 0
				for page, after := g, ""; ; {
					for _, task := range page.Tasks {
						got[task.ID] = fmt.Sprint(task.Actions)
						n++
					}
					if page.Next == "" {
						break
					}
					after = page.Next
					next, err := s.TaskGroups(ctx, actor, g.Action, after)
					if err != nil || len(next) != 1 {
						t.Fatalf("%s: next page of %s: %v", u.Subject, g.Action, err)
					}
					page = next[0]
				}
				if int64(n) != g.Count {
					t.Errorf("%s: group %s counts %d, holds %d", u.Subject, g.Action, g.Count, n)
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s: %d tasks, the rules say %d", u.Subject, len(got), len(want))
			}
		}
	})
}
