package export_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"mobilityfund/export"
	"mobilityfund/internal/sietest"
)

// batch is dated in the new year, made on the last day of the old one.
var batch = export.Batch{
	ID: 7, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Created: time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC),
	CreatedBy: "Peter Lund (ekonomi)",
	Ledger: export.Ledger{Organisation: "Örebro universitet", OrgNumber: "202100-1231", ChartType: "EUBAS97",
		FiscalYearStart: 1, PotCostCentre: "9100", PotProject: "MOBPOT", PotName: "Mobilitetsfonden",
		PotAccount: "97100", PotAccountName: "Lämnade interna bidrag", UnitAccount: "93100",
		UnitAccountName: "Erhållna interna bidrag – mobilitet", Direction: export.PotDebit, VoucherSeries: "M"},
}

// sample has the awkward cases: a formula in a title, Swedish letters,
// characters outside code page 437, quotes, a unit without project and a
// reversal.
func sample() []export.Line {
	d := time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC)
	return []export.Line{
		{Batch: 7, Kind: export.KindAward, Application: "MF-2026-0005", Title: `=HYPERLINK("http://evil.example","klick")`, DecisionRef: "ORU 2026/01234",
			DecisionDate: d, Unit: "Institutionen för naturvetenskap och teknik", CostCentre: "3120", Project: "P3120-MOB",
			Activities: "2.1.1; 2.1.3", AmountOre: 180_000_00, Text: "MF-2026-0005 ÅÄÖåäö \"citat\" – 5 €"},
		{Batch: 7, Kind: export.KindAward, Application: "MF-2026-0006", Title: "@SUM(1+1) och Ångström", DecisionRef: "-ORU 2026/7", DecisionDate: d,
			Unit: "Handelshögskolan", CostCentre: "3110", Activities: "1.2.1", AmountOre: 12_345_67,
			Text: "Győr och Łódź\tflik\r\nrad é"},
		{Batch: 7, Kind: export.KindReversal, Application: "MF-2026-0002", Title: "+46 Återkallad", DecisionRef: "ORU 2026/00001",
			Unit: "Institutionen för humaniora, utbildnings- och samhällsvetenskap", CostCentre: "1110", Project: "P1110-MOB",
			AmountOre: -50_000_50, Text: "Återföring MF-2026-0002 中"},
	}
}

func objectsOf(lines []export.Line) []export.Object {
	var out []export.Object
	for _, l := range lines {
		out = append(out, export.Object{Dim: export.DimCostCentre, Number: l.CostCentre, Name: l.Unit})
		if l.Project != "" {
			out = append(out, export.Object{Dim: export.DimProject, Number: l.Project, Name: l.Unit})
		}
	}
	return out
}

func total(lines []export.Line) int64 {
	var t int64
	for _, l := range lines {
		t += l.AmountOre
	}
	return t
}

func parseOre(t *testing.T, s string, sep string) int64 {
	t.Helper()
	return sietest.ParseOre(t, s, sep)
}

// TestSameBytes writes every format twice: a stored batch downloads the
// same file every time.
func TestSameBytes(t *testing.T) {
	t.Parallel()
	lines := sample()
	write := map[string]func(io.Writer) error{
		"csv":  func(w io.Writer) error { return export.WriteCSV(w, export.Lines(lines)) },
		"xlsx": func(w io.Writer) error { return export.WriteXLSX(w, batch, export.Lines(lines)) },
		"sie": func(w io.Writer) error {
			_, err := export.WriteSIE(w, batch, objectsOf(lines), export.Lines(lines))
			return err
		},
	}
	for name, fn := range write {
		var a, b bytes.Buffer
		if err := fn(&a); err != nil {
			t.Fatal(name, err)
		}
		if err := fn(&b); err != nil {
			t.Fatal(name, err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writes of the same batch differ", name)
		}
	}
}

func TestLinesError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	failing := func(yield func(export.Line, error) bool) {
		if yield(sample()[0], nil) {
			yield(export.Line{}, boom)
		}
	}
	if err := export.WriteCSV(io.Discard, failing); !errors.Is(err, boom) {
		t.Errorf("csv: %v", err)
	}
	if err := export.WriteXLSX(io.Discard, batch, failing); !errors.Is(err, boom) {
		t.Errorf("xlsx: %v", err)
	}
	if _, err := export.WriteSIE(io.Discard, batch, objectsOf(sample()), failing); !errors.Is(err, boom) {
		t.Errorf("sie: %v", err)
	}
}
