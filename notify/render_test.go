package notify_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/workflow"
)

// TestEveryEventHasTemplates fails when an event, of the workflow's
// notices or of the reminders, lacks a template in either language.
// workflow's own tests check that every notice of the lifecycle uses an
// event workflow.Events lists.
func TestEveryEventHasTemplates(t *testing.T) {
	t.Parallel()
	r, err := notify.NewRenderer(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	events := notify.Events()
	if len(events) < 20 {
		t.Fatalf("only %d events", len(events))
	}
	for _, ev := range events {
		for _, lang := range notify.Languages {
			if !r.Has(lang, ev) {
				t.Errorf("event %q has no %s template", ev, lang)
			}
		}
	}
	// Every template renders with a full payload, in both languages.
	for _, ev := range events {
		if slices.Contains(workflow.RoleEvents(), ev) {
			continue // about a person, not an application: below
		}
		for _, lang := range notify.Languages {
			id := int64(7)
			p, _ := json.Marshal(map[string]any{"number": "MF-2026-0007", "title": "Titel <b>&", "action": "grant",
				"comment": "Motivering\npå två rader", "amount_ore": 12_345_00, "due": "2026-12-31", "days": 3})
			m, err := r.Render(models.ClaimedMessage{RecipientName: "Anna", OutboxMessage: models.OutboxMessage{
				ID: 1, Event: ev, Language: lang, ApplicationID: &id, RecipientEmail: "anna@example.org",
				Payload: string(p), CreatedAt: time.Now()}})
			if err != nil {
				t.Errorf("%s/%s: %v", lang, ev, err)
				continue
			}
			if !strings.Contains(m.Subject, "MF-2026-0007") || strings.Contains(m.Text, "<no value>") ||
				!strings.Contains(m.HTML, "Titel &lt;b&gt;&amp;") || strings.Contains(m.HTML, "<b>") {
				t.Errorf("%s/%s rendered badly:\n%s\n%s\n%s", lang, ev, m.Subject, m.Text, m.HTML)
			}
		}
	}
	for _, ev := range workflow.RoleEvents() {
		for _, lang := range notify.Languages {
			p, _ := json.Marshal(models.NoticePayload{Person: "Sara <i>", PersonID: 4, Role: "finance", Unit: "HUMUS",
				ActorName: "Eva", ValidFrom: "2026-01-01", ValidTo: "2026-06-30"})
			m, err := r.Render(models.ClaimedMessage{RecipientName: "Anna", OutboxMessage: models.OutboxMessage{
				ID: 1, Event: ev, Language: lang, RecipientEmail: "anna@example.org", Payload: string(p), CreatedAt: time.Now()}})
			if err != nil {
				t.Errorf("%s/%s: %v", lang, ev, err)
				continue
			}
			if !strings.Contains(m.Subject, "Sara <i>") || strings.Contains(m.Text, "<no value>") || strings.Contains(m.Text, "MF-") ||
				!strings.Contains(m.Text, baseURL+"/admin/people/4") || !strings.Contains(m.HTML, "Sara &lt;i&gt;") ||
				!strings.Contains(m.Text, "HUMUS") {
				t.Errorf("%s/%s rendered badly:\n%s\n%s\n%s", lang, ev, m.Subject, m.Text, m.HTML)
			}
		}
	}
	_, err = r.Render(models.ClaimedMessage{OutboxMessage: models.OutboxMessage{Event: "no_such_event", Language: "sv", Payload: "{}"}})
	if !errors.Is(err, notify.ErrNoTemplate) {
		t.Errorf("unknown event: err = %v", err)
	}
}

// TestHeaderInjection puts CR/LF and a Bcc header into an application's
// title and a person's name; the mail keeps them out of its headers and
// goes to the intended recipients only.
func TestHeaderInjection(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		app := e.app("Utbytesvecka i Bologna")
		evil := "Resa\r\nBcc: thief@evil.example\r\nSubject: Vunnit\n\rX-Evil: 1"
		if err := s.DB().Model(&models.Application{}).Where("id = ?", app.ID).Update("title", evil).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Model(&models.User{}).Where("email = ?", anna).Update("name", "Anna\r\nBcc: thief2@evil.example").Error; err != nil {
			t.Fatal(err)
		}
		app.Title = evil
		e.apply(app, "anna", workflow.ActionSubmit, workflow.Input{})
		got := e.deliver()
		if len(got) != 3 {
			t.Fatalf("%d mails, want 3", len(got))
		}
		for _, m := range got {
			if len(m.To) != 1 || strings.Contains(m.To[0], "evil") {
				t.Errorf("envelope recipients %v", m.To)
			}
			for _, h := range []string{"Bcc", "X-Evil"} {
				if v := m.Header.Get(h); v != "" {
					t.Errorf("header %s: %q reached the mail", h, v)
				}
			}
			if len(m.Header["Subject"]) != 1 || !strings.Contains(m.Subject, "Resa Bcc: thief@evil.example Subject: Vunnit X-Evil: 1") {
				t.Errorf("subject %q", m.Subject)
			}
			head, _, _ := strings.Cut(string(m.Raw), "\r\n\r\n")
			if strings.Contains(head, "\r\nBcc:") || strings.Contains(head, "\nX-Evil") {
				t.Errorf("raw header carries the injected lines:\n%s", head)
			}
		}
	})
}
