package models

import (
	"context"

	"mobilityfund/workflow"
)

// FollowupQuery is what a reader asks the follow-up for: a plan (0: the
// one in force), and optionally a call, a unit (with the units below it)
// and a year (0: every year).
type FollowupQuery struct {
	PlanID, CallID, UnitID int64
	Year                   int
}

// FollowupUnitRow is one unit's or faculty's line of the follow-up.
type FollowupUnitRow struct {
	Unit    OrgUnit
	Faculty OrgUnit
	Sums    FollowupSums
}

// FollowupCallRow is one call's line of the follow-up.
type FollowupCallRow struct {
	Call Call
	Year int
	Sums FollowupSums
}

// FollowupNeolaiaRow is one NEOLAiA relation's line, in the plan's order.
type FollowupNeolaiaRow struct {
	Key  Neolaia
	Sums FollowupSums
}

// FollowupMonth is one month of the pot, with running totals.
type FollowupMonth struct {
	MonthSums
	CommittedOre int64 // granted less returned, up to and including the month
	SpentToDate  int64
}

// Followup is everything the follow-up pages and exports show, for one
// reader's scope.
type Followup struct {
	Filter     FollowupFilter
	Plan       *Plan
	Plans      []Plan
	PlanCalls  []Call // every call of the plan, for the filter
	Units      []OrgUnit
	Budget     int64
	Total      FollowupSums
	ByActivity map[int64]FollowupSums
	ByGoal     map[int64]FollowupSums
	ByArea     map[int64]FollowupSums
	UnitRows   []FollowupUnitRow
	Faculties  []FollowupUnitRow
	CallRows   []FollowupCallRow
	Neolaia    []FollowupNeolaiaRow
	Months     []FollowupMonth
}

// Followup sums the follow-up that q asks for, within actor's scope. A
// unit outside the scope is a NotFoundError, as if it did not exist, and
// so is an unknown plan.
func (s *Store) Followup(ctx context.Context, actor *Actor, q FollowupQuery) (*Followup, error) {
	org, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	scope := workflow.FollowupScopeOf(actor.Workflow, org)
	f := FollowupFilter{PlanID: q.PlanID, CallID: q.CallID, UnitID: q.UnitID, Year: q.Year, Scope: scope}
	if _, ok := org.Unit(f.UnitID); f.UnitID != 0 && (!ok || !scope.Covers(f.UnitID)) {
		return nil, &NotFoundError{What: "unit", ID: f.UnitID}
	}
	var plan *Plan
	if f.PlanID == 0 {
		plan, err = s.CurrentPlan(ctx)
	} else {
		plan, err = s.PlanByID(ctx, f.PlanID)
	}
	if err != nil {
		return nil, err
	}
	f.PlanID = plan.ID
	d := &Followup{Filter: f, Plan: plan}
	if d.Plans, err = s.Plans(ctx); err != nil {
		return nil, err
	}
	if d.PlanCalls, _, err = s.FollowupCalls(ctx, FollowupFilter{PlanID: plan.ID}); err != nil {
		return nil, err
	}
	var calls []Call
	if calls, d.Budget, err = s.FollowupCalls(ctx, f); err != nil {
		return nil, err
	}
	for _, u := range org.Units {
		if scope.Covers(u.ID) {
			d.Units = append(d.Units, u)
		}
	}
	sums := map[FollowupKey][]FollowupSums{}
	for _, key := range []FollowupKey{ByActivity, ByGoal, ByArea, ByUnit, ByCall, ByNeolaia} {
		if sums[key], err = s.FollowupSumsBy(ctx, f, key); err != nil {
			return nil, err
		}
	}
	// Every application belongs to exactly one call, so the calls' rows
	// add up to the total without another query.
	for _, row := range sums[ByCall] {
		d.Total.Add(row)
	}
	d.ByActivity, d.ByGoal, d.ByArea = byKey(sums[ByActivity]), byKey(sums[ByGoal]), byKey(sums[ByArea])
	d.UnitRows, d.Faculties = unitRows(org, sums[ByUnit])
	callByID := byKey(sums[ByCall])
	for _, call := range calls {
		d.CallRows = append(d.CallRows, FollowupCallRow{Call: call, Year: s.YearOf(call.OpensAt), Sums: callByID[call.ID]})
	}
	// The plan's order: Ja, Delvis, –.
	for _, key := range []Neolaia{NeolaiaYes, NeolaiaPartly, NeolaiaNone} {
		for _, row := range sums[ByNeolaia] {
			if Neolaia(row.KeyText) == key {
				d.Neolaia = append(d.Neolaia, FollowupNeolaiaRow{Key: key, Sums: row})
			}
		}
	}
	months, err := s.FollowupMonths(ctx, f)
	if err != nil {
		return nil, err
	}
	var committed, spent int64
	for _, m := range months {
		committed += m.GrantedOre - m.ReturnedOre
		spent += m.SpentOre
		d.Months = append(d.Months, FollowupMonth{MonthSums: m, CommittedOre: committed, SpentToDate: spent})
	}
	return d, nil
}

func byKey(rows []FollowupSums) map[int64]FollowupSums {
	m := make(map[int64]FollowupSums, len(rows))
	for _, r := range rows {
		m[r.KeyID] = r
	}
	return m
}

// unitRows places each unit's sums under its faculty and rolls them up
// into one row per faculty, in the order faculties first appear.
func unitRows(org *OrgChart, byUnit []FollowupSums) (units, faculties []FollowupUnitRow) {
	index := map[int64]int{}
	for _, row := range byUnit {
		u, _ := org.Unit(row.KeyID)
		fac, _ := org.Faculty(row.KeyID)
		units = append(units, FollowupUnitRow{Unit: u, Faculty: fac, Sums: row})
		i, ok := index[fac.ID]
		if !ok {
			i = len(faculties)
			index[fac.ID] = i
			faculties = append(faculties, FollowupUnitRow{Unit: fac, Faculty: fac})
		}
		faculties[i].Sums.Add(row)
	}
	return units, faculties
}
