package models_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// ledgerOre is what the booked batches have moved out of the pot, net:
// the sum of their lines.
func (f *financeFixture) ledgerOre() int64 {
	f.t.Helper()
	var sum int64
	err := f.s.DB().Table("finance_batch_lines").Joins("JOIN finance_batches ON finance_batches.id = finance_batch_lines.batch_id").
		Where("finance_batches.booked_at IS NOT NULL").Select("COALESCE(SUM(finance_batch_lines.amount_ore), 0)").Scan(&sum).Error
	if err != nil {
		f.t.Fatal(err)
	}
	return sum
}

// openOre is what batches not yet booked hold.
func (f *financeFixture) openOre() int64 {
	f.t.Helper()
	var sum int64
	err := f.s.DB().Table("finance_batch_lines").Joins("JOIN finance_batches ON finance_batches.id = finance_batch_lines.batch_id").
		Where("finance_batches.booked_at IS NULL").Select("COALESCE(SUM(finance_batch_lines.amount_ore), 0)").Scan(&sum).Error
	if err != nil {
		f.t.Fatal(err)
	}
	return sum
}

// committedOre is the app's net committed money: granted less returned
// over every application that holds money, summed here from the rows.
func (f *financeFixture) committedOre() int64 {
	f.t.Helper()
	var apps []models.Application
	if err := f.s.DB().Find(&apps).Error; err != nil {
		f.t.Fatal(err)
	}
	var sum int64
	for _, a := range apps {
		if workflow.HoldsMoney(a.State) {
			sum += a.GrantedOre - a.ReturnedOre
		}
	}
	return sum
}

// TestLedgerFollowsTheApp drives random sequences of grants (in full and
// in part), revocations, reports, acceptances, batches and bookings (from
// fixed seeds, so a failure repeats) and checks after every booking that
// the ledger, the open batches and what waits add up to what the app has
// committed — and, when nothing is open or waiting, that the ledger alone
// does — and that the reconciliation explains every difference. Each
// sequence ends with a batch and its booking, after which the
// reconciliation shows no difference at all.
func TestLedgerFollowsTheApp(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		ctx := f.ctx
		anna, sara := f.actor("anna"), f.actor("sara")
		proto := f.app(workflow.StateReadyForDecision)
		var ids []int64
		// Each sequence gets ten applications of its own, ready for a
		// decision, copies of the demo's with other amounts asked for.
		newApps := func() {
			ids = ids[:0]
			for i := range 10 {
				c := proto
				c.ID, c.Version = 0, 1
				c.RequestedOre = int64(10_000+i*9_000) * 100
				if err := s.DB().Create(&c).Error; err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
		}
		inState := func(rng *rand.Rand, states ...workflow.State) (models.Application, bool) {
			var apps []models.Application
			if err := s.DB().Where("id IN ? AND state IN ?", ids, states).Order("id").Find(&apps).Error; err != nil {
				t.Fatal(err)
			}
			if len(apps) == 0 {
				return models.Application{}, false
			}
			return apps[rng.IntN(len(apps))], true
		}
		bookAll := func(step string) {
			var open []models.FinanceBatch
			if err := s.DB().Where("booked_at IS NULL").Order("id").Find(&open).Error; err != nil {
				t.Fatal(err)
			}
			for i := range open {
				f.book(&open[i], fmt.Sprint(open[i].ID))
			}
			p, err := s.PendingFinance(ctx, f.peter, 0)
			if err != nil {
				t.Fatal(err)
			}
			ledger, committed := f.ledgerOre(), f.committedOre()
			if open := f.openOre(); ledger+open+p.TotalOre != committed || open != 0 {
				t.Fatalf("%s: ledger %d + open %d + waiting %d ≠ committed %d", step, ledger, open, p.TotalOre, committed)
			}
			if p.Count == 0 && ledger != committed {
				t.Fatalf("%s: nothing waits, yet the ledger moved %d and the app committed %d", step, ledger, committed)
			}
			r, err := s.Reconcile(ctx, f.peter)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range r.Calls {
				if c.UnexplainedOre() != 0 || c.WaitingOre != c.DifferenceOre() {
					t.Fatalf("%s: call %d unexplained %d, waiting %d, difference %d", step, c.Call.ID, c.UnexplainedOre(), c.WaitingOre, c.DifferenceOre())
				}
				for _, d := range c.Differences {
					if d.UnexplainedOre() != 0 {
						t.Fatalf("%s: %s unexplained %+v", step, d.Reference, d)
					}
				}
			}
		}
		for seed := uint64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewPCG(seed, 2026))
			newApps()
			for i := range 40 {
				step := fmt.Sprintf("seed %d step %d", seed, i)
				switch op := rng.IntN(6); op {
				case 0: // grant, in full or in part
					if a, ok := inState(rng, workflow.StateReadyForDecision); ok {
						amount := a.RequestedOre
						if rng.IntN(2) == 0 {
							amount = 100 + rng.Int64N(a.RequestedOre-100)
						}
						if _, err := s.Apply(ctx, a.ID, a.Version, f.karin, workflow.ActionGrant,
							workflow.Input{AmountOre: amount, DecisionRef: "ORU " + step, Comment: "Beviljas."}); err != nil {
							t.Fatalf("%s: grant: %v", step, err)
						}
					}
				case 1: // revoke, before or after booking or reporting
					if a, ok := inState(rng, workflow.StateGranted, workflow.StateBooked, workflow.StateReported); ok && rng.IntN(3) == 0 {
						if _, err := s.Apply(ctx, a.ID, a.Version, f.karin, workflow.ActionRevoke,
							workflow.Input{DecisionRef: "ORU R " + step, Comment: "Återkallas."}); err != nil {
							t.Fatalf("%s: revoke: %v", step, err)
						}
					}
				case 2: // report some or all of the money spent
					if a, ok := inState(rng, workflow.StateBooked); ok {
						if err := s.SaveReport(ctx, anna, a.ID, a.Version, fullReport(rng.Int64N(a.GrantedOre+1)), true); err != nil {
							t.Fatalf("%s: report: %v", step, err)
						}
					}
				case 3: // accept a report: the unspent money comes back
					if a, ok := inState(rng, workflow.StateReported); ok {
						if err := s.AcceptReport(ctx, sara, a.ID, a.Version); err != nil {
							t.Fatalf("%s: accept: %v", step, err)
						}
					}
				case 4: // make a batch
					if _, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{}); err != nil && !errors.Is(err, models.ErrNothingToExport) {
						t.Fatalf("%s: batch: %v", step, err)
					}
				case 5: // book every open batch
					bookAll(step)
				}
			}
			if _, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{}); err != nil && !errors.Is(err, models.ErrNothingToExport) {
				t.Fatal(err)
			}
			bookAll(fmt.Sprintf("seed %d end", seed))
			if ledger, committed := f.ledgerOre(), f.committedOre(); ledger != committed {
				t.Fatalf("seed %d: ledger %d, committed %d", seed, ledger, committed)
			}
			f.checkReconciled()
		}
		var batches, kinds int64
		s.DB().Model(&models.FinanceBatch{}).Count(&batches)
		s.DB().Model(&models.FinanceBatchLine{}).Distinct("kind").Count(&kinds)
		if batches < 6 || kinds != 3 {
			t.Errorf("the sequences made %d batches with %d kinds of line; want awards, reversals and returns", batches, kinds)
		}
	})
}
