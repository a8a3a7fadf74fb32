// Package finance writes export batches of awarded money in the formats the
// finance office imports: CSV for Swedish Excel, XLSX, and SIE 4I for the
// accounting system. It is pure: it knows nothing of the database or the
// web, takes the batch's lines as an iterator and writes them row by row to
// an io.Writer, so that a batch of any size streams in constant memory.
package finance

import (
	"iter"
	"strconv"
	"time"
)

// ProgramName and ProgramVersion identify the exporting program in SIE
// files. They are constants, not build information, so that a stored batch
// downloads byte for byte the same after an upgrade.
const (
	ProgramName    = "Mobilitetsfonden"
	ProgramVersion = "1.0"
)

// The SIE dimensions the transfers use.
const (
	DimCostCentre = 1 // Kostnadsställe
	DimProject    = 6 // Projekt
)

// Batch is what a file says about the batch as a whole. Everything in it
// is stored with the batch, so that the files can be written again later
// with the same bytes.
type Batch struct {
	ID           int64
	Date         time.Time // the batch's accounting date (a civil date)
	CreatedBy    string    // the #GEN signature
	Organisation string    // #FNAMN

	// The unit's side of a transfer is debited, the pot's side credited.
	DebitAccount      string
	DebitAccountName  string
	CreditAccount     string
	CreditAccountName string
	PotCostCentre     string
	PotProject        string
	PotName           string // the name of the pot's cost centre and project objects
}

// Line is one transfer of a batch: the money awarded to one application,
// or a reversal (a negative amount) when an exported award was revoked.
type Line struct {
	Batch        int64
	Application  string // reference, MF-2026-0042
	Title        string
	DecisionRef  string
	DecisionDate time.Time // a civil date; zero when unknown
	Unit         string
	CostCentre   string
	Project      string // may be empty
	Activities   string // the plan activities the application serves
	AmountOre    int64
	Text         string // the voucher text
}

// Object is a cost centre or project declared in a SIE file.
type Object struct {
	Dim    int
	Number string
	Name   string
}

// formatOre writes an amount in kronor with two decimals and the given
// decimal separator: -1234.50 or -1234,50. No thousands separator, so
// that every program parses it.
func formatOre(ore int64, sep byte) string {
	neg := ore < 0
	u := uint64(ore)
	if neg {
		u = -u
	}
	b := make([]byte, 0, 24)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/100, 10)
	b = append(b, sep, byte('0'+u%100/10), byte('0'+u%10))
	return string(b)
}

// Lines turns a slice into the iterator the writers take.
func Lines(lines []Line) iter.Seq2[Line, error] {
	return func(yield func(Line, error) bool) {
		for _, l := range lines {
			if !yield(l, nil) {
				return
			}
		}
	}
}
