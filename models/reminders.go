package models

import (
	"context"
	"time"

	"mobilityfund/workflow"
)

// reminderBatch is how many applications one transaction of the reminder
// job looks at: a large backlog is written in bounded steps.
const reminderBatch = 500

// A reminder run is bounded, so that the first start on a large
// database with a backlog of overdue reports neither writes tens of
// thousands of mails at once nor reads every application: it looks at
// reminderRunBatches batches at most and stops after the batch in which
// it queued reminderRunQueued mails; the next run (hourly) continues
// where it stopped, and after the last application starts again from the
// first. Its statements are bounded whatever the number of applications.
const (
	reminderRunBatches = 20
	reminderRunQueued  = 1000
)

// QueueReminders writes the reminders due now into the outbox and returns
// how many it wrote, one bounded run at a time (see reminderRunBatches).
// It may run any number of times, from any number of workers: each
// reminder's dedupe key names its event, application, recipient and the
// day or period it is for, so a second run adds nothing. It returns
// database errors as they are.
func (s *Store) QueueReminders(ctx context.Context, r workflow.ReminderRules) (int, error) {
	queued := 0
	after := s.reminderAfter.Load()
	defer func() { s.reminderAfter.Store(after) }()
	for range reminderRunBatches {
		var n, last int
		err := s.WithTx(ctx, func(ctx context.Context) error {
			var err error
			n, last, err = s.queueReminderBatch(ctx, r, after, reminderRunQueued-queued)
			return err
		})
		if err != nil {
			return queued, err
		}
		queued += n
		if last == 0 {
			after = 0
			return queued, nil
		}
		after = int64(last)
		if queued >= reminderRunQueued {
			return queued, nil
		}
	}
	return queued, nil
}

// queueReminderBatch writes the reminders of the next applications after
// id after that may be due for one, and returns how many rows it wrote and
// the last id it looked at (0 when there were none). Once the mails of
// the applications written reach budget it stops after that application,
// and last names it, so that the next run continues with the one after.
func (s *Store) queueReminderBatch(ctx context.Context, r workflow.ReminderRules, after int64, budget int) (queued, last int, err error) {
	db := s.conn(ctx)
	now := s.now()
	var apps []Application
	if err := db.Select("id", "call_id", "unit_id", "created_by", "title", "state", "deadline_extended_to",
		"updated_at", "created_at").Where("state IN ? AND id > ?", workflow.ReminderStates(), after).
		Order("id").Limit(reminderBatch).Find(&apps).Error; err != nil {
		return 0, 0, err
	}
	if len(apps) == 0 {
		return 0, 0, nil
	}
	last = int(apps[len(apps)-1].ID)
	ready := map[int64]time.Time{}
	var events []AuditEvent
	if err := db.Select("application_id", "created_at").
		Where("to_state = ? AND application_id IN (?)", workflow.StateReadyForDecision,
			db.Model(&Application{}).Select("id").Where("state = ? AND id > ? AND id <= ?",
				workflow.StateReadyForDecision, after, last)).
		Order("id").Find(&events).Error; err != nil {
		return 0, 0, err
	}
	for _, e := range events {
		ready[*e.ApplicationID] = e.CreatedAt
	}
	calls, err := s.callsByID(ctx, apps)
	if err != nil {
		return 0, 0, err
	}
	type due struct {
		app *Application
		rem workflow.Reminder
	}
	var dues []due
	var authors []int64
	for i := range apps {
		app := &apps[i]
		call := calls[app.CallID]
		w := workflow.Waiting{State: app.State, Deadline: call.DeadlineAt, DeadlineExtendedTo: deref(app.DeadlineExtendedTo),
			ReportDue: call.ReportDueOn, ReadySince: app.UpdatedAt}
		if t, ok := ready[app.ID]; ok {
			w.ReadySince = t
		}
		if rem, ok := workflow.DueReminder(w, r, now, s.zone); ok {
			dues = append(dues, due{app, rem})
			authors = append(authors, app.CreatedBy)
		}
	}
	if len(dues) == 0 {
		return 0, last, nil
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return 0, 0, err
	}
	idx, err := s.recipients(ctx, authors...)
	if err != nil {
		return 0, 0, err
	}
	out := make([]outgoing, 0, len(dues))
	for _, d := range dues {
		var to []User
		for _, kind := range d.rem.To {
			to = append(to, idx.resolve(d.app, chart, workflow.Recipient{Kind: kind})...)
		}
		out = append(out, outgoing{Event: d.rem.Event, AppID: d.app.ID, To: to,
			Key: "remind:" + string(d.rem.Event) + ":app:" + itoa(d.app.ID) + ":" + d.rem.Key,
			Payload: NoticePayload{Number: d.app.Number(), Title: d.app.Title, State: string(d.app.State),
				Due: d.rem.Due, Days: d.rem.Days}})
		if budget -= len(to); budget <= 0 {
			last = int(d.app.ID)
			break
		}
	}
	queued, err = s.enqueue(ctx, now, out)
	return queued, last, err
}

// callsByID loads the calls of apps, each once.
func (s *Store) callsByID(ctx context.Context, apps []Application) (map[int64]*Call, error) {
	ids := make([]int64, 0, 4)
	seen := map[int64]bool{}
	for _, a := range apps {
		if !seen[a.CallID] {
			seen[a.CallID] = true
			ids = append(ids, a.CallID)
		}
	}
	var calls []Call
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&calls).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]*Call, len(calls))
	for i := range calls {
		out[calls[i].ID] = &calls[i]
	}
	return out, nil
}
