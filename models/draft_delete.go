package models

import (
	"context"

	"mobilityfund/workflow"
)

// DeleteDraft deletes a draft for its applicants: the row stays, hidden
// from every list and page (deleted_at), and the audit trail keeps its
// creation and its deletion. It returns ErrStale when the draft changed
// since the page was shown, workflow.ErrInvalidTransition for an
// application that has left draft, and workflow.ErrForbidden for anyone
// who may not edit it.
func (s *Store) DeleteDraft(ctx context.Context, actor *Actor, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		var app Application
		// Who may delete is asked before whether the page was stale, so
		// that nobody learns of a draft's changes they may not make.
		if _, err := s.lockEditable(ctx, id, anyVersion, actor, &app); err != nil {
			return err
		}
		if app.State != workflow.StateDraft {
			return workflow.ErrInvalidTransition
		}
		if app.Version != version {
			return &StaleError{Have: version, Current: app.Version}
		}
		tx := s.conn(ctx)
		res := tx.Where("id = ? AND version = ?", id, version).Delete(&Application{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrStale
		}
		return tx.Create(&AuditEvent{Entity: "application", EntityID: id, ApplicationID: &id, ActorID: &actor.User.ID,
			Action: "delete", FromState: string(app.State), Comment: app.Title, CreatedAt: s.now()}).Error
	})
}
