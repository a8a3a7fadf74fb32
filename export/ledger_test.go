package export_test

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"mobilityfund/export"
)

func TestFiscalYear(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		start       int
		date        time.Time
		first, last time.Time
		year        int
	}{
		{1, day(2026, 12, 31), day(2026, 1, 1), day(2026, 12, 31), 2026},
		{1, day(2027, 1, 1), day(2027, 1, 1), day(2027, 12, 31), 2027},
		{0, day(2026, 6, 1), day(2026, 1, 1), day(2026, 12, 31), 2026}, // unset: the calendar year
		{7, day(2026, 6, 30), day(2025, 7, 1), day(2026, 6, 30), 2025},
		{7, day(2026, 7, 1), day(2026, 7, 1), day(2027, 6, 30), 2026},
	}
	for _, c := range cases {
		first, last, year := export.Ledger{FiscalYearStart: c.start}.FiscalYear(c.date)
		if !first.Equal(c.first) || !last.Equal(c.last) || year != c.year {
			t.Errorf("start %d, %s: %s–%s (%d), want %s–%s (%d)", c.start, c.date.Format(time.DateOnly),
				first.Format(time.DateOnly), last.Format(time.DateOnly), year, c.first.Format(time.DateOnly), c.last.Format(time.DateOnly), c.year)
		}
	}
}

func TestSides(t *testing.T) {
	t.Parallel()
	award := export.Line{CostCentre: "1110", Project: "P1", AmountOre: 100}
	back := award
	back.AmountOre = -100
	cases := []struct {
		dir       export.Direction
		line      export.Line
		debitsPot bool
	}{
		{export.PotDebit, award, true},
		{export.PotDebit, back, false},
		{export.UnitDebit, award, false},
		{export.UnitDebit, back, true},
	}
	for _, c := range cases {
		l := batch.Ledger
		l.Direction = c.dir
		debit, credit := l.Sides(c.line)
		if debit.Pot != c.debitsPot || credit.Pot == c.debitsPot {
			t.Errorf("%s, %d öre: debit %+v, credit %+v", c.dir, c.line.AmountOre, debit, credit)
		}
		unit := credit
		if !c.debitsPot {
			unit = debit
		}
		if unit.CostCentre != "1110" || unit.Project != "P1" || unit.Account != l.UnitAccount {
			t.Errorf("unit side %+v", unit)
		}
	}
}

func TestReconciliationCSV(t *testing.T) {
	t.Parallel()
	rows := []export.ReconciliationRow{
		{Level: "Utlysning", Name: "Mobilitetsmedel 2026", BudgetOre: 3_000_000_00, Sums: export.Sums{GrantedOre: 300_000_00,
			ReturnedOre: 20_000_25, NetOre: 279_999_75, ExportedOre: 279_999_75, BookedOre: 100_000_00}},
		{Level: "Enhet", Name: "=NT", IsUnit: true, Sums: export.Sums{NetOre: 100_000_00, BookedOre: 100_000_00}},
	}
	var buf bytes.Buffer
	if err := export.WriteReconciliationCSV(&buf, label, rows); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF"))))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil || len(got) != 3 || len(got[0]) != len(export.ReconciliationColumns()) {
		t.Fatalf("rows %q, %v", got, err)
	}
	if got[0][9] != "[difference]" || got[1][2] != "3000000,00" || got[1][4] != "20000,25" || got[1][9] != "179999,75" {
		t.Errorf("call row %q", got[1])
	}
	if got[2][1] != "'=NT" || got[2][2] != "" || got[2][7] != "100000,00" {
		t.Errorf("unit row %q: the name inert, no budget", got[2])
	}
}
