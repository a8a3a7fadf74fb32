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
		if row[1] != l.Application || row[5] != l.Unit || row[6] != l.CostCentre || row[7] != l.Project {
			t.Errorf("row %d = %q", i, row)
		}
		for _, cell := range row[1:9] {
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
