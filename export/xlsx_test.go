package export_test

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"mobilityfund/export"
)

func TestXLSX(t *testing.T) {
	t.Parallel()
	lines := sample()
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, batch, export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(export.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+2 || rows[0][9] != "Belopp" {
		t.Fatalf("rows = %q", rows)
	}
	raw := excelize.Options{RawCellValue: true}
	var sum int64
	for i, l := range lines {
		r := strconv.Itoa(i + 2)
		if typ, _ := f.GetCellType(export.SheetName, "J"+r); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("J%s has type %v, want a number", r, typ)
		}
		v, _ := f.GetCellValue(export.SheetName, "J"+r, raw)
		kr, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("J%s = %q, not a number", r, v)
		}
		ore := int64(kr*100 + copysign(0.5, kr))
		if ore != l.AmountOre {
			t.Errorf("J%s = %s kr, want %d öre", r, v, l.AmountOre)
		}
		sum += ore
		title, _ := f.GetCellValue(export.SheetName, "C"+r)
		formula, _ := f.GetCellFormula(export.SheetName, "C"+r)
		if title != l.Title || formula != "" {
			t.Errorf("C%s = %q (formula %q), want the inert text %q", r, title, formula, l.Title)
		}
		if l.DecisionDate.IsZero() {
			continue
		}
		serial, _ := f.GetCellValue(export.SheetName, "E"+r, raw)
		n, err := strconv.ParseFloat(serial, 64)
		if err != nil {
			t.Fatalf("E%s = %q is not a date serial", r, serial)
		}
		d, err := excelize.ExcelDateToTime(n, false)
		if err != nil || !d.Equal(l.DecisionDate) {
			t.Errorf("E%s = %v, want %v", r, d, l.DecisionDate)
		}
		if shown, _ := f.GetCellValue(export.SheetName, "E"+r); shown != "2026-02-14" {
			t.Errorf("E%s shows %q", r, shown)
		}
	}
	last := strconv.Itoa(len(lines) + 2)
	formula, _ := f.GetCellFormula(export.SheetName, "J"+last)
	if formula != "SUM(J2:J"+strconv.Itoa(len(lines)+1)+")" {
		t.Errorf("sum formula = %q", formula)
	}
	calc, err := f.CalcCellValue(export.SheetName, "J"+last, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := strconv.ParseFloat(calc, 64); int64(got*100+copysign(0.5, got)) != total(lines) || sum != total(lines) {
		t.Errorf("sum row = %s, lines sum to %d, want %d öre", calc, sum, total(lines))
	}
}

func copysign(x, sign float64) float64 {
	if sign < 0 {
		return -x
	}
	return x
}
