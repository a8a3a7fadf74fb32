package models_test

import (
	"context"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestAuditAppendOnly: the database itself refuses to change or remove an
// audit row, on both databases, while adding one works.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		ev := models.AuditEvent{Entity: "test", EntityID: 1, Action: "add", CreatedAt: s.Now()}
		if err := s.DB().WithContext(ctx).Create(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Model(&models.AuditEvent{}).Where("id = ?", ev.ID).Update("comment", "rewritten").Error; err == nil {
			t.Error("an audit row was changed")
		}
		if err := s.DB().Delete(&models.AuditEvent{}, ev.ID).Error; err == nil {
			t.Error("an audit row was deleted")
		}
		if err := s.DB().Exec("DELETE FROM audit_events").Error; err == nil {
			t.Error("the audit trail was emptied")
		}
		var n int64
		if err := s.DB().Model(&models.AuditEvent{}).Where("id = ? AND comment = ''", ev.ID).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("the row is not as written: %d, %v", n, err)
		}
	})
}
