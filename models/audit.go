package models

import (
	"context"
	"time"
)

// AuditEvent is one append-only line of the audit trail: who did what,
// when, from which state to which, with their comment. Events about an
// application carry its id; others (a role grant, a setting) name their
// entity.
type AuditEvent struct {
	ID            int64
	Entity        string
	EntityID      int64
	ApplicationID *int64
	ActorID       *int64
	Action        string
	FromState     string
	ToState       string
	Comment       string
	AmountOre     int64
	CreatedAt     time.Time
}

// AuditFilter narrows the audit trail. Zero values mean "any". Before
// pages backwards: only events older than the event with that id.
type AuditFilter struct {
	Entity        string
	Action        string
	ActorID       int64
	ApplicationID int64
	From, To      time.Time // To is exclusive
	Before        int64
	Limit         int
}

// AuditEntry is an audit event as the audit page shows it, with the
// actor's name.
type AuditEntry struct {
	AuditEvent
	ActorName string
}

// AuditEntities are the kinds of record the audit trail speaks of.
var AuditEntities = []string{"application", "role_grant", "user", "session", "plan", "finance_settings", "finance_batch", "call", "org_unit", "reference_settings"}

// AuditLog returns a page of the audit trail matching f, newest first,
// and whether older entries follow. Who may read it is the caller's rule.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, bool, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := s.conn(ctx).Table("audit_events").
		Select("audit_events.*, COALESCE(users.name, '') AS actor_name").
		Joins("LEFT JOIN users ON users.id = audit_events.actor_id")
	if f.Entity != "" {
		q = q.Where("audit_events.entity = ?", f.Entity)
	}
	if f.Action != "" {
		q = q.Where("audit_events.action = ?", f.Action)
	}
	if f.ActorID != 0 {
		q = q.Where("audit_events.actor_id = ?", f.ActorID)
	}
	if f.ApplicationID != 0 {
		q = q.Where("audit_events.application_id = ?", f.ApplicationID)
	}
	if !f.From.IsZero() {
		q = q.Where("audit_events.created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("audit_events.created_at < ?", f.To)
	}
	if f.Before > 0 {
		q = q.Where("audit_events.id < ?", f.Before)
	}
	var out []AuditEntry
	if err := q.Order("audit_events.id DESC").Limit(limit + 1).Scan(&out).Error; err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// EachAuditEntry calls fn for every audit entry matching f, newest first,
// reading a page at a time so that the whole trail is never held at once.
func (s *Store) EachAuditEntry(ctx context.Context, f AuditFilter, fn func(*AuditEntry) error) error {
	f.Limit = 500
	for {
		page, more, err := s.AuditLog(ctx, f)
		if err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
		f.Before = page[len(page)-1].ID
	}
}
