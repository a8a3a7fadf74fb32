package models

import (
	"context"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// How money is attributed in the follow-up: an application linked to
// several plan activities counts in full under each of them, while every
// total above the activity (goal, area, unit, call, the plan) counts each
// application once. The rows of an activity table can therefore add up to
// more than their goal's total; the pages say so.

// FollowupFilter narrows the follow-up. PlanID is required; CallID, Year
// (of the call's opening) and UnitID (that unit and the units below) are
// optional. Scope is applied on top.
type FollowupFilter struct {
	PlanID int64
	CallID int64
	Year   int
	UnitID int64
	Scope  workflow.Scope
}

// FollowupSums are the sums of one row of the follow-up. Applications
// counts those that left draft and were not withdrawn; Funded those that
// hold money. Expected outcomes are summed over funded applications,
// actual ones over submitted reports.
type FollowupSums struct {
	KeyID        int64
	KeyText      string
	Applications int64
	Funded       int64
	Reported     int64
	RequestedOre int64
	GrantedOre   int64
	ReturnedOre  int64
	SpentOre     int64

	ExpFirst, ExpSecond, ExpThird int64
	ExpWindows, ExpAgreements     int64

	ActFirst, ActSecond, ActThird        int64
	ActWindowsIdentified, ActWindowsMade int64
	ActAgreements, ActParticipants       int64
}

// NetGrantedOre is granted less returned: what the row holds of the pot.
func (f FollowupSums) NetGrantedOre() int64 { return f.GrantedOre - f.ReturnedOre }

// ExpStudents is the outgoing students expected, all levels.
func (f FollowupSums) ExpStudents() int64 { return f.ExpFirst + f.ExpSecond + f.ExpThird }

// ActStudents is the outgoing students reported, all levels.
func (f FollowupSums) ActStudents() int64 { return f.ActFirst + f.ActSecond + f.ActThird }

// ActWindows is the mobility windows identified or created.
func (f FollowupSums) ActWindows() int64 { return f.ActWindowsIdentified + f.ActWindowsMade }

// Add adds o's sums to f (for rolling units up into faculties).
func (f *FollowupSums) Add(o FollowupSums) {
	f.Applications += o.Applications
	f.Funded += o.Funded
	f.Reported += o.Reported
	f.RequestedOre += o.RequestedOre
	f.GrantedOre += o.GrantedOre
	f.ReturnedOre += o.ReturnedOre
	f.SpentOre += o.SpentOre
	f.ExpFirst += o.ExpFirst
	f.ExpSecond += o.ExpSecond
	f.ExpThird += o.ExpThird
	f.ExpWindows += o.ExpWindows
	f.ExpAgreements += o.ExpAgreements
	f.ActFirst += o.ActFirst
	f.ActSecond += o.ActSecond
	f.ActThird += o.ActThird
	f.ActWindowsIdentified += o.ActWindowsIdentified
	f.ActWindowsMade += o.ActWindowsMade
	f.ActAgreements += o.ActAgreements
	f.ActParticipants += o.ActParticipants
}

// FollowupKey names what a follow-up query groups by.
type FollowupKey string

// The groupings of the follow-up.
const (
	ByTotal    FollowupKey = "total"
	ByActivity FollowupKey = "activity"
	ByGoal     FollowupKey = "goal"
	ByArea     FollowupKey = "area"
	ByUnit     FollowupKey = "unit"
	ByCall     FollowupKey = "call"
	ByNeolaia  FollowupKey = "neolaia" // the relation the application states; "nej" and "" are both "–"
)

// followupBase is the FROM and WHERE every follow-up query shares: the
// applications that left draft and were not withdrawn, in the filter.
func (s *Store) followupBase(ctx context.Context, f FollowupFilter) (*gorm.DB, error) {
	return s.followupFrom(ctx, "applications a", f)
}

// followupFrom is followupBase over table, which is "applications a" or
// "application_totals a": the totals carry the call, unit and state the
// filter reads under the same names.
func (s *Store) followupFrom(ctx context.Context, table string, f FollowupFilter) (*gorm.DB, error) {
	q, err := s.followupKept(ctx, table, f)
	if err != nil {
		return nil, err
	}
	return q.Where("a.state NOT IN ?", []string{string(workflow.StateDraft), string(workflow.StateWithdrawn)}), nil
}

// followupKept is followupFrom over kept totals that hold only the
// applications the follow-up counts and no state: "plan_totals a" or
// "month_totals a".
func (s *Store) followupKept(ctx context.Context, table string, f FollowupFilter) (*gorm.DB, error) {
	q := s.conn(ctx).Table(table).
		Joins("JOIN calls c ON c.id = a.call_id").
		Where("c.plan_id = ?", f.PlanID)
	if f.CallID != 0 {
		q = q.Where("a.call_id = ?", f.CallID)
	}
	if f.Year != 0 {
		q = q.Where("c.opens_at >= ? AND c.opens_at < ?", s.yearStart(f.Year).UTC(), s.yearStart(f.Year+1).UTC())
	}
	units := f.Scope.UnitIDs
	if f.UnitID != 0 {
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return nil, err
		}
		sub := chart.Subtree(f.UnitID)
		if !f.Scope.All {
			var both []int64
			for _, u := range sub {
				if f.Scope.Covers(u) {
					both = append(both, u)
				}
			}
			sub = both
		}
		units = sub
	}
	if f.UnitID != 0 || !f.Scope.All {
		if len(units) == 0 {
			return q.Where("1 = 0"), nil
		}
		q = q.Where("a.unit_id IN ?", units)
	}
	return q, nil
}

// FollowupSumsBy sums the follow-up grouped by key, in one SQL query.
// Rows come in key order. It returns only database errors. The total, the
// units, the calls and the NEOLAiA relations are read from the totals the
// triggers keep (application_totals, report_totals), a few rows per call
// and unit; the plan's activities, goals and areas from plan_totals, a few
// rows per call, unit and plan key.
func (s *Store) FollowupSumsBy(ctx context.Context, f FollowupFilter, key FollowupKey) ([]FollowupSums, error) {
	switch key {
	case ByActivity, ByGoal, ByArea:
		return s.followupSumsByPlan(ctx, f, key)
	}
	q, err := s.followupFrom(ctx, "application_totals a", f)
	if err != nil {
		return nil, err
	}
	q = q.Joins("LEFT JOIN report_totals rep ON rep.call_id = a.call_id AND rep.unit_id = a.unit_id " +
		"AND rep.state = a.state AND rep.neolaia = a.neolaia")
	keyID, keyText := "0", "''"
	switch key {
	case ByUnit:
		keyID = "a.unit_id"
	case ByCall:
		keyID = "a.call_id"
	case ByNeolaia:
		keyText = "a.neolaia"
	}
	q = q.Select(keyID + " AS key_id, " + keyText + " AS key_text, " + totalsSelect())
	// PostgreSQL refuses a constant in GROUP BY: group by the one key
	// that is a column. A key whose applications have all moved away
	// keeps rows of zeros, which the sums from scratch would not show.
	switch key {
	case ByTotal:
	case ByNeolaia:
		q = q.Group(keyText).Having("SUM(a.applications) <> 0").Order(keyText)
	default:
		q = q.Group(keyID).Having("SUM(a.applications) <> 0").Order(keyID)
	}
	var rows []FollowupSums
	err = q.Scan(&rows).Error
	return rows, err
}

// MonthSums is the pot's movement in one month ("2026-03"): granted by
// decision date, spent by report date, returned by the date of the
// acceptance or revocation that gave it back.
type MonthSums struct {
	Month       string
	GrantedOre  int64
	SpentOre    int64
	ReturnedOre int64
}

// FollowupCalls returns the calls the filter covers, oldest first, and the
// sum of their budgets. It returns only database errors.
func (s *Store) FollowupCalls(ctx context.Context, f FollowupFilter) ([]Call, int64, error) {
	q := s.conn(ctx).Where("plan_id = ?", f.PlanID)
	if f.CallID != 0 {
		q = q.Where("id = ?", f.CallID)
	}
	if f.Year != 0 {
		q = q.Where("opens_at >= ? AND opens_at < ?", s.yearStart(f.Year).UTC(), s.yearStart(f.Year+1).UTC())
	}
	var calls []Call
	if err := q.Order("opens_at, id").Find(&calls).Error; err != nil {
		return nil, 0, err
	}
	var budget int64
	for _, c := range calls {
		budget += c.BudgetOre
	}
	return calls, budget, nil
}

// OperationalRow is one funded activity for a unit's operational plan
// (verksamhetsplan): an application linked to a plan activity, with the
// goal and area above it, the money and the outcomes.
type OperationalRow struct {
	ApplicationID int64
	CreatedAt     time.Time
	Title         string
	State         workflow.State
	UnitID        int64
	CallID        int64
	AreaSV        string `gorm:"column:area_sv"`
	AreaEN        string `gorm:"column:area_en"`
	GoalSV        string `gorm:"column:goal_sv"`
	GoalEN        string `gorm:"column:goal_en"`
	ActivitySV    string `gorm:"column:activity_sv"`
	ActivityEN    string `gorm:"column:activity_en"`
	Neolaia       Neolaia
	GrantedOre    int64
	ReturnedOre   int64
	SpentOre      int64

	ExpectedStudentsFirst, ExpectedStudentsSecond, ExpectedStudentsThird int
	ExpectedMobilityWindows, ExpectedPartnerAgreements                   int
	StudentsFirst, StudentsSecond, StudentsThird                         int
	WindowsIdentified, WindowsCreated, PartnerAgreements, Participants   int
}

// Number is the application's reference.
func (r OperationalRow) Number() string {
	return ApplicationNumber(r.CreatedAt, r.ApplicationID)
}

// OperationalPlanCategory is the category the plan asks units to tag
// these activities with in their operational plans.
const OperationalPlanCategory = "Internationalisering"

// OperationalRows lists every funded application of the filter once per
// linked activity, in unit, application and plan order. It returns only
// database errors.
func (s *Store) OperationalRows(ctx context.Context, f FollowupFilter) ([]OperationalRow, error) {
	q, err := s.followupBase(ctx, f)
	if err != nil {
		return nil, err
	}
	var rows []OperationalRow
	err = operationalJoins(q).Where("a.state IN ?", moneyStates()).
		Select(operationalSelect).
		Order("a.unit_id, a.id, par.position, pg.position, pa.position").Scan(&rows).Error
	return rows, err
}
