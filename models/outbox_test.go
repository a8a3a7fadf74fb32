package models_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// queue writes n pending outbox rows due at now.
func queue(t *testing.T, s *models.Store, n int, now time.Time) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		key := fmt.Sprintf("test:%d", i)
		row := models.OutboxMessage{Event: "submitted", RecipientEmail: fmt.Sprintf("p%d@example.org", i), Language: "sv",
			Payload: "{}", DedupeKey: &key, Status: models.OutboxPending, NextAttemptAt: now, CreatedAt: now}
		if err := s.DB().Create(&row).Error; err != nil {
			t.Fatal(err)
		}
		ids = append(ids, row.ID)
	}
	return ids
}

func TestOutboxClaims(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		now := s.Now()
		ids := queue(t, s, 5, now)

		first, err := s.ClaimOutbox(ctx, 3, time.Minute)
		if err != nil || len(first.Messages) != 3 {
			t.Fatalf("first claim: %v, %d rows", err, len(first.Messages))
		}
		second, err := s.ClaimOutbox(ctx, 3, time.Minute)
		if err != nil || len(second.Messages) != 2 {
			t.Fatalf("second claim: %v, %d rows", err, len(second.Messages))
		}
		for _, a := range first.Messages {
			for _, b := range second.Messages {
				if a.ID == b.ID {
					t.Fatalf("row %d claimed twice", a.ID)
				}
			}
		}
		if none, _ := s.ClaimOutbox(ctx, 3, time.Minute); len(none.Messages) != 0 {
			t.Fatalf("claimed %d rows that others hold", len(none.Messages))
		}

		// Sent, failed for now, failed for good; the rest is released.
		if err := s.MarkOutboxSent(ctx, first.Messages[0].ID, first.Token, &models.MailboxMessage{
			RecipientEmail: "p0@example.org", Subject: "Ämne", TextBody: "text", HTMLBody: "<p>html</p>"}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkOutboxSent(ctx, first.Messages[1].ID, second.Token, nil); !errors.Is(err, models.ErrLeaseLost) {
			t.Errorf("mark with another worker's token: %v", err)
		}
		if err := s.MarkOutboxAttempt(ctx, first.Messages[1].ID, first.Token, "421 busy", now.Add(time.Hour), false); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkOutboxAttempt(ctx, first.Messages[2].ID, first.Token, "550 no such user", now, true); err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseOutbox(ctx, second.Token); err != nil {
			t.Fatal(err)
		}
		again, err := s.ClaimOutbox(ctx, 10, time.Minute)
		if err != nil || len(again.Messages) != 2 || again.Messages[0].ID != second.Messages[0].ID {
			t.Fatalf("after release: %v, %d rows", err, len(again.Messages))
		}

		problems, counts, err := s.OutboxProblems(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if counts != (models.OutboxCounts{Pending: 3, Failed: 1, Sent: 1}) {
			t.Errorf("counts %+v", counts)
		}
		if len(problems) != 4 || problems[0].Status != models.OutboxFailed || problems[0].LastError != "550 no such user" {
			t.Errorf("problems: %+v", problems)
		}
		box, err := s.Mailbox(ctx, 10)
		if err != nil || len(box) != 1 || box[0].Subject != "Ämne" || *box[0].OutboxID != ids[0] {
			t.Errorf("mailbox: %+v %v", box, err)
		}

		if err := s.RetryOutbox(ctx, first.Messages[2].ID); err != nil {
			t.Fatal(err)
		}
		row, err := s.OutboxByID(ctx, first.Messages[2].ID)
		if err != nil || row.Status != models.OutboxPending || row.Attempts != 0 {
			t.Errorf("after retry: %+v %v", row, err)
		}
		if err := s.RetryOutbox(ctx, ids[0]); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("retry of a sent row: %v", err)
		}
		if _, err := s.OutboxByID(ctx, 999999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown row: %v", err)
		}
	})
}

// TestRemindersIdempotent runs the reminder query twice at the same time
// and once more the next day: the dedupe keys keep it to one reminder
// per event, application, person and period.
func TestRemindersIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		calls, err := s.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The demo's decisions wait since the real time of seeding, so
		// that rule stays off here (notify's tests cover it).
		rules := workflow.ReminderRules{DeadlineDays: 7, ReportDays: 14, OverdueEveryDays: 7}
		at := calls[0].DeadlineAt.Add(-5 * 24 * time.Hour)
		s.SetClock(func() time.Time { return at })
		first, err := s.QueueReminders(ctx, rules)
		if err != nil || first == 0 {
			t.Fatalf("first run: %d, %v", first, err)
		}
		for _, d := range []time.Duration{0, 24 * time.Hour} {
			s.SetClock(func() time.Time { return at.Add(d) })
			if n, err := s.QueueReminders(ctx, rules); err != nil || n != 0 {
				t.Errorf("run %v later: %d more reminders, %v", d, n, err)
			}
		}
		var deadline int64
		s.DB().Model(&models.OutboxMessage{}).Where("event = ?", workflow.EventReminderCallDeadline).Count(&deadline)
		// The one draft's applicants: its author and the other applicant of the unit.
		if deadline != 2 {
			t.Errorf("%d call deadline reminders, want 2", deadline)
		}
	})
}
