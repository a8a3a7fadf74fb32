package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestPersonalData: anna sees her profile, roles, sessions, applications,
// comments, audit rows and mail on /me/data, and downloads all of it as a
// JSON attachment that is never cached and carries no session secret;
// what she gets is hers only. More audit rows than the page shows are all
// in the download.
func TestPersonalData(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := newApp(t, s)
		anna, _ := s.DemoActor(ctx, "anna")
		sara, _ := s.DemoActor(ctx, "sara")
		var app models.Application
		if err := s.DB().Where("created_by = ?", anna.User.ID).Order("id").First(&app).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddComment(ctx, anna, app.ID, false, "Min fråga om resorna"); err != nil {
			t.Fatal(err)
		}
		// 60 audit rows by anna: more than the page shows.
		rows := make([]models.AuditEvent, 60)
		for i := range rows {
			rows[i] = models.AuditEvent{Entity: "user", EntityID: anna.User.ID, ActorID: &anna.User.ID, Action: "test", CreatedAt: s.Now()}
		}
		if err := s.DB().Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		// Mail to anna and to sara.
		mail := []models.OutboxMessage{
			{Event: workflow.EventReturned, ApplicationID: &app.ID, RecipientID: &anna.User.ID, RecipientEmail: anna.User.Email,
				Language: "sv", Payload: `{"number":"MF-2026-0001","title":"Resan"}`, Status: models.OutboxSent, NextAttemptAt: s.Now(), CreatedAt: s.Now(), SentAt: ptr(s.Now())},
			{Event: workflow.EventReturned, ApplicationID: &app.ID, RecipientID: &sara.User.ID, RecipientEmail: sara.User.Email,
				Language: "sv", Payload: `{"number":"MF-2026-0001","title":"Hemligt"}`, Status: models.OutboxSent, NextAttemptAt: s.Now(), CreatedAt: s.Now()},
		}
		if err := s.DB().Create(&mail).Error; err != nil {
			t.Fatal(err)
		}

		c := a.client()
		c.login(anna)
		r := c.get("/me/data")
		if r.status != http.StatusOK {
			t.Fatalf("/me/data: %d", r.status)
		}
		for _, want := range []string{anna.User.Name, anna.User.Email, app.Title, "Min fråga om resorna",
			c.t("role.applicant"), "MF-2026-0001: Ansökan behöver kompletteras – Resan", `href="/me/data.json"`,
			"arkivlagen", "24 månader", "Integritetsskyddsmyndigheten", `href="/me/data" aria-current="page"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("/me/data does not show %q", want)
			}
		}
		if strings.Contains(r.body, "Hemligt") || strings.Contains(r.body, sara.User.Email) {
			t.Error("/me/data shows someone else's mail")
		}
		auditPart := r.body[strings.Index(r.body, `id="pd-audit"`):strings.Index(r.body, `id="pd-mail"`)]
		if n := strings.Count(auditPart, "<tr>") - 1; n != 50 || !strings.Contains(auditPart, "<td>test</td>") {
			t.Errorf("the page shows %d audit rows, want the newest 50", n)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("page Cache-Control %q", r.header.Get("Cache-Control"))
		}

		r = c.get("/me/data.json")
		if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Fatalf("download: %d %v", r.status, r.header)
		}
		var doc struct {
			Profile struct {
				Name, Email, Subject string
			}
			Grants       []map[string]any
			Sessions     []map[string]any
			Applications []map[string]any
			Comments     []map[string]any
			Reports      []map[string]any
			Audit        []map[string]any
			Mail         []struct{ Subject, To string }
		}
		if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatalf("download is not JSON: %v\n%s", err, r.body)
		}
		if doc.Profile.Name != anna.User.Name || doc.Profile.Email != anna.User.Email || doc.Profile.Subject != "anna" ||
			len(doc.Grants) == 0 || len(doc.Sessions) != 1 || len(doc.Applications) < 2 || len(doc.Comments) != 1 {
			t.Errorf("download: %+v", doc)
		}
		if len(doc.Audit) < 61 {
			t.Errorf("download has %d audit rows, want every one", len(doc.Audit))
		}
		if len(doc.Mail) != 1 || doc.Mail[0].To != anna.User.Email || !strings.Contains(doc.Mail[0].Subject, "Resan") {
			t.Errorf("mail in the download: %+v", doc.Mail)
		}
		for _, secret := range []string{"token_hash", "TokenHash", "IDToken", "id_token", "Hemligt"} {
			if strings.Contains(r.body, secret) {
				t.Errorf("the download contains %q", secret)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
