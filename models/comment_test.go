package models_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// outboxTo lists who got mail of event about application id, by email,
// in the order the rows were written.
func outboxTo(t *testing.T, s *models.Store, id int64, event workflow.Event) []string {
	t.Helper()
	var rows []models.OutboxMessage
	if err := s.DB().Where("application_id = ? AND event = ?", id, event).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.RecipientEmail
	}
	return out
}

// TestConversation has anna and sara talk on a HUMUS application and sara
// write an internal note: each comment goes by mail to the other side
// only, the note never reaches an applicant (page, mail), comments can be
// corrected for 15 minutes and struck with a reason, and the contact
// person is addressed first. Relies on the demo people anna, james
// (HUMUS applicants), maria (head of HUMUS), sara, karin and peter.
func TestConversation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := demoApp(t, s, "Språkstöd inför utlandsstudier")
		start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		now := start
		s.SetClock(func() time.Time { return now })
		anna, james, maria := mustActor(t, s, "anna"), mustActor(t, s, "james"), mustActor(t, s, "maria")
		sara, karin, peter := mustActor(t, s, "sara"), mustActor(t, s, "karin"), mustActor(t, s, "peter")

		if _, err := s.SetContact(ctx, anna, app.ID, james.User.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetContact(ctx, anna, app.ID, peter.User.ID); !isInvalid(err, "contact") {
			t.Errorf("finance as contact person: %v", err)
		}
		if _, err := s.SetContact(ctx, maria, app.ID, anna.User.ID); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("unit head changes the contact person: %v", err)
		}

		q, err := s.AddComment(ctx, anna, app.ID, false, "Får vi använda medlen till tolk på plats?")
		if err != nil {
			t.Fatal(err)
		}
		if got := outboxTo(t, s, app.ID, workflow.EventComment); !slices.Equal(got, []string{sara.User.Email}) {
			t.Errorf("anna's comment went to %v, want sara only", got)
		}
		now = now.Add(time.Minute)
		if _, err := s.AddComment(ctx, sara, app.ID, false, "Ja, om det står i budgeten."); err != nil {
			t.Fatal(err)
		}
		got := outboxTo(t, s, app.ID, workflow.EventComment)[1:]
		if len(got) != 2 || got[0] != james.User.Email || !slices.Contains(got, anna.User.Email) {
			t.Errorf("sara's comment went to %v, want james (contact person) first, then anna", got)
		}
		if _, err := s.AddComment(ctx, maria, app.ID, false, "Prefekten skriver"); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("unit head writes a comment: %v", err)
		}
		if _, err := s.AddComment(ctx, anna, app.ID, true, "En sökande skriver internt"); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("applicant writes a note: %v", err)
		}
		if _, err := s.AddComment(ctx, sara, app.ID, false, "  \n "); !isInvalid(err, "body") {
			t.Errorf("empty comment: %v", err)
		}

		const secret = "Internt: tolkkostnaden verkar hög, jämför med förra året."
		if _, err := s.AddComment(ctx, sara, app.ID, true, secret); err != nil {
			t.Fatal(err)
		}
		notes := outboxTo(t, s, app.ID, workflow.EventInternalNote)
		// The application waits for a decision: the deciders hear of it too.
		if !slices.Contains(notes, maria.User.Email) || !slices.Contains(notes, karin.User.Email) ||
			slices.Contains(notes, sara.User.Email) || slices.Contains(notes, anna.User.Email) || slices.Contains(notes, james.User.Email) {
			t.Errorf("the note went to %v", notes)
		}
		var leaked int64
		if err := s.DB().Model(&models.OutboxMessage{}).Where("recipient_email IN ? AND payload LIKE ?",
			[]string{anna.User.Email, james.User.Email}, "%tolkkostnaden%").Count(&leaked).Error; err != nil || leaked != 0 {
			t.Errorf("%d mails to applicants carry the note (%v)", leaked, err)
		}
		for _, who := range []*models.Actor{anna, james, peter} {
			c, err := s.ConversationFor(ctx, who, app.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Notes) != 0 || c.Access.ReadNotes || len(c.Comments) != 2 {
				t.Errorf("%s sees %d notes, %d comments", who.User.Name, len(c.Notes), len(c.Comments))
			}
		}
		for _, who := range []*models.Actor{sara, karin, maria} {
			c, err := s.ConversationFor(ctx, who, app.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Notes) != 1 || c.Notes[0].Body != secret {
				t.Errorf("%s does not see the note: %+v", who.User.Name, c.Notes)
			}
		}
		tl, err := s.Timeline(ctx, app.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			if strings.HasPrefix(e.Action, "note_") || strings.Contains(e.Comment, "tolkkostnaden") {
				t.Errorf("the timeline shows the note: %+v", e)
			}
		}

		// Corrections within 15 minutes, by the author only.
		now = start.Add(10 * time.Minute)
		if _, err := s.EditComment(ctx, sara, app.ID, q.ID, q.Version, "Ändrat av någon annan"); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("someone else corrects: %v", err)
		}
		q2, err := s.EditComment(ctx, anna, app.ID, q.ID, q.Version, "Får vi använda medlen till tolk på plats i Bologna?")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EditComment(ctx, anna, app.ID, q.ID, q.Version, "Gammal version"); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale correction: %v", err)
		}
		now = start.Add(16 * time.Minute)
		if _, err := s.EditComment(ctx, anna, app.ID, q.ID, q2.Version, "För sent"); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Errorf("correction after 15 minutes: %v", err)
		}
		// Never deleted: struck with a reason, and still there.
		if _, err := s.StrikeComment(ctx, anna, app.ID, q.ID, q2.Version, " "); !isInvalid(err, "reason") {
			t.Errorf("strike without reason: %v", err)
		}
		if _, err := s.StrikeComment(ctx, anna, app.ID, q.ID, q2.Version, "Frågan gällde en annan ansökan."); err != nil {
			t.Fatal(err)
		}
		c, _ := s.ConversationFor(ctx, sara, app.ID)
		if len(c.Comments) != 2 || c.Comments[0].StruckAt == nil || c.Comments[0].StrikeReason != "Frågan gällde en annan ansökan." ||
			c.Comments[0].StruckName != anna.User.Name || c.Comments[0].Body == "" {
			t.Errorf("struck comment %+v", c.Comments[0])
		}
		var audit []models.AuditEvent
		if err := s.DB().Where("entity = ? AND entity_id = ?", "comment", q.ID).Order("id").Find(&audit).Error; err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, a := range audit {
			actions = append(actions, a.Action)
		}
		if !slices.Equal(actions, []string{"comment_add", "comment_edit", "comment_strike"}) || audit[1].Comment != "Får vi använda medlen till tolk på plats?" {
			t.Errorf("audit of the comment: %v", audit)
		}
	})
}

func isInvalid(err error, field string) bool {
	var v *workflow.ValidationError
	return errors.As(err, &v) && v.Fields[field] != ""
}
