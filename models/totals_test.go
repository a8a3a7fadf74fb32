package models_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// assertTotals checks that the totals the triggers keep equal the sums
// recomputed from the applications.
func assertTotals(t *testing.T, s *models.Store, when string) {
	t.Helper()
	ctx := context.Background()
	kept, err := s.Totals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.TotalsRecomputed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kept, fresh) {
		t.Errorf("%s: kept totals differ from recomputed ones:\nkept  %+v\nfresh %+v", when, kept, fresh)
	}
}

// TestTotalsEqualRecomputed walks the demo data and a generated decade of
// calls through inserts, every kind of update and a delete, and checks
// after each that the kept totals equal the sums recomputed from scratch.
func TestTotalsEqualRecomputed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		assertTotals(t, s, "demo data")
		if _, err := s.SeedSynthetic(ctx, 300, 3); err != nil {
			t.Fatal(err)
		}
		assertTotals(t, s, "synthetic data")
		db := s.DB()
		var ids []int64
		if err := db.Model(&models.Application{}).Order("id").Limit(40).Pluck("id", &ids).Error; err != nil {
			t.Fatal(err)
		}
		var units []int64
		if err := db.Model(&models.OrgUnit{}).Order("id").Limit(2).Pluck("id", &units).Error; err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name string
			set  map[string]any
		}{
			{"state", map[string]any{"state": "returned"}},
			{"money", map[string]any{"granted_ore": 7, "returned_ore": 3, "spent_ore": 2}},
			{"unit and neolaia", map[string]any{"unit_id": units[1], "neolaia": "ja"}},
			{"requested and expected", map[string]any{"requested_ore": 11, "expected_students_first": 5, "expected_partner_agreements": 1}},
			{"text only", map[string]any{"title": "Ny titel"}},
			{"deleted", map[string]any{"deleted_at": time.Now()}},
			{"changed while deleted", map[string]any{"requested_ore": 13, "state": "draft"}},
			{"undeleted", map[string]any{"deleted_at": nil}},
		}
		for _, st := range steps {
			if err := db.Unscoped().Model(&models.Application{}).Where("id IN ?", ids[:20]).Updates(st.set).Error; err != nil {
				t.Fatal(err)
			}
			assertTotals(t, s, st.name)
		}
		var a models.Application
		if err := db.First(&a, ids[0]).Error; err != nil {
			t.Fatal(err)
		}
		a.ID, a.State, a.GrantedOre, a.ReturnedOre, a.SpentOre = 0, "granted", 5, 0, 0
		if err := db.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
		assertTotals(t, s, "insert")
		if err := db.Delete(&models.Application{}, a.ID).Error; err != nil {
			t.Fatal(err)
		}
		assertTotals(t, s, "delete")
	})
}
