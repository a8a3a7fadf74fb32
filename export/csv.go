package export

import (
	"encoding/csv"
	"io"
	"iter"
	"strconv"

	"mobilityfund/money"
	"strings"
)

// Columns are the headings of the CSV and XLSX files, in order. They are
// Swedish whatever the reader's language: a stored batch is one file, the
// same for everyone who downloads it.
var Columns = []string{
	"Batch", "Ansökan", "Titel", "Beslut", "Beslutsdatum", "Enhet",
	"Kostnadsställe", "Projekt", "Aktiviteter", "Belopp", "Typ",
}

// dateLayout is how dates appear in CSV files: ISO 8601, which Swedish
// Excel reads as a date.
const dateLayout = "2006-01-02"

// WriteCSV writes lines as CSV that Swedish Excel opens as it is: UTF-8
// with a byte order mark, semicolons between fields, a decimal comma and
// CRLF line ends, one row per line after a heading row. A text cell that
// a spreadsheet would run as a formula gets a leading apostrophe. Cost
// centres, projects and activities are written as ExcelText, so that
// Excel neither drops a leading zero nor reads "2.1.1" as a date. It
// returns the first error of lines or of w.
func WriteCSV(w io.Writer, lines iter.Seq2[Line, error]) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(Columns); err != nil {
		return err
	}
	row := make([]string, len(Columns))
	for l, err := range lines {
		if err != nil {
			return err
		}
		row[0] = strconv.FormatInt(l.Batch, 10)
		row[1] = Inert(l.Application)
		row[2] = Inert(l.Title)
		row[3] = Inert(l.DecisionRef)
		row[4] = ""
		if !l.DecisionDate.IsZero() {
			row[4] = l.DecisionDate.Format(dateLayout)
		}
		row[5] = Inert(l.Unit)
		row[6] = ExcelText(l.CostCentre)
		row[7] = ExcelText(l.Project)
		row[8] = ExcelText(l.Activities)
		row[9] = money.Decimal(l.AmountOre, ',')
		row[10] = KindNames[l.Kind]
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// newCSV writes the byte order mark to w and returns a CSV writer in
// Swedish Excel's dialect: semicolons between fields, CRLF line ends.
func newCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return cw, nil
}

// ExcelText writes s so that Excel keeps it as the text it is: the
// formula ="s", with every double quote doubled, whose value is s itself.
// Opened as CSV, "0123" would lose its zero and "2.1.1" become a date;
// the formula's value is a string, so neither happens. The formula holds
// nothing but that string, so it cannot run anything. Empty stays empty.
func ExcelText(s string) string {
	if s == "" {
		return ""
	}
	return `="` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// Inert neutralises a text cell that a spreadsheet would otherwise take
// for a formula (it starts with = + - @, a tab or a carriage return) by
// putting an apostrophe in front of it.
func Inert(s string) string {
	if s == "" {
		return s
	}
	if strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
