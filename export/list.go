package export

import (
	"io"
	"iter"
	"time"
)

// ListRow is one application of a list as a person filtered it.
type ListRow struct {
	Number, Title, Unit, State string
	RequestedOre, GrantedOre   int64
	Updated                    time.Time
}

// listColumns are the list file's columns; their headings are message ids
// the caller translates, so that the file is in the reader's language like
// the page it comes from.
var listColumns = []column[ListRow]{
	text("application.number", func(r *ListRow) string { return r.Number }),
	text("application.title", func(r *ListRow) string { return r.Title }),
	text("application.unit", func(r *ListRow) string { return r.Unit }),
	text("application.state", func(r *ListRow) string { return r.State }),
	amount("application.requested", func(r *ListRow) int64 { return r.RequestedOre }),
	amount("application.granted", func(r *ListRow) int64 { return r.GrantedOre }),
	text("sort.updated", func(r *ListRow) string { return r.Updated.Format(dateLayout) }),
}

// ListColumnIDs are the message ids of the list file's headings, in order.
func ListColumnIDs() []string { return ids(listColumns) }

// WriteListCSV writes a list of applications as CSV in the one dialect of
// every CSV file here (see WriteCSV): semicolons, a byte order mark, CRLF,
// a decimal comma and text made inert against formulas. label translates
// a heading's message id. Rows are written as they come, so a list of
// any length is never held whole. It returns the first error of rows or
// of w.
func WriteListCSV(w io.Writer, label func(string) string, rows iter.Seq2[ListRow, error]) error {
	return writeRows(w, listColumns, label, rows)
}
