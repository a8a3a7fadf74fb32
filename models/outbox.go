package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"mobilityfund/workflow"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMessage is a notification written in the same transaction as the
// change that causes it; a worker delivers it later. A pending row whose
// ClaimedUntil lies in the future is being delivered by the worker that
// holds ClaimToken.
type OutboxMessage struct {
	ID             int64
	Event          workflow.Event
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
	ClaimedUntil   *time.Time
	ClaimToken     string
}

// TableName keeps the table's singular name.
func (OutboxMessage) TableName() string { return "outbox" }

// MailboxMessage is a mail as development delivery rendered it, kept so
// that the development mailbox page can show it.
type MailboxMessage struct {
	ID             int64
	OutboxID       *int64
	RecipientEmail string
	Subject        string
	TextBody       string
	HTMLBody       string `gorm:"column:html_body"`
	CreatedAt      time.Time
}

// TableName names the development mailbox table.
func (MailboxMessage) TableName() string { return "dev_mailbox" }

// ErrLeaseLost is returned when a worker reports on an outbox row that it
// no longer holds: its lease ran out and another worker claimed the row,
// or an admin changed it.
var ErrLeaseLost = errors.New("outbox: claim no longer held")

// ClaimedMessage is an outbox row claimed for delivery, with its
// recipient's name for the greeting.
type ClaimedMessage struct {
	OutboxMessage
	RecipientName string
}

// Claim is a batch of outbox rows that one worker holds until Until.
type Claim struct {
	Token    string
	Until    time.Time
	Messages []ClaimedMessage
}

// ClaimOutbox claims up to limit pending rows that are due, for lease. On
// PostgreSQL the rows are chosen with SELECT … FOR UPDATE SKIP LOCKED so
// that several workers take disjoint batches; SQLite's BEGIN IMMEDIATE
// makes the whole claim one writer's. A row whose earlier claim ran out
// (its worker died) is claimable again. It returns an empty claim when
// nothing is due, and database errors as they are.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) (*Claim, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Claim{Token: hex.EncodeToString(b[:]), Until: now.Add(lease)}
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		q := tx.Where("status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)",
			OutboxPending, now, now).Order("next_attempt_at, id").Limit(limit)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []OutboxMessage
		if err := q.Find(&rows).Error; err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, len(rows))
		var users []int64
		for i, r := range rows {
			ids[i] = r.ID
			if r.RecipientID != nil {
				users = append(users, *r.RecipientID)
			}
		}
		if err := tx.Model(&OutboxMessage{}).Where("id IN ?", ids).
			Updates(map[string]any{"claimed_until": c.Until, "claim_token": c.Token}).Error; err != nil {
			return err
		}
		names := map[int64]string{}
		if len(users) > 0 {
			var us []User
			if err := tx.Select("id", "name").Where("id IN ?", users).Find(&us).Error; err != nil {
				return err
			}
			for _, u := range us {
				names[u.ID] = u.Name
			}
		}
		for _, r := range rows {
			r.ClaimedUntil, r.ClaimToken = &c.Until, c.Token
			m := ClaimedMessage{OutboxMessage: r}
			if r.RecipientID != nil {
				m.RecipientName = names[*r.RecipientID]
			}
			c.Messages = append(c.Messages, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// MarkOutboxSent records that the row id held under token was delivered,
// and, when kept is not nil, stores it in the development mailbox. It
// returns ErrLeaseLost when the claim is no longer held.
func (s *Store) MarkOutboxSent(ctx context.Context, id int64, token string, kept *MailboxMessage) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		now := s.now()
		res := tx.Model(&OutboxMessage{}).Where("id = ? AND claim_token = ? AND status = ?", id, token, OutboxPending).
			Updates(map[string]any{"status": OutboxSent, "sent_at": now, "attempts": gorm.Expr("attempts + 1"),
				"last_error": "", "claimed_until": nil, "claim_token": ""})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrLeaseLost
		}
		if kept == nil {
			return nil
		}
		kept.OutboxID, kept.CreatedAt = &id, now
		return tx.Create(kept).Error
	})
}

// MarkOutboxAttempt records a failed delivery of the row id held under
// token: one more attempt, the error, and either the time of the next
// attempt or, when final, the failed status that only an admin's retry
// leaves. It returns ErrLeaseLost when the claim is no longer held.
func (s *Store) MarkOutboxAttempt(ctx context.Context, id int64, token, lastError string, next time.Time, final bool) error {
	status := OutboxPending
	if final {
		status = OutboxFailed
	}
	if len(lastError) > 2000 {
		lastError = lastError[:2000]
	}
	res := s.conn(ctx).Model(&OutboxMessage{}).Where("id = ? AND claim_token = ? AND status = ?", id, token, OutboxPending).
		Updates(map[string]any{"status": status, "attempts": gorm.Expr("attempts + 1"), "last_error": lastError,
			"next_attempt_at": next, "claimed_until": nil, "claim_token": ""})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return ErrLeaseLost
	}
	return nil
}

// ReleaseOutbox gives back the rows of claim token that are still
// pending, so that another worker may deliver them at once; a worker that
// stops calls it for what it did not send.
func (s *Store) ReleaseOutbox(ctx context.Context, token string) error {
	return s.conn(ctx).Model(&OutboxMessage{}).Where("claim_token = ? AND status = ?", token, OutboxPending).
		Updates(map[string]any{"claimed_until": nil, "claim_token": ""}).Error
}

// RetryOutbox makes the failed or waiting row id due now with a fresh
// count of attempts; the admin's retry button calls it. A row being
// delivered at this moment keeps its claim. It returns a NotFoundError
// when there is no such row that is failed or pending.
func (s *Store) RetryOutbox(ctx context.Context, id int64) error {
	res := s.conn(ctx).Model(&OutboxMessage{}).Where("id = ? AND status IN ?", id, []string{OutboxFailed, OutboxPending}).
		Updates(map[string]any{"status": OutboxPending, "attempts": 0, "next_attempt_at": s.now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return &NotFoundError{What: "outbox message", ID: id}
	}
	return nil
}

// OutboxCounts is how many outbox rows there are of each status.
type OutboxCounts struct {
	Pending, Failed, Sent int64
}

// OutboxProblems lists the rows an admin should look at: failed ones
// first, then pending ones, newest first within each, at most limit. It
// returns database errors as they are.
func (s *Store) OutboxProblems(ctx context.Context, limit int) ([]OutboxMessage, OutboxCounts, error) {
	var counts OutboxCounts
	var rows []struct {
		Status string
		N      int64
	}
	db := s.conn(ctx)
	if err := db.Model(&OutboxMessage{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, counts, err
	}
	for _, r := range rows {
		switch r.Status {
		case OutboxPending:
			counts.Pending = r.N
		case OutboxFailed:
			counts.Failed = r.N
		case OutboxSent:
			counts.Sent = r.N
		}
	}
	var msgs []OutboxMessage
	err := db.Where("status IN ?", []string{OutboxFailed, OutboxPending}).
		Order(clause.OrderBy{Expression: clause.Expr{SQL: "CASE WHEN status = ? THEN 0 ELSE 1 END, id DESC", Vars: []any{OutboxFailed}}}).
		Limit(limit).Find(&msgs).Error
	return msgs, counts, err
}

// OutboxByID returns one outbox row, or a NotFoundError.
func (s *Store) OutboxByID(ctx context.Context, id int64) (*OutboxMessage, error) {
	var m OutboxMessage
	if err := s.conn(ctx).First(&m, id).Error; err != nil {
		return nil, notFound(err, "outbox message", id)
	}
	return &m, nil
}

// Mailbox returns the newest limit mails of the development mailbox,
// newest first. It returns database errors as they are.
func (s *Store) Mailbox(ctx context.Context, limit int) ([]MailboxMessage, error) {
	var out []MailboxMessage
	err := s.conn(ctx).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}
