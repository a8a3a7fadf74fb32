package models_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// draftFixture is the demo data with anna signed in and a unit and an
// activity she may use.
type draftFixture struct {
	s        *models.Store
	anna     *models.Actor
	erik     *models.Actor
	callID   int64
	humus    int64
	nt       int64
	activity int64
}

func newDraftFixture(t *testing.T, s *models.Store) draftFixture {
	t.Helper()
	ctx := context.Background()
	s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	f := draftFixture{s: s}
	var err error
	if f.anna, err = s.DemoActor(ctx, "anna"); err != nil {
		t.Fatal(err)
	}
	if f.erik, err = s.DemoActor(ctx, "erik"); err != nil {
		t.Fatal(err)
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range chart.Units {
		switch u.Code {
		case "HUMUS":
			f.humus = u.ID
		case "NT":
			f.nt = u.ID
		}
	}
	plan, err := s.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.activity = plan.Activities()[0].ID
	calls, err := s.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.callID = calls[0].ID
	return f
}

func (f draftFixture) draft() models.Draft {
	return models.Draft{UnitID: f.humus, Title: "Utbyte", Summary: "Kort", Purpose: "Fler reser ut",
		TargetLevels: []string{"second", "first"}, ActivityIDs: []int64{f.activity, f.activity},
		Lines: []models.DraftLine{{Category: "travel", Description: "Resor", AmountOre: 12_345_67}}}
}

func TestDrafts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newDraftFixture(t, s)

		t.Run("CreateAndSave", func(t *testing.T) {
			app, err := s.CreateDraft(ctx, f.anna, f.callID, f.draft())
			if err != nil {
				t.Fatal(err)
			}
			if app.State != workflow.StateDraft || app.Version != 1 || app.TargetLevels != "first,second" {
				t.Errorf("created %+v", app)
			}
			d := f.draft()
			d.Title = "Utbyte med Tartu"
			d.Lines = append(d.Lines, models.DraftLine{Category: "staff", AmountOre: 100})
			saved, err := s.SaveDraft(ctx, app.ID, 1, f.anna, d)
			if err != nil {
				t.Fatal(err)
			}
			view, err := s.ApplicationView(ctx, workflow.Visibility{All: true}, app.ID)
			if err != nil {
				t.Fatal(err)
			}
			if saved.Version != 2 || view.App.Title != "Utbyte med Tartu" || view.App.RequestedOre != 12_345_67+100 || len(view.Activities) != 1 {
				t.Errorf("after save: version %d, %q, requested %d, %d activities", saved.Version, view.App.Title, view.App.RequestedOre, len(view.Activities))
			}
			// A second save from the same old form is refused, not merged.
			if _, err := s.SaveDraft(ctx, app.ID, 1, f.anna, d); !errors.Is(err, models.ErrStale) {
				t.Errorf("stale save: %v, want ErrStale", err)
			}
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			if _, err := s.CreateDraft(ctx, f.erik, f.callID, f.draft()); !errors.Is(err, workflow.ErrForbidden) {
				t.Errorf("erik applying for HUMUS: %v, want ErrForbidden", err)
			}
			app, err := s.CreateDraft(ctx, f.anna, f.callID, f.draft())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveDraft(ctx, app.ID, 1, f.erik, f.draft()); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("erik saving anna's draft: %v, want ErrNotFound", err)
			}
			d := f.draft()
			d.UnitID = f.nt
			var invalid *workflow.ValidationError
			if _, err := s.SaveDraft(ctx, app.ID, 1, f.anna, d); !errors.As(err, &invalid) || invalid.Fields["unit"] == "" {
				t.Errorf("moving a draft to a unit anna does not apply for: %v", err)
			}
		})

		t.Run("ValidationError", func(t *testing.T) {
			for name, change := range map[string]func(*models.Draft){
				"line_0":        func(d *models.Draft) { d.Lines[0].AmountOre = 0 },
				"neolaia":       func(d *models.Draft) { d.Neolaia = "kanske" },
				"target_levels": func(d *models.Draft) { d.TargetLevels = []string{"fourth"} },
				"activities":    func(d *models.Draft) { d.ActivityIDs = []int64{999999} },
				"unit":          func(d *models.Draft) { d.UnitID = 999999 },
			} {
				d := f.draft()
				change(&d)
				var invalid *workflow.ValidationError
				if _, err := s.CreateDraft(ctx, f.anna, f.callID, d); !errors.As(err, &invalid) || invalid.Fields[name] == "" {
					t.Errorf("%s: %v, want a message for the field", name, err)
				}
			}
		})

		t.Run("RetiredActivity", func(t *testing.T) {
			app, err := s.CreateDraft(ctx, f.anna, f.callID, f.draft())
			if err != nil {
				t.Fatal(err)
			}
			plan, _ := s.CurrentPlan(ctx)
			other := plan.Activities()[2].ID
			now := s.Now()
			if err := s.DB().Model(&models.PlanActivity{}).Where("id IN ?", []int64{f.activity, other}).
				Update("retired_at", now).Error; err != nil {
				t.Fatal(err)
			}
			defer s.DB().Model(&models.PlanActivity{}).Where("id IN ?", []int64{f.activity, other}).Update("retired_at", nil)
			// The link the draft had stays; a new one to a retired activity is refused.
			if _, err := s.SaveDraft(ctx, app.ID, 1, f.anna, f.draft()); err != nil {
				t.Fatalf("keeping a retired activity: %v", err)
			}
			d := f.draft()
			d.ActivityIDs = append(d.ActivityIDs, other)
			var invalid *workflow.ValidationError
			if _, err := s.SaveDraft(ctx, app.ID, 2, f.anna, d); !errors.As(err, &invalid) || invalid.Fields["activities"] == "" {
				t.Errorf("linking a retired activity: %v", err)
			}
		})

		t.Run("NotEditableOnceSubmitted", func(t *testing.T) {
			d := f.draft()
			for i, name := range workflow.ConsiderationFields {
				d.Considerations[i] = "Om " + name
			}
			start, end := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
			d.PeriodStart, d.PeriodEnd = &start, &end
			app, err := s.CreateDraft(ctx, f.anna, f.callID, d)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Apply(ctx, app.ID, 1, f.anna, workflow.ActionSubmit, workflow.Input{}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveDraft(ctx, app.ID, 2, f.anna, d); !errors.Is(err, workflow.ErrInvalidTransition) {
				t.Errorf("editing a submitted application: %v, want ErrInvalidTransition", err)
			}
		})
	})
}

// docx builds the smallest zip that is recognisably a Word document.
func docx(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`,
	} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		f := newDraftFixture(t, s)
		app, err := s.CreateDraft(ctx, f.anna, f.callID, f.draft())
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		att, err := s.AddAttachment(ctx, app.ID, f.anna, `..\..\budget "2026".exe`, pdf)
		if err != nil {
			t.Fatal(err)
		}
		if att.ContentType != "application/pdf" || att.FileName != "budget _2026_.pdf" || att.SizeBytes != int64(len(pdf)) {
			t.Errorf("stored %+v", att)
		}
		if w, err := s.AddAttachment(ctx, app.ID, f.anna, "plan.docx", docx(t)); err != nil || !strings.HasSuffix(w.FileName, ".docx") {
			t.Errorf("docx: %+v, %v", w, err)
		}
		for name, data := range map[string][]byte{
			"error.file_type":      []byte("<html><script>alert(1)</script></html>"),
			"error.file_empty":     nil,
			"error.file_too_large": make([]byte, models.MaxAttachmentBytes+1),
		} {
			var invalid *workflow.ValidationError
			if _, err := s.AddAttachment(ctx, app.ID, f.anna, "x.pdf", data); !errors.As(err, &invalid) || invalid.Fields["file"] != name {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.AddAttachment(ctx, app.ID, f.erik, "x.pdf", pdf); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("erik attaching to anna's draft: %v, want ErrNotFound", err)
		}
		chart, _ := s.OrgChart(ctx)
		if _, err := s.AttachmentFile(ctx, workflow.VisibilityOf(f.erik.Workflow, chart), app.ID, att.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("erik downloading: %v, want ErrNotFound", err)
		}
		got, err := s.AttachmentFile(ctx, workflow.VisibilityOf(f.anna.Workflow, chart), app.ID, att.ID)
		if err != nil || !bytes.Equal(got.Data, pdf) {
			t.Fatalf("anna downloading: %v", err)
		}
		if err := s.RemoveAttachment(ctx, app.ID, att.ID, f.anna); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Attachments(ctx, app.ID)
		if len(list) != 1 {
			t.Errorf("after removing one of two, %d remain", len(list))
		}
	})
}

// TestDraftLengthLimits: texts are counted in characters, as the form's
// maxlength counts them, and anything longer is refused by field.
func TestDraftLengthLimits(t *testing.T) {
	t.Parallel()
	ok := models.Draft{Title: strings.Repeat("ö", workflow.MaxTitle), Summary: strings.Repeat("å", workflow.MaxText),
		Neolaia: models.NeolaiaYes, Lines: []models.DraftLine{{Category: "travel", Description: strings.Repeat("ä", workflow.MaxLineText), AmountOre: 100}}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("texts at the limits: %v", err)
	}
	long := ok
	long.Title += "x"
	long.Summary = strings.Repeat("x", 5<<20)
	long.Lines = []models.DraftLine{{Category: "travel", Description: strings.Repeat("x", 20000), AmountOre: 100}}
	long.Considerations[2] = strings.Repeat("x", workflow.MaxText+1)
	var v *workflow.ValidationError
	if err := long.Validate(); !errors.As(err, &v) {
		t.Fatalf("too long: %v", err)
	}
	for _, f := range []string{"title", "summary", "line_0", "consideration_inclusion"} {
		if v.Fields[f] != workflow.MsgTooLong {
			t.Errorf("field %s: %q, want %q", f, v.Fields[f], workflow.MsgTooLong)
		}
	}
}
