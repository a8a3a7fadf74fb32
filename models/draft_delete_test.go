package models_test

import (
	"context"
	"errors"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestDeleteDraft: the demo's draft "Utbytesvecka i Bologna för
// lärarstudenter" (anna's, HUMUS) is deleted by james, another applicant
// of the unit; it leaves the lists, and the audit trail keeps it.
func TestDeleteDraft(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		var draft models.Application
		if err := s.DB().Where("title = ?", "Utbytesvecka i Bologna för lärarstudenter").First(&draft).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteDraft(ctx, mustActor(t, s, "erik"), draft.ID, draft.Version); err == nil {
			t.Fatal("an applicant of another unit deleted the draft")
		}
		if err := s.DeleteDraft(ctx, mustActor(t, s, "james"), draft.ID, draft.Version+1); !errors.Is(err, models.ErrStale) {
			t.Errorf("a stale delete: %v", err)
		}
		var submitted models.Application
		if err := s.DB().Where("title = ?", "Informationsturné om utlandsstudier").First(&submitted).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteDraft(ctx, mustActor(t, s, "james"), submitted.ID, submitted.Version); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Errorf("a submitted application deleted: %v", err)
		}
		james := mustActor(t, s, "james")
		if err := s.DeleteDraft(ctx, james, draft.ID, draft.Version); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DB().First(&models.Application{}, draft.ID).Error; err == nil {
			t.Error("the deleted draft is found")
		}
		for _, r := range rows {
			if r.ID == draft.ID {
				t.Error("the deleted draft is still listed")
			}
		}
		var audit int64
		if err := s.DB().Model(&models.AuditEvent{}).Where("application_id = ? AND action = ?", draft.ID, "delete").Count(&audit).Error; err != nil || audit != 1 {
			t.Errorf("audit rows of the deletion: %d, %v", audit, err)
		}
	})
}
