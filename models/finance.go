package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"mobilityfund/export"
	"mobilityfund/workflow"
)

// FinanceBatch is a set of transfers exported together, one voucher in
// the ledger. Its content never changes after creation: it holds a copy of
// the ledger setup it was made with, so its files come out the same every
// time they are downloaded. Its ID is its number: given in the
// transaction that makes it, one more than the last, so numbers have no
// gaps.
type FinanceBatch struct {
	ID             int64
	BatchDate      time.Time // the day it was made
	AccountingDate time.Time // the voucher's date, chosen when it was made
	CreatedBy      int64
	CreatedByName  string
	export.Ledger
	LineCount     int
	TotalOre      int64
	BookedSeries  string
	VoucherNumber string
	VoucherDate   *time.Time
	BookedBy      *int64
	BookedAt      *time.Time
	Version       int
	CreatedAt     time.Time
}

// Booked reports whether finance has recorded the batch as booked.
func (b FinanceBatch) Booked() bool { return b.BookedAt != nil }

// Voucher is the voucher finance recorded, series and number: "IB 4711".
func (b FinanceBatch) Voucher() string {
	return strings.TrimSpace(b.BookedSeries + " " + b.VoucherNumber)
}

// The kinds of batch line.
const (
	LineAward    = export.KindAward
	LineReversal = export.KindReversal
	LineReturn   = export.KindReturn
)

// FinanceBatchLine is one transfer: an award, or money coming back (a
// negative amount): the reversal of an exported award that was revoked,
// or the return of unspent money when a report was accepted. Its decision
// reference and date are its own: the grant's, the revocation's or the
// accepted report's. What it shows is copied from the application and
// its unit when the batch is made.
type FinanceBatchLine struct {
	ID            int64
	BatchID       int64
	Position      int
	ApplicationID int64
	Kind          string
	Reference     string
	Title         string
	DecisionRef   string
	DecisionDate  *time.Time
	UnitID        int64
	UnitCode      string
	UnitName      string
	CostCentre    string
	ProjectCode   string
	ProjectName   string
	Activities    string
	AmountOre     int64
	VoucherText   string
}

var (
	// ErrNothingToExport is returned when no award waits for a batch.
	ErrNothingToExport = errors.New("nothing to export")
	// ErrFinanceSettingsIncomplete is returned when a batch is asked for
	// before the accounts and the pot's cost centre are set.
	ErrFinanceSettingsIncomplete = errors.New("finance settings are incomplete")
	// ErrExportConflict is returned when another export took the same
	// award at the same moment; it is an ErrStale, so trying again helps.
	ErrExportConflict = fmt.Errorf("%w: another batch took the same award", ErrStale)
)

// BatchBookedError says that a batch was booked already, when and with
// which voucher. It is a workflow.ErrInvalidTransition (409).
type BatchBookedError struct {
	Batch         int64
	VoucherNumber string
	BookedAt      time.Time
}

func (e *BatchBookedError) Error() string {
	return fmt.Sprintf("batch %d was booked already (voucher %s, %s)", e.Batch, e.VoucherNumber, e.BookedAt.Format(time.DateOnly))
}

// Is makes errors.Is(err, workflow.ErrInvalidTransition) true.
func (e *BatchBookedError) Is(target error) bool { return target == workflow.ErrInvalidTransition }

// MissingCostCentreError names units with awards but no cost centre on
// themselves or above them; no batch can be made until they get one.
type MissingCostCentreError struct {
	Units []string
}

func (e *MissingCostCentreError) Error() string {
	return "no cost centre for " + strings.Join(e.Units, ", ")
}

// civilDate is t's calendar day in the university's time zone, as
// midnight UTC, the way DATE columns keep it on both databases.
func (s *Store) civilDate(t time.Time) time.Time {
	y, m, d := t.In(s.zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func canFinance(a *Actor) bool { return a.Has(workflow.RoleFinance) }

// FinanceBatches lists every batch, newest first. It returns only the
// database's errors.
func (s *Store) FinanceBatches(ctx context.Context) ([]FinanceBatch, error) {
	var out []FinanceBatch
	err := s.conn(ctx).Order("id DESC").Find(&out).Error
	return out, err
}

// FinanceBatchByID returns one batch, or a NotFoundError.
func (s *Store) FinanceBatchByID(ctx context.Context, id int64) (*FinanceBatch, error) {
	var b FinanceBatch
	if err := s.conn(ctx).First(&b, id).Error; err != nil {
		return nil, notFound(err, "finance batch", id)
	}
	return &b, nil
}

// FinanceBatchLines returns up to limit lines of a batch from offset, in
// file order. It returns only the database's errors.
func (s *Store) FinanceBatchLines(ctx context.Context, batchID int64, limit, offset int) ([]FinanceBatchLine, error) {
	var out []FinanceBatchLine
	err := s.conn(ctx).Where("batch_id = ?", batchID).Order("position").Limit(limit).Offset(offset).Find(&out).Error
	return out, err
}

// EachFinanceBatchLine calls fn with every line of a batch in file order,
// reading them from a cursor so that a batch of any size streams. The line
// passed to fn is reused: fn must copy what it keeps. It returns the
// first error of the query or of fn.
func (s *Store) EachFinanceBatchLine(ctx context.Context, batchID int64, fn func(*FinanceBatchLine) error) error {
	db := s.conn(ctx)
	rows, err := db.Model(&FinanceBatchLine{}).Where("batch_id = ?", batchID).Order("position").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var l FinanceBatchLine
	for rows.Next() {
		l = FinanceBatchLine{}
		if err := db.ScanRows(rows, &l); err != nil {
			return err
		}
		if err := fn(&l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// BatchObject is a cost centre (Dim 1) or project (Dim 6) a batch uses,
// named after the first unit that uses it.
type BatchObject struct {
	Dim    int
	Number string
	Name   string
}

// FinanceBatchObjects returns the cost centres and projects the lines of
// a batch use, in one query; a SIE file declares them before the voucher.
// A cost centre is named after the first unit that uses it, a project by
// its own name (its code when it has none). It returns only the
// database's errors.
func (s *Store) FinanceBatchObjects(ctx context.Context, batchID int64) ([]BatchObject, error) {
	var rows []struct {
		CostCentre  string
		ProjectCode string
		ProjectName string
		UnitName    string
	}
	err := s.conn(ctx).Model(&FinanceBatchLine{}).Distinct("cost_centre", "project_code", "project_name", "unit_name").
		Where("batch_id = ?", batchID).Order("cost_centre, project_code, unit_name").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	seen := map[BatchObject]bool{}
	var out []BatchObject
	add := func(dim int, number, name string) {
		key := BatchObject{Dim: dim, Number: number}
		if number != "" && !seen[key] {
			seen[key] = true
			out = append(out, BatchObject{Dim: dim, Number: number, Name: name})
		}
	}
	for _, r := range rows {
		add(1, r.CostCentre, r.UnitName)
		add(6, r.ProjectCode, cmp.Or(r.ProjectName, r.ProjectCode))
	}
	return out, nil
}
