package models_test

import (
	"context"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestReminderRunsBounded generates a decade of calls whose overdue
// reports owe hundreds of reminders and checks that each run writes a
// bounded number of them with a bounded number of statements, that the
// runs write every reminder, and that a run after that adds nothing.
func TestReminderRunsBounded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if _, err := s.SeedSynthetic(ctx, 2000, 4); err != nil {
			t.Fatal(err)
		}
		rules := workflow.ReminderRules{DeadlineDays: 7, ReportDays: 14, OverdueEveryDays: 7}
		stmts := dbtest.CountStatements(t, s)
		total, runs := 0, 0
		var most int64
		for {
			stmts.Reset()
			n, err := s.QueueReminders(ctx, rules)
			if err != nil {
				t.Fatal(err)
			}
			most = max(most, stmts.N())
			runs++
			if n == 0 {
				break
			}
			if n > 2000 {
				t.Errorf("run %d wrote %d reminders at once", runs, n)
			}
			total += n
			if runs > 100 {
				t.Fatal("the runs never finish")
			}
		}
		var queued int64
		s.DB().Model(&models.OutboxMessage{}).Count(&queued)
		if total < 100 || int64(total) != queued || runs < 2 {
			t.Errorf("%d reminders in %d runs, %d in the outbox", total, runs, queued)
		}
		// 20 batches of a handful of statements each, whatever N.
		if most > 200 {
			t.Errorf("a run took %d statements", most)
		}
		t.Logf("%d reminders in %d runs, at most %d statements a run", total, runs, most)
	})
}
