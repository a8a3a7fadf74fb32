package models_test

import (
	"context"
	"sync"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestReplicasSeedTogether starts two "replicas" on one PostgreSQL
// database at the same moment: both migrate and load the demo data, and
// neither fails on a unit code the other just wrote (the seed holds the
// migrations' advisory lock). SQLite is one process's file.
func TestReplicasSeedTogether(t *testing.T) {
	t.Parallel()
	for _, b := range []dbtest.Backend{dbtest.Postgres(t)} {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			dsn := dbtest.Empty(t, b)
			stores := make([]*models.Store, 2)
			for i := range stores {
				s, err := models.Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = s.Close() })
				stores[i] = s
			}
			start := make(chan struct{})
			errs := make([]error, len(stores))
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Go(func() {
					<-start
					ctx := context.Background()
					if _, err := s.Migrate(ctx); err != nil {
						errs[i] = err
						return
					}
					errs[i] = s.SeedDemo(ctx)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
				}
			}
			chart, err := stores[0].OrgChart(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(chart.Units), len(models.DemoOrgChart()); got != want {
				t.Errorf("%d units after two seeds, want %d", got, want)
			}
		})
	}
}
