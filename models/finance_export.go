package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"mobilityfund/export"
	"mobilityfund/workflow"
)

// FinancePending is what the next batch would hold.
type FinancePending struct {
	Count    int
	TotalOre int64
	// Lines are the lines asked for (PendingPage), in application order;
	// NextAfter is the After of the page that follows, 0 on the last.
	Lines     []FinanceBatchLine
	NextAfter int64
	// MissingCostCentre names units whose lines have no cost centre.
	MissingCostCentre []string
	// Warnings list the lines (and first the settings, with
	// ApplicationID 0) whose text a SIE file cannot hold as it is, at
	// most WarningsShown of them from PendingPage.WarningsAfter on, so
	// that finance can fix them before the batch is made; WarningCount
	// counts every one, and NextWarningsAfter is the WarningsAfter of
	// the warnings that follow, 0 when none does.
	Warnings          []TextWarning
	WarningCount      int
	NextWarningsAfter int64
}

// PendingPage is the part of the preview to show.
type PendingPage struct {
	Limit int   // how many lines
	After int64 // lines of applications with id above this
	// WarningsAfter lists the warnings of applications with id above
	// this; the settings' own comes with 0 only.
	WarningsAfter int64
}

// WarningsShown is how many text warnings the preview lists.
const WarningsShown = 50

// TextWarning names the characters of one line's texts that code page
// 437 lacks, and what the SIE file will hold instead.
type TextWarning struct {
	ApplicationID int64
	Reference     string
	Changes       []export.Change
}

// PendingFinance previews the next batch: awards no batch holds yet, and
// money coming back that no batch has moved yet (reversals of revoked
// awards, returns after accepted reports), with their count and sum, the
// first limit lines, the units without a cost centre, and the first
// WarningsShown texts a SIE file would change with their count. What
// waits is found from the kept money (application_money), so the preview
// reads only the lines it shows and those whose texts hold a character
// code page 437 lacks. It returns workflow.ErrForbidden for anyone but
// finance.
func (s *Store) PendingFinance(ctx context.Context, actor *Actor, limit int) (*FinancePending, error) {
	return s.PendingFinancePage(ctx, actor, PendingPage{Limit: limit})
}

// PendingFinancePage is PendingFinance for one page of the lines and of
// the warnings.
func (s *Store) PendingFinancePage(ctx context.Context, actor *Actor, page PendingPage) (*FinancePending, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	set, err := s.FinanceSettings(ctx)
	if err != nil {
		return nil, err
	}
	p := &FinancePending{}
	warn := func(w TextWarning) {
		p.WarningCount++
		switch {
		case page.WarningsAfter > 0 && w.ApplicationID <= page.WarningsAfter:
		case len(p.Warnings) < WarningsShown:
			p.Warnings = append(p.Warnings, w)
		case p.NextWarningsAfter == 0:
			p.NextWarningsAfter = p.Warnings[len(p.Warnings)-1].ApplicationID
		}
	}
	if c := export.SIEChanges(set.Organisation + set.PotName + set.PotAccountName + set.UnitAccountName + actor.User.Name); len(c) > 0 {
		warn(TextWarning{Changes: c})
	}
	pu, err := s.pendingUnits(ctx)
	if err != nil || len(pu) == 0 {
		return p, err
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	units := lineUnits(chart, pu)
	for i, u := range pu {
		p.Count += u.Lines
		p.TotalOre += u.TotalOre
		if units[i].CostCentre == "" {
			p.MissingCostCentre = appendNew(p.MissingCostCentre, units[i].Name)
		}
	}
	if page.Limit > 0 {
		o := pendingOptions{limit: page.Limit + 1, after: page.After}
		if p.Lines, err = s.newPendingQuery(units, set.VoucherText, "", o).all(ctx); err != nil {
			return nil, err
		}
		if len(p.Lines) > page.Limit {
			p.Lines = p.Lines[:page.Limit]
			p.NextAfter = p.Lines[page.Limit-1].ApplicationID
		}
	}
	// Only lines whose texts hold a character code page 437 lacks are
	// read: the application's own texts or its unit's have one, or the
	// pattern's own text does (then every line has).
	o := pendingOptions{texts: true}
	if _, pattern := s.sieUnsafePattern(); len(export.SIEChanges(set.VoucherText+reversalPrefix+returnPrefix+returnRefPrefix)) == 0 {
		o.unsafe = &pattern
		for _, u := range units {
			if len(export.SIEChanges(u.Name+u.ProjectName+u.CostCentre+u.ProjectCode)) > 0 {
				o.unsafeUnits = append(o.unsafeUnits, u.ID)
			}
		}
	}
	q := s.newPendingQuery(units, set.VoucherText, "", o)
	rows, err := s.conn(ctx).Raw(q.with+"SELECT * FROM ("+q.lines+") l ORDER BY l.application_id", append(q.withArgs, q.linesArgs...)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	err = scanLines(rows, func(l *FinanceBatchLine) error {
		if c := export.SIEChanges(l.VoucherText + l.UnitName + l.ProjectName + l.CostCentre + l.ProjectCode); len(c) > 0 {
			warn(TextWarning{ApplicationID: l.ApplicationID, Reference: l.Reference, Changes: c})
		}
		return nil
	})
	return p, err
}

// scanLines reads the lines of rows, calling fn with each; the line is
// reused.
func scanLines(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}, fn func(*FinanceBatchLine) error) error {
	var l FinanceBatchLine
	for rows.Next() {
		l = FinanceBatchLine{}
		d := civilDay{}
		if err := rows.Scan(&l.ApplicationID, &l.Kind, &l.Reference, &l.Title, &l.DecisionRef, &d, &l.UnitID, &l.UnitCode,
			&l.UnitName, &l.CostCentre, &l.ProjectCode, &l.ProjectName, &l.Activities, &l.AmountOre, &l.Position, &l.VoucherText); err != nil {
			return err
		}
		l.DecisionDate = d.t
		if err := fn(&l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// all returns the query's lines, in application order.
func (q *pendingQuery) all(ctx context.Context) ([]FinanceBatchLine, error) {
	args := append(append([]any{}, q.withArgs...), q.linesArgs...)
	rows, err := q.s.conn(ctx).Raw(q.with+"SELECT * FROM ("+q.lines+") l ORDER BY l.application_id", args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FinanceBatchLine
	err = scanLines(rows, func(l *FinanceBatchLine) error {
		out = append(out, *l)
		return nil
	})
	return out, err
}

// BatchInput is what finance chooses when making a batch.
type BatchInput struct {
	// AccountingDate is the voucher's date; zero means today in the
	// university's time zone.
	AccountingDate time.Time
}

// The message ids of a refused accounting date.
const (
	MsgYearClosed = "finance.err.year_closed"
	MsgDateFar    = "finance.err.date_far"
)

// checkAccountingDate refuses a date in a fiscal year finance has closed,
// and one after the end of the fiscal year that follows today's (a batch
// made on 31 December may be dated in either year; nothing is booked
// further ahead).
func checkAccountingDate(set *FinanceSettings, date, today time.Time) error {
	_, _, year := set.FiscalYear(date)
	_, last, _ := set.FiscalYear(today)
	switch {
	case set.ClosedThrough != 0 && year <= set.ClosedThrough:
		return &workflow.ValidationError{Fields: map[string]string{"accounting_date": MsgYearClosed}}
	case date.After(last.AddDate(1, 0, 0)):
		return &workflow.ValidationError{Fields: map[string]string{"accounting_date": MsgDateFar}}
	}
	return nil
}

// CreateFinanceBatch puts everything pending into a new batch, dated on
// in's accounting date, in one transaction that holds the settings row
// locked, so that concurrent exports queue and none puts an award in two
// batches (a unique index on application and kind guards the same rule).
// The batch's number is one more than the last batch's, given inside that
// transaction, so a refused batch takes no number and the numbers have no
// gaps. It returns workflow.ErrForbidden for anyone but finance,
// ErrFinanceSettingsIncomplete, a *workflow.ValidationError for a date in
// a closed year or too far ahead, *MissingCostCentreError,
// ErrNothingToExport, or ErrExportConflict.
func (s *Store) CreateFinanceBatch(ctx context.Context, actor *Actor, in BatchInput) (*FinanceBatch, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	var out FinanceBatch
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var set FinanceSettings
		if err := s.forUpdate(tx).First(&set, 1).Error; err != nil {
			return notFound(err, "finance settings", 1)
		}
		if !set.Complete() {
			return ErrFinanceSettingsIncomplete
		}
		now := s.now()
		today := s.civilDate(now)
		date := today
		if !in.AccountingDate.IsZero() {
			date = s.civilDate(in.AccountingDate)
		}
		if err := checkAccountingDate(&set, date, today); err != nil {
			return err
		}
		var last int64
		if err := tx.Model(&FinanceBatch{}).Select("COALESCE(MAX(id), 0)").Scan(&last).Error; err != nil {
			return err
		}
		b := FinanceBatch{ID: last + 1, BatchDate: today, AccountingDate: date, CreatedBy: actor.User.ID,
			CreatedByName: actor.User.Name, Ledger: set.Ledger, Version: 1, CreatedAt: now}
		pu, err := s.pendingUnits(ctx)
		if err != nil {
			return err
		}
		if len(pu) == 0 {
			return ErrNothingToExport
		}
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		units := lineUnits(chart, pu)
		var missing []string
		for _, u := range units {
			if u.CostCentre == "" {
				missing = appendNew(missing, u.Name)
			}
		}
		if len(missing) > 0 {
			return &MissingCostCentreError{Units: missing}
		}
		if err := tx.Create(&b).Error; err != nil {
			return err
		}
		if s.dialect == Postgres {
			// Compiling the one big statement costs more than it saves.
			if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
				return err
			}
		}
		// Every line in one statement. Only the units just checked
		// take part: an award of another unit granted meanwhile waits
		// for the next batch.
		q := s.newPendingQuery(units, set.VoucherText, strconv.FormatInt(b.ID, 10), pendingOptions{})
		args := append(append(append([]any{}, q.withArgs...), b.ID), q.linesArgs...)
		res := tx.Exec(q.with+"INSERT INTO finance_batch_lines (batch_id, "+pendingLineColumns+") SELECT CAST(? AS BIGINT), l.* FROM ("+
			q.lines+") l ORDER BY l.application_id", args...)
		if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
			return ErrExportConflict
		}
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNothingToExport
		}
		var sums struct {
			N     int
			Total int64
		}
		if err := tx.Model(&FinanceBatchLine{}).Select("COUNT(*) AS n, CAST(COALESCE(SUM(amount_ore), 0) AS BIGINT) AS total").
			Where("batch_id = ?", b.ID).Scan(&sums).Error; err != nil {
			return err
		}
		b.LineCount, b.TotalOre = sums.N, sums.Total
		if err := tx.Model(&FinanceBatch{}).Where("id = ?", b.ID).
			Updates(map[string]any{"line_count": b.LineCount, "total_ore": b.TotalOre}).Error; err != nil {
			return err
		}
		out = b
		return tx.Create(&AuditEvent{Entity: "finance_batch", EntityID: b.ID, ActorID: &actor.User.ID, Action: "create_batch",
			Comment: strconv.Itoa(b.LineCount) + " lines, " + date.Format(time.DateOnly), AmountOre: b.TotalOre, CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// The voucher text of money coming back starts with what it is. Files
// are Swedish whoever downloads them.
const (
	reversalPrefix = "Återföring "
	returnPrefix   = "Återbetalning "
	// returnRefPrefix names the accepted report a return comes from; the
	// report has no reference of its own in the registry.
	returnRefPrefix = "Återrapport "
)
