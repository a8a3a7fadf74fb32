package models_test

import (
	"context"
	"errors"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// Titles of demo applications (models/seed_demo.go) the tests rely on:
// NT's partner visits are granted 180 000 kr with erik as applicant;
// HUMUS's language support waits for a decision with anna as applicant.
const (
	demoGrantedNT   = "Partnerbesök för nya utbytesavtal i Finland och Spanien"
	demoReadyHUMUS  = "Språkstöd inför utlandsstudier"
	demoHUMUSAmount = 98_000 * 100
)

func mustActor(t testing.TB, s *models.Store, subject string) *models.Actor {
	t.Helper()
	a, err := s.DemoActor(context.Background(), subject)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// mustBookedDemo seeds the demo data and brings the demo application with
// title to booked: karin grants it (unless it is granted already) and
// peter books it.
func mustBookedDemo(t *testing.T, s *models.Store, title string) *models.Application {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Title != title {
			continue
		}
		app := r.Application
		if app.State == workflow.StateReadyForDecision {
			done, err := s.Apply(ctx, app.ID, app.Version, mustActor(t, s, "karin"), workflow.ActionGrant,
				workflow.Input{AmountOre: app.RecommendedOre, DecisionRef: "ORU 2026/09999", Comment: "Beviljas."})
			if err != nil {
				t.Fatal(err)
			}
			app = *done
		}
		done, err := s.Apply(ctx, app.ID, app.Version, mustActor(t, s, "peter"), workflow.ActionBook, workflow.Input{})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	t.Fatalf("no demo application %q", title)
	return nil
}

func fullReport(spent int64) models.ReportInput {
	return models.ReportInput{Done: "Fyra partnerbesök genomfördes.", StudentsFirst: 6, StudentsSecond: 4, StudentsThird: 1,
		WindowsIdentified: 2, WindowsCreated: 1, PartnerAgreements: 3, Participants: 2, OtherOutcome: "Två nya kontakter.",
		SpentOre: spent, Considerations: [5]string{"k", "a", "i", "h", "j"}}
}

func TestReportReturnsUnspentMoney(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := mustBookedDemo(t, s, demoGrantedNT)
		erik, sara := mustActor(t, s, "erik"), mustActor(t, s, "sara")
		call, err := s.CallByID(ctx, app.CallID)
		if err != nil {
			t.Fatal(err)
		}
		before, err := s.BudgetOf(ctx, call)
		if err != nil {
			t.Fatal(err)
		}
		spent := app.GrantedOre - 3_000_012 // 30 000,12 kr unspent
		draft := fullReport(spent)
		draft.Done = ""
		if err := s.SaveReport(ctx, erik, app.ID, app.Version, draft, false); err != nil {
			t.Fatalf("draft: %v", err)
		}
		if v, err := s.ReportPage(ctx, sara, app.ID); err != nil || v.Saved || v.Report.SpentOre != 0 {
			t.Errorf("the coordinator sees the draft: %+v %v", v, err)
		}
		if v, err := s.ReportPage(ctx, erik, app.ID); err != nil || !v.Saved || v.Report.SpentOre != spent {
			t.Errorf("the applicant's draft: %+v %v", v, err)
		}
		// The saved draft moved the version on, so that a colleague's
		// older form is refused.
		if err := s.SaveReport(ctx, erik, app.ID, app.Version, fullReport(spent), true); !errors.Is(err, models.ErrStale) {
			t.Fatalf("submit on the version before the draft: %v", err)
		}
		if err := s.SaveReport(ctx, erik, app.ID, app.Version+1, fullReport(spent), true); err != nil {
			t.Fatalf("submit: %v", err)
		}
		view, err := s.ReportPage(ctx, sara, app.ID)
		if err != nil || !view.CanReview || view.CanEdit || view.UnspentOre() != 3_000_012 {
			t.Fatalf("coordinator's view: %+v %v", view, err)
		}
		if err := s.AcceptReport(ctx, sara, app.ID, app.Version+2); err != nil {
			t.Fatalf("accept: %v", err)
		}
		after, err := s.BudgetOf(ctx, call)
		if err != nil {
			t.Fatal(err)
		}
		if got := after.RemainingOre() - before.RemainingOre(); got != 3_000_012 {
			t.Errorf("remaining grew by %d öre, want 3000012", got)
		}
		if after.SpentOre-before.SpentOre != spent {
			t.Errorf("spent grew by %d, want %d", after.SpentOre-before.SpentOre, spent)
		}
		view, err = s.ReportPage(ctx, erik, app.ID)
		if err != nil || view.Detail.App.State != workflow.StateClosed || view.Report.AcceptedAt == nil ||
			view.Detail.App.ReturnedOre != 3_000_012 || view.CanEdit {
			t.Fatalf("after acceptance: %+v %v", view, err)
		}
	})
}

func TestReportRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		app := mustBookedDemo(t, s, demoGrantedNT)
		erik, sara, anna := mustActor(t, s, "erik"), mustActor(t, s, "sara"), mustActor(t, s, "anna")
		var verr *workflow.ValidationError

		err := s.SaveReport(ctx, erik, app.ID, app.Version, fullReport(app.GrantedOre+1), false)
		if !errors.As(err, &verr) || verr.Fields["spent"] != workflow.MsgSpentAbove {
			t.Errorf("spent above granted: %v", err)
		}
		empty := models.ReportInput{}
		err = s.SaveReport(ctx, erik, app.ID, app.Version, empty, true)
		if !errors.As(err, &verr) || verr.Fields["done"] == "" || verr.Fields["consideration_equality"] == "" {
			t.Errorf("empty submission: %v", err)
		}
		if err := s.SaveReport(ctx, erik, app.ID, app.Version, models.ReportInput{StudentsFirst: -1}, false); !errors.As(err, &verr) {
			t.Errorf("negative count: %v", err)
		}
		if err := s.SaveReport(ctx, erik, app.ID, app.Version-1, empty, false); !errors.Is(err, models.ErrStale) {
			t.Errorf("stale version: %v", err)
		}
		if err := s.SaveReport(ctx, anna, app.ID, app.Version, empty, false); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another unit's applicant: %v", err)
		}
		if _, err := s.ReportPage(ctx, anna, app.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another unit's applicant sees the report: %v", err)
		}
		if err := s.SaveReport(ctx, sara, app.ID, app.Version, empty, false); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("coordinator writes the report: %v", err)
		}
		if err := s.AcceptReport(ctx, sara, app.ID, app.Version); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Errorf("accept before a report: %v", err)
		}

		if err := s.SaveReport(ctx, erik, app.ID, app.Version, fullReport(app.GrantedOre), true); err != nil {
			t.Fatal(err)
		}
		v := app.Version + 1
		if err := s.RequestReportRevision(ctx, sara, app.ID, v, "  "); !errors.As(err, &verr) {
			t.Errorf("revision without a message: %v", err)
		}
		if err := s.RequestReportRevision(ctx, sara, app.ID, v, "Redovisa avtalen."); err != nil {
			t.Fatal(err)
		}
		view, err := s.ReportPage(ctx, erik, app.ID)
		if err != nil || view.Detail.App.State != workflow.StateReportRevision || view.Report.RevisionNote != "Redovisa avtalen." || !view.CanEdit {
			t.Fatalf("after revision request: %+v %v", view, err)
		}
		if err := s.SaveReport(ctx, erik, app.ID, v+1, fullReport(app.GrantedOre), true); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptReport(ctx, sara, app.ID, v+2); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveReport(ctx, erik, app.ID, v+3, fullReport(1), false); !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Errorf("edit after closing: %v", err)
		}
	})
}
