package models

import (
	"context"

	"mobilityfund/workflow"
)

// taskActions are the actions that make an application wait for someone;
// the others (withdraw, revoke, extend a deadline, return) are possible
// but not expected of anyone.
var taskActions = map[workflow.Action]bool{
	workflow.ActionSubmit:       true,
	workflow.ActionEndorse:      true,
	workflow.ActionAssess:       true,
	workflow.ActionMarkReady:    true,
	workflow.ActionGrant:        true,
	workflow.ActionBook:         true,
	workflow.ActionReport:       true,
	workflow.ActionAcceptReport: true,
}

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
	rows, err := s.Applications(ctx, VisibilityOf(actor, chart), ApplicationFilter{Sort: "updated"})
	if err != nil {
		return nil, err
	}
	calls := map[int64]workflow.Call{}
	now := s.now()
	var out []Task
	for _, r := range rows {
		if r.State == workflow.StateWithdrawn || r.State == workflow.StateRejected || r.State == workflow.StateClosed || r.State == workflow.StateRevoked {
			continue
		}
		call, ok := calls[r.CallID]
		if !ok {
			c, err := s.CallByID(ctx, r.CallID)
			if err != nil {
				return nil, err
			}
			call = workflowCall(c, Budget{})
			calls[r.CallID] = call
		}
		app := workflow.Application{ID: r.ID, State: r.State, UnitID: r.UnitID, UnitPath: chart.Path(r.UnitID),
			CreatedBy: r.CreatedBy, DeadlineExtendedTo: deref(r.DeadlineExtendedTo)}
		var acts []workflow.Action
		for _, o := range workflow.Available(app, call, actor.Workflow, now) {
			if o.Blocked == nil && taskActions[o.Action] {
				acts = append(acts, o.Action)
			}
		}
		if len(acts) > 0 {
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
