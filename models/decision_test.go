package models_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"mobilityfund/document"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/pdftest"
	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// demoApp returns the demo application with title, after seeding.
func demoApp(t *testing.T, s *models.Store, title string) *models.Application {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	var app models.Application
	if err := s.DB().Where("title = ?", title).First(&app).Error; err != nil {
		t.Fatal(err)
	}
	return &app
}

const motivation = "Ansökan är väl förankrad i handlingsplanen; språkstödet når studenter som annars inte söker utbyte – även de äldre."

// TestDecisionDocuments grants the demo's application that waits for a
// decision (HUMUS, made ready by sara) in part and checks the decision's
// record: its Swedish and English PDFs parsed back, the amounts as the
// app writes them, the presenter, the mail's link, who may download it,
// and that every download is the stored file. Relies on the demo people
// karin, sara, anna and erik and the demo's record settings.
func TestDecisionDocuments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := demoApp(t, s, "Språkstöd inför utlandsstudier")
		karin, anna, erik := mustActor(t, s, "karin"), mustActor(t, s, "anna"), mustActor(t, s, "erik")
		granted := app.RequestedOre - 1_000_00
		done, err := s.Apply(ctx, app.ID, app.Version, karin, workflow.ActionGrant,
			workflow.Input{AmountOre: granted, DecisionRef: "ORU 2026/04711", Comment: motivation})
		if err != nil {
			t.Fatal(err)
		}
		decisions, err := s.DecisionsOf(ctx, app.ID)
		if err != nil || len(decisions) != 1 {
			t.Fatalf("decisions: %v, %v", decisions, err)
		}
		d := decisions[0]
		if d.Kind != document.KindPartial || d.AmountOre != granted || d.DecisionRef != "ORU 2026/04711" ||
			d.DeciderName != karin.User.Name || d.OnBehalfOf != nil || !strings.HasPrefix(d.PresenterName, "Sara Ekberg") ||
			d.FileName != "beslut_ORU-2026-04711_"+done.Number()+".pdf" {
			t.Errorf("decision %+v", d)
		}
		sv, err := s.DecisionDocumentFor(ctx, anna, d.ID, "sv")
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Text(t, sv.Content)
		flat := pdftest.Flat(t, sv.Content)
		amount := money.Format(granted, "sv")
		if !strings.Contains(amount, "\u00a0kr") || !strings.Contains(text, amount) || !strings.Contains(text, money.Format(app.RequestedOre, "sv")) {
			t.Errorf("amounts %q and %q missing:\n%s", amount, money.Format(app.RequestedOre, "sv"), text)
		}
		for _, want := range []string{"ORU 2026/04711", "Örebro universitet", "Beslut om medel ur Mobilitetsfonden",
			"Ansökan beviljas därmed delvis.", done.Number(), "Institutionen för humaniora",
			"Beslutet har fattats av vicerektor för internationalisering " + karin.User.Name + " efter föredragning av Sara Ekberg",
			strings.Join(strings.Fields(motivation), " ")} {
			if !strings.Contains(flat, want) {
				t.Errorf("%q missing in the decision:\n%s", want, flat)
			}
		}
		en, err := s.DecisionDocumentFor(ctx, karin, d.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		if flat := pdftest.Flat(t, en.Content); !strings.Contains(flat, "Decision on funding from the Mobility Fund") ||
			!strings.Contains(flat, "Örebro University") || !strings.Contains(flat, "This is a translation.") {
			t.Errorf("English document:\n%s", flat)
		}
		// Every download is the stored file, byte for byte.
		again, err := s.DecisionDocumentFor(ctx, karin, d.ID, "sv")
		if err != nil || !bytes.Equal(again.Content, sv.Content) || again.Sha256 != sv.Sha256 {
			t.Errorf("second download differs: %v", err)
		}
		if _, err := s.DecisionDocumentFor(ctx, erik, d.ID, "sv"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another unit's applicant: %v, want not found", err)
		}
		// The decision's mail links to its document.
		var rows []models.OutboxMessage
		if err := s.DB().Where("application_id = ? AND event = ?", app.ID, workflow.EventGranted).Find(&rows).Error; err != nil || len(rows) == 0 {
			t.Fatalf("granted mail: %v", err)
		}
		for _, r := range rows {
			p, err := r.Notice()
			if err != nil || p.Decision != d.ID || p.Contact == "" {
				t.Errorf("payload %+v (%v)", p, err)
			}
		}

		// The revocation is a decision of its own, naming the grant.
		if _, err := s.Apply(ctx, app.ID, done.Version, karin, workflow.ActionRevoke,
			workflow.Input{DecisionRef: "ORU 2026/04799", Comment: "Aktiviteten blir inte av."}); err != nil {
			t.Fatal(err)
		}
		decisions, _ = s.DecisionsOf(ctx, app.ID)
		if len(decisions) != 2 || decisions[1].Kind != document.KindRevoke || decisions[1].AmountOre != granted || decisions[1].PresenterName != "" {
			t.Fatalf("after revocation: %+v", decisions)
		}
		rev, err := s.DecisionDocumentFor(ctx, karin, decisions[1].ID, "sv")
		if err != nil {
			t.Fatal(err)
		}
		if flat := pdftest.Flat(t, rev.Content); !strings.Contains(flat, "Beslut om att upphäva beslut om medel ur Mobilitetsfonden") ||
			!strings.Contains(flat, "(dnr ORU 2026/04711)") || !strings.Contains(flat, "upphävs") {
			t.Errorf("revocation:\n%s", flat)
		}
	})
}

// TestSubstituteDecides lets johan, whose decider grant begins 30 days
// after the demo was loaded, reject the application that waits for a
// decision: the record says he decided as substitute for karin.
func TestSubstituteDecides(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := demoApp(t, s, "Språkstöd inför utlandsstudier")
		later := s.Now().AddDate(0, 0, 31)
		s.SetClock(func() time.Time { return later })
		johan, karin := mustActor(t, s, "johan"), mustActor(t, s, "karin")
		if _, err := s.Apply(ctx, app.ID, app.Version, johan, workflow.ActionReject,
			workflow.Input{DecisionRef: "ORU 2026/05000", Comment: "Avslås: medlen räcker inte i år."}); err != nil {
			t.Fatal(err)
		}
		ds, err := s.DecisionsOf(ctx, app.ID)
		if err != nil || len(ds) != 1 {
			t.Fatal(ds, err)
		}
		d := ds[0]
		if d.Kind != document.KindReject || d.AmountOre != 0 || d.OnBehalfOf == nil || *d.OnBehalfOf != karin.User.ID {
			t.Errorf("decision %+v", d)
		}
		doc, err := s.DecisionDocumentFor(ctx, karin, d.ID, "sv")
		if err != nil {
			t.Fatal(err)
		}
		if flat := pdftest.Flat(t, doc.Content); !strings.Contains(flat, johan.User.Name+" som ersättare för vicerektor för internationalisering "+karin.User.Name) ||
			!strings.Contains(flat, "avslås.") || strings.Contains(flat, "Villkor") {
			t.Errorf("substitute's rejection:\n%s", flat)
		}
	})
}

// TestRegister lists the decision for coordinators only, marks it
// registered once, and refuses a second mark as stale.
func TestRegister(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		demoApp(t, s, "Språkstöd inför utlandsstudier")
		sara, karin := mustActor(t, s, "sara"), mustActor(t, s, "karin")
		if _, err := s.DecisionRegister(ctx, karin, false, ""); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("decider keeps the register: %v", err)
		}
		page, err := s.DecisionRegister(ctx, sara, false, "")
		if err != nil || len(page.Rows) == 0 {
			t.Fatalf("to register: %v, %v", page, err)
		}
		rows := page.Rows
		if page.Waiting != int64(len(rows)) || page.Next != "" {
			t.Errorf("waiting %d, next %q for %d rows on one page", page.Waiting, page.Next, len(rows))
		}
		first := rows[0]
		if first.Number == "" || first.FileName == "" || first.UnitName == "" {
			t.Errorf("row %+v", first)
		}
		if err := s.MarkRegistered(ctx, sara, first.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkRegistered(ctx, sara, first.ID); !errors.Is(err, models.ErrStale) {
			t.Errorf("second mark: %v, want stale", err)
		}
		leftPage, _ := s.DecisionRegister(ctx, sara, false, "")
		donePage, _ := s.DecisionRegister(ctx, sara, true, "")
		left, done := leftPage.Rows, donePage.Rows
		if len(left) != len(rows)-1 || len(done) != 1 || done[0].RegisteredName != sara.User.Name {
			t.Errorf("after marking: %d left, registered %+v", len(left), done)
		}
	})
}

// TestRegisterPages pages through both lists of the register of a
// generated decade: every decision comes once, in order, on pages of at
// most RegisterPageSize, and the export reads the same decisions as the
// pages.
func TestRegisterPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if _, err := s.SeedSynthetic(ctx, 2500, 3); err != nil {
			t.Fatal(err)
		}
		// A registrar a month behind: every third decision still waits.
		if err := s.DB().Exec("UPDATE decisions SET registered_at = NULL, registered_by = NULL WHERE id % 3 = 0").Error; err != nil {
			t.Fatal(err)
		}
		coordinator := syntheticActor(t, s, workflow.RoleCoordinator)
		var all []models.Decision
		if err := s.DB().Order("id").Find(&all).Error; err != nil {
			t.Fatal(err)
		}
		var waiting, registered int
		for _, d := range all {
			if d.RegisteredAt == nil {
				waiting++
			} else {
				registered++
			}
		}
		if waiting <= models.RegisterPageSize || registered <= models.RegisterPageSize {
			t.Fatalf("the data set has %d decisions waiting and %d registered: too few to page", waiting, registered)
		}
		for _, tab := range []struct {
			registered bool
			want       int
		}{{false, waiting}, {true, registered}} {
			seen := map[int64]bool{}
			var prev *models.RegisterEntry
			pages := 0
			for after := ""; ; pages++ {
				page, err := s.DecisionRegister(ctx, coordinator, tab.registered, after)
				if err != nil {
					t.Fatal(err)
				}
				if page.Waiting != int64(waiting) || len(page.Rows) > models.RegisterPageSize {
					t.Fatalf("page of %d rows says %d waiting, want %d", len(page.Rows), page.Waiting, waiting)
				}
				for i := range page.Rows {
					r := &page.Rows[i]
					if seen[r.ID] || (r.RegisteredAt != nil) != tab.registered {
						t.Fatalf("decision %d twice or in the wrong list", r.ID)
					}
					seen[r.ID] = true
					if prev != nil {
						inOrder := prev.DecidedAt.Before(r.DecidedAt) || (prev.DecidedAt.Equal(r.DecidedAt) && prev.ID < r.ID)
						if tab.registered {
							inOrder = prev.RegisteredAt.After(*r.RegisteredAt) ||
								(prev.RegisteredAt.Equal(*r.RegisteredAt) && prev.ID > r.ID)
						}
						if !inOrder {
							t.Fatalf("decision %d after %d is out of order", r.ID, prev.ID)
						}
					}
					prev = r
				}
				if page.Next == "" {
					break
				}
				after = page.Next
			}
			if len(seen) != tab.want || pages < 1 {
				t.Errorf("registered=%v: %d decisions over %d pages, want %d", tab.registered, len(seen), pages+1, tab.want)
			}
		}
		var exported int
		if err := s.EachDecisionToRegister(ctx, coordinator, func(models.RegisterEntry) error { exported++; return nil }); err != nil {
			t.Fatal(err)
		}
		if exported != waiting {
			t.Errorf("the export reads %d decisions, want %d", exported, waiting)
		}
		if _, err := s.DecisionRegister(ctx, coordinator, false, "not-a-cursor"); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("a cursor the register did not give: %v", err)
		}
	})
}

// syntheticActor is the person of a generated data set who holds role.
func syntheticActor(t *testing.T, s *models.Store, role workflow.Role) *models.Actor {
	t.Helper()
	var u models.User
	if err := s.DB().Where("issuer = ? AND subject = ?", models.DevIssuer, models.SyntheticPeople[role]).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	a, err := s.ActorFor(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
