package workflow

import (
	"strconv"
	"time"
)

// ReminderRules say when reminders are due, in whole days.
type ReminderRules struct {
	DeadlineDays     int // before the (personal) call deadline, to applicants with a draft
	ReportDays       int // before the call's report due date, to applicants of paid-out applications
	OverdueEveryDays int // how often an overdue report is reminded of again
	DecisionWaitDays int // how long an application may wait for a decision before deciders and coordinators hear of it
}

// ReminderStates are the states in which an application can be due for a
// reminder.
func ReminderStates() []State {
	return []State{StateDraft, StateBooked, StateReportRevision, StateReadyForDecision}
}

// Waiting is what the reminder rules need to know of one application.
type Waiting struct {
	State              State
	Deadline           time.Time // the call's deadline
	DeadlineExtendedTo time.Time // the application's own, when a coordinator extended it
	ReportDue          time.Time // the call's report due date: a calendar day at midnight UTC
	ReadySince         time.Time // when it last became ready for decision
}

// Reminder is one reminder an application is due for. Key tells one
// reminder from the next of the same event: the day or the period it is
// for, so that writing the reminders twice in that day or period yields
// one. Due is the calendar day it is about (YYYY-MM-DD), Days how many
// days are left or have passed.
type Reminder struct {
	Event Event
	Key   string
	To    []RecipientKind
	Due   string
	Days  int
}

// DueReminder says which reminder, if any, w is due for at now. Calendar
// days are those of loc, the university's time zone.
func DueReminder(w Waiting, r ReminderRules, now time.Time, loc *time.Location) (Reminder, bool) {
	day := func(t time.Time) string { return t.In(loc).Format(time.DateOnly) }
	applicants := []RecipientKind{RecipientApplicants}
	switch w.State {
	case StateDraft:
		deadline := w.Deadline
		if !w.DeadlineExtendedTo.IsZero() {
			deadline = w.DeadlineExtendedTo
		}
		if !now.Before(deadline) || now.Before(deadline.AddDate(0, 0, -r.DeadlineDays)) {
			return Reminder{}, false
		}
		due := day(deadline)
		return Reminder{Event: EventReminderCallDeadline, Key: due, To: applicants, Due: due}, true
	case StateBooked, StateReportRevision:
		y, m, d := now.In(loc).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		due := time.Date(w.ReportDue.Year(), w.ReportDue.Month(), w.ReportDue.Day(), 0, 0, 0, 0, time.UTC)
		left := int(due.Sub(today).Hours() / 24)
		rem := Reminder{To: applicants, Due: due.Format(time.DateOnly)}
		switch {
		case left > r.ReportDays:
			return Reminder{}, false
		case left >= 0:
			rem.Event, rem.Key, rem.Days = EventReminderReportDue, rem.Due, left
			return rem, true
		}
		period := (-left - 1) / max(r.OverdueEveryDays, 1)
		rem.Event, rem.Key, rem.Days = EventReminderReportOverdue, rem.Due+":p"+strconv.Itoa(period), -left
		return rem, true
	case StateReadyForDecision:
		waited := int(now.Sub(w.ReadySince).Hours() / 24)
		if r.DecisionWaitDays <= 0 || waited < r.DecisionWaitDays {
			return Reminder{}, false
		}
		return Reminder{Event: EventReminderDecisionWaiting, Days: waited,
			Key: day(w.ReadySince) + ":p" + strconv.Itoa(waited/r.DecisionWaitDays),
			To:  []RecipientKind{RecipientDeciders, RecipientCoordinators}}, true
	}
	return Reminder{}, false
}
