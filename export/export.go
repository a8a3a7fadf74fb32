// Package export writes every file the application hands out: the finance
// office's batches of awarded money (CSV for Swedish Excel, XLSX, and SIE
// 4I for the accounting system) and the follow-up per unit and for the
// units' operational plans (CSV and XLSX). It is pure: it knows nothing of
// the database or the web, takes typed rows and writes them to an
// io.Writer, the finance batches from an iterator row by row, so that a
// batch of any size streams in constant memory. Amounts are int64 öre
// until they are written: as text by money.Decimal, and as a spreadsheet
// number by Kronor.
package export

import (
	"iter"
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

// Ledger says where the pot's money is booked: the organisation, the
// pot's cost centre and project, and the two accounts of the transfer.
// Finance sets it once; every batch keeps a copy of the one it was made
// with, so that its files come out the same however the settings change.
type Ledger struct {
	Organisation string // #FNAMN

	// The unit's side of a transfer is debited, the pot's side credited.
	DebitAccount      string
	DebitAccountName  string
	CreditAccount     string
	CreditAccountName string
	PotCostCentre     string
	PotProject        string
	PotName           string // the name of the pot's cost centre and project objects
}

// Batch is what a file says about the batch as a whole. Everything in it
// is stored with the batch, so that the files can be written again later
// with the same bytes.
type Batch struct {
	ID        int64
	Date      time.Time // the batch's accounting date (a civil date)
	CreatedBy string    // the #GEN signature
	Ledger
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
