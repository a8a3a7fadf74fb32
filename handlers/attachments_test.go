package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// upload posts a file as a browser's file input would.
func (c *client) upload(path, name string, data []byte) response {
	c.a.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// TestAttachmentPages uploads, downloads and removes a file through the
// pages, and checks that a file of the wrong type is refused and that
// outsiders cannot fetch it.
func TestAttachmentPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		rows, err := s.Applications(context.Background(), workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateDraft})
		if err != nil || len(rows) != 1 {
			t.Fatalf("demo drafts: %d, %v", len(rows), err)
		}
		page := "/applications/" + itoa(rows[0].ID)
		anna := a.demo("anna")
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		if r := anna.upload(page+"/attachments", "Budget 2026.pdf", pdf); r.status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", r.status, r.body)
		}
		expect(t, "refused type", anna.upload(page+"/attachments", "evil.pdf", []byte("<html><script>x</script>")),
			http.StatusUnprocessableEntity, "Endast PDF")
		r := anna.get(page)
		expect(t, "listed", r, http.StatusOK, "Budget 2026.pdf")
		i := strings.Index(r.body, page+"/attachments/")
		href := r.body[i : i+strings.IndexByte(r.body[i:], '"')]

		dl := anna.get(href)
		if dl.status != http.StatusOK || dl.body != string(pdf) || dl.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment;") {
			t.Errorf("download: %d %q %q", dl.status, dl.header.Get("Content-Type"), dl.header.Get("Content-Disposition"))
		}
		if r := a.demo("erik").get(href); r.status != http.StatusNotFound {
			t.Errorf("erik downloading anna's attachment: %d, want 404", r.status)
		}
		if r := a.client().get(href); r.status != http.StatusSeeOther {
			t.Errorf("anonymous download: %d, want a redirect to sign in", r.status)
		}
		if r := anna.post(href+"/delete", url.Values{}); r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d", r.status)
		}
		if r := anna.get(href); r.status != http.StatusNotFound {
			t.Errorf("deleted attachment: %d, want 404", r.status)
		}
	})
}

// TestDeadlineExtension checks that a late draft cannot be submitted, and
// can be once a coordinator extends the deadline for it.
func TestDeadlineExtension(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		s.SetClock(func() time.Time { return inCallWindow })
		a := newApp(t, s)
		ctx := context.Background()
		rows, _ := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateDraft})
		page := "/applications/" + itoa(rows[0].ID)
		late := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return late })

		anna := a.demo("anna")
		expect(t, "late draft", anna.get(page), http.StatusOK, "sista ansökningsdag har passerat")
		expect(t, "late submit", anna.post(page+"/actions/submit", url.Values{"version": {itoa(int64(rows[0].Version))}}),
			http.StatusConflict, "Sista ansökningsdag har passerat")

		sara := a.demo("sara")
		id := page[len("/applications/"):]
		expect(t, "extension in the past", sara.post(page+"/actions/extend_deadline",
			url.Values{"version": {version(t, sara, id)}, "extend_to": {"2027-01-05"}}),
			http.StatusUnprocessableEntity, "måste ligga efter")
		if r := sara.post(page+"/actions/extend_deadline", url.Values{"version": {version(t, sara, id)},
			"extend_to": {"2027-01-20"}, "comment": {"Sjukdom i projektgruppen."}}); r.status != http.StatusSeeOther {
			t.Fatalf("extend: %d\n%s", r.status, r.body)
		}
		expect(t, "extended", anna.get(page), http.StatusOK, "Förlängd sista dag", "2027-01-20 23:59", "Sjukdom i projektgruppen.")
		if r := anna.post(page+"/actions/submit", url.Values{"version": {version(t, anna, id)}}); r.status != http.StatusSeeOther {
			t.Fatalf("submit within the extension: %d\n%s", r.status, r.body)
		}
	})
}

// TestEditPageRefusals checks why the form of an application is refused:
// 409 once it has left the applicants, 403 for someone who is not one.
func TestEditPageRefusals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		rows, _ := s.Applications(context.Background(), workflow.Visibility{All: true}, models.ApplicationFilter{State: workflow.StateSubmitted})
		edit := "/applications/" + itoa(rows[0].ID) + "/edit"
		if r := a.demo("james").get(edit); r.status != http.StatusConflict {
			t.Errorf("applicant editing a submitted application: %d, want 409", r.status)
		}
		if r := a.demo("maria").get(edit); r.status != http.StatusForbidden {
			t.Errorf("unit head editing: %d, want 403", r.status)
		}
	})
}
