package models

import (
	"context"
	"time"
)

// TimelineEntry is one event in an application's history, with the name
// of who did it.
type TimelineEntry struct {
	ID        int64
	Action    string
	FromState string
	ToState   string
	Comment   string
	AmountOre int64
	ActorName string
	CreatedAt time.Time
}

// Timeline returns every event of application id, oldest first, but for
// the conversation's, which its own section shows to those who may read
// it (an internal note must not show even as an event). The caller has
// checked that the reader may see the application.
func (s *Store) Timeline(ctx context.Context, id int64) ([]TimelineEntry, error) {
	var out []TimelineEntry
	err := s.conn(ctx).Table("audit_events").
		Select("audit_events.id, audit_events.action, audit_events.from_state, audit_events.to_state, "+
			"audit_events.comment, audit_events.amount_ore, audit_events.created_at, COALESCE(users.name, '') AS actor_name").
		Joins("LEFT JOIN users ON users.id = audit_events.actor_id").
		Where("audit_events.application_id = ? AND audit_events.entity <> ?", id, "comment").
		Order("audit_events.id").Scan(&out).Error
	return out, err
}
