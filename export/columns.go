package export

import (
	"io"
	"iter"
	"strconv"

	"mobilityfund/money"
)

// cellKind says how a column's values are written.
type cellKind int

const (
	textCell  cellKind = iota // user or plan text, neutralised against formulas
	countCell                 // a whole number
	moneyCell                 // öre: decimal text in CSV, a kronor number in XLSX
)

// column is one column of a follow-up file: the id of its heading
// (translated by the caller's label function) and how to read its value.
type column[T any] struct {
	id    string
	kind  cellKind
	text  func(*T) string
	num   func(*T) int64
	blank func(*T) bool // when set and true, the cell is left empty
}

func text[T any](id string, f func(*T) string) column[T] {
	return column[T]{id: id, kind: textCell, text: f}
}

func count[T any](id string, f func(*T) int64) column[T] {
	return column[T]{id: id, kind: countCell, num: f}
}

func amount[T any](id string, f func(*T) int64) column[T] {
	return column[T]{id: id, kind: moneyCell, num: f}
}

func ids[T any](cols []column[T]) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.id
	}
	return out
}

// writeTable writes rows as CSV for Swedish Excel (see writeRows).
func writeTable[T any](w io.Writer, cols []column[T], label func(string) string, rows []T) error {
	return writeRows(w, cols, label, Lines(rows))
}

// writeRows writes rows as CSV for Swedish Excel (see WriteCSV for the
// dialect): a heading row whose texts label gives for each column id,
// then a row per value as it comes, text neutralised against formulas,
// counts as whole numbers and money with a decimal comma. It returns the
// first error of rows or of w.
func writeRows[T any](w io.Writer, cols []column[T], label func(string) string, rows iter.Seq2[T, error]) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = label(c.id)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for row, err := range rows {
		if err != nil {
			return err
		}
		for j, c := range cols {
			switch {
			case c.blank != nil && c.blank(&row):
				rec[j] = ""
			case c.kind == textCell:
				rec[j] = Inert(c.text(&row))
			case c.kind == countCell:
				rec[j] = strconv.FormatInt(c.num(&row), 10)
			default:
				rec[j] = money.Decimal(c.num(&row), ',')
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
