package models_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// assertMoney checks that the money the triggers keep per application
// equals what the applications and the batch lines give from scratch.
func (f *financeFixture) assertMoney(when string) {
	f.t.Helper()
	kept, err := f.s.FinanceMoney(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	fresh, err := f.s.FinanceMoneyRecomputed(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	if !reflect.DeepEqual(kept, fresh) {
		for i := range min(len(kept), len(fresh)) {
			if kept[i] != fresh[i] {
				f.t.Errorf("%s: application %d kept %+v, recomputed %+v", when, fresh[i].ApplicationID, kept[i], fresh[i])
				break
			}
		}
		f.t.Fatalf("%s: %d kept rows, %d recomputed", when, len(kept), len(fresh))
	}
}

// TestFinanceMoneyEqualsRecomputed walks the demo data and a generated
// decade of calls (whose booked batches the seed writes directly)
// through grants, batches, bookings, revocations, returns, a moved
// application, a deleted draft, and lines deleted and changed by hand,
// and checks after each that the kept money equals the money recomputed
// from the lines.
func TestFinanceMoneyEqualsRecomputed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		ctx := f.ctx
		nt := f.app(workflow.StateGranted)
		f.assertMoney("demo data")
		if _, err := s.SeedSynthetic(ctx, 300, 4); err != nil {
			t.Fatal(err)
		}
		f.assertMoney("synthetic data")

		var humus models.Application
		if err := s.DB().Where("state = ?", workflow.StateReadyForDecision).Order("id").First(&humus).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, humus.ID, humus.Version, f.karin, workflow.ActionGrant,
			workflow.Input{AmountOre: 50_000_00, DecisionRef: "ORU 2026/02000", Comment: "Beviljas."}); err != nil {
			t.Fatal(err)
		}
		f.assertMoney("grant")
		b1 := f.batch(models.BatchInput{})
		f.assertMoney("batch")
		f.book(b1, "1")
		f.assertMoney("booking")
		nt = f.current(nt.ID)
		if _, err := s.Apply(ctx, nt.ID, nt.Version, f.karin, workflow.ActionRevoke,
			workflow.Input{DecisionRef: "ORU 2026/03000", Comment: "Återkallas."}); err != nil {
			t.Fatal(err)
		}
		f.assertMoney("revocation")
		b2 := f.batch(models.BatchInput{})
		f.assertMoney("reversal batch")

		// Moved to another unit and call, by hand.
		var other models.Application
		if err := s.DB().Where("id <> ? AND call_id <> ?", nt.ID, nt.CallID).Order("id").First(&other).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Exec("UPDATE applications SET call_id = ?, unit_id = ? WHERE id = ?", other.CallID, other.UnitID, nt.ID).Error; err != nil {
			t.Fatal(err)
		}
		f.assertMoney("moved")
		// A draft deleted counts nowhere.
		var draft models.Application
		if err := s.DB().Where("state = ?", workflow.StateDraft).Order("id").First(&draft).Error; err == nil {
			if err := s.DB().Exec("UPDATE applications SET deleted_at = ?, granted_ore = 100 WHERE id = ?", time.Now(), draft.ID).Error; err != nil {
				t.Fatal(err)
			}
			f.assertMoney("deleted draft")
		}
		// Lines changed and deleted by hand, in a booked and an open batch.
		if err := s.DB().Exec("UPDATE finance_batch_lines SET amount_ore = amount_ore + 1 WHERE batch_id = ?", b1.ID).Error; err != nil {
			t.Fatal(err)
		}
		f.assertMoney("lines changed")
		if err := s.DB().Exec("DELETE FROM finance_batch_lines WHERE batch_id = ?", b2.ID).Error; err != nil {
			t.Fatal(err)
		}
		f.assertMoney("lines deleted")
		if err := s.DB().Exec("UPDATE finance_batches SET booked_at = NULL, voucher_date = NULL WHERE id = ?", b1.ID).Error; err != nil {
			t.Fatal(err)
		}
		f.assertMoney("booking taken back")
	})
}

// TestFinanceBatchLineFields: the lines a batch makes in one statement
// carry every field as the application, its unit and the settings give
// it: the reference's year and the decision's day in the university's
// time zone, and the voucher text's placeholders replaced once, not again
// inside what replaced them.
func TestFinanceBatchLineFields(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		nt := f.app(workflow.StateGranted)
		// Created at 00:30 on 1 January Swedish time; decided at 00:30 on
		// 1 April Swedish time (summer time: 22:30 UTC on 31 March).
		created := time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)
		decided := time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC)
		if err := s.DB().Exec("UPDATE applications SET created_at = ?, decided_at = ?, title = ? WHERE id = ?",
			created, decided, "Resa {batch} {title} 100%", nt.ID).Error; err != nil {
			t.Fatal(err)
		}
		set, _ := s.FinanceSettings(f.ctx)
		in := set.FinanceSettingsInput
		in.VoucherText = "{title}|{unit}|{application}|{batch}|{x}"
		if _, err := s.SaveFinanceSettings(f.ctx, f.peter, in); err != nil {
			t.Fatal(err)
		}
		p, err := s.PendingFinance(f.ctx, f.peter, 10)
		if err != nil || len(p.Lines) != 1 {
			t.Fatalf("pending %+v, %v", p, err)
		}
		b := f.batch(models.BatchInput{})
		lines := f.lines(b.ID)
		if len(lines) != 1 {
			t.Fatalf("lines %+v", lines)
		}
		l := lines[0]
		ref := models.ApplicationNumber(created, nt.ID)
		if ref[:8] != "MF-2026-" || l.Reference != ref || p.Lines[0].Reference != ref {
			t.Errorf("reference %q (preview %q), want %q", l.Reference, p.Lines[0].Reference, ref)
		}
		day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		if l.DecisionDate == nil || !l.DecisionDate.Equal(day) || p.Lines[0].DecisionDate == nil || !p.Lines[0].DecisionDate.Equal(day) {
			t.Errorf("decision date %v (preview %v), want %v", l.DecisionDate, p.Lines[0].DecisionDate, day)
		}
		want := "Resa {batch} {title} 100%|" + l.UnitName + "|" + ref + "|" + strconv.FormatInt(b.ID, 10) + "|{x}"
		if l.VoucherText != want {
			t.Errorf("voucher text %q, want %q", l.VoucherText, want)
		}
		if p.Lines[0].VoucherText != "Resa {batch} {title} 100%|"+l.UnitName+"|"+ref+"||{x}" {
			t.Errorf("preview voucher text %q", p.Lines[0].VoucherText)
		}
		if l.Position != 1 || l.Activities == "" || l.CostCentre != "3120" || l.UnitCode == "" || l.ProjectName == "" {
			t.Errorf("line %+v", l)
		}
	})
}

// TestFinanceMoneyFollowsRandomSequences drives random sequences of
// grants (in full and in part), revocations, reports, acceptances,
// batches and bookings (from fixed seeds, so that a failure repeats) and
// checks after every step that the kept money equals the money
// recomputed from the lines, and that the preview's count and sum are
// what a batch then moves.
func TestFinanceMoneyFollowsRandomSequences(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		ctx := f.ctx
		anna, sara := f.actor("anna"), f.actor("sara")
		proto := f.app(workflow.StateReadyForDecision)
		var ids []int64
		for i := range 12 {
			c := proto
			c.ID, c.Version = 0, 1
			c.RequestedOre = int64(10_000+i*7_000) * 100
			if err := s.DB().Create(&c).Error; err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		f.assertMoney("new applications")
		pick := func(rng *rand.Rand, states ...workflow.State) (models.Application, bool) {
			var apps []models.Application
			if err := s.DB().Where("id IN ? AND state IN ?", ids, states).Order("id").Find(&apps).Error; err != nil {
				t.Fatal(err)
			}
			if len(apps) == 0 {
				return models.Application{}, false
			}
			return apps[rng.IntN(len(apps))], true
		}
		rng := rand.New(rand.NewPCG(7, 2026))
		for i := range 60 {
			step := fmt.Sprintf("step %d", i)
			switch rng.IntN(6) {
			case 0:
				if a, ok := pick(rng, workflow.StateReadyForDecision); ok {
					amount := a.RequestedOre
					if rng.IntN(2) == 0 {
						amount = 100 + rng.Int64N(a.RequestedOre-100)
					}
					if _, err := s.Apply(ctx, a.ID, a.Version, f.karin, workflow.ActionGrant,
						workflow.Input{AmountOre: amount, DecisionRef: "ORU " + step, Comment: "Beviljas."}); err != nil {
						t.Fatalf("%s: grant: %v", step, err)
					}
				}
			case 1:
				if a, ok := pick(rng, workflow.StateGranted, workflow.StateBooked, workflow.StateReported); ok && rng.IntN(3) == 0 {
					if _, err := s.Apply(ctx, a.ID, a.Version, f.karin, workflow.ActionRevoke,
						workflow.Input{DecisionRef: "ORU R " + step, Comment: "Återkallas."}); err != nil {
						t.Fatalf("%s: revoke: %v", step, err)
					}
				}
			case 2:
				if a, ok := pick(rng, workflow.StateBooked); ok {
					if err := s.SaveReport(ctx, anna, a.ID, a.Version, fullReport(rng.Int64N(a.GrantedOre+1)), true); err != nil {
						t.Fatalf("%s: report: %v", step, err)
					}
				}
			case 3:
				if a, ok := pick(rng, workflow.StateReported); ok {
					if err := s.AcceptReport(ctx, sara, a.ID, a.Version); err != nil {
						t.Fatalf("%s: accept: %v", step, err)
					}
				}
			case 4:
				p, err := s.PendingFinance(ctx, f.peter, 0)
				if err != nil {
					t.Fatal(err)
				}
				b, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{})
				switch {
				case errors.Is(err, models.ErrNothingToExport):
					if p.Count != 0 {
						t.Fatalf("%s: nothing to export, yet the preview showed %d lines", step, p.Count)
					}
				case err != nil:
					t.Fatalf("%s: batch: %v", step, err)
				case b.LineCount != p.Count || b.TotalOre != p.TotalOre:
					t.Fatalf("%s: batch of %d lines, %d öre; the preview showed %d, %d", step, b.LineCount, b.TotalOre, p.Count, p.TotalOre)
				}
			case 5:
				var open []models.FinanceBatch
				if err := s.DB().Where("booked_at IS NULL").Order("id").Find(&open).Error; err != nil {
					t.Fatal(err)
				}
				for j := range open {
					f.book(&open[j], fmt.Sprint(open[j].ID))
				}
			}
			f.assertMoney(step)
		}
		var batches, kinds int64
		s.DB().Model(&models.FinanceBatch{}).Count(&batches)
		s.DB().Model(&models.FinanceBatchLine{}).Distinct("kind").Count(&kinds)
		if batches < 3 || kinds != 3 {
			t.Errorf("the sequence made %d batches with %d kinds of line; want awards, reversals and returns", batches, kinds)
		}
	})
}
