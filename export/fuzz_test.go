package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"mobilityfund/export"
	"mobilityfund/internal/sietest"
)

// FuzzSIERoundTrip writes a voucher of one line whose texts, objects and
// amount come from the fuzzer and reads it back: it must parse as SIE,
// balance, and carry the amount and the objects it was given, whatever
// the texts hold (quotes, braces, control characters, characters code
// page 437 lacks).
func FuzzSIERoundTrip(f *testing.F) {
	for _, l := range sample() {
		f.Add(l.Text, l.Unit, l.CostCentre, l.Project, l.AmountOre)
	}
	f.Add(`"}{ #TRANS 1 {} 2"`, "a\"b", "0012", "", int64(1))
	f.Fuzz(func(t *testing.T, text, unit, costCentre, project string, ore int64) {
		if ore == 0 || ore > 1e15 || ore < -1e15 || !validObject(costCentre) || (project != "" && !validObject(project)) {
			t.Skip()
		}
		l := export.Line{Batch: 7, Kind: export.KindAward, Application: "MF-2026-0001", Unit: unit,
			CostCentre: costCentre, Project: project, AmountOre: ore, Text: text}
		if ore < 0 {
			l.Kind = export.KindReversal
		}
		lines := []export.Line{l}
		var buf bytes.Buffer
		if _, err := export.WriteSIE(&buf, batch, objectsOf(lines), export.Lines(lines)); err != nil {
			t.Fatal(err)
		}
		file := sietest.Parse(t, buf.Bytes())
		if len(file.Vers) != 1 || len(file.Vers[0].Trans) != 2 {
			t.Fatalf("want one voucher of two rows, got %+v", file.Vers)
		}
		v := file.Vers[0]
		if v.Sum() != 0 {
			t.Fatalf("voucher sums to %d", v.Sum())
		}
		// The first row is the debit: the amount without its sign.
		if got := v.Trans[0].Ore; got != max(ore, -ore) {
			t.Errorf("first row %d öre, want %d", got, max(ore, -ore))
		}
		unitRow := v.Trans[1]
		if ore < 0 {
			unitRow = v.Trans[0]
		}
		if got := unitRow.Object("1"); got != costCentre {
			t.Errorf("unit row cost centre %q, want %q", got, costCentre)
		}
		if got := unitRow.Object("6"); got != project {
			t.Errorf("unit row project %q, want %q", got, project)
		}
	})
}

// validObject is what a unit's cost centre or project can be: the
// settings pages accept letters, digits and - _ . only.
func validObject(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || strings.ContainsRune("-_.", r)) {
			return false
		}
	}
	return true
}

// FuzzCSVInert writes a title through the CSV writer and reads the file
// back as a spreadsheet would: the cell never starts with a character
// that makes it a formula, and with the neutralising apostrophe taken
// away it is the title as written.
func FuzzCSVInert(f *testing.F) {
	for _, l := range sample() {
		f.Add(l.Title)
	}
	f.Add("\t=1+1")
	f.Add("\r@A1")
	f.Add("'=x")
	f.Add("a;b\"c\r\nd")
	f.Fuzz(func(t *testing.T, title string) {
		if !utf8.ValidString(title) {
			t.Skip()
		}
		l := sample()[0]
		l.Title = title
		var buf bytes.Buffer
		if err := export.WriteCSV(&buf, export.Lines([]export.Line{l})); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("the file does not read back: %v", err)
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows, want a heading and one line", len(rows))
		}
		cell := rows[1][2]
		// The CRLF dialect writes a line break inside a field as CRLF and
		// drops a lone carriage return; reading turns CRLF into LF.
		want := strings.ReplaceAll(title, "\r", "")
		if cell != "" && strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
			t.Fatalf("cell %q would run as a formula", cell)
		}
		if cell != want && !(strings.HasPrefix(cell, "'") && cell[1:] == want) {
			t.Fatalf("cell %q, want %q (or it with an apostrophe in front)", cell, want)
		}
	})
}
