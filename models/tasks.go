package models

import (
	"context"
	"time"

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

// TaskCount counts the applications Tasks would list, reading only the
// columns the rules need, of the applications that are not settled, with
// their calls in the same statement: cheap enough for the menu of every
// page. It takes two statements (one when the org chart is at hand)
// whatever the number of applications.
func (s *Store) TaskCount(ctx context.Context, actor *Actor) (int, error) {
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return 0, err
	}
	v := workflow.VisibilityOf(actor.Workflow, chart)
	q := s.conn(ctx).Table("applications").
		Joins("JOIN calls ON calls.id = applications.call_id").
		Select("applications.id, applications.state, applications.unit_id, applications.call_id, applications.created_by, "+
			"applications.deadline_extended_to, calls.budget_ore, calls.deadline_at, calls.endorsement_required").
		Where("applications.state NOT IN ?", []workflow.State{workflow.StateWithdrawn, workflow.StateRejected,
			workflow.StateClosed, workflow.StateRevoked})
	if !v.All {
		if len(v.UnitIDs) == 0 {
			q = q.Where("applications.created_by = ?", v.UserID)
		} else {
			q = q.Where("(applications.unit_id IN ? OR applications.created_by = ?)", v.UnitIDs, v.UserID)
		}
	}
	var rows []struct {
		ID, UnitID, CallID, CreatedBy int64
		State                         workflow.State
		DeadlineExtendedTo            *time.Time
		BudgetOre                     int64
		DeadlineAt                    time.Time
		EndorsementRequired           bool
	}
	if err := q.Scan(&rows).Error; err != nil {
		return 0, err
	}
	now, n := s.now(), 0
	for _, r := range rows {
		app := workflow.Application{ID: r.ID, State: r.State, UnitID: r.UnitID, UnitPath: chart.Path(r.UnitID),
			CreatedBy: r.CreatedBy, DeadlineExtendedTo: deref(r.DeadlineExtendedTo)}
		call := workflow.Call{ID: r.CallID, BudgetOre: r.BudgetOre, Deadline: r.DeadlineAt, EndorsementRequired: r.EndorsementRequired}
		if len(workflow.Tasks(app, call, actor.Workflow, now)) > 0 {
			n++
		}
	}
	return n, nil
}
