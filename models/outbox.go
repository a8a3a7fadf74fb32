package models

import "time"

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMessage is a notification written in the same transaction as the
// change that causes it; a worker delivers it later.
type OutboxMessage struct {
	ID             int64
	Event          string
	ApplicationID  *int64
	RecipientID    *int64
	RecipientEmail string
	Language       string
	Payload        string
	DedupeKey      *string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	SentAt         *time.Time
	CreatedAt      time.Time
}

// TableName keeps the table's singular name.
func (OutboxMessage) TableName() string { return "outbox" }
