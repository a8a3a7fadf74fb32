package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// assertReportTotals checks that the report totals the triggers keep
// equal the sums recomputed from the reports.
func assertReportTotals(t *testing.T, s *models.Store, when string) {
	t.Helper()
	ctx := context.Background()
	kept, err := s.ReportTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.ReportTotalsRecomputed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) == 0 {
		t.Fatalf("%s: no submitted reports to compare", when)
	}
	if !reflect.DeepEqual(kept, fresh) {
		t.Errorf("%s: kept report totals differ from recomputed ones:\nkept  %+v\nfresh %+v", when, kept, fresh)
	}
}

// TestReportTotalsEqualRecomputed changes reports and the applications
// they belong to in every way the triggers watch, and checks after each
// change that the kept report totals equal the sums from scratch.
func TestReportTotalsEqualRecomputed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SeedSynthetic(ctx, 300, 5); err != nil {
			t.Fatal(err)
		}
		assertReportTotals(t, s, "seeded")
		db := s.DB()
		var ids []int64
		if err := db.Model(&models.Report{}).Where("submitted_at IS NOT NULL").Order("application_id").Limit(30).
			Pluck("application_id", &ids).Error; err != nil {
			t.Fatal(err)
		}
		var units []int64
		if err := db.Model(&models.OrgUnit{}).Order("id").Limit(2).Pluck("id", &units).Error; err != nil {
			t.Fatal(err)
		}
		apps := []struct {
			name string
			set  map[string]any
		}{
			{"application state", map[string]any{"state": "completed"}},
			{"application unit and neolaia", map[string]any{"unit_id": units[1], "neolaia": "delvis"}},
			{"application text only", map[string]any{"title": "Ny titel"}},
			{"application deleted", map[string]any{"deleted_at": time.Now()}},
			{"application changed while deleted", map[string]any{"state": "granted"}},
			{"application undeleted", map[string]any{"deleted_at": nil}},
		}
		for _, st := range apps {
			if err := db.Unscoped().Model(&models.Application{}).Where("id IN ?", ids[:15]).Updates(st.set).Error; err != nil {
				t.Fatal(err)
			}
			assertReportTotals(t, s, st.name)
		}
		reports := []struct {
			name string
			set  map[string]any
		}{
			{"report figures", map[string]any{"students_first": 9, "windows_created": 2, "participants": 40}},
			{"report unsubmitted", map[string]any{"submitted_at": nil}},
			{"report unsubmitted changed", map[string]any{"students_third": 4}},
			{"report submitted", map[string]any{"submitted_at": time.Now()}},
			{"report text only", map[string]any{"done": "Klart"}},
		}
		for _, st := range reports {
			if err := db.Model(&models.Report{}).Where("application_id IN ?", ids[10:25]).Updates(st.set).Error; err != nil {
				t.Fatal(err)
			}
			assertReportTotals(t, s, st.name)
		}
		var r models.Report
		if err := db.First(&r, "application_id = ?", ids[25]).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Delete(&models.Report{}, "application_id = ?", ids[25]).Error; err != nil {
			t.Fatal(err)
		}
		assertReportTotals(t, s, "report deleted")
		if err := db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		assertReportTotals(t, s, "report inserted")
		var a models.Application
		if err := db.First(&a, ids[26]).Error; err != nil {
			t.Fatal(err)
		}
		a.ID = 0
		if err := db.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
		r.ApplicationID = a.ID
		if err := db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		assertReportTotals(t, s, "application inserted with a report")
		if err := db.Exec("DELETE FROM applications WHERE id = ?", a.ID).Error; err != nil {
			t.Fatal(err)
		}
		assertReportTotals(t, s, "application deleted with its report")
	})
}
