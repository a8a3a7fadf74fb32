package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mobilityfund/config"
	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/workflow"
)

// submitDemoDraft has anna submit her demo draft, which queues three
// notifications (her receipt, james's, and the unit head's request).
func submitDemoDraft(t *testing.T, s *models.Store) {
	t.Helper()
	ctx := context.Background()
	anna, err := s.DemoActor(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	var app models.Application
	if err := s.DB().Where("title LIKE ?", "Utbytesvecka i Bologna%").First(&app).Error; err != nil {
		t.Fatal(err)
	}
	calls, err := s.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, app.ID, app.Version, anna, workflow.ActionSubmit,
		workflow.Input{Now: calls[0].OpensAt.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
}

func TestMailAdminPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		ctx := context.Background()
		submitDemoDraft(t, s)
		claim, err := s.ClaimOutbox(ctx, 1, time.Minute)
		if err != nil || len(claim.Messages) != 1 {
			t.Fatalf("claim: %v", err)
		}
		failed := claim.Messages[0]
		if err := s.MarkOutboxAttempt(ctx, failed.ID, claim.Token, "550 <mailbox> unavailable", s.Now(), true); err != nil {
			t.Fatal(err)
		}
		retry := "/admin/mail/" + itoa(failed.ID) + "/retry"

		anon := a.client()
		if r := anon.get("/admin/mail"); r.status != http.StatusSeeOther {
			t.Errorf("anonymous GET = %d, want a redirect to sign in", r.status)
		}
		applicant := a.client()
		applicant.login(a.demoUser(workflow.RoleApplicant, nil))
		if r := applicant.get("/admin/mail"); r.status != http.StatusForbidden {
			t.Errorf("applicant GET = %d", r.status)
		}
		if r := applicant.post(retry, url.Values{}); r.status != http.StatusForbidden {
			t.Errorf("applicant retry = %d", r.status)
		}

		admin := a.client()
		admin.login(a.demoUser(workflow.RoleAdmin, nil))
		r := admin.get("/admin/mail")
		if r.status != http.StatusOK || !strings.Contains(r.body, "550 &lt;mailbox&gt; unavailable") ||
			!strings.Contains(r.body, `action="`+retry+`"`) || !strings.Contains(r.body, failed.RecipientEmail) {
			t.Fatalf("admin page: %d\n%s", r.status, r.body)
		}
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+retry, strings.NewReader(""))
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := admin.do(req); r.status != http.StatusForbidden {
			t.Errorf("cross-site retry = %d", r.status)
		}
		if row, _ := s.OutboxByID(ctx, failed.ID); row.Status != models.OutboxFailed {
			t.Fatalf("refused retries changed the row: %s", row.Status)
		}
		r = admin.post(retry, url.Values{})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/mail?retried="+itoa(failed.ID) {
			t.Fatalf("retry = %d to %q", r.status, r.header.Get("Location"))
		}
		row, err := s.OutboxByID(ctx, failed.ID)
		if err != nil || row.Status != models.OutboxPending || row.Attempts != 0 {
			t.Errorf("after retry: %+v %v", row, err)
		}
		if r := admin.get("/admin/mail?retried=" + itoa(failed.ID)); !strings.Contains(r.body, "skickas vid nästa försök") {
			t.Errorf("no confirmation after retry")
		}
		if r := admin.post("/admin/mail/999999/retry", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("retry of an unknown message = %d", r.status)
		}
		if r := admin.get("/admin/mail/1/retry"); r.status == http.StatusOK || r.status == http.StatusSeeOther {
			t.Errorf("GET retry = %d; only POST may change anything", r.status)
		}
	})
}

// TestDevMailbox delivers without SMTP_HOST and finds the rendered mail on
// the development mailbox page.
func TestDevMailbox(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()
		if r := c.get("/dev/mailbox"); r.status != http.StatusOK || !strings.Contains(r.body, "Inga meddelanden") {
			t.Fatalf("empty mailbox: %d", r.status)
		}
		submitDemoDraft(t, s)
		cfg, err := config.Load(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		w, err := notify.New(s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.DeliverPending(context.Background()); err != nil || n != 3 {
			t.Fatalf("delivered %d, %v", n, err)
		}
		r := c.get("/dev/mailbox")
		for _, want := range []string{"Ansökan inskickad", "Application submitted", "anna.lindqvist@example.org",
			"&lt;!DOCTYPE html&gt;", cfg.BaseURL + "/applications/"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("mailbox page lacks %q", want)
			}
		}
	})
}
