package models

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm/clause"

	"mobilityfund/workflow"
)

// The reminder events; the workflow's events come from its notices.
const (
	ReminderCallDeadline    = "reminder_call_deadline"
	ReminderReportDue       = "reminder_report_due"
	ReminderReportOverdue   = "reminder_report_overdue"
	ReminderDecisionWaiting = "reminder_decision_waiting"
)

// ReminderRules say when reminders are due, in whole days.
type ReminderRules struct {
	DeadlineDays     int // before the (personal) call deadline, to applicants with a draft
	ReportDays       int // before the call's report due date, to applicants of paid-out applications
	OverdueEveryDays int // how often an overdue report is reminded of again
	DecisionWaitDays int // how long an application may wait for a decision before deciders and coordinators hear of it
}

type reminderPayload struct {
	Number string `json:"number"`
	Title  string `json:"title"`
	State  string `json:"state"`
	Due    string `json:"due,omitempty"`
	Days   int    `json:"days,omitempty"`
}

// reminder is one reminder an application is due for.
type reminder struct {
	event, key string
	to         []workflow.RecipientKind
	payload    reminderPayload
}

// QueueReminders writes the reminders due now into the outbox and returns
// how many it wrote. It may run any number of times, from any number of
// workers: each reminder's dedupe key names its event, application,
// recipient and the day or period it is for, so a second run adds
// nothing. It returns database errors as they are.
func (s *Store) QueueReminders(ctx context.Context, r ReminderRules) (int, error) {
	queued := 0
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		now := s.now()
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		var apps []Application
		if err := tx.Where("state IN ?", []workflow.State{workflow.StateDraft, workflow.StateBooked,
			workflow.StateReportRevision, workflow.StateReadyForDecision}).Order("id").Find(&apps).Error; err != nil {
			return err
		}
		ready := map[int64]time.Time{}
		var events []AuditEvent
		if err := tx.Where("to_state = ? AND application_id IN (?)", workflow.StateReadyForDecision,
			tx.Model(&Application{}).Select("id").Where("state = ?", workflow.StateReadyForDecision)).
			Order("id").Find(&events).Error; err != nil {
			return err
		}
		for _, e := range events {
			ready[*e.ApplicationID] = e.CreatedAt
		}
		calls := map[int64]*Call{}
		for i := range apps {
			app := &apps[i]
			if calls[app.CallID] == nil {
				if calls[app.CallID], err = s.CallByID(ctx, app.CallID); err != nil {
					return err
				}
			}
			rem, ok := dueReminder(app, calls[app.CallID], ready, now, r)
			if !ok {
				continue
			}
			n, err := s.queueReminder(ctx, app, chart, rem, now)
			if err != nil {
				return err
			}
			queued += n
		}
		return nil
	})
	return queued, err
}

// dueReminder says which reminder, if any, app is due for at now.
func dueReminder(app *Application, call *Call, ready map[int64]time.Time, now time.Time, r ReminderRules) (reminder, bool) {
	p := reminderPayload{Number: app.Number(), Title: app.Title, State: string(app.State)}
	day := func(t time.Time) string { return t.In(reminderZone).Format(time.DateOnly) }
	applicants := []workflow.RecipientKind{workflow.RecipientApplicants}
	switch app.State {
	case workflow.StateDraft:
		deadline := call.DeadlineAt
		if app.DeadlineExtendedTo != nil {
			deadline = *app.DeadlineExtendedTo
		}
		if !now.Before(deadline) || now.Before(deadline.AddDate(0, 0, -r.DeadlineDays)) {
			return reminder{}, false
		}
		p.Due = day(deadline)
		return reminder{ReminderCallDeadline, p.Due, applicants, p}, true
	case workflow.StateBooked, workflow.StateReportRevision:
		y, m, d := now.In(reminderZone).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		due := time.Date(call.ReportDueOn.Year(), call.ReportDueOn.Month(), call.ReportDueOn.Day(), 0, 0, 0, 0, time.UTC)
		left := int(due.Sub(today).Hours() / 24)
		p.Due = due.Format(time.DateOnly)
		switch {
		case left > r.ReportDays:
			return reminder{}, false
		case left >= 0:
			p.Days = left
			return reminder{ReminderReportDue, p.Due, applicants, p}, true
		}
		p.Days = -left
		period := (-left - 1) / max(r.OverdueEveryDays, 1)
		return reminder{ReminderReportOverdue, p.Due + ":p" + itoa(int64(period)), applicants, p}, true
	case workflow.StateReadyForDecision:
		since, ok := ready[app.ID]
		if !ok {
			since = app.UpdatedAt
		}
		waited := int(now.Sub(since).Hours() / 24)
		if r.DecisionWaitDays <= 0 || waited < r.DecisionWaitDays {
			return reminder{}, false
		}
		p.Days = waited
		key := day(since) + ":p" + itoa(int64(waited/r.DecisionWaitDays))
		return reminder{ReminderDecisionWaiting, key, []workflow.RecipientKind{workflow.RecipientDeciders, workflow.RecipientCoordinators}, p}, true
	}
	return reminder{}, false
}

// queueReminder writes rem once per person it goes to; a row whose dedupe
// key exists already is skipped by the database.
func (s *Store) queueReminder(ctx context.Context, app *Application, chart *OrgChart, rem reminder, now time.Time) (int, error) {
	tx := s.conn(ctx)
	payload, err := json.Marshal(rem.payload)
	if err != nil {
		return 0, err
	}
	seen := map[int64]bool{}
	n := 0
	for _, kind := range rem.to {
		users, err := s.recipients(ctx, app, chart, workflow.Recipient{Kind: kind})
		if err != nil {
			return 0, err
		}
		for _, u := range users {
			if seen[u.ID] {
				continue
			}
			seen[u.ID] = true
			key := "remind:" + rem.event + ":app:" + itoa(app.ID) + ":" + rem.key + ":u:" + itoa(u.ID)
			uid, appID := u.ID, app.ID
			msg := OutboxMessage{Event: rem.event, ApplicationID: &appID, RecipientID: &uid, RecipientEmail: u.Email,
				Language: u.Language, Payload: string(payload), DedupeKey: &key, Status: OutboxPending,
				NextAttemptAt: now, CreatedAt: now}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&msg)
			if res.Error != nil {
				return 0, res.Error
			}
			n += int(res.RowsAffected)
		}
	}
	return n, nil
}

// reminderZone is the time zone whose calendar days reminders count.
var reminderZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()
