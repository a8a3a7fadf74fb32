package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// testClock is a test testClock that moves only when told to.
type testClock struct{ now time.Time }

func (c *testClock) Now() time.Time          { return c.now }
func (c *testClock) Advance(d time.Duration) { c.now = c.now.Add(d) }
func newClock(s *models.Store) *testClock    { c := &testClock{now: s.Now()}; s.SetClock(c.Now); return c }
func sessHash(b byte) []byte                 { h := make([]byte, 32); h[0] = b; return h }
func mustSeedDemo(t *testing.T, s *models.Store) {
	t.Helper()
	mustOK(t, s.SeedDemo(context.Background()))
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSessionTimeouts checks the idle timeout (activity keeps a session
// alive), the absolute timeout (nothing does), and that an ended session is
// deleted. Relies on the demo user "anna".
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		clk := newClock(s)
		anna, err := s.DemoActor(ctx, "anna")
		mustOK(t, err)

		t.Run("Idle", func(t *testing.T) {
			_, err := s.StartSession(ctx, anna.User.ID, sessHash(1), nil, "")
			mustOK(t, err)
			clk.Advance(models.SessionIdleTimeout - time.Hour)
			if _, err := s.SessionByHash(ctx, sessHash(1)); err != nil {
				t.Fatalf("active within the idle timeout: %v", err)
			}
			clk.Advance(models.SessionIdleTimeout / 2)
			if _, err := s.SessionByHash(ctx, sessHash(1)); err != nil {
				t.Fatalf("activity should have kept the session alive: %v", err)
			}
			_, err = s.StartSession(ctx, anna.User.ID, sessHash(9), nil, "")
			mustOK(t, err)
			clk.Advance(models.SessionIdleTimeout)
			for _, h := range [][]byte{sessHash(1), sessHash(9)} {
				if _, err := s.SessionByHash(ctx, h); !errors.Is(err, models.ErrNotFound) {
					t.Fatalf("after the idle timeout: err = %v, want ErrNotFound", err)
				}
			}
		})
		t.Run("Absolute", func(t *testing.T) {
			_, err := s.StartSession(ctx, anna.User.ID, sessHash(2), nil, "")
			mustOK(t, err)
			for elapsed := time.Duration(0); elapsed < models.SessionLifetime-time.Hour; elapsed += time.Hour {
				clk.Advance(time.Hour)
				if _, err := s.SessionByHash(ctx, sessHash(2)); err != nil {
					t.Fatalf("after %v of activity: %v", elapsed+time.Hour, err)
				}
			}
			clk.Advance(time.Hour)
			if _, err := s.SessionByHash(ctx, sessHash(2)); !errors.Is(err, models.ErrNotFound) {
				t.Fatalf("after the absolute lifetime: err = %v, want ErrNotFound", err)
			}
		})
		n, err := s.CountSessions(ctx, anna.User.ID)
		mustOK(t, err)
		if n != 0 {
			t.Errorf("ended sessions left rows: %d", n)
		}
	})
}

// TestSessionReplaceAndEnd checks that starting a session replaces the
// browser's previous one, that ending returns the ID token for the
// provider's logout, and that ending everywhere deletes every row.
func TestSessionReplaceAndEnd(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		anna, err := s.DemoActor(ctx, "anna")
		mustOK(t, err)
		_, err = s.StartSession(ctx, anna.User.ID, sessHash(1), nil, "")
		mustOK(t, err)
		_, err = s.StartSession(ctx, anna.User.ID, sessHash(2), sessHash(1), "raw.id.token")
		mustOK(t, err)
		if _, err := s.SessionByHash(ctx, sessHash(1)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("replaced session still valid: %v", err)
		}
		ended, err := s.EndSession(ctx, sessHash(2))
		mustOK(t, err)
		if ended.IDToken != "raw.id.token" || ended.UserID != anna.User.ID {
			t.Errorf("ended session = %+v", ended)
		}
		if _, err := s.EndSession(ctx, sessHash(2)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ending twice: err = %v, want ErrNotFound", err)
		}
		for i := byte(3); i < 6; i++ {
			_, err = s.StartSession(ctx, anna.User.ID, sessHash(i), nil, "")
			mustOK(t, err)
		}
		n, err := s.EndSessionsOf(ctx, anna.User.ID)
		mustOK(t, err)
		if n != 3 {
			t.Errorf("ended everywhere: %d sessions, want 3", n)
		}
	})
}

// BenchmarkSessionByHash measures the session lookup every request makes.
func BenchmarkSessionByHash(b *testing.B) {
	for _, backend := range dbtest.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			s := dbtest.New(b, backend)
			ctx := context.Background()
			if _, err := s.SignIn(ctx, models.Identity{Issuer: "https://idp.example.org", Subject: "bench", Name: "B"}, nil, sessHash(1), nil, ""); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.SessionByHash(ctx, sessHash(1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
