package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"mobilityfund/export"
)

func TestCSV(t *testing.T) {
	t.Parallel()
	lines := sample()
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	if bytes.Count(raw, []byte("\r\n")) != len(lines)+1 {
		t.Errorf("want %d CRLF line ends, file:\n%s", len(lines)+1, raw)
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+1 || strings.Join(rows[0], "|") != strings.Join(export.Columns, "|") {
		t.Fatalf("rows = %q", rows)
	}
	var sum int64
	for i, row := range rows[1:] {
		l := lines[i]
		sum += parseOre(t, row[9], ",")
		if row[1] != l.Application || row[5] != l.Unit || excelValue(t, row[6]) != l.CostCentre || excelValue(t, row[7]) != l.Project ||
			excelValue(t, row[8]) != l.Activities || row[10] != export.KindNames[l.Kind] {
			t.Errorf("row %d = %q", i, row)
		}
		for _, cell := range row[1:6] {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d: cell %q would run as a formula", i, cell)
			}
		}
	}
	if rows[1][2] != `'=HYPERLINK("http://evil.example","klick")` || rows[2][2] != "'@SUM(1+1) och Ångström" ||
		rows[3][2] != "'+46 Återkallad" || rows[2][3] != "'-ORU 2026/7" {
		t.Errorf("formula payloads not neutralised: %q %q %q %q", rows[1][2], rows[2][2], rows[3][2], rows[2][3])
	}
	if rows[3][9] != "-50000,50" || rows[1][4] != "2026-02-14" || rows[3][4] != "" {
		t.Errorf("amount or date cells: %q %q %q", rows[3][9], rows[1][4], rows[3][4])
	}
	if sum != total(lines) {
		t.Errorf("sum %d, want %d", sum, total(lines))
	}
}

// excelValue is what Excel shows for a code cell: the cell must be the
// formula ="…" holding one string literal (quotes inside doubled) and
// nothing else, and its value is that string.
func excelValue(t *testing.T, cell string) string {
	t.Helper()
	if cell == "" {
		return ""
	}
	if !strings.HasPrefix(cell, `="`) || !strings.HasSuffix(cell, `"`) || len(cell) < 3 {
		t.Fatalf("cell %q is not a text formula", cell)
	}
	inner := cell[2 : len(cell)-1]
	if strings.Count(inner, `"`)%2 != 0 || strings.Contains(strings.ReplaceAll(inner, `""`, ""), `"`) {
		t.Fatalf("cell %q ends its string early", cell)
	}
	return strings.ReplaceAll(inner, `""`, `"`)
}

// TestCSVCodesStayText: a cost centre with a leading zero and activity
// codes that look like dates reach Excel as the text they are, written as
// ="0420" (doubled quotes inside the CSV field); a code cannot break out
// of its string.
func TestCSVCodesStayText(t *testing.T) {
	t.Parallel()
	lines := []export.Line{{Batch: 1, Kind: export.KindAward, Application: "MF-2026-0001", CostCentre: "0420",
		Project: `P")&HYPERLINK("x`, Activities: "1.2.1; 3.1.2", AmountOre: 100}}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	for _, want := range []string{`;"=""0420""";`, `;"=""1.2.1; 3.1.2""";`, `"=""P"""")&HYPERLINK(""""x""";`} {
		if !strings.Contains(raw, want) {
			t.Errorf("file lacks %s:\n%s", want, raw)
		}
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := excelValue(t, rows[1][6]); got != "0420" {
		t.Errorf("cost centre %q", got)
	}
	if got := excelValue(t, rows[1][7]); got != lines[0].Project {
		t.Errorf("project %q", got)
	}
	if got := excelValue(t, rows[1][8]); got != "1.2.1; 3.1.2" {
		t.Errorf("activities %q", got)
	}
}
