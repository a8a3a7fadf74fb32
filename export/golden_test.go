package export_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mobilityfund/export"
	"mobilityfund/internal/sietest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenBatch is a batch as finance meets it: a grant in full, a partial
// grant, the reversal of a grant revoked after it was booked, and the
// return of unspent money after an accepted report, each with its own
// decision reference and date. HUMUS's cost centre has a leading zero.
func goldenBatch() (export.Batch, []export.Line, []export.Object) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	b := export.Batch{ID: 12, Date: day(time.April, 30), Created: day(time.April, 28), CreatedBy: "Peter Lund",
		Ledger: export.Ledger{Organisation: "Örebro universitet", OrgNumber: "202100-1231", ChartType: "EUBAS97",
			FiscalYearStart: 1, PotCostCentre: "9100", PotProject: "MOBPOT", PotName: "Mobilitetsfonden",
			PotAccount: "97110", PotAccountName: "Lämnade interna bidrag", UnitAccount: "93110",
			UnitAccountName: "Erhållna interna bidrag", Direction: export.PotDebit, VoucherSeries: "IB"}}
	lines := []export.Line{
		{Batch: 12, Kind: export.KindAward, Application: "MF-2026-0011", Title: "Utbytesvecka i Bologna",
			DecisionRef: "ORU 2026/02000", DecisionDate: day(time.April, 14), Unit: "Institutionen för humaniora, utbildnings- och samhällsvetenskap",
			UnitCode: "HUMUS", CostCentre: "0110", Project: "P0110-MOB", Activities: "2.1.1; 2.1.3", AmountOre: 120_000_00,
			Text: "Mobilitetsfonden MF-2026-0011 ORU 2026/02000"},
		{Batch: 12, Kind: export.KindAward, Application: "MF-2026-0012", Title: "Partnerbesök i Finland",
			DecisionRef: "ORU 2026/02001", DecisionDate: day(time.April, 14), Unit: "Institutionen för naturvetenskap och teknik",
			UnitCode: "NT", CostCentre: "3120", Project: "P3120-MOB", Activities: "1.2.1", AmountOre: 45_500_50,
			Text: "Mobilitetsfonden MF-2026-0012 ORU 2026/02001"},
		{Batch: 12, Kind: export.KindReversal, Application: "MF-2026-0005", Title: "Språkstöd inför utlandsstudier",
			DecisionRef: "ORU 2026/03000", DecisionDate: day(time.April, 22), Unit: "Institutionen för naturvetenskap och teknik",
			UnitCode: "NT", CostCentre: "3120", Project: "P3120-MOB", Activities: "3.1.2", AmountOre: -180_000_00,
			Text: "Återföring Mobilitetsfonden MF-2026-0005 ORU 2026/03000"},
		{Batch: 12, Kind: export.KindReturn, Application: "MF-2026-0003", Title: "Kurs i interkulturell kommunikation",
			DecisionRef: "Återrapport MF-2026-0003", DecisionDate: day(time.April, 27), Unit: "Institutionen för humaniora, utbildnings- och samhällsvetenskap",
			UnitCode: "HUMUS", CostCentre: "0110", Project: "P0110-MOB", Activities: "2.1.1", AmountOre: -20_000_25,
			Text: "Återbetalning Mobilitetsfonden MF-2026-0003"},
	}
	objects := []export.Object{{Dim: 1, Number: "0110", Name: "HUMUS"}, {Dim: 1, Number: "3120", Name: "NT"},
		{Dim: 6, Number: "P0110-MOB", Name: "Mobilitet HUMUS"}, {Dim: 6, Number: "P3120-MOB", Name: "Mobilitet NT"}}
	return b, lines, objects
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./export -run Golden -update rewrites it)", name)
	}
}

func TestGoldenCSV(t *testing.T) {
	t.Parallel()
	_, lines, _ := goldenBatch()
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	golden(t, "batch.csv", buf.Bytes())
	raw, err := os.ReadFile("testdata/batch.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != len(lines)+1 {
		t.Fatalf("rows %q, %v", rows, err)
	}
	for i, l := range lines {
		row := rows[i+1]
		if row[1] != l.Application || row[3] != l.DecisionRef || row[4] != l.DecisionDate.Format(time.DateOnly) ||
			excelValue(t, row[6]) != l.CostCentre || excelValue(t, row[8]) != l.Activities ||
			parseOre(t, row[9], ",") != l.AmountOre || row[10] != export.KindNames[l.Kind] {
			t.Errorf("row %d = %q, want %+v", i+1, row, l)
		}
	}
}

func TestGoldenXLSX(t *testing.T) {
	t.Parallel()
	b, lines, _ := goldenBatch()
	var buf bytes.Buffer
	if err := export.WriteXLSX(&buf, b, export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	golden(t, "batch.xlsx", buf.Bytes())
	f, err := excelize.OpenFile("testdata/batch.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(export.SheetName)
	if err != nil || len(rows) != len(lines)+2 {
		t.Fatalf("rows %q, %v", rows, err)
	}
	raw := excelize.Options{RawCellValue: true}
	var sum int64
	for i, l := range lines {
		r := strconv.Itoa(i + 2)
		v, _ := f.GetCellValue(export.SheetName, "J"+r, raw)
		kr, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("J%s = %q", r, v)
		}
		ore := int64(kr*100 + copysign(0.5, kr))
		sum += ore
		cc, _ := f.GetCellValue(export.SheetName, "G"+r)
		kind, _ := f.GetCellValue(export.SheetName, "K"+r)
		ref, _ := f.GetCellValue(export.SheetName, "D"+r)
		if ore != l.AmountOre || cc != l.CostCentre || kind != export.KindNames[l.Kind] || ref != l.DecisionRef {
			t.Errorf("row %s: %d öre, cost centre %q, kind %q, decision %q; want %+v", r, ore, cc, kind, ref, l)
		}
	}
	if sum != total(lines) {
		t.Errorf("amounts sum to %d, want %d", sum, total(lines))
	}
}

func TestGoldenSIE(t *testing.T) {
	t.Parallel()
	b, lines, objects := goldenBatch()
	var buf bytes.Buffer
	if _, err := export.WriteSIE(&buf, b, objects, export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	golden(t, "batch.si", buf.Bytes())
	raw, err := os.ReadFile("testdata/batch.si")
	if err != nil {
		t.Fatal(err)
	}
	f := sietest.Parse(t, raw)
	if len(f.Vers) != 1 {
		t.Fatalf("%d vouchers, want 1", len(f.Vers))
	}
	v := f.Vers[0]
	if v.Series != "IB" || v.Date != "20260430" || v.Sum() != 0 || len(v.Trans) != 2*len(lines) {
		t.Fatalf("voucher %+v: want series IB, dated 20260430, %d balanced rows", v, 2*len(lines))
	}
	if f.Objects["6 P0110-MOB"] != "Mobilitet HUMUS" || f.Objects["1 0110"] != "HUMUS" {
		t.Errorf("objects %v: a project is named by the project", f.Objects)
	}
	// The direction: the pot's account moves by the line's amount (debit
	// for an award, credit for money coming back), the unit's the other way.
	for i, l := range lines {
		var pot, unit sietest.Trans
		for _, tr := range v.Trans[2*i : 2*i+2] {
			switch tr.Account {
			case "97110":
				pot = tr
			case "93110":
				unit = tr
			}
		}
		if pot.Ore != l.AmountOre || unit.Ore != -l.AmountOre || pot.Object("1") != "9100" || unit.Object("1") != l.CostCentre {
			t.Errorf("line %d (%s): pot %+v, unit %+v", i, l.Kind, pot, unit)
		}
		if pot.Text != l.Text {
			t.Errorf("line %d text %q, want %q", i, pot.Text, l.Text)
		}
	}
}
