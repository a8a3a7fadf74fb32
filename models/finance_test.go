package models_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"mobilityfund/export"
	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// financeFixture is the demo university with finance settings filled in.
// The demo data has one granted application (NT, 180 000 kr) and one
// ready for decision (HUMUS, 98 000 kr recommended).
type financeFixture struct {
	t                  *testing.T
	s                  *models.Store
	ctx                context.Context
	peter, karin, anna *models.Actor
}

func newFinanceFixture(t *testing.T, s *models.Store) *financeFixture {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	f := &financeFixture{t: t, s: s, ctx: ctx}
	f.peter, f.karin, f.anna = f.actor("peter"), f.actor("karin"), f.actor("anna")
	_, err := s.SaveFinanceSettings(ctx, f.peter, models.FinanceSettingsInput{
		Ledger: export.Ledger{Organisation: "Örebro universitet", PotCostCentre: "9100", PotProject: "MOBPOT", PotName: "Mobilitetsfonden",
			UnitAccount: "4010", UnitAccountName: "Interna bidrag", PotAccount: "4010", PotAccountName: "Interna bidrag"},
		VoucherText: "MF {application} {decision} batch {batch}",
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *financeFixture) actor(subject string) *models.Actor {
	f.t.Helper()
	a, err := f.s.DemoActor(f.ctx, subject)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// app returns the one application in state st.
func (f *financeFixture) app(st workflow.State) models.Application {
	f.t.Helper()
	var apps []models.Application
	if err := f.s.DB().Where("state = ?", st).Order("id").Find(&apps).Error; err != nil || len(apps) != 1 {
		f.t.Fatalf("applications in %s: %d, %v", st, len(apps), err)
	}
	return apps[0]
}

func (f *financeFixture) lines(batch int64) []models.FinanceBatchLine {
	f.t.Helper()
	lines, err := f.s.FinanceBatchLines(f.ctx, batch, 1000, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	return lines
}

func TestFinanceExportAndBooking(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		ctx := f.ctx
		nt := f.app(workflow.StateGranted)

		if _, err := s.CreateFinanceBatch(ctx, f.anna, models.BatchInput{}); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("applicant creating a batch: %v", err)
		}
		p, err := s.PendingFinance(ctx, f.peter, 10)
		if err != nil || p.Count != 1 || p.TotalOre != nt.GrantedOre || p.Lines[0].ApplicationID != nt.ID {
			t.Fatalf("pending = %+v, %v", p, err)
		}

		b1, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{})
		if err != nil {
			t.Fatal(err)
		}
		l1 := f.lines(b1.ID)
		if b1.LineCount != 1 || b1.TotalOre != 180_000_00 || len(l1) != 1 || l1[0].Kind != models.LineAward ||
			l1[0].CostCentre != "3120" || l1[0].ProjectCode != "P3120-MOB" || l1[0].DecisionRef != "ORU 2026/01234" ||
			l1[0].Activities == "" || l1[0].DecisionDate == nil {
			t.Fatalf("batch 1 = %+v, lines %+v", b1, l1)
		}
		if want := "MF " + nt.Number() + " ORU 2026/01234 batch " + strconv.FormatInt(b1.ID, 10); l1[0].VoucherText != want {
			t.Errorf("voucher text %q, want %q", l1[0].VoucherText, want)
		}
		if _, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{}); !errors.Is(err, models.ErrNothingToExport) {
			t.Fatalf("second batch with nothing new: %v", err)
		}

		// A new grant goes in the next batch, alone.
		humus := f.app(workflow.StateReadyForDecision)
		if _, err := s.Apply(ctx, humus.ID, humus.Version, f.karin, workflow.ActionGrant,
			workflow.Input{AmountOre: 90_000_00, DecisionRef: "ORU 2026/02000", Comment: "Beviljas."}); err != nil {
			t.Fatal(err)
		}
		b2, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{})
		if err != nil {
			t.Fatal(err)
		}
		if l2 := f.lines(b2.ID); len(l2) != 1 || l2[0].ApplicationID != humus.ID || l2[0].AmountOre != 90_000_00 {
			t.Fatalf("batch 2 lines = %+v", l2)
		}

		// Booking: granted → booked with audit and notices, once only.
		if _, err := s.BookFinanceBatch(ctx, f.peter, b1.ID, b1.Version, models.BookingInput{}); err == nil {
			t.Fatal("booking without a voucher was accepted")
		}
		if _, err := s.BookFinanceBatch(ctx, f.peter, b1.ID, b1.Version+1, models.BookingInput{VoucherNumber: "V1", VoucherDate: time.Now()}); !errors.Is(err, models.ErrStale) {
			t.Fatalf("stale booking: %v", err)
		}
		booked, err := s.BookFinanceBatch(ctx, f.peter, b1.ID, b1.Version, models.BookingInput{VoucherNumber: "RD-4711", VoucherDate: time.Now()})
		if err != nil || !booked.Booked() || booked.VoucherNumber != "RD-4711" {
			t.Fatalf("booking: %+v, %v", booked, err)
		}
		_, err = s.BookFinanceBatch(ctx, f.peter, b1.ID, booked.Version, models.BookingInput{VoucherNumber: "RD-4712", VoucherDate: time.Now()})
		var be *models.BatchBookedError
		if !errors.As(err, &be) || be.VoucherNumber != "RD-4711" || !errors.Is(err, workflow.ErrInvalidTransition) {
			t.Fatalf("second booking: %v", err)
		}
		var after models.Application
		if err := s.DB().First(&after, nt.ID).Error; err != nil || after.State != workflow.StateBooked {
			t.Fatalf("application after booking: %s, %v", after.State, err)
		}
		var audits, notices int64
		s.DB().Model(&models.AuditEvent{}).Where("application_id = ? AND action = ?", nt.ID, workflow.ActionBook).Count(&audits)
		s.DB().Model(&models.OutboxMessage{}).Where("application_id = ? AND event = ?", nt.ID, "booked").Count(&notices)
		if audits != 1 || notices == 0 {
			t.Errorf("booking wrote %d audit rows and %d notices", audits, notices)
		}

		// Revoking after booking: the next batch reverses the award.
		if _, err := s.Apply(ctx, after.ID, after.Version, f.karin, workflow.ActionRevoke,
			workflow.Input{DecisionRef: "ORU 2026/03000", Comment: "Återkallas."}); err != nil {
			t.Fatal(err)
		}
		p, err = s.PendingFinance(ctx, f.peter, 10)
		if err != nil || p.Count != 1 || p.TotalOre != -180_000_00 {
			t.Fatalf("pending after revocation = %+v, %v", p, err)
		}
		b3, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{})
		if err != nil {
			t.Fatal(err)
		}
		l3 := f.lines(b3.ID)
		if len(l3) != 1 || l3[0].Kind != models.LineReversal || l3[0].AmountOre != -180_000_00 || l3[0].ApplicationID != nt.ID {
			t.Fatalf("batch 3 lines = %+v", l3)
		}
		if _, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{}); !errors.Is(err, models.ErrNothingToExport) {
			t.Fatalf("after the reversal: %v", err)
		}

		// Batch 2's award was revoked before booking: booking skips it
		// and its reversal goes in the next batch.
		h, _ := s.ApplicationView(ctx, workflow.Visibility{All: true}, humus.ID)
		if _, err := s.Apply(ctx, humus.ID, h.App.Version, f.karin, workflow.ActionRevoke,
			workflow.Input{DecisionRef: "ORU 2026/03001", Comment: "Återkallas."}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BookFinanceBatch(ctx, f.peter, b2.ID, b2.Version, models.BookingInput{VoucherNumber: "RD-4713", VoucherDate: time.Now()}); err != nil {
			t.Fatal(err)
		}
		b4, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{})
		if err != nil || b4.TotalOre != -90_000_00 {
			t.Fatalf("batch 4 = %+v, %v", b4, err)
		}

		objs, err := s.FinanceBatchObjects(ctx, b1.ID)
		if err != nil || len(objs) != 2 || objs[0].Number != "3120" || objs[1].Number != "P3120-MOB" {
			t.Errorf("objects = %+v, %v", objs, err)
		}
		var streamed int
		if err := s.EachFinanceBatchLine(ctx, b1.ID, func(l *models.FinanceBatchLine) error {
			streamed++
			return nil
		}); err != nil || streamed != 1 {
			t.Errorf("streamed %d lines, %v", streamed, err)
		}
	})
}

func TestFinanceSettingsValidation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		_, err := s.SaveFinanceSettings(f.ctx, f.peter, models.FinanceSettingsInput{Ledger: export.Ledger{UnitAccount: "40 10"}})
		var ve *workflow.ValidationError
		if !errors.As(err, &ve) || ve.Fields["unit_account"] != "finance.err.code" || ve.Fields["organisation"] != workflow.MsgRequired {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.SaveFinanceSettings(f.ctx, f.anna, models.FinanceSettingsInput{}); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("applicant saving settings: %v", err)
		}
		set, err := s.FinanceSettings(f.ctx)
		if err != nil || set.PotCostCentre != "9100" || !set.Complete() {
			t.Fatalf("settings = %+v, %v", set, err)
		}
	})
}

// TestFinanceConcurrentBatches makes batches from many goroutines at once:
// every award ends up in exactly one batch.
func TestFinanceConcurrentBatches(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		nt := f.app(workflow.StateGranted)
		// More granted applications, copies of the demo's granted one.
		want := nt.GrantedOre
		for i := range 40 {
			c := nt
			c.ID = 0
			c.GrantedOre = int64(1000+i) * 100
			want += c.GrantedOre
			if err := s.DB().Create(&c).Error; err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = s.CreateFinanceBatch(f.ctx, f.peter, models.BatchInput{})
			})
		}
		wg.Wait()
		made := 0
		for _, err := range errs {
			switch {
			case err == nil:
				made++
			case !errors.Is(err, models.ErrNothingToExport) && !errors.Is(err, models.ErrExportConflict):
				t.Errorf("concurrent batch: %v", err)
			}
		}
		var rows []struct {
			ApplicationID int64
			N             int
			Sum           int64
		}
		if err := s.DB().Model(&models.FinanceBatchLine{}).Select("application_id, COUNT(*) AS n, SUM(amount_ore) AS sum").
			Group("application_id").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, r := range rows {
			total += r.Sum
			if r.N != 1 {
				t.Errorf("application %d is in %d batches", r.ApplicationID, r.N)
			}
		}
		if made < 1 || len(rows) != 41 || total != want {
			t.Errorf("%d batches, %d applications, %d öre; want 41 applications and %d öre", made, len(rows), total, want)
		}

		// The database refuses a second award line by itself.
		dup := models.FinanceBatchLine{BatchID: 1, Position: 999, ApplicationID: nt.ID, Kind: models.LineAward,
			UnitID: nt.UnitID, AmountOre: 1}
		var b models.FinanceBatch
		if err := s.DB().Order("id").First(&b).Error; err != nil {
			t.Fatal(err)
		}
		dup.BatchID = b.ID
		if err := s.DB().Create(&dup).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Errorf("second award line for one application: %v", err)
		}
	})
}
