package notify_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/workflow"
)

// stopAfterFirst is a transport that asks the worker to stop once it has
// sent one mail, as a shutdown signal arriving mid-batch would.
type stopAfterFirst struct {
	notify.Transport
	stop context.CancelFunc
}

func (t stopAfterFirst) Open(ctx context.Context) (notify.Session, error) {
	s, err := t.Transport.Open(ctx)
	if err != nil {
		return nil, err
	}
	return stopSession{s, t.stop}, nil
}

type stopSession struct {
	notify.Session
	stop context.CancelFunc
}

func (s stopSession) Send(m notify.Mail) error {
	err := s.Session.Send(m)
	s.stop()
	return err
}

// TestShutdownReleasesClaim stops the worker in the middle of a batch: the
// mail it was sending is recorded as sent, the rest of its claim is given
// back at once (not when the lease runs out) with no attempt counted, and
// another worker sends it.
func TestShutdownReleasesClaim(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		e.apply(e.app("Utbytesvecka"), "anna", workflow.ActionSubmit, workflow.Input{})
		inner, err := notify.NewSMTP(e.smtp.Config(), testOptions().SMTPTimeout)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		w, err := notify.NewWithTransport(s, baseURL, stopAfterFirst{inner, cancel},
			slog.New(slog.NewTextHandler(io.Discard, nil)), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.DeliverPending(ctx); err != nil || n != 1 {
			t.Fatalf("stopping worker sent %d, %v", n, err)
		}
		sent, released := 0, 0
		for _, row := range e.outbox() {
			switch {
			case row.Status == models.OutboxSent:
				sent++
			case row.Status == models.OutboxPending && row.ClaimToken == "" && row.ClaimedUntil == nil && row.Attempts == 0:
				released++
			}
		}
		if sent != 1 || released != 2 {
			t.Fatalf("after the stop: %d sent, %d released", sent, released)
		}
		if got := e.deliver(); len(got) != 2 {
			t.Fatalf("the next worker sent %d, want 2", len(got))
		}
	})
}
