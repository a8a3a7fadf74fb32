package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestAccessRules checks the store's side of disabling, enabling and
// ending sessions: administrators only, never themselves, 409 when it is
// already so, sessions gone in the same transaction, an audit row each.
// Relies on the demo people "eva" (admin), "anna" and "sara".
func TestAccessRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		eva, err := s.DemoActor(ctx, "eva")
		mustOK(t, err)
		anna, err := s.DemoActor(ctx, "anna")
		mustOK(t, err)
		sara, err := s.DemoActor(ctx, "sara")
		mustOK(t, err)
		_, err = s.StartSession(ctx, anna.User.ID, sessHash(1), nil, "")
		mustOK(t, err)
		_, err = s.StartSession(ctx, anna.User.ID, sessHash(2), nil, "raw.id.token")
		mustOK(t, err)

		if _, err := s.SetDisabled(ctx, sara, anna.User.ID, true); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("a coordinator disabling: %v", err)
		}
		var verr *workflow.ValidationError
		if _, err := s.SetDisabled(ctx, eva, eva.User.ID, true); !errors.As(err, &verr) || verr.Fields["access"] != models.MsgAccessOwn {
			t.Errorf("disabling oneself: %v", err)
		}
		if _, err := s.EndSessionsBy(ctx, eva, eva.User.ID); !errors.As(err, &verr) {
			t.Errorf("ending one's own sessions: %v", err)
		}
		if _, err := s.SetDisabled(ctx, eva, 999999, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("disabling nobody: %v", err)
		}
		ended, err := s.SetDisabled(ctx, eva, anna.User.ID, true)
		if err != nil || ended != 2 {
			t.Fatalf("disable: %d sessions ended, %v", ended, err)
		}
		if n, _ := s.CountSessions(ctx, anna.User.ID); n != 0 {
			t.Errorf("%d sessions left", n)
		}
		if _, err := s.ActorFor(ctx, anna.User.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a disabled person acts: %v", err)
		}
		if _, err := s.SetDisabled(ctx, eva, anna.User.ID, true); !errors.Is(err, models.ErrAccessUnchanged) || !errors.Is(err, models.ErrStale) {
			t.Errorf("disable twice: %v", err)
		}
		if _, err := s.SetDisabled(ctx, eva, anna.User.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetDisabled(ctx, eva, anna.User.ID, false); !errors.Is(err, models.ErrAccessUnchanged) {
			t.Errorf("enable twice: %v", err)
		}
		_, err = s.StartSession(ctx, anna.User.ID, sessHash(3), nil, "")
		mustOK(t, err)
		if n, err := s.EndSessionsBy(ctx, eva, anna.User.ID); n != 1 || err != nil {
			t.Errorf("end sessions: %d, %v", n, err)
		}
		var rows []models.AuditEvent
		// The demo people came in through the people import, audited too:
		// only the rows of what this test did count here.
		mustOK(t, s.DB().Where("entity = ? AND entity_id = ? AND action IN ?", "user", anna.User.ID,
			[]string{"disable", "enable", "end_sessions"}).Order("id").Find(&rows).Error)
		var got []string
		for _, r := range rows {
			got = append(got, r.Action+":"+r.Comment)
		}
		want := []string{"disable:2 sessions ended", "enable:", "end_sessions:1 sessions ended"}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("audit rows %q, want %q", got, want)
		}
	})
}

// TestGroupsDueOnce lets only one of many requests at once read the
// groups again: the others find them just read.
func TestGroupsDueOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		anna, err := s.DemoActor(ctx, "anna")
		mustOK(t, err)
		sess, err := s.StartSession(ctx, anna.User.ID, sessHash(1), nil, "raw.id.token")
		mustOK(t, err)
		// Never read before: due, for the first to ask.
		since := s.Now().Add(-time.Second)
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for range 8 {
			wg.Go(func() {
				due, err := s.GroupsDue(ctx, sess.ID, since)
				if err != nil {
					t.Error(err)
				}
				if due {
					mu.Lock()
					won++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if won != 1 {
			t.Errorf("%d requests read the groups", won)
		}
	})
}
