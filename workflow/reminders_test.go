package workflow

import (
	"testing"
	"time"
)

func TestDueReminder(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	rules := ReminderRules{DeadlineDays: 7, ReportDays: 14, OverdueEveryDays: 7, DecisionWaitDays: 7}
	// 23:30 UTC on 30 March is already 31 March in Stockholm (summer time).
	now := time.Date(2026, 3, 30, 23, 30, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		w    Waiting
		ok   bool
		want Reminder
	}{
		{"DraftWithinAWeek", Waiting{State: StateDraft, Deadline: now.Add(72 * time.Hour)}, true,
			Reminder{Event: EventReminderCallDeadline, Key: "2026-04-03", Due: "2026-04-03"}},
		{"DraftTooEarly", Waiting{State: StateDraft, Deadline: now.AddDate(0, 0, 8)}, false, Reminder{}},
		{"DraftAfterDeadline", Waiting{State: StateDraft, Deadline: now.Add(-time.Minute)}, false, Reminder{}},
		{"DraftExtended", Waiting{State: StateDraft, Deadline: now.Add(-time.Hour), DeadlineExtendedTo: now.Add(time.Hour)}, true,
			Reminder{Event: EventReminderCallDeadline, Key: "2026-03-31", Due: "2026-03-31"}},
		{"ReportDueInStockholmDays", Waiting{State: StateBooked, ReportDue: day(2026, 4, 1)}, true,
			Reminder{Event: EventReminderReportDue, Key: "2026-04-01", Due: "2026-04-01", Days: 1}},
		{"ReportDueToday", Waiting{State: StateReportRevision, ReportDue: day(2026, 3, 31)}, true,
			Reminder{Event: EventReminderReportDue, Key: "2026-03-31", Due: "2026-03-31", Days: 0}},
		{"ReportOverdueFirstPeriod", Waiting{State: StateBooked, ReportDue: day(2026, 3, 24)}, true,
			Reminder{Event: EventReminderReportOverdue, Key: "2026-03-24:p0", Due: "2026-03-24", Days: 7}},
		{"ReportOverdueSecondPeriod", Waiting{State: StateBooked, ReportDue: day(2026, 3, 23)}, true,
			Reminder{Event: EventReminderReportOverdue, Key: "2026-03-23:p1", Due: "2026-03-23", Days: 8}},
		{"ReportFarAway", Waiting{State: StateBooked, ReportDue: day(2026, 5, 1)}, false, Reminder{}},
		{"DecisionWaiting", Waiting{State: StateReadyForDecision, ReadySince: now.AddDate(0, 0, -15)}, true,
			Reminder{Event: EventReminderDecisionWaiting, Key: "2026-03-16:p2", Days: 15}},
		{"DecisionNotYet", Waiting{State: StateReadyForDecision, ReadySince: now.AddDate(0, 0, -6)}, false, Reminder{}},
		{"GrantedHasNone", Waiting{State: StateGranted}, false, Reminder{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DueReminder(tt.w, rules, now, loc)
			got.To = nil
			if ok != tt.ok || got.Event != tt.want.Event || got.Key != tt.want.Key || got.Due != tt.want.Due || got.Days != tt.want.Days {
				t.Errorf("DueReminder = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
