package export

import (
	"io"
	"iter"
)

// Sums are money as the app and the batches see it. Net is granted less
// returned, what the app says the pot has committed; Exported is what
// batches hold, Booked what booked batches hold (what the ledger has
// moved) and Waiting what the next batch would move.
type Sums struct {
	GrantedOre  int64
	ReturnedOre int64
	NetOre      int64
	ExportedOre int64
	BookedOre   int64
	WaitingOre  int64
}

// DifferenceOre is what the app says less what the ledger has moved:
// money the ledger has yet to move, or has moved wrongly.
func (s Sums) DifferenceOre() int64 { return s.NetOre - s.BookedOre }

// UnexplainedOre is the part of the difference that neither a batch
// waiting to be booked nor the next batch will move: zero unless
// something is wrong.
func (s Sums) UnexplainedOre() int64 { return s.NetOre - s.ExportedOre - s.WaitingOre }

// ReconciliationRow is one line of finance's reconciliation: a call, or a
// unit's share of every call.
type ReconciliationRow struct {
	Level     string // what the row is, in the reader's language
	Name      string
	BudgetOre int64 // calls only
	IsUnit    bool  // a unit's row has no budget of its own
	Sums
}

var reconciliationColumns = []column[ReconciliationRow]{
	text("level", func(r *ReconciliationRow) string { return r.Level }),
	text("name", func(r *ReconciliationRow) string { return r.Name }),
	{id: "budget", kind: moneyCell, num: func(r *ReconciliationRow) int64 { return r.BudgetOre },
		blank: func(r *ReconciliationRow) bool { return r.IsUnit }},
	amount("granted", func(r *ReconciliationRow) int64 { return r.GrantedOre }),
	amount("returned", func(r *ReconciliationRow) int64 { return r.ReturnedOre }),
	amount("net", func(r *ReconciliationRow) int64 { return r.NetOre }),
	amount("exported", func(r *ReconciliationRow) int64 { return r.ExportedOre }),
	amount("booked", func(r *ReconciliationRow) int64 { return r.BookedOre }),
	amount("waiting", func(r *ReconciliationRow) int64 { return r.WaitingOre }),
	amount("difference", func(r *ReconciliationRow) int64 { return r.DifferenceOre() }),
}

// ReconciliationColumns returns the ids of the reconciliation file's
// columns in order; the caller's label function turns each into a heading.
func ReconciliationColumns() []string { return ids(reconciliationColumns) }

// WriteReconciliationCSV writes the reconciliation as CSV for Swedish
// Excel (see WriteCSV for the dialect): a heading row whose texts label
// gives for each column id, then the rows, a unit's budget left empty. It
// returns the first error of w.
func WriteReconciliationCSV(w io.Writer, label func(id string) string, rows []ReconciliationRow) error {
	return writeTable(w, reconciliationColumns, label, rows)
}

// WriteReconciliationRows is WriteReconciliationCSV for rows as they
// come, written without holding them.
func WriteReconciliationRows(w io.Writer, label func(id string) string, rows iter.Seq2[ReconciliationRow, error]) error {
	return writeRows(w, reconciliationColumns, label, rows)
}
