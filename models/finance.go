package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"mobilityfund/export"
	"mobilityfund/workflow"
)

// FinanceSettings say where the pot's money is booked from (the ledger
// setup that every batch copies) and how voucher texts are written. There
// is one row.
type FinanceSettings struct {
	ID int64
	FinanceSettingsInput
	UpdatedBy *int64
	UpdatedAt time.Time
}

// TableName names the one-row settings table.
func (FinanceSettings) TableName() string { return "finance_settings" }

// Complete reports whether batches can be made with these settings.
func (f FinanceSettings) Complete() bool {
	return f.Organisation != "" && f.PotCostCentre != "" && f.DebitAccount != "" && f.CreditAccount != "" && f.VoucherText != ""
}

// FinanceBatch is a set of transfers exported together. Its content never
// changes after creation: it holds a copy of the ledger setup it was made
// with, so its files come out the same every time they are downloaded.
type FinanceBatch struct {
	ID            int64
	BatchDate     time.Time
	CreatedBy     int64
	CreatedByName string
	export.Ledger
	LineCount     int
	TotalOre      int64
	VoucherNumber string
	VoucherDate   *time.Time
	BookedBy      *int64
	BookedAt      *time.Time
	Version       int
	CreatedAt     time.Time
}

// Booked reports whether finance has recorded the batch as booked.
func (b FinanceBatch) Booked() bool { return b.BookedAt != nil }

// The kinds of batch line.
const (
	LineAward    = "award"
	LineReversal = "reversal"
)

// FinanceBatchLine is one transfer: an award, or the reversal of an
// exported award that was revoked (a negative amount). What it shows is
// copied from the application and its unit when the batch is made.
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
	UnitName      string
	CostCentre    string
	ProjectCode   string
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

// civilDate is t's calendar day in Stockholm, as midnight UTC, the way
// DATE columns keep it on both databases.
func civilDate(t time.Time) time.Time {
	y, m, d := t.In(stockholmTZ).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// stockholmTZ is the time zone of the university's dates.
var stockholmTZ = stockholm()

func canFinance(a *Actor) bool { return a.Has(workflow.RoleFinance) }

// FinanceSettings returns the finance settings, or a NotFoundError when
// the row the migration writes is missing.
func (s *Store) FinanceSettings(ctx context.Context) (*FinanceSettings, error) {
	var f FinanceSettings
	if err := s.conn(ctx).First(&f, 1).Error; err != nil {
		return nil, notFound(err, "finance settings", 1)
	}
	return &f, nil
}

// FinanceSettingsInput is what the settings form may change: the ledger
// setup and the voucher text.
type FinanceSettingsInput struct {
	export.Ledger
	// VoucherText is a template: {application}, {decision}, {unit},
	// {title} and {batch} are replaced per line.
	VoucherText string
}

// SettingField is one field of the finance settings form: its name in
// the form and in error maps, where it is in the input, and its rules.
// The list of them is the one description of the form: binding,
// validation and the page all read it.
type SettingField struct {
	Name     string
	Max      int  // characters
	Required bool // must not be blank
	Code     bool // an account, cost centre or project: no spaces, quotes or braces
	Hint     string
	Of       func(*FinanceSettingsInput) *string
}

// SettingGroup is a set of fields the form shows together, under Legend
// (a message id; empty for no fieldset).
type SettingGroup struct {
	Legend string
	Fields []SettingField
}

// FinanceSettingGroups returns the settings form's fields in the order
// the page shows them.
func FinanceSettingGroups() []SettingGroup {
	type in = FinanceSettingsInput
	return []SettingGroup{
		{Fields: []SettingField{
			{Name: "organisation", Max: 200, Required: true, Of: func(f *in) *string { return &f.Organisation }},
		}},
		{Legend: "finance.credit", Fields: []SettingField{
			{Name: "pot_cost_centre", Max: 40, Required: true, Code: true, Of: func(f *in) *string { return &f.PotCostCentre }},
			{Name: "pot_project", Max: 40, Code: true, Of: func(f *in) *string { return &f.PotProject }},
			{Name: "pot_name", Max: 100, Required: true, Of: func(f *in) *string { return &f.PotName }},
			{Name: "credit_account", Max: 20, Required: true, Code: true, Of: func(f *in) *string { return &f.CreditAccount }},
			{Name: "credit_account_name", Max: 100, Required: true, Of: func(f *in) *string { return &f.CreditAccountName }},
		}},
		{Legend: "finance.debit", Fields: []SettingField{
			{Name: "debit_account", Max: 20, Required: true, Code: true, Of: func(f *in) *string { return &f.DebitAccount }},
			{Name: "debit_account_name", Max: 100, Required: true, Of: func(f *in) *string { return &f.DebitAccountName }},
		}},
		{Fields: []SettingField{
			{Name: "voucher_text", Max: 200, Required: true, Hint: "finance.voucher_text_hint", Of: func(f *in) *string { return &f.VoucherText }},
		}},
	}
}

// Value returns the field named name, for the form.
func (in FinanceSettingsInput) Value(name string) string {
	for _, g := range FinanceSettingGroups() {
		for _, f := range g.Fields {
			if f.Name == name {
				return *f.Of(&in)
			}
		}
	}
	return ""
}

// Valid trims every field and returns a message id per invalid field,
// empty when all is well.
func (in *FinanceSettingsInput) Valid() map[string]string {
	errs := map[string]string{}
	for _, g := range FinanceSettingGroups() {
		for _, f := range g.Fields {
			v := f.Of(in)
			*v = strings.TrimSpace(*v)
			switch {
			case *v == "" && f.Required:
				errs[f.Name] = workflow.MsgRequired
			case len([]rune(*v)) > f.Max:
				errs[f.Name] = "finance.err.too_long"
			case f.Code && strings.ContainsAny(*v, " \t\r\n\"{}"):
				errs[f.Name] = "finance.err.code"
			case strings.ContainsAny(*v, "\r\n"):
				errs[f.Name] = "finance.err.one_line"
			}
		}
	}
	return errs
}

// SaveFinanceSettings stores new settings with an audit row. It returns
// workflow.ErrForbidden unless the actor is finance or admin, and a
// *workflow.ValidationError for invalid input. Batches made earlier keep
// the settings they were made with.
func (s *Store) SaveFinanceSettings(ctx context.Context, actor *Actor, in FinanceSettingsInput) (*FinanceSettings, error) {
	if !canFinance(actor) && !actor.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	if errs := in.Valid(); len(errs) > 0 {
		return nil, &workflow.ValidationError{Fields: errs}
	}
	var out FinanceSettings
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		now := s.now()
		f := FinanceSettings{ID: 1, FinanceSettingsInput: in, UpdatedBy: &actor.User.ID, UpdatedAt: now}
		res := tx.Model(&FinanceSettings{}).Where("id = 1").Select("*").Omit("id").Updates(&f)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &NotFoundError{What: "finance settings", ID: 1}
		}
		out = f
		return tx.Create(&AuditEvent{Entity: "finance_settings", EntityID: 1, ActorID: &actor.User.ID,
			Action: "update_settings", CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

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
// a batch use, in one query; a SIE file declares them before the vouchers.
// It returns only the database's errors.
func (s *Store) FinanceBatchObjects(ctx context.Context, batchID int64) ([]BatchObject, error) {
	var rows []struct {
		CostCentre  string
		ProjectCode string
		UnitName    string
	}
	err := s.conn(ctx).Model(&FinanceBatchLine{}).Distinct("cost_centre", "project_code", "unit_name").
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
		add(6, r.ProjectCode, r.UnitName)
	}
	return out, nil
}
