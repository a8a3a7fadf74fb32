package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// callInput is a valid 2027 call of the demo plan, as of 1 June 2026.
func callInput(t *testing.T, s *models.Store, code string) models.CallInput {
	t.Helper()
	plan := mustCallCode(t, s, models.CallCode2026).PlanID
	return models.CallInput{PlanID: plan, Code: code, TitleSV: "Utlysning 2027", TitleEN: "Call 2027",
		BudgetOre: 2_000_000_00, OpensAt: time.Date(2027, 1, 1, 0, 0, 0, 0, swedish),
		DeadlineAt: time.Date(2027, 3, 31, 23, 59, 0, 0, swedish), ReportDueOn: time.Date(2028, 6, 30, 0, 0, 0, 0, time.UTC),
		EndorsementRequired: true}
}

func wantFields(t *testing.T, err error, fields map[string]string) {
	t.Helper()
	var v *workflow.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want a validation error on %v", err, fields)
	}
	for f, msg := range fields {
		if v.Fields[f] != msg {
			t.Errorf("field %s: %q, want %q (all: %v)", f, v.Fields[f], msg, v.Fields)
		}
	}
}

func TestCallAdministration(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		sara, eva, anna := mustActor(t, s, "sara"), mustActor(t, s, "eva"), mustActor(t, s, "anna")

		t.Run("ErrForbidden", func(t *testing.T) {
			if _, err := s.CreateCall(ctx, anna, callInput(t, s, "x")); !errors.Is(err, workflow.ErrForbidden) {
				t.Errorf("an applicant created a call: %v", err)
			}
		})
		t.Run("BadInput", func(t *testing.T) {
			in := callInput(t, s, "2026")
			in.DeadlineAt = time.Date(2026, 5, 1, 0, 0, 0, 0, swedish)
			in.OpensAt = time.Date(2026, 5, 2, 0, 0, 0, 0, swedish)
			in.TitleEN = " "
			in.BudgetOre = 0
			_, err := s.CreateCall(ctx, sara, in)
			wantFields(t, err, map[string]string{"deadline_at": models.MsgDeadlineBeforeOpens, "title_en": workflow.MsgRequired,
				"budget": workflow.MsgAmountPositive})
			in = callInput(t, s, "past")
			in.OpensAt, in.DeadlineAt = time.Date(2026, 1, 1, 0, 0, 0, 0, swedish), time.Date(2026, 5, 31, 0, 0, 0, 0, swedish)
			_, err = s.CreateCall(ctx, sara, in)
			wantFields(t, err, map[string]string{"deadline_at": models.MsgDeadlinePast})
			_, err = s.CreateCall(ctx, sara, callInput(t, s, models.CallCode2026))
			wantFields(t, err, map[string]string{"code": models.MsgCallCodeTaken})
		})

		spring, err := s.CreateCall(ctx, sara, callInput(t, s, "2027-var"))
		if err != nil {
			t.Fatal(err)
		}
		autumnIn := callInput(t, s, "2027-host")
		autumnIn.OpensAt, autumnIn.DeadlineAt = time.Date(2027, 8, 15, 0, 0, 0, 0, swedish), time.Date(2027, 10, 15, 23, 59, 0, 0, swedish)
		if _, err := s.CreateCall(ctx, eva, autumnIn); err != nil {
			t.Fatalf("a second call the same year: %v", err)
		}
		if s.YearOf(spring.OpensAt) != 2027 {
			t.Errorf("the spring call opens in %d", s.YearOf(spring.OpensAt))
		}

		t.Run("BudgetNotBelowCommitted", func(t *testing.T) {
			call := mustCallCode(t, s, models.CallCode2026)
			ids, err := s.CallActivityIDs(ctx, &call)
			if err != nil || len(ids) == 0 {
				t.Fatalf("activities of the 2026 call: %v %v", ids, err)
			}
			in := models.CallInput{PlanID: call.PlanID, Code: call.Code, TitleSV: call.TitleSV, TitleEN: call.TitleEN,
				DescriptionSV: call.DescriptionSV, DescriptionEN: call.DescriptionEN, BudgetOre: 179_999_00,
				OpensAt: call.OpensAt, DeadlineAt: call.DeadlineAt, ReportDueOn: call.ReportDueOn,
				EndorsementRequired: call.EndorsementRequired, Version: call.Version, ActivityIDs: ids}
			// The demo granted 180 000 kr in this call.
			_, err = s.UpdateCall(ctx, sara, call.ID, in)
			wantFields(t, err, map[string]string{"budget": models.MsgBudgetBelowCommit})
			in.BudgetOre = 180_000_00
			if _, err := s.UpdateCall(ctx, sara, call.ID, in); err != nil {
				t.Fatalf("lowered to what is committed: %v", err)
			}
			in.BudgetOre = 4_000_000_00
			if _, err := s.UpdateCall(ctx, sara, call.ID, in); !errors.Is(err, models.ErrStale) {
				t.Errorf("a stale form saved: %v", err)
			}
			in.Version++
			if _, err := s.UpdateCall(ctx, sara, call.ID, in); err != nil {
				t.Fatalf("raised: %v", err)
			}
		})
		t.Run("WarningWhenApplicationsDepend", func(t *testing.T) {
			call := mustCallCode(t, s, models.CallCode2026)
			in := models.CallInput{PlanID: call.PlanID, Code: call.Code, TitleSV: call.TitleSV, TitleEN: call.TitleEN,
				BudgetOre: call.BudgetOre, OpensAt: call.OpensAt, DeadlineAt: call.DeadlineAt.AddDate(0, 0, -7),
				ReportDueOn: call.ReportDueOn, EndorsementRequired: false, Version: call.Version}
			_, err := s.UpdateCall(ctx, sara, call.ID, in)
			var w *models.CallChangeWarning
			if !errors.As(err, &w) || w.Applications == 0 || len(w.Fields) != 2 {
				t.Fatalf("err = %v, want a warning about the deadline and endorsement", err)
			}
			in.Confirmed = true
			if _, err := s.UpdateCall(ctx, sara, call.ID, in); err != nil {
				t.Fatalf("confirmed: %v", err)
			}
		})
		t.Run("OpenAndClose", func(t *testing.T) {
			c, err := s.SetCallOpen(ctx, sara, spring.ID, spring.Version, true)
			if err != nil || !c.OpenAt(s.Now()) {
				t.Fatalf("opened: %v, open %v", err, c != nil && c.OpenAt(s.Now()))
			}
			c, err = s.SetCallOpen(ctx, sara, spring.ID, c.Version, false)
			if err != nil || c.OpenAt(s.Now()) {
				t.Fatalf("closed: %v", err)
			}
			_, err = s.SetCallOpen(ctx, sara, spring.ID, c.Version, true)
			wantFields(t, err, map[string]string{"deadline_at": models.MsgDeadlinePast})
		})
		t.Run("Copy", func(t *testing.T) {
			in, err := s.CallCopy(ctx, spring)
			if err != nil {
				t.Fatal(err)
			}
			in.Code = "2028"
			if in.DeadlineAt.Year() != 2028 {
				t.Errorf("copy's deadline %v", in.DeadlineAt)
			}
			if _, err := s.CreateCall(ctx, sara, in); err != nil {
				t.Fatalf("copy: %v", err)
			}
		})
	})
}

func TestReferenceNumbers(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		// 00:30 on 1 January 2027, Swedish time: already 2027's series.
		s.SetClock(func() time.Time { return time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) })
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		ref, err := s.ProposeReference(ctx)
		if err != nil || ref != "ORU 2027/00001" {
			t.Fatalf("proposed %q, %v", ref, err)
		}
		sara := mustActor(t, s, "sara")
		set, err := s.ReferencePattern(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = s.SetReferencePattern(ctx, sara, set.Version, "Dnr {year}")
		wantFields(t, err, map[string]string{"pattern": models.MsgReferencePattern})
		if err := s.SetReferencePattern(ctx, sara, set.Version, "MF {year}-{seq:03}"); err != nil {
			t.Fatal(err)
		}
		if ref, _ := s.ProposeReference(ctx); ref != "MF 2027-001" {
			t.Errorf("proposed %q", ref)
		}
		// The demo's decisions of 2026 are another year's series.
		if taken, err := s.ReferenceTaken(ctx, "ORU 2026/01234"); err != nil || !taken {
			t.Errorf("the demo's reference is not taken: %v", err)
		}
	})
}

// TestCallFundsChosenActivities: a call that funds one activity refuses
// a draft linked to another.
func TestCallFundsChosenActivities(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		plan, err := s.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		acts := plan.Activities()
		in := callInput(t, s, "smal")
		in.OpensAt = time.Date(2026, 5, 1, 0, 0, 0, 0, swedish)
		in.ActivityIDs = []int64{acts[0].ID}
		call, err := s.CreateCall(ctx, mustActor(t, s, "sara"), in)
		if err != nil {
			t.Fatal(err)
		}
		erik := mustActor(t, s, "erik")
		d := models.Draft{UnitID: *erik.User.UnitID, Title: "Smal", ActivityIDs: []int64{acts[1].ID}}
		_, err = s.CreateDraft(ctx, erik, call.ID, d)
		wantFields(t, err, map[string]string{"activities": "error.invalid_choice"})
		d.ActivityIDs = []int64{acts[0].ID}
		if _, err := s.CreateDraft(ctx, erik, call.ID, d); err != nil {
			t.Fatalf("a funded activity: %v", err)
		}
	})
}
