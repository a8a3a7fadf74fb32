package models

import (
	"context"
	"fmt"
	"time"

	"mobilityfund/workflow"
)

// RegisterEntry is a decision as the register lists it.
type RegisterEntry struct {
	Decision
	Number         string // the application's number
	RegisteredName string // who marked it registered
}

// ErrAlreadyRegistered is returned when a decision that is registered
// already is marked again (two people at once, or a stale page); it
// unwraps to ErrStale.
var ErrAlreadyRegistered = fmt.Errorf("decision already registered: %w", ErrStale)

// DecisionRegister lists the decisions for the register, oldest first:
// those still to be registered, or (registered) the last 200 registered,
// newest first. It returns workflow.ErrForbidden unless actor keeps the
// register.
func (s *Store) DecisionRegister(ctx context.Context, actor *Actor, registered bool) ([]RegisterEntry, error) {
	if !workflow.MayKeepRegister(actor.Workflow) {
		return nil, workflow.ErrForbidden
	}
	q := s.conn(ctx).Table("decisions").
		Select("decisions.*, applications.created_at AS app_created_at, COALESCE(users.name, '') AS registered_name").
		Joins("JOIN applications ON applications.id = decisions.application_id").
		Joins("LEFT JOIN users ON users.id = decisions.registered_by")
	if registered {
		q = q.Where("decisions.registered_at IS NOT NULL").Order("decisions.registered_at DESC, decisions.id DESC").Limit(200)
	} else {
		q = q.Where("decisions.registered_at IS NULL").Order("decisions.decided_at, decisions.id")
	}
	var rows []struct {
		RegisterEntry
		AppCreatedAt time.Time
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]RegisterEntry, len(rows))
	for i, r := range rows {
		out[i] = r.RegisterEntry
		out[i].Number = ApplicationNumber(r.AppCreatedAt, r.ApplicationID)
	}
	return out, nil
}

// MarkRegistered records that decision id has been entered in the
// registry, audited. It returns workflow.ErrForbidden unless actor keeps
// the register, a NotFoundError for an unknown decision, and
// ErrAlreadyRegistered when it is registered already.
func (s *Store) MarkRegistered(ctx context.Context, actor *Actor, id int64) error {
	if !workflow.MayKeepRegister(actor.Workflow) {
		return workflow.ErrForbidden
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var d Decision
		if err := s.forUpdate(tx).First(&d, id).Error; err != nil {
			return notFound(err, "decision", id)
		}
		now := s.now()
		res := tx.Model(&Decision{}).Where("id = ? AND registered_at IS NULL", id).
			Updates(map[string]any{"registered_at": now, "registered_by": actor.User.ID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrAlreadyRegistered
		}
		return tx.Create(&AuditEvent{Entity: "decision", EntityID: d.ID, ActorID: &actor.User.ID, Action: "register",
			Comment: d.DecisionRef + " " + d.FileName, CreatedAt: now}).Error
	})
}

// DecisionDay is the calendar day of a decision in the university's time
// zone, as midnight UTC: how the register and its export write it.
func (s *Store) DecisionDay(t time.Time) time.Time {
	y, m, d := t.In(s.zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
