package models

import (
	"context"
	"fmt"
	"strconv"
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

// RegisterPageSize is how many decisions a page of the register shows.
const RegisterPageSize = 100

// registerChunk is how many decisions the register's export reads at a
// time.
const registerChunk = 500

// RegisterPage is one page of the register.
type RegisterPage struct {
	Rows []RegisterEntry
	// Waiting is how many decisions wait to be registered.
	Waiting int64
	// Next is the cursor of the next page; "" on the last one.
	Next string
}

// DecisionRegister lists the decisions for the register a page at a time:
// those still to be registered, oldest first, or (registered) those
// registered, newest first; after is the cursor of the page before ("" for
// the first). It returns workflow.ErrForbidden unless actor keeps the
// register, and ErrBadCursor for a cursor it did not give.
func (s *Store) DecisionRegister(ctx context.Context, actor *Actor, registered bool, after string) (*RegisterPage, error) {
	if !workflow.MayKeepRegister(actor.Workflow) {
		return nil, workflow.ErrForbidden
	}
	page := &RegisterPage{}
	if err := s.conn(ctx).Model(&Decision{}).Where("registered_at IS NULL").Count(&page.Waiting).Error; err != nil {
		return nil, err
	}
	rows, err := s.registerRows(ctx, registered, after, RegisterPageSize+1)
	if err != nil {
		return nil, err
	}
	if len(rows) > RegisterPageSize {
		rows = rows[:RegisterPageSize]
		page.Next = registerCursor(registered, rows[len(rows)-1].Decision)
	}
	page.Rows = rows
	return page, nil
}

// EachDecisionToRegister calls fn with every decision waiting to be
// registered, oldest first, reading them a page at a time. It returns
// workflow.ErrForbidden unless actor keeps the register.
func (s *Store) EachDecisionToRegister(ctx context.Context, actor *Actor, fn func(RegisterEntry) error) error {
	if !workflow.MayKeepRegister(actor.Workflow) {
		return workflow.ErrForbidden
	}
	for after := ""; ; {
		rows, err := s.registerRows(ctx, false, after, registerChunk)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < registerChunk {
			return nil
		}
		after = registerCursor(false, rows[len(rows)-1].Decision)
	}
}

// registerCursor names decision d's place in its list: when it was
// decided (waiting) or registered, and its id.
func registerCursor(registered bool, d Decision) string {
	at := d.DecidedAt
	if registered && d.RegisteredAt != nil {
		at = *d.RegisteredAt
	}
	return cursorOf(d.ID, strconv.FormatInt(at.UnixMicro(), 10))
}

// registerRows reads up to limit decisions after the cursor.
func (s *Store) registerRows(ctx context.Context, registered bool, after string, limit int) ([]RegisterEntry, error) {
	q := s.conn(ctx).Table("decisions").
		Select("decisions.*, applications.created_at AS app_created_at, COALESCE(users.name, '') AS registered_name").
		Joins("JOIN applications ON applications.id = decisions.application_id").
		Joins("LEFT JOIN users ON users.id = decisions.registered_by")
	if after != "" {
		// The same cursor as the list's sorted by the time of change.
		at, id, err := decodeCursor("updated", after)
		if err != nil {
			return nil, err
		}
		if registered {
			q = q.Where("(decisions.registered_at, decisions.id) < (?, ?)", at, id)
		} else {
			q = q.Where("(decisions.decided_at, decisions.id) > (?, ?)", at, id)
		}
	}
	if registered {
		q = q.Where("decisions.registered_at IS NOT NULL").Order("decisions.registered_at DESC, decisions.id DESC")
	} else {
		q = q.Where("decisions.registered_at IS NULL").Order("decisions.decided_at, decisions.id")
	}
	var rows []struct {
		RegisterEntry
		AppCreatedAt time.Time
	}
	if err := q.Limit(limit).Scan(&rows).Error; err != nil {
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
