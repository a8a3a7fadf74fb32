package models_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestConcurrentGrantsNeverOverCommit lets many deciders grant at once
// applications that together ask for more than the call holds. However
// the database interleaves them, committed must stay within the budget,
// exactly the grants that fit must succeed, and every other must fail
// with an over-budget error.
func TestConcurrentGrantsNeverOverCommit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		const (
			apps    = 24
			askOre  = 100_000_00           // 100 000 kr each
			budget  = 1_050_000_00         // room for 10 grants and a half
			fitting = int(budget / askOre) // 10
		)
		call, ids := readyApplications(t, s, apps, askOre, budget)
		karin, err := s.DemoActor(ctx, "karin")
		if err != nil {
			t.Fatal(err)
		}

		var wg sync.WaitGroup
		errs := make([]error, apps)
		for i, id := range ids {
			wg.Go(func() {
				_, errs[i] = s.Apply(ctx, id, 1, karin, workflow.ActionGrant,
					workflow.Input{AmountOre: askOre, DecisionRef: "ORU 2026/9", Comment: "Beviljas."})
			})
		}
		wg.Wait()

		granted := 0
		for i, err := range errs {
			var over *workflow.OverBudgetError
			switch {
			case err == nil:
				granted++
			case errors.As(err, &over):
				if over.RemainingOre >= askOre {
					t.Errorf("application %d refused with %d öre remaining, enough for it", ids[i], over.RemainingOre)
				}
			default:
				t.Errorf("application %d: unexpected error %v", ids[i], err)
			}
		}
		b, err := s.BudgetOf(ctx, call)
		if err != nil {
			t.Fatal(err)
		}
		if b.CommittedOre > b.BudgetOre {
			t.Fatalf("committed %d öre exceeds the budget of %d öre", b.CommittedOre, b.BudgetOre)
		}
		if granted != fitting || b.CommittedOre != int64(fitting)*askOre {
			t.Errorf("%d grants succeeded, committing %d öre; want %d grants", granted, b.CommittedOre, fitting)
		}
	})
}

// readyApplications makes a call with budget and n applications ready
// for decision in it, each asking for ask öre, from a unit the demo
// decider does not belong to.
func readyApplications(t testing.TB, s *models.Store, n int, ask, budget int64) (*models.Call, []int64) {
	t.Helper()
	db := s.DB()
	var base models.Call
	if err := db.Where("code = ?", models.CallCode2026).First(&base).Error; err != nil {
		t.Fatal(err)
	}
	call := base
	call.ID, call.Code, call.BudgetOre = 0, "race", budget
	if err := db.Create(&call).Error; err != nil {
		t.Fatal(err)
	}
	var unit models.OrgUnit
	if err := db.Where("code = ?", "NT").First(&unit).Error; err != nil {
		t.Fatal(err)
	}
	erik, err := s.DemoActor(context.Background(), "erik")
	if err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	var ids []int64
	for range n {
		app := models.Application{CallID: call.ID, UnitID: unit.ID, CreatedBy: erik.User.ID, Title: "Kapplöpning",
			State: workflow.StateReadyForDecision, RequestedOre: ask, RecommendedOre: ask, Assessment: "Bra.", Version: 1,
			CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&app).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&models.BudgetLine{ApplicationID: app.ID, Position: 1, Category: "travel",
			Description: "Resor", AmountOre: ask}).Error; err != nil {
			t.Fatal(err)
		}
		ids = append(ids, app.ID)
	}
	return &call, ids
}
