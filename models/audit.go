package models

import "time"

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
