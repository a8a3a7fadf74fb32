package models_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"gorm.io/gorm/schema"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestMigrationsMatchModels migrates an empty database of each kind to the
// newest version and checks that every model field has a column and every
// column a field.
func TestMigrationsMatchModels(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		db := s.DB()
		cache := &sync.Map{}
		for _, m := range models.Tables() {
			sch, err := schema.Parse(m, cache, db.NamingStrategy)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := db.Migrator().ColumnTypes(m)
			if err != nil {
				t.Fatalf("%s: %v", sch.Table, err)
			}
			if len(cols) == 0 {
				t.Errorf("table %s is missing", sch.Table)
				continue
			}
			var have []string
			for _, c := range cols {
				have = append(have, c.Name())
			}
			var want []string
			for _, f := range sch.Fields {
				if f.DBName != "" {
					want = append(want, f.DBName)
				}
			}
			for _, w := range want {
				if !slices.Contains(have, w) {
					t.Errorf("%s: model field %s has no column", sch.Table, w)
				}
			}
			for _, h := range have {
				if !slices.Contains(want, h) {
					t.Errorf("%s: column %s has no model field", sch.Table, h)
				}
			}
		}
		// Migrating again changes nothing.
		v1, err := s.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		v2, err := s.Migrate(context.Background())
		if err != nil || v1 != v2 || v1 < 1 {
			t.Fatalf("second migrate: version %d then %d, err %v", v1, v2, err)
		}
	})
}
