package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// Task is an application waiting for the actor, with what they can do.
type Task struct {
	ApplicationRow
	Actions []workflow.Action
}

// TaskGroup is what waits for the actor under one action (endorse,
// assess, grant, …): how many applications, and one page of them, oldest
// change first.
type TaskGroup struct {
	Action workflow.Action
	Count  int64
	Tasks  []Task
	// Next is the cursor of the group's next page; "" on the last one.
	Next string
}

// TaskPageSize is how many tasks a group shows per page.
const TaskPageSize = 25

// taskCell is the applications of one call, unit and state, which all
// wait for the same actions of one actor: the rules look at an
// application's state, unit and call (and a submission at its deadline
// extension), never at who wrote it.
type taskCell struct {
	callID, unitID int64
	state          workflow.State
	count          int64
	actions        []workflow.Action
	// extended is set for drafts that wait for the actor only when their
	// deadline was extended past now (the call's has passed).
	extended bool
}

// TaskGroups lists what waits for the actor, one group per action, each
// with its count and first page; with only set, just that group, on the
// page after the row the cursor after names. It reads the kept totals
// for the calls, units and states that wait for the actor, asks the rules
// once per such cell, and then reads one page per group: the statements
// do not grow with the number of applications. It returns ErrBadCursor
// for a cursor it did not give.
func (s *Store) TaskGroups(ctx context.Context, actor *Actor, only workflow.Action, after string) ([]TaskGroup, error) {
	cells, err := s.taskCells(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []TaskGroup
	for _, action := range workflow.TaskActions() {
		if only != "" && action != only {
			continue
		}
		var group []taskCell
		for _, c := range cells {
			if len(c.actions) > 0 && c.actions[0] == action {
				group = append(group, c)
			}
		}
		if len(group) == 0 {
			continue
		}
		g, err := s.taskGroup(ctx, action, group, after)
		if err != nil {
			return nil, err
		}
		if g.Count > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// taskCells asks the rules what the actor may do on each call, unit and
// state that has unsettled applications, within where the rules let
// anything wait for the actor (workflow.TaskReach): a coordinator's
// menu reads the states a coordinator acts in, an applicant's the units
// they apply for. Drafts of a call whose deadline has passed wait only
// where it was extended for them; those are counted from the
// applications (an index holds the few with an extension).
func (s *Store) taskCells(ctx context.Context, actor *Actor) ([]taskCell, error) {
	states, reach := workflow.TaskReach(actor.Workflow)
	if len(states) == 0 {
		return nil, nil
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	var units []int64 // nil: every unit
	if !slices.Contains(reach, 0) {
		for _, u := range reach {
			units = append(units, chart.Subtree(u)...)
		}
		if len(units) == 0 {
			return nil, nil
		}
	}
	now := s.now()
	draft := string(workflow.StateDraft)
	// The calls come with their cells, in the same statement: the menu
	// of every page counts tasks.
	type row struct {
		CallID, UnitID      int64
		State               workflow.State
		N                   int64
		BudgetOre           int64
		DeadlineAt          time.Time
		EndorsementRequired bool
	}
	var rows []row
	q := s.conn(ctx).Table("application_totals").
		Joins("JOIN calls ON calls.id = application_totals.call_id").
		Select("application_totals.call_id, application_totals.unit_id, application_totals.state, "+
			"CAST(SUM(application_totals.applications) AS BIGINT) AS n, "+
			"calls.budget_ore, calls.deadline_at, calls.endorsement_required").
		Where("application_totals.state IN ?", states).
		Where("(application_totals.state <> ? OR calls.deadline_at > ?)", draft, now)
	if units != nil {
		q = q.Where("application_totals.unit_id IN ?", units)
	}
	err = q.Group("application_totals.call_id, application_totals.unit_id, application_totals.state, calls.budget_ore, calls.deadline_at, calls.endorsement_required").
		Having("SUM(application_totals.applications) > 0").
		Order("application_totals.call_id, application_totals.unit_id, application_totals.state").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var extended []row
	if slices.Contains(states, workflow.StateDraft) {
		q := s.conn(ctx).Table("applications").
			Joins("JOIN calls ON calls.id = applications.call_id").
			Select("applications.call_id, applications.unit_id, applications.state, COUNT(*) AS n, "+
				"calls.budget_ore, calls.deadline_at, calls.endorsement_required").
			Where("applications.deadline_extended_to > ? AND applications.state = ? AND applications.deleted_at IS NULL AND calls.deadline_at <= ?",
				now, draft, now)
		if units != nil {
			q = q.Where("applications.unit_id IN ?", units)
		}
		err := q.Group("applications.call_id, applications.unit_id, applications.state, calls.budget_ore, calls.deadline_at, calls.endorsement_required").
			Order("applications.call_id, applications.unit_id").Scan(&extended).Error
		if err != nil {
			return nil, err
		}
	}
	cell := func(r row, isExtended bool) (taskCell, bool) {
		call := workflow.Call{ID: r.CallID, BudgetOre: r.BudgetOre, Deadline: r.DeadlineAt, EndorsementRequired: r.EndorsementRequired}
		app := workflow.Application{State: r.State, UnitID: r.UnitID, UnitPath: chart.Path(r.UnitID)}
		if isExtended {
			// Each of them has its own extension past now; the rules
			// see one that is.
			app.DeadlineExtendedTo = now.AddDate(100, 0, 0)
		}
		acts := workflow.Tasks(app, call, actor.Workflow, now)
		return taskCell{callID: r.CallID, unitID: r.UnitID, state: r.State, count: r.N, actions: acts, extended: isExtended}, len(acts) > 0
	}
	var cells []taskCell
	for _, r := range rows {
		if c, ok := cell(r, false); ok {
			cells = append(cells, c)
		}
	}
	for _, r := range extended {
		if c, ok := cell(r, true); ok {
			cells = append(cells, c)
		}
	}
	return cells, nil
}

// taskWhere is the condition that picks a group's cells: one term per
// call and state, with the units of the cells.
func taskWhere(db *gorm.DB, cells []taskCell, now time.Time) *gorm.DB {
	type key struct {
		callID   int64
		state    workflow.State
		extended bool
	}
	units := map[key][]int64{}
	var keys []key
	for _, c := range cells {
		k := key{c.callID, c.state, c.extended}
		if _, ok := units[k]; !ok {
			keys = append(keys, k)
		}
		units[k] = append(units[k], c.unitID)
	}
	var terms []string
	var args []any
	for _, k := range keys {
		term := "(applications.call_id = ? AND applications.state = ? AND applications.unit_id IN ?"
		args = append(args, k.callID, string(k.state), units[k])
		if k.extended {
			term += " AND applications.deadline_extended_to > ?"
			args = append(args, now)
		}
		terms = append(terms, term+")")
	}
	return db.Where("applications.deleted_at IS NULL").Where("("+strings.Join(terms, " OR ")+")", args...)
}

// taskGroup reads one group's count and page.
func (s *Store) taskGroup(ctx context.Context, action workflow.Action, cells []taskCell, after string) (TaskGroup, error) {
	g := TaskGroup{Action: action}
	now := s.now()
	actions := map[[3]any][]workflow.Action{}
	for _, c := range cells {
		g.Count += c.count
		actions[[3]any{c.callID, c.unitID, c.state}] = c.actions
	}
	q := taskWhere(s.conn(ctx).Table("applications").Joins("JOIN org_units ON org_units.id = applications.unit_id"), cells, now)
	if after != "" {
		val, id, err := decodeCursor("updated", after)
		if err != nil {
			return g, err
		}
		q = q.Where("(applications.updated_at, applications.id) > (?, ?)", val, id)
	}
	var rows []listRow
	err := q.Select("applications.*, org_units.name_sv AS unit_name_sv, org_units.name_en AS unit_name_en").
		Order("applications.updated_at ASC, applications.id ASC").Limit(TaskPageSize + 1).Scan(&rows).Error
	if err != nil {
		return g, err
	}
	if len(rows) > TaskPageSize {
		rows = rows[:TaskPageSize]
		g.Next = encodeCursor("updated", rows[len(rows)-1])
	}
	for _, r := range rows {
		acts := actions[[3]any{r.CallID, r.UnitID, r.State}]
		g.Tasks = append(g.Tasks, Task{ApplicationRow: r.ApplicationRow, Actions: slices.Clone(acts)})
	}
	return g, nil
}

// Tasks lists every application that waits for the actor, oldest change
// first, with what they can do: the groups' first pages together. Tests
// and small lists use it; pages use TaskGroups.
func (s *Store) Tasks(ctx context.Context, actor *Actor) ([]Task, error) {
	groups, err := s.TaskGroups(ctx, actor, "", "")
	if err != nil {
		return nil, err
	}
	var out []Task
	for _, g := range groups {
		out = append(out, g.Tasks...)
	}
	slices.SortStableFunc(out, func(a, b Task) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// TaskCount counts what waits for the actor, as the groups of TaskGroups
// count it, from the kept totals: cheap enough for the menu of every
// page, and the same number whatever the number of applications.
func (s *Store) TaskCount(ctx context.Context, actor *Actor) (int64, error) {
	cells, err := s.taskCells(ctx, actor)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, c := range cells {
		n += c.count
	}
	return n, nil
}
