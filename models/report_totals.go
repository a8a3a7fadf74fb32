package models

import (
	"context"
	"strings"
)

// ReportTotal is what the submitted reports of the applications of one
// call, unit, state and NEOLAiA relation add up to, keyed like
// ApplicationTotal. Triggers on applications and application_reports
// (migration 00062) keep it in the transaction of every change, so that
// the follow-up reads a few rows instead of joining every application to
// its report on each request.
type ReportTotal struct {
	CallID               int64  `gorm:"primaryKey;autoIncrement:false"`
	UnitID               int64  `gorm:"primaryKey;autoIncrement:false"`
	State                string `gorm:"primaryKey"`
	Neolaia              string `gorm:"primaryKey"`
	Reported             int64
	ActFirst             int64
	ActSecond            int64
	ActThird             int64
	ActWindowsIdentified int64
	ActWindowsMade       int64
	ActAgreements        int64
	ActParticipants      int64
}

// ReportTotalsRecomputed sums report_totals from the reports themselves,
// the way the triggers should have kept it; tests compare the two.
// Reports not submitted and those of deleted drafts count nowhere.
func (s *Store) ReportTotalsRecomputed(ctx context.Context) ([]ReportTotal, error) {
	var out []ReportTotal
	neolaia := "CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END"
	err := s.conn(ctx).Table("applications a").Joins("JOIN application_reports r ON r.application_id = a.id").
		Where("a.deleted_at IS NULL AND r.submitted_at IS NOT NULL").
		Select("a.call_id, a.unit_id, a.state, " + neolaia + " AS neolaia, COUNT(*) AS reported, " +
			"CAST(SUM(r.students_first) AS BIGINT) AS act_first, CAST(SUM(r.students_second) AS BIGINT) AS act_second, " +
			"CAST(SUM(r.students_third) AS BIGINT) AS act_third, CAST(SUM(r.windows_identified) AS BIGINT) AS act_windows_identified, " +
			"CAST(SUM(r.windows_created) AS BIGINT) AS act_windows_made, CAST(SUM(r.partner_agreements) AS BIGINT) AS act_agreements, " +
			"CAST(SUM(r.participants) AS BIGINT) AS act_participants").
		Group("a.call_id, a.unit_id, a.state, " + neolaia).
		Order("call_id, unit_id, state, neolaia").Scan(&out).Error
	return out, err
}

// ReportTotals returns the kept report totals that still count reports,
// in the order of ReportTotalsRecomputed.
func (s *Store) ReportTotals(ctx context.Context) ([]ReportTotal, error) {
	var out []ReportTotal
	err := s.conn(ctx).Where("reported <> 0 OR act_first <> 0 OR act_second <> 0 OR act_third <> 0 OR " +
		"act_windows_identified <> 0 OR act_windows_made <> 0 OR act_agreements <> 0 OR act_participants <> 0").
		Order("call_id, unit_id, state, neolaia").Find(&out).Error
	return out, err
}

// totalsSelect sums the follow-up's columns over application_totals a
// and report_totals rep, whose rows are already sums.
func totalsSelect() string {
	funded := "a.state IN ('" + strings.Join(moneyStates(), "','") + "')"
	sum := func(expr, as string) string { return "CAST(COALESCE(SUM(" + expr + "), 0) AS BIGINT) AS " + as }
	ifFunded := func(col string) string { return "CASE WHEN " + funded + " THEN a." + col + " ELSE 0 END" }
	cols := []string{
		sum("a.applications", "applications"), sum(ifFunded("applications"), "funded"), sum("rep.reported", "reported"),
		sum("a.requested_ore", "requested_ore"), sum("a.granted_ore", "granted_ore"),
		sum("a.returned_ore", "returned_ore"), sum("a.spent_ore", "spent_ore"),
	}
	for _, c := range []string{"exp_first", "exp_second", "exp_third", "exp_windows", "exp_agreements"} {
		cols = append(cols, sum(ifFunded(c), c))
	}
	for _, c := range []string{"act_first", "act_second", "act_third", "act_windows_identified", "act_windows_made", "act_agreements", "act_participants"} {
		cols = append(cols, sum("rep."+c, c))
	}
	return strings.Join(cols, ", ")
}
