package models

import (
	"context"
	"strings"
)

// PlanTotal is what the applications the follow-up counts (left draft,
// not withdrawn, not deleted) of one call and unit add up to under one
// plan activity, goal or area (Kind "activity", "goal", "area"). An
// application counts in full under each activity it is linked to and once
// under each goal and area however many of its activities are there.
// Triggers on applications, application_activities and
// application_reports (migration 00063) keep it in the transaction of
// every change, so that the follow-up reads a few rows per call and unit
// instead of every application on each request.
type PlanTotal struct {
	CallID               int64  `gorm:"primaryKey;autoIncrement:false"`
	UnitID               int64  `gorm:"primaryKey;autoIncrement:false"`
	Kind                 string `gorm:"primaryKey"`
	KeyID                int64  `gorm:"primaryKey;autoIncrement:false"`
	Applications         int64
	Funded               int64
	RequestedOre         int64
	GrantedOre           int64
	ReturnedOre          int64
	SpentOre             int64
	ExpFirst             int64
	ExpSecond            int64
	ExpThird             int64
	ExpWindows           int64
	ExpAgreements        int64
	Reported             int64
	ActFirst             int64
	ActSecond            int64
	ActThird             int64
	ActWindowsIdentified int64
	ActWindowsMade       int64
	ActAgreements        int64
	ActParticipants      int64
}

// planTotalsSums are the summed columns of plan_totals, in table order.
var planTotalsSums = []string{"applications", "funded", "requested_ore", "granted_ore", "returned_ore", "spent_ore",
	"exp_first", "exp_second", "exp_third", "exp_windows", "exp_agreements", "reported", "act_first", "act_second",
	"act_third", "act_windows_identified", "act_windows_made", "act_agreements", "act_participants"}

// countedWhere is the applications a of the follow-up: left draft, not
// withdrawn, not deleted.
const countedWhere = "a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')"

// planTotalsSelect sums applications a, their plan keys k and their
// submitted reports r (LEFT JOINed) into plan_totals' columns.
func planTotalsSelect() string {
	funded := "a.state IN ('" + strings.Join(moneyStates(), "', '") + "')"
	ifFunded := func(col string) string { return "SUM(CASE WHEN " + funded + " THEN a." + col + " ELSE 0 END)" }
	cols := []string{"a.call_id", "a.unit_id", "k.kind", "k.key_id", "COUNT(*)", "SUM(CASE WHEN " + funded + " THEN 1 ELSE 0 END)",
		"SUM(a.requested_ore)", "SUM(a.granted_ore)", "SUM(a.returned_ore)", "SUM(a.spent_ore)",
		ifFunded("expected_students_first"), ifFunded("expected_students_second"), ifFunded("expected_students_third"),
		ifFunded("expected_mobility_windows"), ifFunded("expected_partner_agreements"), "COUNT(r.application_id)"}
	for _, c := range []string{"students_first", "students_second", "students_third", "windows_identified",
		"windows_created", "partner_agreements", "participants"} {
		cols = append(cols, "COALESCE(SUM(r."+c+"), 0)")
	}
	for i, c := range cols[4:] {
		cols[4+i] = "CAST(" + c + " AS BIGINT) AS " + planTotalsSums[i]
	}
	return "SELECT " + strings.Join(cols, ", ")
}

// planTotalsFill is what migration 00063 does for existing data, for the
// applications of the calls from id first on: their plan keys, then their
// totals. The synthetic data set sums them once after its bulk load.
func planTotalsFill(first string) []string {
	of := " WHERE aa.application_id IN (SELECT id FROM applications WHERE call_id >= " + first + ")"
	return []string{
		"INSERT INTO application_plan_keys " +
			"SELECT aa.application_id, 'activity', aa.activity_id, 1 FROM application_activities aa" + of +
			" UNION ALL SELECT aa.application_id, 'goal', pa.goal_id, COUNT(*) FROM application_activities aa " +
			"JOIN plan_activities pa ON pa.id = aa.activity_id" + of + " GROUP BY 1, 3" +
			" UNION ALL SELECT aa.application_id, 'area', pg.area_id, COUNT(*) FROM application_activities aa " +
			"JOIN plan_activities pa ON pa.id = aa.activity_id JOIN plan_goals pg ON pg.id = pa.goal_id" + of + " GROUP BY 1, 3",
		"INSERT INTO plan_totals " + planTotalsSelect() +
			" FROM applications a JOIN application_plan_keys k ON k.application_id = a.id " +
			"LEFT JOIN application_reports r ON r.application_id = a.id AND r.submitted_at IS NOT NULL " +
			"WHERE " + countedWhere + " AND a.call_id >= " + first + " GROUP BY 1, 2, 3, 4",
	}
}

// PlanTotalsRecomputed sums plan_totals from the applications and their
// links to the plan themselves, the way the triggers should have kept it;
// tests compare the two.
func (s *Store) PlanTotalsRecomputed(ctx context.Context) ([]PlanTotal, error) {
	keys := "(SELECT aa.application_id, 'activity' AS kind, aa.activity_id AS key_id FROM application_activities aa " +
		"UNION SELECT aa.application_id, 'goal', pa.goal_id FROM application_activities aa " +
		"JOIN plan_activities pa ON pa.id = aa.activity_id " +
		"UNION SELECT aa.application_id, 'area', pg.area_id FROM application_activities aa " +
		"JOIN plan_activities pa ON pa.id = aa.activity_id JOIN plan_goals pg ON pg.id = pa.goal_id) k"
	var out []PlanTotal
	err := s.conn(ctx).Raw(planTotalsSelect() + " FROM applications a JOIN " + keys + " ON k.application_id = a.id " +
		"LEFT JOIN application_reports r ON r.application_id = a.id AND r.submitted_at IS NOT NULL " +
		"WHERE " + countedWhere + " GROUP BY a.call_id, a.unit_id, k.kind, k.key_id " +
		"ORDER BY a.call_id, a.unit_id, k.kind, k.key_id").Scan(&out).Error
	return out, err
}

// PlanTotals returns the kept plan totals that still count applications
// or reports, in the order of PlanTotalsRecomputed.
func (s *Store) PlanTotals(ctx context.Context) ([]PlanTotal, error) {
	var out []PlanTotal
	nonZero := make([]string, len(planTotalsSums))
	for i, c := range planTotalsSums {
		nonZero[i] = c + " <> 0"
	}
	err := s.conn(ctx).Where(strings.Join(nonZero, " OR ")).Order("call_id, unit_id, kind, key_id").Find(&out).Error
	return out, err
}

// planKinds are the kinds of plan_totals by grouping.
var planKinds = map[FollowupKey]string{ByActivity: "activity", ByGoal: "goal", ByArea: "area"}

// followupSumsByPlan sums the follow-up by plan activity, goal or area
// from the kept plan totals.
func (s *Store) followupSumsByPlan(ctx context.Context, f FollowupFilter, key FollowupKey) ([]FollowupSums, error) {
	q, err := s.followupKept(ctx, "plan_totals a", f)
	if err != nil {
		return nil, err
	}
	cols := make([]string, len(planTotalsSums))
	for i, c := range planTotalsSums {
		cols[i] = "CAST(COALESCE(SUM(a." + c + "), 0) AS BIGINT) AS " + c
	}
	var rows []FollowupSums
	err = q.Where("a.kind = ?", planKinds[key]).
		Select("a.key_id AS key_id, '' AS key_text, " + strings.Join(cols, ", ")).
		Group("a.key_id").Having("SUM(a.applications) <> 0").Order("a.key_id").Scan(&rows).Error
	return rows, err
}
