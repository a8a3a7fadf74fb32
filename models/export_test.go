package models

import (
	"context"
	"sort"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// The follow-up as it was summed before the kept totals: from every
// application on each request, leaving out deleted applications as the
// kept totals do. Tests compare the kept totals with it.

// SetZoneOfStore sets this store's time zone only, not the process's
// (SetZone), for tests that run beside others.
func (s *Store) SetZoneOfStore(loc *time.Location) { s.zone = loc }

// FollowupSumsByPlanScanned sums the follow-up by plan activity, goal or
// area from the applications and their links to the plan.
func (s *Store) FollowupSumsByPlanScanned(ctx context.Context, f FollowupFilter, key FollowupKey) ([]FollowupSums, error) {
	planKeys := map[FollowupKey]string{ByActivity: "pa.id", ByGoal: "pa.goal_id", ByArea: "pg.area_id"}
	q, err := s.followupBase(ctx, f)
	if err != nil {
		return nil, err
	}
	q = q.Where("a.deleted_at IS NULL").Joins("LEFT JOIN application_reports rep ON rep.application_id = a.id AND rep.submitted_at IS NOT NULL").
		Joins("JOIN (SELECT DISTINCT aa.application_id, " + planKeys[key] + " AS key_id FROM application_activities aa " +
			"JOIN plan_activities pa ON pa.id = aa.activity_id JOIN plan_goals pg ON pg.id = pa.goal_id) k ON k.application_id = a.id").
		Select("k.key_id AS key_id, '' AS key_text, " + followupSelect()).Group("k.key_id").Order("k.key_id")
	var rows []FollowupSums
	err = q.Scan(&rows).Error
	return rows, err
}

// hourOf is the SQL for a timestamp's UTC hour, "YYYY-MM-DD HH"; SQLite
// stores timestamps as UTC text that starts with it. Sums are grouped by
// the UTC hour and the hours are put in months of the university's time
// zone in Go: SQLite knows no time zones, and a month there begins at
// 22:00 or 23:00 UTC, never inside an hour.
func (s *Store) hourOf(col string) string {
	if s.dialect == Postgres {
		return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"
	}
	return "substr(" + col + ", 1, 13)"
}

// localMonth turns a UTC hour from hourOf into the month ("2026-03") it
// falls in, in the university's time zone.
func (s *Store) localMonth(hour string) string {
	t, err := time.Parse("2006-01-02 15", hour)
	if err != nil {
		return hour
	}
	return t.In(s.zone).Format("2006-01")
}

// FollowupMonthsScanned sums the pot's movements by month, in month order. It
// returns only database errors.
func (s *Store) FollowupMonthsScanned(ctx context.Context, f FollowupFilter) ([]MonthSums, error) {
	type part struct {
		Month string
		Ore   int64
	}
	queries := []struct {
		join, month, sum, where string
		into                    func(*MonthSums, int64)
	}{
		{"", "a.decided_at", "a.granted_ore", "a.granted_ore > 0 AND a.decided_at IS NOT NULL",
			func(m *MonthSums, n int64) { m.GrantedOre = n }},
		{"JOIN application_reports rep ON rep.application_id = a.id", "rep.submitted_at", "a.spent_ore",
			"rep.submitted_at IS NOT NULL", func(m *MonthSums, n int64) { m.SpentOre = n }},
		{"JOIN audit_events e ON e.application_id = a.id", "e.created_at", "e.amount_ore",
			"e.action IN ('" + string(workflow.ActionAcceptReport) + "', '" + string(workflow.ActionRevoke) + "')",
			func(m *MonthSums, n int64) { m.ReturnedOre = n }},
	}
	byMonth := map[string]*MonthSums{}
	for _, qq := range queries {
		q, err := s.followupBase(ctx, f)
		if err != nil {
			return nil, err
		}
		q = q.Where("a.deleted_at IS NULL")
		if qq.join != "" {
			q = q.Joins(qq.join)
		}
		hour := s.hourOf(qq.month)
		var parts []part
		err = q.Where(qq.where).Select(hour + " AS month, CAST(COALESCE(SUM(" + qq.sum + "), 0) AS BIGINT) AS ore").
			Group(hour).Scan(&parts).Error
		if err != nil {
			return nil, err
		}
		sums := map[string]int64{}
		for _, p := range parts {
			sums[s.localMonth(p.Month)] += p.Ore
		}
		for month, ore := range sums {
			m := byMonth[month]
			if m == nil {
				m = &MonthSums{Month: month}
				byMonth[month] = m
			}
			qq.into(m, ore)
		}
	}
	out := make([]MonthSums, 0, len(byMonth))
	for _, m := range byMonth {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month < out[j].Month })
	return out, nil
}

// followupSelect sums everything in SQL; CAST keeps PostgreSQL's SUM of
// BIGINT (a NUMERIC) scannable as int64.
func followupSelect() string {
	funded := "a.state IN ('" + strings.Join(moneyStates(), "','") + "')"
	sum := func(expr, as string) string { return "CAST(COALESCE(SUM(" + expr + "), 0) AS BIGINT) AS " + as }
	ifFunded := func(col string) string { return "CASE WHEN " + funded + " THEN a." + col + " ELSE 0 END" }
	return strings.Join([]string{
		"COUNT(*) AS applications",
		sum("CASE WHEN "+funded+" THEN 1 ELSE 0 END", "funded"),
		"COUNT(rep.application_id) AS reported",
		sum("a.requested_ore", "requested_ore"),
		sum("a.granted_ore", "granted_ore"), sum("a.returned_ore", "returned_ore"), sum("a.spent_ore", "spent_ore"),
		sum(ifFunded("expected_students_first"), "exp_first"), sum(ifFunded("expected_students_second"), "exp_second"),
		sum(ifFunded("expected_students_third"), "exp_third"), sum(ifFunded("expected_mobility_windows"), "exp_windows"),
		sum(ifFunded("expected_partner_agreements"), "exp_agreements"),
		sum("rep.students_first", "act_first"), sum("rep.students_second", "act_second"), sum("rep.students_third", "act_third"),
		sum("rep.windows_identified", "act_windows_identified"), sum("rep.windows_created", "act_windows_made"),
		sum("rep.partner_agreements", "act_agreements"), sum("rep.participants", "act_participants"),
	}, ", ")
}

// EachOperationalRowChunked is EachOperationalRow reading chunk
// applications at a time, for tests that need several chunks.
func (s *Store) EachOperationalRowChunked(ctx context.Context, f FollowupFilter, chunk int, fn func(*OperationalRow) error) error {
	return s.eachOperationalRow(ctx, f, chunk, fn)
}
