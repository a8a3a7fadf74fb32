package models_test

import (
	"errors"
	"testing"
	"time"

	"mobilityfund/export"
	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// current reloads application id.
func (f *financeFixture) current(id int64) models.Application {
	f.t.Helper()
	var a models.Application
	if err := f.s.DB().First(&a, id).Error; err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *financeFixture) batch(in models.BatchInput) *models.FinanceBatch {
	f.t.Helper()
	b, err := f.s.CreateFinanceBatch(f.ctx, f.peter, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *financeFixture) book(b *models.FinanceBatch, number string) {
	f.t.Helper()
	if _, err := f.s.BookFinanceBatch(f.ctx, f.peter, b.ID, b.Version,
		models.BookingInput{VoucherSeries: "IB", VoucherNumber: number, VoucherDate: b.AccountingDate}); err != nil {
		f.t.Fatal(err)
	}
}

// checkReconciled fails unless every call's and unit's booked money is
// what the app has committed, with no application behind a difference.
func (f *financeFixture) checkReconciled() {
	f.t.Helper()
	r, err := f.s.Reconcile(f.ctx, f.peter)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range r.Calls {
		if c.DifferenceOre() != 0 || c.UnexplainedOre() != 0 || len(c.Differences) != 0 || c.WaitingOre != 0 {
			f.t.Errorf("call %d: net %d, booked %d, waiting %d, differences %+v", c.Call.ID, c.NetOre, c.BookedOre, c.WaitingOre, c.Differences)
		}
	}
	for _, u := range r.Units {
		if u.DifferenceOre() != 0 {
			f.t.Errorf("unit %s: net %d, moved %d", u.Unit.Code, u.NetOre, u.BookedOre)
		}
	}
}

// TestFinanceReturnsAndReversals follows money back to the pot: an
// accepted report with unspent money and a revocation after booking each
// become a line of the next batch with their own reference and date, the
// grant's reference stays on the application, finance is mailed about the
// return, and after booking the ledger agrees with the app.
func TestFinanceReturnsAndReversals(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		ctx := f.ctx
		nt := f.app(workflow.StateGranted)
		humus := f.app(workflow.StateReadyForDecision)
		// A partial grant: 90 000 of the 98 000 asked for.
		if _, err := s.Apply(ctx, humus.ID, humus.Version, f.karin, workflow.ActionGrant,
			workflow.Input{AmountOre: 90_000_00, DecisionRef: "ORU 2026/02000", Comment: "Beviljas delvis."}); err != nil {
			t.Fatal(err)
		}
		b1 := f.batch(models.BatchInput{})
		if b1.LineCount != 2 || b1.TotalOre != 270_000_00 || b1.Direction != export.PotDebit {
			t.Fatalf("batch 1 = %+v", b1)
		}
		f.book(b1, "4711")
		f.checkReconciled()

		// HUMUS reports 70 000 spent; the coordinator accepts: 20 000 back.
		humus = f.current(humus.ID)
		anna, sara := f.actor("anna"), f.actor("sara")
		if err := s.SaveReport(ctx, anna, humus.ID, humus.Version, fullReport(70_000_00), true); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptReport(ctx, sara, humus.ID, humus.Version+1); err != nil {
			t.Fatal(err)
		}
		var mails int64
		s.DB().Model(&models.OutboxMessage{}).Where("application_id = ? AND event = ?", humus.ID, "return_waiting").Count(&mails)
		if mails == 0 {
			t.Error("finance was not told that a return waits")
		}
		accepted := civil(s.Now())

		// NT's grant is revoked after booking.
		nt = f.current(nt.ID)
		if _, err := s.Apply(ctx, nt.ID, nt.Version, f.karin, workflow.ActionRevoke,
			workflow.Input{DecisionRef: "ORU 2026/03000", Comment: "Återkallas."}); err != nil {
			t.Fatal(err)
		}
		if nt = f.current(nt.ID); nt.DecisionRef != "ORU 2026/01234" || nt.RevocationRef != "ORU 2026/03000" || nt.RevokedAt == nil {
			t.Errorf("revoked application: decision %q, revocation %q at %v", nt.DecisionRef, nt.RevocationRef, nt.RevokedAt)
		}

		p, err := s.PendingFinance(ctx, f.peter, 10)
		if err != nil || p.Count != 2 || p.TotalOre != -200_000_00 {
			t.Fatalf("pending = %+v, %v", p, err)
		}
		b2 := f.batch(models.BatchInput{})
		lines := f.lines(b2.ID)
		byKind := map[string]models.FinanceBatchLine{}
		for _, l := range lines {
			byKind[l.Kind] = l
		}
		ret, rev := byKind[models.LineReturn], byKind[models.LineReversal]
		if ret.ApplicationID != humus.ID || ret.AmountOre != -20_000_00 || ret.DecisionRef != "Återrapport "+humus.Number() ||
			ret.DecisionDate == nil || !ret.DecisionDate.Equal(accepted) || ret.VoucherText[:len("Återbetalning ")] != "Återbetalning " {
			t.Errorf("return line %+v", ret)
		}
		if rev.ApplicationID != nt.ID || rev.AmountOre != -180_000_00 || rev.DecisionRef != "ORU 2026/03000" ||
			rev.DecisionDate == nil || !rev.DecisionDate.Equal(civil(*nt.RevokedAt)) {
			t.Errorf("reversal line %+v", rev)
		}
		if r, _ := s.Reconcile(ctx, f.peter); r.Calls[0].DifferenceOre() != -200_000_00 || r.Calls[0].UnexplainedOre() != 0 ||
			len(r.Calls[0].Differences) != 2 {
			t.Errorf("before booking batch 2: %+v", r.Calls[0])
		}
		f.book(b2, "4712")
		f.checkReconciled()
		if _, err := s.CreateFinanceBatch(ctx, f.peter, models.BatchInput{}); !errors.Is(err, models.ErrNothingToExport) {
			t.Errorf("after everything is booked: %v", err)
		}
		booked, _ := s.FinanceBatchByID(ctx, b2.ID)
		if booked.Voucher() != "IB 4712" {
			t.Errorf("voucher %q, want series and number", booked.Voucher())
		}
	})
}

func civil(t time.Time) time.Time {
	y, m, d := t.In(stockholm).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var stockholm, _ = time.LoadLocation("Europe/Stockholm")

// TestFinanceBatchNumbersHaveNoGaps: a refused batch takes no number, on
// PostgreSQL too, where a sequence would have been spent.
func TestFinanceBatchNumbersHaveNoGaps(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		b1 := f.batch(models.BatchInput{})
		for range 3 {
			if _, err := s.CreateFinanceBatch(f.ctx, f.peter, models.BatchInput{}); !errors.Is(err, models.ErrNothingToExport) {
				t.Fatalf("empty batch: %v", err)
			}
		}
		humus := f.app(workflow.StateReadyForDecision)
		if _, err := s.Apply(f.ctx, humus.ID, humus.Version, f.karin, workflow.ActionGrant,
			workflow.Input{AmountOre: 98_000_00, DecisionRef: "ORU 2026/02000", Comment: "Beviljas."}); err != nil {
			t.Fatal(err)
		}
		// A date in a closed year is refused, and takes no number either.
		set, _ := s.FinanceSettings(f.ctx)
		in := set.FinanceSettingsInput
		in.ClosedThrough = s.Now().Year() - 1
		if _, err := s.SaveFinanceSettings(f.ctx, f.peter, in); err != nil {
			t.Fatal(err)
		}
		lastYear := time.Date(s.Now().Year()-1, 12, 31, 12, 0, 0, 0, time.UTC)
		_, err := s.CreateFinanceBatch(f.ctx, f.peter, models.BatchInput{AccountingDate: lastYear})
		var ve *workflow.ValidationError
		if !errors.As(err, &ve) || ve.Fields["accounting_date"] != models.MsgYearClosed {
			t.Fatalf("batch in a closed year: %v", err)
		}
		b2 := f.batch(models.BatchInput{})
		if b2.ID != b1.ID+1 {
			t.Errorf("batch numbers %d then %d", b1.ID, b2.ID)
		}
	})
}

// TestFinanceAccountingDate: the date is finance's choice, shown on the
// batch and written as the voucher's date; on 31 December either year
// will do, a closed year or a date beyond next year will not.
func TestFinanceAccountingDate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		newYearsEve := time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC) // 16:00 in Stockholm
		s.SetClock(func() time.Time { return newYearsEve })
		b := f.batch(models.BatchInput{})
		if got := b.AccountingDate.Format(time.DateOnly); got != "2026-12-31" || b.BatchDate.Format(time.DateOnly) != "2026-12-31" {
			t.Errorf("default date %s", got)
		}
		humus := f.app(workflow.StateReadyForDecision)
		if _, err := s.Apply(f.ctx, humus.ID, humus.Version, f.karin, workflow.ActionGrant,
			workflow.Input{AmountOre: 98_000_00, DecisionRef: "ORU 2026/02000", Comment: "Beviljas."}); err != nil {
			t.Fatal(err)
		}
		_, err := s.CreateFinanceBatch(f.ctx, f.peter, models.BatchInput{AccountingDate: time.Date(2028, 1, 1, 0, 0, 0, 0, stockholm)})
		var ve *workflow.ValidationError
		if !errors.As(err, &ve) || ve.Fields["accounting_date"] != models.MsgDateFar {
			t.Errorf("a date beyond next year: %v", err)
		}
		next := f.batch(models.BatchInput{AccountingDate: time.Date(2027, 1, 1, 0, 0, 0, 0, stockholm)})
		if got := next.AccountingDate.Format(time.DateOnly); got != "2027-01-01" {
			t.Errorf("a batch made on 31 December dated in the new year: %s", got)
		}
		stored, err := s.FinanceBatchByID(f.ctx, next.ID)
		if err != nil || stored.AccountingDate.Format(time.DateOnly) != "2027-01-01" {
			t.Errorf("stored date %v, %v", stored, err)
		}
	})
}

// TestFinanceSettingsRules: accounts are 4–6 digits, the organisation
// number carries its check digit, the series is letters and digits, and
// the direction defaults to the usual one.
func TestFinanceSettingsRules(t *testing.T) {
	t.Parallel()
	form := models.FinanceSettingsForm{"organisation": "Örebro universitet", "pot_cost_centre": "9100", "pot_name": "Potten",
		"pot_account": "97110", "pot_account_name": "Lämnade interna bidrag", "unit_account": "931", "unit_account_name": "Erhållna",
		"org_number": "2021002933", "voucher_series": "I-B", "voucher_text": "MF {application}", "fiscal_year_start": "13",
		"closed_through": "tjugo"}
	_, errs := form.Input()
	want := map[string]string{"unit_account": "finance.err.account", "org_number": "finance.err.org_number",
		"voucher_series": "finance.err.series", "fiscal_year_start": "finance.err.month", "closed_through": "finance.err.number"}
	for field, msg := range want {
		if errs[field] != msg {
			t.Errorf("%s: %q, want %q", field, errs[field], msg)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("errors %v, want only %v", errs, want)
	}
	form["unit_account"], form["org_number"], form["voucher_series"], form["fiscal_year_start"], form["closed_through"] =
		"93110", "202100-1231", "IB", "", "2025"
	in, errs := form.Input()
	if len(errs) != 0 || in.OrgNumber != "202100-1231" || in.Direction != export.PotDebit || in.FiscalYearStart != 1 || in.ClosedThrough != 2025 {
		t.Errorf("valid form: %v, %+v", errs, in)
	}
	if n, ok := models.OrgNumber("2021001231"); !ok || n != "202100-1231" {
		t.Errorf("OrgNumber without hyphen = %q, %v", n, ok)
	}
	for _, acc := range []string{"123", "1234567", "12a4", ""} {
		if models.ValidAccount(acc) {
			t.Errorf("account %q accepted", acc)
		}
	}
}

// TestFinanceTextWarnings: characters code page 437 lacks are listed per
// line in the preview, before the batch is made.
func TestFinanceTextWarnings(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		f := newFinanceFixture(t, s)
		nt := f.app(workflow.StateGranted)
		if err := s.DB().Model(&models.Application{}).Where("id = ?", nt.ID).Update("decision_ref", "ORU 2026/1234 – Győr").Error; err != nil {
			t.Fatal(err)
		}
		p, err := s.PendingFinance(f.ctx, f.peter, 10)
		if err != nil || len(p.Warnings) != 1 || p.Warnings[0].ApplicationID != nt.ID {
			t.Fatalf("warnings %+v, %v", p.Warnings, err)
		}
		if c := p.Warnings[0].Changes; len(c) != 2 || c[0] != (export.Change{From: '–', To: "-"}) || c[1] != (export.Change{From: 'ő', To: "o"}) {
			t.Errorf("changes %q", c)
		}
	})
}
