package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"mobilityfund/internal/browsertest"
	"mobilityfund/internal/pdftest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/workflow"
)

// TestConversation has an applicant and a coordinator exchange comments
// on the demo's HUMUS application that waits for a decision, through the
// pages, with mail to the other side each time, and the coordinator
// write an internal note that the applicant never sees: not on the page,
// not in the notes tab, not in mail, not in the application's PDF. Every
// page is checked with axe-core. Relies on the demo people Anna
// Lindqvist, James Whitfield and Sara Ekberg.
func TestConversation(t *testing.T) {
	b := browsertest.Start(t)
	j := newJourney(t, b, "sv", "conversation")
	ctx := context.Background()
	var app models.Application
	if err := j.a.store.DB().Where("title = ?", "Språkstöd inför utlandsstudier").First(&app).Error; err != nil {
		t.Fatal(err)
	}
	j.app = fmt.Sprintf("/applications/%d", app.ID)
	tab := j.tab
	mails := func(event workflow.Event, to string) []string {
		t.Helper()
		var rows []models.OutboxMessage
		if err := j.a.store.DB().Where("application_id = ? AND event = ? AND recipient_email = ?", app.ID, event, to).Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		r, err := notify.NewRenderer(j.a.srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range rows {
			mail, err := r.Render(models.ClaimedMessage{OutboxMessage: m, RecipientName: to})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, mail.Subject+"\n"+mail.Text)
		}
		return out
	}
	person := func(subject string) *models.Actor {
		a, err := j.a.store.DemoActor(ctx, subject)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	anna, james, sara := person("anna"), person("james"), person("sara")

	// The applicant asks, and names James as the contact person.
	j.as("Anna Lindqvist")
	tab.Open(j.app)
	j.page("application with conversation", j.l.T("conversation.heading"), j.l.T("conversation.none"))
	tab.Choose("#contact-contact", fmt.Sprint(james.User.ID))
	tab.Submit(`form[action="` + j.app + `/contact"] button[type=submit]`)
	j.page("contact person changed", j.l.T("done.contact"), "James Whitfield")
	tab.Submit(`form[action="` + j.app + `/comments"] button[type=submit]`)
	j.page("empty comment", j.l.T("error.required"))
	j.errorLinksResolve("empty comment")
	tab.Type("#comment-body", "Får vi använda medlen till tolk på plats i Bologna?")
	tab.Submit(`form[action="` + j.app + `/comments"] button[type=submit]`)
	j.page("comment sent", j.l.T("done.comment"), "Får vi använda medlen till tolk")
	if m := mails(workflow.EventComment, sara.User.Email); len(m) != 1 || !strings.Contains(m[0], "tolk på plats i Bologna") || !strings.Contains(m[0], "Kontaktperson: James Whitfield") {
		t.Errorf("the coordinator's mail: %q", m)
	}

	// The coordinator answers and writes an internal note.
	j.as("Sara Ekberg")
	tab.Open(j.app)
	j.page("conversation as coordinator", "Får vi använda medlen till tolk", j.l.T("conversation.internal_tab"))
	tab.Type("#comment-body", "Ja, om tolken står i budgeten.")
	tab.Submit(`form[action="` + j.app + `/comments"] button[type=submit]`)
	j.page("answer sent", j.l.T("done.comment"), "Ja, om tolken står i budgeten.")
	tab.Open(j.app + "?tab=notes")
	j.page("internal notes", j.l.T("conversation.internal_hint"))
	const secret = "Internt: tolkkostnaden är hög jämfört med förra året."
	tab.Type("#note-body", secret)
	tab.Submit(`form[action="` + j.app + `/comments"] button[type=submit]`)
	j.page("note saved", j.l.T("done.note"), secret)
	// James reads English.
	m := mails(workflow.EventComment, james.User.Email)
	if len(m) != 1 || !strings.Contains(m[0], "Ja, om tolken står i budgeten.") || !strings.Contains(m[0], "You are the application's contact person.") {
		t.Errorf("the contact person's mail: %q", m)
	}
	if m := mails(workflow.EventComment, anna.User.Email); len(m) != 1 || !strings.Contains(m[0], "Kontaktperson: James Whitfield") {
		t.Errorf("the applicant's mail: %q", m)
	}

	// The note stays internal.
	j.as("Anna Lindqvist")
	for _, path := range []string{j.app, j.app + "?tab=notes"} {
		tab.Open(path)
		j.page("applicant's view", "Ja, om tolken står i budgeten.")
		if strings.Contains(tab.Text(), "tolkkostnaden") || strings.Contains(tab.Text(), j.l.T("conversation.internal_tab")) {
			t.Errorf("%s shows the applicant the internal note", path)
		}
	}
	for _, to := range []string{anna.User.Email, james.User.Email} {
		for _, ev := range []workflow.Event{workflow.EventComment, workflow.EventInternalNote} {
			for _, mail := range mails(ev, to) {
				if strings.Contains(mail, "tolkkostnaden") {
					t.Errorf("mail to %s carries the internal note", to)
				}
			}
		}
	}
	status, pdf := tab.Fetch(j.app + "/pdf")
	if status != 200 {
		t.Fatalf("application PDF: %d", status)
	}
	if text := pdftest.Flat(t, pdf); strings.Contains(text, "tolkkostnaden") || !strings.Contains(text, "Ja, om tolken står i budgeten.") {
		t.Errorf("the applicant's PDF:\n%s", text)
	}
}
