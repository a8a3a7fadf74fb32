package models_test

import (
	"context"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestPersonalAuditPaged: a person's audit rows are read a page at a time,
// newest first, each exactly once, however many there are, and a limit
// stops the walk; the count agrees. Relies on the demo user "anna".
func TestPersonalAuditPaged(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		anna := mustActor(t, s, "anna")
		rows := make([]models.AuditEvent, 450)
		for i := range rows {
			rows[i] = models.AuditEvent{Entity: "user", EntityID: anna.User.ID, Action: "test", CreatedAt: s.Now()}
		}
		mustOK(t, s.DB().CreateInBatches(&rows, 200).Error)
		p, err := s.PersonalProfileOf(ctx, anna.User.ID)
		mustOK(t, err)
		var ids []int64
		mustOK(t, s.EachPersonalAudit(ctx, anna.User.ID, 0, func(e *models.AuditEntry) error {
			ids = append(ids, e.ID)
			return nil
		}))
		if int64(len(ids)) != p.Counts.Audit || len(ids) < 450 {
			t.Fatalf("read %d rows, counted %d", len(ids), p.Counts.Audit)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] >= ids[i-1] {
				t.Fatalf("row %d: id %d after %d", i, ids[i], ids[i-1])
			}
		}
		n := 0
		mustOK(t, s.EachPersonalAudit(ctx, anna.User.ID, 250, func(*models.AuditEntry) error { n++; return nil }))
		if n != 250 {
			t.Errorf("limit 250 read %d", n)
		}
	})
}
