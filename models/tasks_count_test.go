package models_test

import (
	"context"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestTaskCountMatchesTasks checks that the menu's count is the length of
// My tasks for every demo person. Relies on the demo people and
// applications.
func TestTaskCountMatchesTasks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		var some int64
		for _, who := range []string{"anna", "james", "erik", "maria", "nils", "lars", "sara", "karin", "johan", "peter", "eva"} {
			actor, err := s.DemoActor(ctx, who)
			mustOK(t, err)
			tasks, err := s.Tasks(ctx, actor)
			mustOK(t, err)
			n, err := s.TaskCount(ctx, actor)
			mustOK(t, err)
			if n != int64(len(tasks)) {
				t.Errorf("%s: TaskCount %d, Tasks lists %d", who, n, len(tasks))
			}
			some += n
		}
		if some == 0 {
			t.Error("nobody has a task in the demo data")
		}
	})
}
