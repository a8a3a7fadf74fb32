package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestPlanCacheFollowsEveryChange reads the plan between changes made
// through the app, straight in the database and in a transaction rolled
// back: every read shows the plan as the database holds it, a kept plan
// is read with one statement, and what a caller changes in its copy stays
// out of the next reader's.
func TestPlanCacheFollowsEveryChange(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		eva := mustActor(t, s, "eva")
		first, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		goal := first.Areas[0].Goals[0]
		act := goal.Activities[0]

		stmts := dbtest.CountStatements(t, s)
		again, err := s.PlanByID(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := stmts.N(); n != 1 {
			t.Errorf("a kept plan took %d statements, want 1 (its row)", n)
		}
		again.Areas[0].Goals[0].TextSV = "ändrad av en läsare"
		again.Areas[0].Goals[0].Activities[0].TextSV = "ändrad av en läsare"

		goalText := func(want string) {
			t.Helper()
			p, err := s.PlanByID(ctx, first.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Areas[0].Goals[0].TextSV; got != want {
				t.Errorf("goal text %q, want %q", got, want)
			}
		}
		goalText(goal.TextSV)

		// Through the app.
		if err := s.UpdatePlanText(ctx, eva, first.ID, "goal", goal.ID, "Nytt mål", "New goal"); err != nil {
			t.Fatal(err)
		}
		goalText("Nytt mål")

		// Straight in the database, as an operator or a migration would.
		if err := s.DB().Model(&models.PlanActivity{}).Where("id = ?", act.ID).Update("text_sv", "Direkt ändrad").Error; err != nil {
			t.Fatal(err)
		}
		p, err := s.PlanByID(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Areas[0].Goals[0].Activities[0].TextSV; got != "Direkt ändrad" {
			t.Errorf("activity changed in the database reads %q", got)
		}
		retired := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := s.DB().Model(&models.PlanActivity{}).Where("id = ?", act.ID).Update("retired_at", retired).Error; err != nil {
			t.Fatal(err)
		}
		if p, err = s.PlanByID(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if got := p.Areas[0].Goals[0].Activities[0]; !got.Retired() {
			t.Errorf("activity retired in the database reads as in use: %+v", got)
		}

		// A change rolled back is never seen, not even by the
		// transaction's own reads after it ends.
		errRollback := errors.New("roll back")
		err = s.WithTx(ctx, func(ctx context.Context) error {
			if err := s.UpdatePlanText(ctx, eva, first.ID, "goal", goal.ID, "Aldrig", "Never"); err != nil {
				return err
			}
			inside, err := s.PlanByID(ctx, first.ID)
			if err != nil {
				return err
			}
			if got := inside.Areas[0].Goals[0].TextSV; got != "Aldrig" {
				t.Errorf("inside the transaction the goal reads %q", got)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		goalText("Nytt mål")

		// A plan added after the cache was filled is read whole.
		if err := s.DB().Create(&models.PlanArea{PlanID: first.ID, Position: 99, NameSV: "Nytt område", NameEN: "New area"}).Error; err != nil {
			t.Fatal(err)
		}
		if p, err = s.PlanByID(ctx, first.ID); err != nil {
			t.Fatal(err)
		}
		if last := p.Areas[len(p.Areas)-1]; last.NameSV != "Nytt område" {
			t.Errorf("area added in the database is missing; last area %q", last.NameSV)
		}
	})
}
