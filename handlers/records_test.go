package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/pdftest"
	"mobilityfund/models"
	"mobilityfund/money"
)

// TestRecordPages walks the record through the pages: karin grants the
// HUMUS application that waits for a decision, the page links the
// decision's documents, two downloads are the same bytes, the register
// lists and exports it for sara, and an internal note stays out of
// everything anna (an applicant) gets: the page, the application's PDF.
// Relies on the demo data (apptest): anna, sara, karin, maria.
func TestRecordPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := newApp(t, s)
		var app models.Application
		if err := s.DB().Where("title = ?", "Språkstöd inför utlandsstudier").First(&app).Error; err != nil {
			t.Fatal(err)
		}
		id := itoa(app.ID)
		login := func(subject string) *client {
			u, err := s.DemoActor(ctx, subject)
			if err != nil {
				t.Fatal(err)
			}
			c := a.client()
			c.login(u)
			return c
		}
		anna, sara, karin, maria := login("anna"), login("sara"), login("karin"), login("maria")

		const secret = "Intern bedömning: budgeten för tolk är för hög."
		if r := sara.post("/applications/"+id+"/comments", url.Values{"internal": {"1"}, "body": {secret}}); r.status != http.StatusSeeOther {
			t.Fatalf("note: %d", r.status)
		}
		if r := anna.post("/applications/"+id+"/comments", url.Values{"body": {"Vi har ett nytt offertunderlag för tolk."}}); r.status != http.StatusSeeOther {
			t.Fatalf("comment: %d", r.status)
		}
		// An empty comment comes back with the error, in the reader's language.
		if r := anna.post("/applications/"+id+"/comments", url.Values{"body": {" "}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, `href="#comment-body"`) || !strings.Contains(r.body, `id="comment-body-error"`) {
			t.Errorf("empty comment: %d", r.status)
		}
		// An applicant asking for the notes tab gets the comments.
		page := anna.get("/applications/" + id + "?tab=notes")
		if page.status != http.StatusOK || strings.Contains(page.body, secret) || strings.Contains(page.body, "Interna anteckningar") ||
			!strings.Contains(page.body, "nytt offertunderlag") {
			t.Errorf("anna's page shows the note or lacks the comment (%d)", page.status)
		}
		for _, c := range []*client{sara, maria, karin} {
			if p := c.get("/applications/" + id + "?tab=notes"); !strings.Contains(p.body, secret) || !strings.Contains(p.body, `aria-current="page">Interna anteckningar`) {
				t.Errorf("the notes tab lacks the note")
			}
		}
		pdf := anna.get("/applications/" + id + "/pdf")
		if pdf.status != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("application PDF: %d %s", pdf.status, pdf.header.Get("Content-Type"))
		}
		if text := pdftest.Flat(t, []byte(pdf.body)); strings.Contains(text, "budgeten för tolk") || !strings.Contains(text, "nytt offertunderlag") ||
			!strings.Contains(text, app.Title) || !strings.Contains(text, "Budget") {
			t.Errorf("anna's application PDF:\n%s", text)
		}
		if text := pdftest.Flat(t, []byte(sara.get("/applications/"+id+"/pdf").body)); !strings.Contains(text, "budgeten för tolk") {
			t.Errorf("sara's application PDF lacks the note:\n%s", text)
		}

		// The grant, on its page, as the decider.
		r := karin.post("/applications/"+id+"/actions/grant", url.Values{"version": {itoa(int64(app.Version))},
			"amount": {money.FormatPlain(app.RequestedOre, "sv")}, "decision_ref": {"ORU 2026/07007"},
			"comment": {"Beviljas i sin helhet: språkstödet når studenter som annars inte åker."}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("grant: %d\n%s", r.status, r.body)
		}
		ds, err := s.DecisionsOf(ctx, app.ID)
		if err != nil || len(ds) != 1 {
			t.Fatal(ds, err)
		}
		link := "/decisions/" + itoa(ds[0].ID) + "/document"
		if p := anna.get("/applications/" + id); !strings.Contains(p.body, `href="`+link+`"`) || !strings.Contains(p.body, `href="`+link+`?lang=en"`) {
			t.Errorf("the page does not link the decision's documents")
		}
		one, two := anna.get(link), maria.get(link)
		if one.status != http.StatusOK || one.body != two.body || one.header.Get("Content-Type") != "application/pdf" {
			t.Errorf("downloads: %d, %d, same=%v", one.status, two.status, one.body == two.body)
		}
		text := pdftest.Text(t, []byte(one.body))
		if !strings.Contains(text, "ORU 2026/07007") || !strings.Contains(text, money.Format(app.RequestedOre, "sv")) {
			t.Errorf("decision document:\n%s", text)
		}
		if r := anna.get(link + "?lang=de"); r.status != http.StatusNotFound {
			t.Errorf("unknown language: %d", r.status)
		}

		reg := sara.get("/register")
		if reg.status != http.StatusOK || !strings.Contains(reg.body, "ORU 2026/07007") {
			t.Errorf("register: %d", reg.status)
		}
		csv := sara.get("/register/export.csv")
		if csv.status != http.StatusOK || !strings.HasPrefix(csv.body, "\uFEFFDnr;Datum;Rubrik;Enhet;Belopp;Beslutande;Filnamn\r\n") ||
			!strings.Contains(csv.body, "ORU 2026/07007;") || !strings.Contains(csv.body, ds[0].FileName) {
			t.Errorf("register CSV: %d\n%s", csv.status, csv.body)
		}
		if r := sara.post("/register/"+itoa(ds[0].ID)+"/registered", nil); r.status != http.StatusSeeOther {
			t.Errorf("mark registered: %d", r.status)
		}
		if r := sara.post("/register/"+itoa(ds[0].ID)+"/registered", nil); r.status != http.StatusConflict {
			t.Errorf("mark registered twice: %d", r.status)
		}
		if csv := sara.get("/register/export.csv"); strings.Contains(csv.body, "ORU 2026/07007") {
			t.Error("a registered decision is still to be registered")
		}
		if r := sara.get("/register?registered=1"); r.status != http.StatusOK || !strings.Contains(r.body, "ORU 2026/07007") {
			t.Errorf("registered decisions: %d", r.status)
		}
		if r := sara.get("/register?after=not-a-cursor"); r.status != http.StatusBadRequest {
			t.Errorf("a cursor the register did not give: %d, want 400", r.status)
		}
	})
}

// TestRecordSettingsPage lets the administrator change what decision
// documents say; an empty Swedish name comes back with the error.
func TestRecordSettingsPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		eva, err := s.DemoActor(context.Background(), "eva")
		if err != nil {
			t.Fatal(err)
		}
		c := a.client()
		c.login(eva)
		set, err := s.RecordSettings(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"version": {itoa(int64(set.Version))}, "university_sv": {""}, "university_en": {"Typed University"},
			"fund_sv": {"Mobilitetsfonden"}}
		r := c.post("/admin/records", form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Typed University") || !strings.Contains(r.body, `href="#rs-university_sv"`) {
			t.Errorf("empty name: %d", r.status)
		}
		form.Set("university_sv", "Örebro universitet")
		if r := c.post("/admin/records", form); r.status != http.StatusSeeOther {
			t.Errorf("save: %d", r.status)
		}
		if r := c.post("/admin/records", form); r.status != http.StatusConflict {
			t.Errorf("stale save: %d", r.status)
		}
		if got, _ := s.RecordSettings(context.Background()); got.UniversityEN != "Typed University" || got.DeciderTitleSV != "" {
			t.Errorf("saved %+v", got)
		}
	})
}
