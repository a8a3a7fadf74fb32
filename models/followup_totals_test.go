package models_test

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// assertFollowupTotals checks that the plan and month totals the triggers
// keep equal the sums recomputed from scratch, that the plan keys count
// the links, and that the follow-up read from them equals the follow-up
// summed from every application.
func assertFollowupTotals(t *testing.T, s *models.Store, when string) {
	t.Helper()
	ctx := context.Background()
	plan, err := s.PlanTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	planFresh, err := s.PlanTotalsRecomputed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(planFresh) == 0 {
		t.Fatalf("%s: no plan totals to compare", when)
	}
	if !reflect.DeepEqual(plan, planFresh) {
		t.Errorf("%s: kept plan totals differ from recomputed ones:\nkept  %+v\nfresh %+v", when, plan, planFresh)
	}
	months, err := s.MonthTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	monthsFresh, err := s.MonthTotalsRecomputed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(monthsFresh) == 0 {
		t.Fatalf("%s: no month totals to compare", when)
	}
	if !reflect.DeepEqual(months, monthsFresh) {
		t.Errorf("%s: kept month totals differ from recomputed ones:\nkept  %+v\nfresh %+v", when, months, monthsFresh)
	}
	type ref struct {
		ApplicationID, KeyID, Refs int64
		Kind                       string
	}
	var keys, links []ref
	if err := s.DB().Raw("SELECT application_id, kind, key_id, refs FROM application_plan_keys " +
		"ORDER BY application_id, kind, key_id").Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	err = s.DB().Raw(`SELECT k.application_id, k.kind, k.key_id, COUNT(*) AS refs FROM (
		SELECT aa.application_id, 'activity' AS kind, aa.activity_id AS key_id FROM application_activities aa
		UNION ALL SELECT aa.application_id, 'goal', pa.goal_id FROM application_activities aa
			JOIN plan_activities pa ON pa.id = aa.activity_id
		UNION ALL SELECT aa.application_id, 'area', pg.area_id FROM application_activities aa
			JOIN plan_activities pa ON pa.id = aa.activity_id JOIN plan_goals pg ON pg.id = pa.goal_id) k
		GROUP BY k.application_id, k.kind, k.key_id ORDER BY k.application_id, k.kind, k.key_id`).Scan(&links).Error
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(keys, links) {
		t.Errorf("%s: the plan keys (%d) differ from the links (%d)", when, len(keys), len(links))
	}
	var plans []int64
	if err := s.DB().Model(&models.Plan{}).Pluck("id", &plans).Error; err != nil {
		t.Fatal(err)
	}
	for _, p := range plans {
		f := models.FollowupFilter{PlanID: p, Scope: workflow.Scope{All: true}}
		for _, key := range []models.FollowupKey{models.ByActivity, models.ByGoal, models.ByArea} {
			kept, err := s.FollowupSumsBy(ctx, f, key)
			if err != nil {
				t.Fatal(err)
			}
			scanned, err := s.FollowupSumsByPlanScanned(ctx, f, key)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept, scanned) {
				t.Errorf("%s: plan %d by %s:\nkept    %+v\nscanned %+v", when, p, key, kept, scanned)
			}
		}
		kept, err := s.FollowupMonths(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		scanned, err := s.FollowupMonthsScanned(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(kept, scanned) {
			t.Errorf("%s: plan %d by month:\nkept    %+v\nscanned %+v", when, p, kept, scanned)
		}
	}
}

// TestFollowupTotalsEqualRecomputed walks the demo data and a generated
// decade of calls through inserts, every kind of update, links added and
// removed, reports submitted and withdrawn, a revocation and deletes, and
// checks after each that the kept plan and month totals equal the sums
// recomputed from scratch.
func TestFollowupTotalsEqualRecomputed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "demo data")
		if _, err := s.SeedSynthetic(ctx, 300, 7); err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "synthetic data")
		db := s.DB()
		var ids []int64
		if err := db.Model(&models.Report{}).Where("submitted_at IS NOT NULL").Order("application_id").Limit(30).
			Pluck("application_id", &ids).Error; err != nil {
			t.Fatal(err)
		}
		var units, calls []int64
		if err := db.Model(&models.OrgUnit{}).Order("id").Limit(2).Pluck("id", &units).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Model(&models.Call{}).Order("id").Limit(2).Pluck("id", &calls).Error; err != nil {
			t.Fatal(err)
		}
		boundary := time.Date(2027, 3, 31, 22, 0, 0, 0, time.UTC) // 1 April 00:00 Swedish summer time
		steps := []struct {
			name string
			set  map[string]any
		}{
			{"state", map[string]any{"state": "returned"}},
			{"withdrawn", map[string]any{"state": "withdrawn"}},
			{"granted", map[string]any{"state": "granted"}},
			{"money", map[string]any{"granted_ore": 7, "returned_ore": 3, "spent_ore": 2}},
			{"decided", map[string]any{"decided_at": boundary}},
			{"unit", map[string]any{"unit_id": units[1]}},
			{"call", map[string]any{"call_id": calls[1]}},
			{"requested and expected", map[string]any{"requested_ore": 11, "expected_students_first": 5, "expected_partner_agreements": 1}},
			{"text only", map[string]any{"title": "Ny titel"}},
			{"deleted", map[string]any{"deleted_at": time.Now()}},
			{"changed while deleted", map[string]any{"requested_ore": 13, "state": "draft"}},
			{"undeleted", map[string]any{"deleted_at": nil, "state": "booked"}},
		}
		for _, st := range steps {
			if err := db.Unscoped().Model(&models.Application{}).Where("id IN ?", ids[:20]).Updates(st.set).Error; err != nil {
				t.Fatal(err)
			}
			assertFollowupTotals(t, s, st.name)
		}

		// Links: all removed in one statement, put back in one, one more
		// added under a goal the application already has, one removed.
		var links []models.ApplicationActivity
		if err := db.Where("application_id IN ?", ids[5:25]).Order("application_id, activity_id").Find(&links).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Where("application_id IN ?", ids[5:25]).Delete(&models.ApplicationActivity{}).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "links removed")
		if err := db.Create(&links).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "links added")
		var acts []models.PlanActivity
		if err := db.Order("goal_id, id").Find(&acts).Error; err != nil {
			t.Fatal(err)
		}
		var extra []models.ApplicationActivity
		for _, l := range links {
			for _, a := range acts {
				if a.ID != l.ActivityID && len(extra) < 8 {
					extra = append(extra, models.ApplicationActivity{ApplicationID: l.ApplicationID, ActivityID: a.ID})
					break
				}
			}
		}
		if err := db.Save(&extra).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "a second link")
		if err := db.Delete(&links[0]).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "one link removed")

		reports := []struct {
			name string
			set  map[string]any
		}{
			{"report figures", map[string]any{"students_first": 9, "windows_created": 2, "participants": 40}},
			{"report unsubmitted", map[string]any{"submitted_at": nil}},
			{"report submitted", map[string]any{"submitted_at": boundary}},
			{"report text only", map[string]any{"done": "Klart"}},
		}
		for _, st := range reports {
			if err := db.Model(&models.Report{}).Where("application_id IN ?", ids[10:28]).Updates(st.set).Error; err != nil {
				t.Fatal(err)
			}
			assertFollowupTotals(t, s, st.name)
		}

		// A revocation gives money back in the month of its audit event.
		revoked := ids[28]
		if err := db.Model(&models.Application{}).Where("id = ?", revoked).
			Updates(map[string]any{"state": "revoked", "returned_ore": 500}).Error; err != nil {
			t.Fatal(err)
		}
		ev := models.AuditEvent{Entity: "application", EntityID: revoked, ApplicationID: &revoked, Action: string(workflow.ActionRevoke),
			AmountOre: 500, CreatedAt: boundary.Add(-time.Second)}
		if err := db.Create(&ev).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "revoked")

		// A new application with a link and a report, then deleted: the
		// hard delete cascades to both. A draft deleted by its applicant
		// stays, marked.
		var a models.Application
		if err := db.First(&a, ids[29]).Error; err != nil {
			t.Fatal(err)
		}
		a.ID = 0
		if err := db.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&models.ApplicationActivity{ApplicationID: a.ID, ActivityID: acts[0].ID}).Error; err != nil {
			t.Fatal(err)
		}
		var r models.Report
		if err := db.First(&r, "application_id = ?", ids[29]).Error; err != nil {
			t.Fatal(err)
		}
		r.ApplicationID = a.ID
		if err := db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "inserted with a link and a report")
		if err := db.Exec("DELETE FROM applications WHERE id = ?", a.ID).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "deleted with its link and report")
		var draft int64
		if err := db.Model(&models.Application{}).Where("state = 'draft'").Order("id").Limit(1).Pluck("id", &draft).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Model(&models.Application{}).Where("id = ?", draft).Update("state", "submitted").Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "draft submitted")
		if err := db.Model(&models.Application{}).Where("id = ?", draft).
			Updates(map[string]any{"state": "draft", "deleted_at": time.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		assertFollowupTotals(t, s, "draft deleted")
	})
}

// TestFollowupMonthsKeptAtZoneEdges: money granted, spent and given back
// at 00:30 on the first of a month, in summer and in winter time, counts
// in that month of the university's time zone; when the zone changes,
// Migrate writes its months and sums the month totals again.
func TestFollowupMonthsKeptAtZoneEdges(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		call := mustCallCode(t, s, models.CallCode2026)
		author := mustActor(t, s, "erik")
		db := s.DB()
		for _, at := range []time.Time{time.Date(2027, 4, 1, 0, 30, 0, 0, swedish), time.Date(2027, 11, 1, 0, 30, 0, 0, swedish)} {
			at = at.UTC()
			app := models.Application{CallID: call.ID, UnitID: *author.User.UnitID, CreatedBy: author.User.ID, Title: "Zone",
				State: workflow.StateRevoked, GrantedOre: 1000_00, ReturnedOre: 100_00, SpentOre: 900_00, RequestedOre: 1000_00,
				DecidedAt: &at, Version: 1, CreatedAt: at, UpdatedAt: at}
			if err := db.Create(&app).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Create(&models.Report{ApplicationID: app.ID, SpentOre: 900_00, UpdatedBy: author.User.ID,
				SubmittedAt: &at, SubmittedBy: &author.User.ID}).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Create(&models.AuditEvent{Entity: "application", EntityID: app.ID, ApplicationID: &app.ID,
				Action: string(workflow.ActionRevoke), AmountOre: 100_00, CreatedAt: at}).Error; err != nil {
				t.Fatal(err)
			}
		}
		months := func() map[string]models.MonthSums {
			t.Helper()
			rows, err := s.FollowupMonths(ctx, models.FollowupFilter{PlanID: call.PlanID, Scope: workflow.Scope{All: true}})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]models.MonthSums{}
			for _, m := range rows {
				if m.Month >= "2027" {
					out[m.Month] = m
				}
			}
			return out
		}
		want := func(names ...string) map[string]models.MonthSums {
			out := map[string]models.MonthSums{}
			for _, n := range names {
				out[n] = models.MonthSums{Month: n, GrantedOre: 1000_00, SpentOre: 900_00, ReturnedOre: 100_00}
			}
			return out
		}
		if got := months(); !reflect.DeepEqual(got, want("2027-04", "2027-11")) {
			t.Errorf("Swedish months = %+v", got)
		}
		assertFollowupTotals(t, s, "Swedish time")
		s.SetZoneOfStore(time.UTC)
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := months(); !reflect.DeepEqual(got, want("2027-03", "2027-10")) {
			t.Errorf("UTC months = %+v", got)
		}
		assertFollowupTotals(t, s, "UTC")
	})
}

// TestPlanTotalsFundedStates: the plan totals' migration names the states
// that hold money (workflow.HoldsMoney) in SQL; every list must name them
// all and no other.
func TestPlanTotalsFundedStates(t *testing.T) {
	var held []string
	for _, st := range workflow.States() {
		if workflow.HoldsMoney(st) {
			held = append(held, string(st))
		}
	}
	slices.Sort(held)
	lists := regexp.MustCompile(`state IN \(('[a-z_]+'(, )?)+\)`)
	for _, path := range []string{"migrations/postgres/00063_plan_totals.sql", "migrations/sqlite/00063_plan_totals.sql"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		found := lists.FindAllString(string(b), -1)
		if len(found) == 0 {
			t.Errorf("%s names no states that hold money", path)
		}
		for _, l := range found {
			var names []string
			for _, n := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(l, "state IN ("), ")"), ", ") {
				names = append(names, strings.Trim(n, "'"))
			}
			slices.Sort(names)
			if !slices.Equal(names, held) {
				t.Errorf("%s: %s, want the states that hold money %v", path, l, held)
			}
		}
	}
}
