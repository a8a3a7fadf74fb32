package handlers

import (
	"context"
	"slices"

	"mobilityfund/models"
)

// planForCall is plan with only the activities call funds, and those the
// application already links (keep), for the application form: a call
// that funds part of the plan offers only that part.
func (h *Handler) planForCall(ctx context.Context, call *models.Call, plan *models.Plan, keep []int64) (*models.Plan, error) {
	ids, err := h.store.CallActivityIDs(ctx, call)
	if err != nil {
		return nil, err
	}
	out := *plan
	out.Areas = nil
	for _, a := range plan.Areas {
		area := a
		area.Goals = nil
		for _, g := range a.Goals {
			goal := g
			goal.Activities = nil
			for _, act := range g.Activities {
				if slices.Contains(ids, act.ID) || slices.Contains(keep, act.ID) {
					goal.Activities = append(goal.Activities, act)
				}
			}
			if len(goal.Activities) > 0 {
				area.Goals = append(area.Goals, goal)
			}
		}
		if len(area.Goals) > 0 {
			out.Areas = append(out.Areas, area)
		}
	}
	return &out, nil
}

// linkedActivities are the ids of the activities an application links.
func linkedActivities(d *models.ApplicationDetail) []int64 {
	ids := make([]int64, 0, len(d.Activities))
	for _, a := range d.Activities {
		ids = append(ids, a.ID)
	}
	return ids
}
