package models

import (
	"context"

	"mobilityfund/workflow"
)

// Task is an application waiting for the actor, with what they can do.
type Task struct {
	ApplicationRow
	Actions []workflow.Action
}

// Tasks lists the applications that wait for the actor, oldest change
// first: what their roles let them do next, leaving out applications they
// may not handle because of a conflict of interest.
func (s *Store) Tasks(ctx context.Context, actor *Actor) ([]Task, error) {
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.Applications(ctx, workflow.VisibilityOf(actor.Workflow, chart), ApplicationFilter{Sort: "updated"})
	if err != nil {
		return nil, err
	}
	calls := map[int64]workflow.Call{}
	now := s.now()
	var out []Task
	for _, r := range rows {
		if workflow.Settled(r.State) {
			continue
		}
		call, ok := calls[r.CallID]
		if !ok {
			c, err := s.CallByID(ctx, r.CallID)
			if err != nil {
				return nil, err
			}
			call = workflowCall(c)
			calls[r.CallID] = call
		}
		app := workflow.Application{ID: r.ID, State: r.State, UnitID: r.UnitID, UnitPath: chart.Path(r.UnitID),
			CreatedBy: r.CreatedBy, DeadlineExtendedTo: deref(r.DeadlineExtendedTo)}
		if acts := workflow.Tasks(app, call, actor.Workflow, now); len(acts) > 0 {
			out = append(out, Task{ApplicationRow: r, Actions: acts})
		}
	}
	return out, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
