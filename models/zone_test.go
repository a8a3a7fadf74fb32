package models_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

var swedish = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return loc
}()

// TestYearIsTheUniversitysYear checks "year" at the boundaries of the
// Swedish calendar: 1 January 00:30 Swedish time is still 31 December in
// UTC, and on the nights summer time starts and ends the day changes an
// hour or two before UTC's.
func TestYearIsTheUniversitysYear(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		call2026 := mustCallCode(t, s, models.CallCode2026)
		plan := call2026.PlanID

		newYear := time.Date(2027, 1, 1, 0, 30, 0, 0, swedish)
		if got := s.YearOf(newYear); got != 2027 {
			t.Errorf("YearOf(1 January 00:30 Swedish time) = %d, want 2027", got)
		}
		// The seeded call opens at midnight on 1 January 2026 Swedish
		// time, 23:00 UTC on New Year's Eve.
		if got := s.YearOf(call2026.OpensAt); got != 2026 {
			t.Errorf("the 2026 call opens in %d", got)
		}
		call2027 := models.Call{PlanID: plan, Code: "2027-zone", TitleSV: "2027", TitleEN: "2027", BudgetOre: 100_000_00,
			OpensAt: newYear.UTC(), DeadlineAt: time.Date(2027, 3, 28, 2, 30, 0, 0, time.UTC),
			ReportDueOn: time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC), CreatedAt: s.Now(), UpdatedAt: s.Now()}
		if err := s.DB().Create(&call2027).Error; err != nil {
			t.Fatal(err)
		}
		for year, want := range map[int][]string{2025: nil, 2026: {models.CallCode2026}, 2027: {"2027-zone"}} {
			calls, _, err := s.FollowupCalls(ctx, models.FollowupFilter{PlanID: plan, Year: year})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range calls {
				got = append(got, c.Code)
			}
			if !slices.Equal(got, want) {
				t.Errorf("follow-up calls of %d = %v, want %v", year, got, want)
			}
		}

		// Days on the nights summer time starts (28 March 2027) and ends
		// (31 October 2027).
		for _, tt := range []struct {
			at   time.Time
			want string
		}{
			{time.Date(2027, 1, 1, 0, 30, 0, 0, swedish), "2027-01-01"},
			{time.Date(2027, 3, 28, 0, 30, 0, 0, swedish), "2027-03-28"},
			{time.Date(2027, 3, 28, 3, 30, 0, 0, swedish), "2027-03-28"},
			{time.Date(2027, 10, 31, 0, 30, 0, 0, swedish), "2027-10-31"},
			{time.Date(2027, 10, 31, 23, 30, 0, 0, swedish), "2027-10-31"},
		} {
			if got := s.DecisionDay(tt.at.UTC()).Format(time.DateOnly); got != tt.want {
				t.Errorf("DecisionDay(%s) = %s, want %s", tt.at.UTC(), got, tt.want)
			}
		}

		// A grant decided 00:30 on 1 April (summer time) and one on 1
		// November (winter time) count in those months, not the month
		// before as in UTC.
		author := mustActor(t, s, "erik")
		for _, at := range []time.Time{time.Date(2027, 4, 1, 0, 30, 0, 0, swedish), time.Date(2027, 11, 1, 0, 30, 0, 0, swedish)} {
			decided := at.UTC()
			app := models.Application{CallID: call2027.ID, UnitID: *author.User.UnitID, CreatedBy: author.User.ID, Title: "Zone",
				State: workflow.StateGranted, GrantedOre: 1000_00, RequestedOre: 1000_00, DecidedAt: &decided, Version: 1,
				CreatedAt: decided, UpdatedAt: decided}
			if err := s.DB().Create(&app).Error; err != nil {
				t.Fatal(err)
			}
		}
		months, err := s.FollowupMonths(ctx, models.FollowupFilter{PlanID: plan, Year: 2027, Scope: workflow.Scope{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range months {
			if m.GrantedOre > 0 {
				got = append(got, m.Month)
			}
		}
		if want := []string{"2027-04", "2027-11"}; !slices.Equal(got, want) {
			t.Errorf("months with grants = %v, want %v", got, want)
		}
	})
}

func mustCallCode(t testing.TB, s *models.Store, code string) models.Call {
	t.Helper()
	var c models.Call
	if err := s.DB().Where("code = ?", code).First(&c).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

// TestApplicationNumberYear: an application created at 00:30 on 1 January
// Swedish time (still 31 December in UTC) has the new year in its number.
func TestApplicationNumberYear(t *testing.T) {
	t.Parallel()
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Skip("no zoneinfo for Europe/Stockholm")
	}
	created := time.Date(2027, 1, 1, 0, 30, 0, 0, stockholm).UTC()
	if got := models.ApplicationNumber(created, 42); got != "MF-2027-0042" {
		t.Errorf("created %s UTC: %s, want MF-2027-0042", created.Format(time.DateTime), got)
	}
	if got := (models.Application{ID: 7, CreatedAt: time.Date(2026, 12, 31, 22, 59, 0, 0, time.UTC)}).Number(); got != "MF-2026-0007" {
		t.Errorf("23:59 on New Year's Eve in Stockholm: %s, want MF-2026-0007", got)
	}
}

// TestCurrentPlanChangesAtSwedishMidnight checks that the plan in force
// changes when the day changes in Sweden: at 00:30 on 1 January Swedish
// time (still 31 December in UTC) the new plan is the current one.
func TestCurrentPlanChangesAtSwedishMidnight(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		next := models.Plan{Code: "2027-2028", TitleSV: "2027–2028", TitleEN: "2027–2028",
			StartsOn: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2028, 12, 31, 0, 0, 0, 0, time.UTC),
			CreatedAt: s.Now(), UpdatedAt: s.Now()}
		if err := s.DB().Create(&next).Error; err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			at   time.Time
			want string
		}{
			{time.Date(2026, 12, 31, 23, 30, 0, 0, swedish), "2025-2026"},
			{time.Date(2027, 1, 1, 0, 30, 0, 0, swedish), "2027-2028"},
		} {
			s.SetClock(func() time.Time { return tt.at.UTC() })
			p, err := s.CurrentPlan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if p.Code != tt.want {
				t.Errorf("at %s the current plan is %s, want %s", tt.at, p.Code, tt.want)
			}
		}
	})
}
