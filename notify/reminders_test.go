package notify_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// remind runs the reminder scheduler and the delivery at the store's
// clock and returns the mail whose subject contains phrase.
func (e *env) remind(phrase string) (queued int, mails []notifyMessage) {
	e.t.Helper()
	n, err := e.w.QueueReminders(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range e.deliver() {
		if strings.Contains(m.Subject, phrase) {
			mails = append(mails, m)
		}
	}
	return n, mails
}

func (e *env) setClock(t time.Time) { e.s.SetClock(func() time.Time { return t }) }

func recipients(mails []notifyMessage) []string {
	var out []string
	for _, m := range mails {
		out = append(out, m.To[0])
	}
	slices.Sort(out)
	return out
}

// TestReminderOnce runs each reminder twice on the same day: one mail.
func TestReminderOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		calls, _ := s.Calls(e.ctx)
		call := calls[0]

		t.Run("CallDeadline", func(t *testing.T) {
			e.setClock(call.DeadlineAt.Add(-3 * 24 * time.Hour))
			_, mails := e.remind("sista dag att skicka in")
			en := 0
			for _, m := range e.smtp.Messages() {
				if strings.Contains(m.Subject, "the deadline for submission is 2026-12-31") {
					en++
				}
			}
			if got := recipients(mails); !slices.Equal(got, []string{anna}) || en != 1 {
				t.Fatalf("deadline reminder went to %v and %d English readers", got, en)
			}
			if n, again := e.remind("sista dag"); n != 0 || len(again) != 0 {
				t.Fatalf("second run: %d queued, %d mails", n, len(again))
			}
		})

		t.Run("Report", func(t *testing.T) {
			e.apply(e.app("Partnerbesök"), "peter", workflow.ActionBook, workflow.Input{})
			due := call.ReportDueOn
			e.setClock(time.Date(due.Year(), due.Month(), due.Day()-10, 9, 0, 0, 0, time.UTC))
			_, mails := e.remind("återrapporten ska skickas in senast 2027-06-30")
			if got := recipients(mails); !slices.Equal(got, []string{erik}) || !strings.Contains(mails[0].Text, "om 10 dagar") {
				t.Fatalf("report due reminder went to %v", got)
			}
			if n, again := e.remind("redovisningen"); n != 0 || len(again) != 0 {
				t.Fatalf("second run: %d queued, %d mails", n, len(again))
			}
			e.setClock(time.Date(due.Year(), due.Month(), due.Day()+3, 9, 0, 0, 0, time.UTC))
			_, mails = e.remind("Återrapporten är försenad")
			if got := recipients(mails); !slices.Equal(got, []string{erik}) || !strings.Contains(mails[0].Text, "3 dagar försenad") {
				t.Fatalf("overdue reminder went to %v", got)
			}
			if n, again := e.remind("försenad"); n != 0 || len(again) != 0 {
				t.Fatalf("second overdue run: %d queued, %d mails", n, len(again))
			}
			// A week later it is reminded of again.
			e.setClock(time.Date(due.Year(), due.Month(), due.Day()+10, 9, 0, 0, 0, time.UTC))
			if _, mails = e.remind("försenad"); len(mails) != 1 {
				t.Fatalf("a week later: %d overdue reminders", len(mails))
			}
		})
	})
}

// TestDecisionWaitingReminder tells the deciders and coordinators about an
// application that has waited longer than the rule allows, once.
func TestDecisionWaitingReminder(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		app := e.app("Språkstöd")
		var since models.AuditEvent
		if err := s.DB().Where("application_id = ? AND to_state = ?", app.ID, workflow.StateReadyForDecision).
			Order("id DESC").First(&since).Error; err != nil {
			t.Fatal(err)
		}
		e.setClock(since.CreatedAt.Add(6 * 24 * time.Hour))
		if _, mails := e.remind("på beslut"); len(mails) != 0 {
			t.Fatalf("%d reminders before the wait was over", len(mails))
		}
		e.setClock(since.CreatedAt.Add(8 * 24 * time.Hour))
		_, mails := e.remind("Ansökan har väntat 8 dagar på beslut")
		if got := recipients(mails); !slices.Equal(got, []string{karin, sara}) {
			t.Fatalf("decision reminder went to %v", got)
		}
		if n, again := e.remind("på beslut"); n != 0 || len(again) != 0 {
			t.Fatalf("second run: %d queued, %d mails", n, len(again))
		}
	})
}
