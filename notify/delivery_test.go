package notify_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestServerDownNothingLost takes the SMTP server down while three
// decisions are made: every attempt fails and is kept; when the server is
// back and the backoff has passed, every mail arrives exactly once.
func TestServerDownNothingLost(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		ingenjor, info, sprak := e.app("Kortare utbyten"), e.app("Informationsturné"), e.app("Språkstöd")
		e.apply(info, "maria", workflow.ActionEndorse, workflow.Input{})
		e.apply(info, "sara", workflow.ActionMarkReady, workflow.Input{Assessment: "Rimlig.", AmountOre: 40_000_00})
		e.apply(ingenjor, "sara", workflow.ActionMarkReady, workflow.Input{AmountOre: 200_000_00})
		e.deliver()
		before := len(e.smtp.Messages())

		e.smtp.Stop()
		e.apply(sprak, "karin", workflow.ActionGrant, workflow.Input{AmountOre: 98_000_00, DecisionRef: "ORU 1", Comment: "Beviljas."})
		e.apply(ingenjor, "karin", workflow.ActionGrant, workflow.Input{AmountOre: 200_000_00, DecisionRef: "ORU 2", Comment: "Beviljas."})
		e.apply(info, "karin", workflow.ActionReject, workflow.Input{DecisionRef: "ORU 3", Comment: "Avslås."})
		if got := e.deliver(); len(got) != 0 {
			t.Fatalf("%d mails arrived at a stopped server", len(got))
		}
		var waiting []models.OutboxMessage
		for _, row := range e.outbox() {
			if row.Status == models.OutboxPending {
				waiting = append(waiting, row)
				if row.Attempts != 1 || row.LastError == "" || row.ClaimToken != "" {
					t.Errorf("row %d after a failed attempt: attempts %d, error %q, claim %q", row.ID, row.Attempts, row.LastError, row.ClaimToken)
				}
			}
		}
		// Applicants (2 + 1 + 2 mails), unit heads (3), coordinator (3), finance (2).
		if len(waiting) != 13 {
			t.Fatalf("%d rows wait, want 13", len(waiting))
		}
		// Before the backoff has passed nothing is tried, even with the
		// server back.
		e.smtp.Restart()
		if got := e.deliver(); len(got) != 0 {
			t.Fatalf("%d mails sent before their backoff", len(got))
		}
		e.moveClock(time.Hour)
		got := e.deliver()
		if len(got) != len(waiting) {
			t.Fatalf("%d mails arrived, want %d", len(got), len(waiting))
		}
		ids := map[string]bool{}
		for _, m := range e.smtp.Messages()[before:] {
			id := m.Header.Get("Message-Id")
			if ids[id] {
				t.Errorf("message %s arrived twice", id)
			}
			ids[id] = true
		}
		if again := e.deliver(); len(again) != 0 {
			t.Errorf("%d mails sent again", len(again))
		}
		for _, row := range e.outbox() {
			if row.Status != models.OutboxSent {
				t.Errorf("row %d is %s", row.ID, row.Status)
			}
		}
	})
}

// TestWorkersShareTheOutbox runs four workers in two "replicas" (stores
// with their own connection pools) on one database over 200 messages,
// with small batches so that their claims interleave: every message
// arrives exactly once.
func TestWorkersShareTheOutbox(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		opts := testOptions()
		opts.BatchSize = 3
		e := newEnv(t, s, opts)
		const n = 200
		now := s.Now()
		for i := range n {
			key := fmt.Sprintf("load:%d", i)
			p := fmt.Sprintf(`{"number":"MF-2026-%04d","title":"Last %d"}`, i, i)
			row := models.OutboxMessage{Event: "submitted", RecipientEmail: fmt.Sprintf("p%d@example.org", i), Language: "sv",
				Payload: p, DedupeKey: &key, Status: models.OutboxPending, NextAttemptAt: now, CreatedAt: now}
			if err := s.DB().Create(&row).Error; err != nil {
				t.Fatal(err)
			}
		}
		// Two stores with their own connection pools stand for two
		// replicas; each runs two workers.
		other := e.replica()
		var visible int64
		if err := other.DB().Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxPending).Count(&visible).Error; err != nil || visible != n {
			t.Fatalf("the second replica sees %d pending rows (%v), want %d", visible, err, n)
		}
		var wg sync.WaitGroup
		for i := range 4 {
			w := e.worker(opts)
			if i%2 == 1 {
				w = e.workerOn(other, opts)
			}
			wg.Go(func() {
				if _, err := w.DeliverPending(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got := e.smtp.Wait(n)
		seen := map[string]int{}
		for _, m := range got {
			seen[m.To[0]]++
		}
		for i := range n {
			if c := seen[fmt.Sprintf("p%d@example.org", i)]; c != 1 {
				t.Errorf("p%d got %d mails", i, c)
			}
		}
		if len(got) != n {
			t.Errorf("%d mails for %d rows", len(got), n)
		}
	})
}

// TestCrashedWorkerLeaseRunsOut claims rows as a worker that then dies:
// nobody else sends them until the lease has run out, then one does.
func TestCrashedWorkerLeaseRunsOut(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		e.apply(e.app("Utbytesvecka"), "anna", workflow.ActionSubmit, workflow.Input{})
		claim, err := s.ClaimOutbox(e.ctx, 10, time.Minute)
		if err != nil || len(claim.Messages) != 3 {
			t.Fatalf("claim: %v, %d rows", err, len(claim.Messages))
		}
		if got := e.deliver(); len(got) != 0 {
			t.Fatalf("%d claimed mails sent by another worker", len(got))
		}
		e.moveClock(2 * time.Minute)
		if got := e.deliver(); len(got) != 3 {
			t.Fatalf("%d mails after the lease ran out, want 3", len(got))
		}
		// The dead worker's late report changes nothing.
		if err := s.MarkOutboxSent(e.ctx, claim.Messages[0].ID, claim.Token, nil); err != models.ErrLeaseLost {
			t.Errorf("late report: %v, want ErrLeaseLost", err)
		}
	})
}

// TestFailedAfterMaxAttempts keeps the server down until a message has
// used its attempts: it is failed with its last error, and an admin's
// retry sends it.
func TestFailedAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		opts := testOptions()
		opts.MaxAttempts, opts.Backoff, opts.MaxBackoff = 3, time.Minute, 4*time.Minute
		e := newEnv(t, s, opts)
		e.apply(e.app("Informationsturné"), "james", workflow.ActionWithdraw, workflow.Input{})
		e.smtp.Stop()
		for i := range 3 {
			e.moveClock(time.Duration(i) * 5 * time.Minute)
			e.deliver()
		}
		rows := e.outbox()
		if len(rows) != 1 || rows[0].Status != models.OutboxFailed || rows[0].Attempts != 3 || rows[0].LastError == "" {
			t.Fatalf("after 3 attempts: %+v", rows)
		}
		failed, counts, err := s.OutboxProblems(e.ctx, 50)
		if err != nil || len(failed) != 1 || counts.Failed != 1 {
			t.Fatalf("problems: %v %+v %v", len(failed), counts, err)
		}
		e.moveClock(time.Hour)
		e.smtp.Restart()
		if got := e.deliver(); len(got) != 0 {
			t.Fatal("a failed message was sent without a retry")
		}
		if err := s.RetryOutbox(e.ctx, rows[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := e.deliver(); len(got) != 1 || got[0].To[0] != sara {
			t.Fatalf("after retry: %d mails", len(got))
		}
		if err := s.RetryOutbox(e.ctx, rows[0].ID); err == nil {
			t.Error("a sent message could be retried")
		}
	})
}

// TestRunStopsCleanly runs the worker loop, lets it deliver, and stops it.
func TestRunStopsCleanly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		opts := testOptions()
		opts.Poll = 10 * time.Millisecond
		e := newEnv(t, s, opts)
		e.apply(e.app("Utbytesvecka"), "anna", workflow.ActionSubmit, workflow.Input{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.w.Run(ctx) }()
		got := e.smtp.Wait(3)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, m := range got {
			if !strings.Contains(m.Subject, "MF-") {
				t.Errorf("subject %q", m.Subject)
			}
		}
	})
}
