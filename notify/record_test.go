package notify_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/workflow"
)

// signalHandler is a log handler that closes a channel at the first
// record whose message starts with prefix.
type signalHandler struct {
	prefix string
	once   sync.Once
	seen   chan struct{}
}

func (h *signalHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *signalHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *signalHandler) WithGroup(string) slog.Handler            { return h }
func (h *signalHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, h.prefix) {
		h.once.Do(func() { close(h.seen) })
	}
	return nil
}

// TestDatabaseLostAfterSend takes the outbox away from the database just
// after the SMTP server accepted the first mail of a batch, so that its
// "sent" cannot be recorded; when the table is back, every mail has
// arrived exactly once and every row is sent.
func TestDatabaseLostAfterSend(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		sprak := e.app("Språkstöd")
		e.apply(sprak, "karin", workflow.ActionGrant, workflow.Input{AmountOre: 98_000_00, DecisionRef: "ORU 1", Comment: "Beviljas."})
		pending := 0
		for _, row := range e.outbox() {
			if row.Status == models.OutboxPending {
				pending++
			}
		}
		if pending < 3 {
			t.Fatalf("only %d mails wait", pending)
		}

		h := &signalHandler{prefix: "recording a sent mail failed", seen: make(chan struct{})}
		tr, err := notify.NewSMTP(e.smtp.Config(), testOptions().SMTPTimeout)
		if err != nil {
			t.Fatal(err)
		}
		w, err := notify.NewWithTransport(s, baseURL, tr, slog.New(h), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		e.smtp.OnData(func(notifyMessage) {
			once.Do(func() {
				if err := s.DB().Exec("ALTER TABLE outbox RENAME TO outbox_away").Error; err != nil {
					t.Error(err)
				}
			})
		})
		before := len(e.smtp.Messages())
		done := make(chan error, 1)
		go func() { _, err := w.DeliverPending(context.Background()); done <- err }()
		<-h.seen
		if got := len(e.smtp.Messages()) - before; got != 1 {
			t.Errorf("%d mails went out while the first could not be recorded, want 1", got)
		}
		if err := s.DB().Exec("ALTER TABLE outbox_away RENAME TO outbox").Error; err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if _, err := w.DeliverPending(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := e.smtp.Messages()[before:]
		ids := map[string]int{}
		for _, m := range got {
			ids[m.Header.Get("Message-Id")]++
		}
		for id, n := range ids {
			if n != 1 {
				t.Errorf("message %s arrived %d times", id, n)
			}
		}
		if len(got) != pending {
			t.Errorf("%d mails arrived, want %d", len(got), pending)
		}
		for _, row := range e.outbox() {
			if row.Status != models.OutboxSent || row.Attempts != 1 {
				t.Errorf("row %d: %s after %d attempts, want sent after 1", row.ID, row.Status, row.Attempts)
			}
		}
	})
}
