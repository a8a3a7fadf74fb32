package models_test

import (
	"context"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestStatementsPerGrant bounds the statements one grant takes: the org
// chart, the locked application and call, the committed sum, the counts
// the rules need, the update, the audit row, the recipients (grants and
// people, once) and the outbox rows in one insert.
func TestStatementsPerGrant(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		call, ids := readyApplications(t, s, 2, 1_000_00, 10_000_00)
		decider := mustActor(t, s, "karin")
		stmts := dbtest.CountStatements(t, s)
		for _, id := range ids {
			stmts.Reset()
			if _, err := s.Apply(ctx, id, 1, decider, workflow.ActionGrant,
				workflow.Input{AmountOre: 1_000_00, DecisionRef: "ORU 2026/1", Comment: "Beviljas."}); err != nil {
				t.Fatal(err)
			}
			if n := stmts.N(); n > 14 || n < 8 {
				t.Errorf("a grant took %d statements, want 8–14", n)
			} else {
				t.Logf("a grant took %d statements on %s", n, s.Dialect())
			}
		}
		var outbox int64
		if err := s.DB().Model(&models.OutboxMessage{}).Where("application_id IN ?", ids).Count(&outbox).Error; err != nil {
			t.Fatal(err)
		}
		if outbox == 0 {
			t.Errorf("no notifications were queued for the grants in call %d", call.ID)
		}
	})
}
