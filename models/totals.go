package models

import (
	"context"
)

// ApplicationTotal is what the applications of one call, unit, state and
// NEOLAiA relation ("ja", "delvis" or "" for the rest) add up to. Triggers
// on applications (migration 00060) keep it in the transaction of every
// change, so that budgets, counts and the follow-up read a few rows
// instead of summing every application on each request.
type ApplicationTotal struct {
	CallID        int64  `gorm:"primaryKey;autoIncrement:false"`
	UnitID        int64  `gorm:"primaryKey;autoIncrement:false"`
	State         string `gorm:"primaryKey"`
	Neolaia       string `gorm:"primaryKey"`
	Applications  int64
	RequestedOre  int64
	GrantedOre    int64
	ReturnedOre   int64
	SpentOre      int64
	ExpFirst      int64
	ExpSecond     int64
	ExpThird      int64
	ExpWindows    int64
	ExpAgreements int64
}

// budgetSelect sums a call's budget figures over application_totals rows.
// CAST keeps PostgreSQL's SUM of BIGINT (a NUMERIC) scannable as int64.
const budgetSelect = "CAST(COALESCE(SUM(CASE WHEN state IN ? THEN granted_ore - returned_ore ELSE 0 END), 0) AS BIGINT) AS committed_ore, " +
	"CAST(COALESCE(SUM(CASE WHEN state IN ? THEN spent_ore ELSE 0 END), 0) AS BIGINT) AS spent_ore, " +
	"CAST(COALESCE(SUM(CASE WHEN state IN ? THEN requested_ore ELSE 0 END), 0) AS BIGINT) AS requested_ore"

// Budgets returns the money of every call by call id, in one statement
// over the kept totals: the start page shows every open call.
func (s *Store) Budgets(ctx context.Context, calls []Call) (map[int64]Budget, error) {
	var rows []struct {
		CallID int64
		Budget
	}
	err := s.conn(ctx).Table("application_totals").Select("call_id, "+budgetSelect, moneyStates(), moneyStates(), requestedStates()).
		Group("call_id").Scan(&rows).Error
	out := make(map[int64]Budget, len(calls))
	for _, c := range calls {
		out[c.ID] = Budget{BudgetOre: c.BudgetOre}
	}
	for _, r := range rows {
		if c, ok := out[r.CallID]; ok {
			r.Budget.BudgetOre = c.BudgetOre
			out[r.CallID] = r.Budget
		}
	}
	return out, err
}

// TotalsRecomputed sums application_totals from the applications
// themselves, the way the triggers should have kept it; tests compare the
// two. Deleted drafts count nowhere. Rows with no applications left are
// not returned.
func (s *Store) TotalsRecomputed(ctx context.Context) ([]ApplicationTotal, error) {
	var out []ApplicationTotal
	err := s.conn(ctx).Table("applications").Where("deleted_at IS NULL").Select("call_id, unit_id, state, " +
		"CASE WHEN neolaia IN ('ja', 'delvis') THEN neolaia ELSE '' END AS neolaia, COUNT(*) AS applications, " +
		"CAST(SUM(requested_ore) AS BIGINT) AS requested_ore, CAST(SUM(granted_ore) AS BIGINT) AS granted_ore, " +
		"CAST(SUM(returned_ore) AS BIGINT) AS returned_ore, CAST(SUM(spent_ore) AS BIGINT) AS spent_ore, " +
		"CAST(SUM(expected_students_first) AS BIGINT) AS exp_first, CAST(SUM(expected_students_second) AS BIGINT) AS exp_second, " +
		"CAST(SUM(expected_students_third) AS BIGINT) AS exp_third, CAST(SUM(expected_mobility_windows) AS BIGINT) AS exp_windows, " +
		"CAST(SUM(expected_partner_agreements) AS BIGINT) AS exp_agreements").
		Group("call_id, unit_id, state, CASE WHEN neolaia IN ('ja', 'delvis') THEN neolaia ELSE '' END").
		Order("call_id, unit_id, state, neolaia").Scan(&out).Error
	return out, err
}

// Totals returns the kept totals that still count applications, in the
// order of TotalsRecomputed.
func (s *Store) Totals(ctx context.Context) ([]ApplicationTotal, error) {
	var out []ApplicationTotal
	err := s.conn(ctx).Where("applications <> 0 OR requested_ore <> 0 OR granted_ore <> 0 OR returned_ore <> 0 OR spent_ore <> 0").
		Order("call_id, unit_id, state, neolaia").Find(&out).Error
	return out, err
}
