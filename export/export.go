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

// Direction says which side of a transfer is debited.
type Direction string

// The two directions. PotDebit is how Swedish universities book internal
// grants (interna bidrag): the giver bears the cost and the receiver gets
// internal income, so the pot is debited and the receiving unit credited.
// UnitDebit is the opposite, for a ledger that moves the unit's costs
// instead; batches made before the direction was a setting have it.
const (
	PotDebit  Direction = "pot_debit"
	UnitDebit Direction = "unit_debit"
)

// Directions returns both directions, the usual one first.
func Directions() []Direction { return []Direction{PotDebit, UnitDebit} }

// Ledger says where the pot's money is booked: the organisation, the
// pot's cost centre and project, the account of each party, which of them
// is debited, and the voucher series. Finance sets it once; every batch
// keeps a copy of the one it was made with, so that its files come out
// the same however the settings change.
type Ledger struct {
	Organisation    string // #FNAMN
	OrgNumber       string // #ORGNR, written when set
	ChartType       string // #KPTYP, written when set
	FiscalYearStart int    // the month (1–12) the fiscal year starts in, for #RAR

	PotCostCentre   string
	PotProject      string
	PotName         string // the name of the pot's cost centre and project objects
	PotAccount      string
	PotAccountName  string
	UnitAccount     string
	UnitAccountName string
	Direction       Direction
	VoucherSeries   string // the #VER series; empty lets the import choose
}

// Side is one side of a transfer: the pot's or the unit's account, cost
// centre and project.
type Side struct {
	Pot         bool
	Account     string
	AccountName string
	CostCentre  string
	Project     string
}

// Sides returns the side debited and the side credited when line moves
// a positive amount. A negative amount (a reversal or a return) swaps
// them: money goes back the way it came.
func (l Ledger) Sides(line Line) (debit, credit Side) {
	pot := Side{Pot: true, Account: l.PotAccount, AccountName: l.PotAccountName, CostCentre: l.PotCostCentre, Project: l.PotProject}
	unit := Side{Account: l.UnitAccount, AccountName: l.UnitAccountName, CostCentre: line.CostCentre, Project: line.Project}
	debit, credit = pot, unit
	if l.Direction == UnitDebit {
		debit, credit = unit, pot
	}
	if line.AmountOre < 0 {
		debit, credit = credit, debit
	}
	return debit, credit
}

// FiscalYear returns the first and last day of the fiscal year that
// holds the civil date d, and the year it starts in, which names it.
func (l Ledger) FiscalYear(d time.Time) (first, last time.Time, year int) {
	m := time.Month(l.FiscalYearStart)
	if m < time.January || m > time.December {
		m = time.January
	}
	year = d.Year()
	if d.Month() < m {
		year--
	}
	first = time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	return first, first.AddDate(1, 0, -1), year
}

// Batch is what a file says about the batch as a whole. Everything in it
// is stored with the batch, so that the files can be written again later
// with the same bytes.
type Batch struct {
	ID        int64
	Date      time.Time // the accounting date finance chose: the #VER date (a civil date)
	Created   time.Time // the day the batch was made: #GEN (a civil date)
	CreatedBy string    // the #GEN signature
	Ledger
}

// The kinds of line.
const (
	KindAward    = "award"    // money granted goes to the unit
	KindReversal = "reversal" // a revoked award comes back
	KindReturn   = "return"   // unspent money comes back after a report
)

// KindNames are the kinds as the files name them: Swedish whoever
// downloads a batch, since a stored batch is one file for everyone.
var KindNames = map[string]string{KindAward: "Utbetalning", KindReversal: "Återföring", KindReturn: "Återbetalning"}

// Line is one transfer of a batch: the money awarded to one application,
// or money coming back (a negative amount) when an exported award was
// revoked or a report left some unspent. Its decision is its own: the
// grant's for an award, the revocation's or the accepted report's for
// money coming back.
type Line struct {
	Batch        int64
	Kind         string
	Application  string // reference, MF-2026-0042
	Title        string
	DecisionRef  string
	DecisionDate time.Time // a civil date; zero when unknown
	Unit         string
	UnitCode     string
	CostCentre   string
	Project      string // may be empty
	Activities   string // the plan activities the application serves
	AmountOre    int64
	Text         string // the transaction text
}

// Object is a cost centre or project declared in a SIE file.
type Object struct {
	Dim    int
	Number string
	Name   string
}

// Lines turns a slice into the iterator the writers take.
func Lines[T any](lines []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, l := range lines {
			if !yield(l, nil) {
				return
			}
		}
	}
}
