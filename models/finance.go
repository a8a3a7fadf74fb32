package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// FinanceSettings say where the pot's money is booked from: the pot's cost
// centre and project, the accounts of the internal transfer, the voucher
// text and the organisation's name for file headers. There is one row.
type FinanceSettings struct {
	ID                int64
	Organisation      string
	PotCostCentre     string
	PotProject        string
	PotName           string
	DebitAccount      string
	DebitAccountName  string
	CreditAccount     string
	CreditAccountName string
	// VoucherText is a template: {application}, {decision}, {unit},
	// {title} and {batch} are replaced per line.
	VoucherText string
	UpdatedBy   *int64
	UpdatedAt   time.Time
}

// TableName names the one-row settings table.
func (FinanceSettings) TableName() string { return "finance_settings" }

// Complete reports whether batches can be made with these settings.
func (f FinanceSettings) Complete() bool {
	return f.Organisation != "" && f.PotCostCentre != "" && f.DebitAccount != "" && f.CreditAccount != "" && f.VoucherText != ""
}

// FinanceBatch is a set of transfers exported together. Its content never
// changes after creation: it holds a copy of the settings it was made
// with, so its files come out the same every time they are downloaded.
type FinanceBatch struct {
	ID                int64
	BatchDate         time.Time
	CreatedBy         int64
	CreatedByName     string
	Organisation      string
	PotCostCentre     string
	PotProject        string
	PotName           string
	DebitAccount      string
	DebitAccountName  string
	CreditAccount     string
	CreditAccountName string
	LineCount         int
	TotalOre          int64
	VoucherNumber     string
	VoucherDate       *time.Time
	BookedBy          *int64
	BookedAt          *time.Time
	Version           int
	CreatedAt         time.Time
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

// FinanceSettingsInput is what the settings form may change.
type FinanceSettingsInput struct {
	Organisation      string
	PotCostCentre     string
	PotProject        string
	PotName           string
	DebitAccount      string
	DebitAccountName  string
	CreditAccount     string
	CreditAccountName string
	VoucherText       string
}

// Valid returns a message id per invalid field, empty when all is well.
func (in *FinanceSettingsInput) Valid() map[string]string {
	errs := map[string]string{}
	fields := []struct {
		name     string
		v        *string
		required bool
		max      int
		code     bool
	}{
		{"organisation", &in.Organisation, true, 200, false},
		{"pot_cost_centre", &in.PotCostCentre, true, 40, true},
		{"pot_project", &in.PotProject, false, 40, true},
		{"pot_name", &in.PotName, true, 100, false},
		{"debit_account", &in.DebitAccount, true, 20, true},
		{"debit_account_name", &in.DebitAccountName, true, 100, false},
		{"credit_account", &in.CreditAccount, true, 20, true},
		{"credit_account_name", &in.CreditAccountName, true, 100, false},
		{"voucher_text", &in.VoucherText, true, 200, false},
	}
	for _, f := range fields {
		*f.v = strings.TrimSpace(*f.v)
		switch {
		case *f.v == "" && f.required:
			errs[f.name] = workflow.MsgRequired
		case len([]rune(*f.v)) > f.max:
			errs[f.name] = "finance.err.too_long"
		case f.code && strings.ContainsAny(*f.v, " \t\r\n\"{}"):
			errs[f.name] = "finance.err.code"
		case strings.ContainsAny(*f.v, "\r\n"):
			errs[f.name] = "finance.err.one_line"
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
		f := FinanceSettings{ID: 1, Organisation: in.Organisation, PotCostCentre: in.PotCostCentre,
			PotProject: in.PotProject, PotName: in.PotName, DebitAccount: in.DebitAccount,
			DebitAccountName: in.DebitAccountName, CreditAccount: in.CreditAccount,
			CreditAccountName: in.CreditAccountName, VoucherText: in.VoucherText, UpdatedBy: &actor.User.ID, UpdatedAt: now}
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

// BookingInput is what finance records when a batch has been booked.
type BookingInput struct {
	VoucherNumber string
	VoucherDate   time.Time
}

// Valid returns a message id per invalid field, empty when all is well.
func (in *BookingInput) Valid() map[string]string {
	errs := map[string]string{}
	in.VoucherNumber = strings.TrimSpace(in.VoucherNumber)
	switch {
	case in.VoucherNumber == "":
		errs["voucher_number"] = workflow.MsgRequired
	case len([]rune(in.VoucherNumber)) > 40 || strings.ContainsAny(in.VoucherNumber, "\r\n"):
		errs["voucher_number"] = "finance.err.too_long"
	}
	if in.VoucherDate.IsZero() {
		errs["voucher_date"] = "finance.err.date"
	}
	return errs
}

// BookFinanceBatch records that batch id was booked, in one transaction:
// every application of the batch that still waits for its money goes from
// granted to booked through the workflow (with its audit row and the
// applicants' notifications), and the batch gets its voucher. An award
// revoked after the batch was made is left as it is: its reversal goes in
// the next batch. It returns workflow.ErrForbidden for anyone but
// finance, a NotFoundError, a *workflow.ValidationError, a *StaleError
// when version is not the batch's, a *BatchBookedError when the batch was
// booked already, and Apply's errors.
func (s *Store) BookFinanceBatch(ctx context.Context, actor *Actor, id int64, version int, in BookingInput) (*FinanceBatch, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	if errs := in.Valid(); len(errs) > 0 {
		return nil, &workflow.ValidationError{Fields: errs}
	}
	var out FinanceBatch
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var b FinanceBatch
		if err := s.forUpdate(tx).First(&b, id).Error; err != nil {
			return notFound(err, "finance batch", id)
		}
		if b.BookedAt != nil {
			return &BatchBookedError{Batch: b.ID, VoucherNumber: b.VoucherNumber, BookedAt: *b.BookedAt}
		}
		if b.Version != version {
			return &StaleError{Have: version, Current: b.Version}
		}
		var apps []struct {
			ID      int64
			Version int
			State   workflow.State
		}
		err := tx.Table("applications").Select("applications.id, applications.version, applications.state").
			Joins("JOIN finance_batch_lines ON finance_batch_lines.application_id = applications.id").
			Where("finance_batch_lines.batch_id = ? AND finance_batch_lines.kind = ?", id, LineAward).
			Order("applications.id").Scan(&apps).Error
		if err != nil {
			return err
		}
		date := civilDate(in.VoucherDate)
		comment := "Verifikation " + in.VoucherNumber + " " + date.Format(time.DateOnly) +
			" (batch " + strconv.FormatInt(id, 10) + ")"
		for _, a := range apps {
			if a.State != workflow.StateGranted {
				continue
			}
			if _, err := s.Apply(ctx, a.ID, a.Version, actor, workflow.ActionBook, workflow.Input{Comment: comment}); err != nil {
				return fmt.Errorf("book application %d: %w", a.ID, err)
			}
		}
		now := s.now()
		res := tx.Model(&FinanceBatch{}).Where("id = ? AND version = ? AND booked_at IS NULL", id, version).
			Updates(map[string]any{"voucher_number": in.VoucherNumber, "voucher_date": date,
				"booked_by": actor.User.ID, "booked_at": now, "version": version + 1})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		b.VoucherNumber, b.VoucherDate, b.BookedBy, b.BookedAt, b.Version = in.VoucherNumber, &date, &actor.User.ID, &now, version+1
		out = b
		return tx.Create(&AuditEvent{Entity: "finance_batch", EntityID: id, ActorID: &actor.User.ID, Action: "book_batch",
			Comment: comment, AmountOre: b.TotalOre, CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// FinancePending is what the next batch would hold.
type FinancePending struct {
	Count    int
	TotalOre int64
	// Lines are the first lines, as many as asked for.
	Lines []FinanceBatchLine
	// MissingCostCentre names units whose lines have no cost centre.
	MissingCostCentre []string
}

// PendingFinance previews the next batch: awards no batch holds yet and
// reversals of exported awards that were revoked, with their sum and the
// first limit lines. It returns workflow.ErrForbidden for anyone but
// finance.
func (s *Store) PendingFinance(ctx context.Context, actor *Actor, limit int) (*FinancePending, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	set, err := s.FinanceSettings(ctx)
	if err != nil {
		return nil, err
	}
	p := &FinancePending{}
	err = s.eachPending(ctx, set, 0, func(lines []FinanceBatchLine) error {
		for _, l := range lines {
			p.Count++
			p.TotalOre += l.AmountOre
			if l.CostCentre == "" {
				p.MissingCostCentre = appendNew(p.MissingCostCentre, l.UnitName)
			}
			if len(p.Lines) < limit {
				p.Lines = append(p.Lines, l)
			}
		}
		return nil
	})
	return p, err
}

// CreateFinanceBatch puts everything pending into a new batch, in one
// transaction that holds the settings row locked, so that concurrent
// exports queue and none puts an award in two batches (a unique index on
// application and kind guards the same rule). It returns
// workflow.ErrForbidden for anyone but finance,
// ErrFinanceSettingsIncomplete, *MissingCostCentreError,
// ErrNothingToExport, or ErrExportConflict.
func (s *Store) CreateFinanceBatch(ctx context.Context, actor *Actor) (*FinanceBatch, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	var out FinanceBatch
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var set FinanceSettings
		if err := s.forUpdate(tx).First(&set, 1).Error; err != nil {
			return notFound(err, "finance settings", 1)
		}
		if !set.Complete() {
			return ErrFinanceSettingsIncomplete
		}
		now := s.now()
		b := FinanceBatch{BatchDate: civilDate(now), CreatedBy: actor.User.ID, CreatedByName: actor.User.Name,
			Organisation: set.Organisation, PotCostCentre: set.PotCostCentre, PotProject: set.PotProject,
			PotName: set.PotName, DebitAccount: set.DebitAccount, DebitAccountName: set.DebitAccountName,
			CreditAccount: set.CreditAccount, CreditAccountName: set.CreditAccountName, Version: 1, CreatedAt: now}
		if err := tx.Create(&b).Error; err != nil {
			return err
		}
		var missing []string
		err := s.eachPending(ctx, &set, b.ID, func(lines []FinanceBatchLine) error {
			for i := range lines {
				if lines[i].CostCentre == "" {
					missing = appendNew(missing, lines[i].UnitName)
				}
				b.LineCount++
				b.TotalOre += lines[i].AmountOre
				lines[i].BatchID, lines[i].Position = b.ID, b.LineCount
			}
			if len(missing) > 0 {
				return nil
			}
			err := tx.CreateInBatches(lines, 200).Error
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrExportConflict
			}
			return err
		})
		switch {
		case err != nil:
			return err
		case len(missing) > 0:
			return &MissingCostCentreError{Units: missing}
		case b.LineCount == 0:
			return ErrNothingToExport
		}
		if err := tx.Model(&FinanceBatch{}).Where("id = ?", b.ID).
			Updates(map[string]any{"line_count": b.LineCount, "total_ore": b.TotalOre}).Error; err != nil {
			return err
		}
		out = b
		return tx.Create(&AuditEvent{Entity: "finance_batch", EntityID: b.ID, ActorID: &actor.User.ID, Action: "create_batch",
			Comment: strconv.Itoa(b.LineCount) + " lines", AmountOre: b.TotalOre, CreatedAt: now}).Error
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

// pendingRow is an application whose money a batch has yet to move.
type pendingRow struct {
	ID          int64
	UnitID      int64
	CreatedAt   time.Time
	Title       string
	DecisionRef string
	DecidedAt   *time.Time
	State       workflow.State
	GrantedOre  int64
	ReturnedOre int64
	ExportedOre int64
}

// exportChunk is how many applications an export reads at a time.
const exportChunk = 500

// pendingWhere selects granted applications without an award line, and
// revoked ones with an award line but no reversal yet.
const pendingWhere = "(applications.state = @granted AND applications.granted_ore > applications.returned_ore AND NOT EXISTS " +
	"(SELECT 1 FROM finance_batch_lines l WHERE l.application_id = applications.id AND l.kind = @award)) OR " +
	"(applications.state = @revoked AND EXISTS " +
	"(SELECT 1 FROM finance_batch_lines l WHERE l.application_id = applications.id AND l.kind = @award) AND NOT EXISTS " +
	"(SELECT 1 FROM finance_batch_lines l WHERE l.application_id = applications.id AND l.kind = @reversal))"

// reversalPrefix starts the voucher text of a reversal. Files are
// Swedish whoever downloads them.
const reversalPrefix = "Återföring "

// eachPending calls fn with the pending lines, a chunk at a time in
// application order, filled in from the application, its unit and the
// settings. batch numbers the voucher texts (0 for a preview). A line
// whose unit has no cost centre, on itself or above, has an empty one.
func (s *Store) eachPending(ctx context.Context, set *FinanceSettings, batch int64, fn func([]FinanceBatchLine) error) error {
	db := s.conn(ctx)
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return err
	}
	args := map[string]any{"granted": workflow.StateGranted, "revoked": workflow.StateRevoked,
		"award": LineAward, "reversal": LineReversal}
	batchText := ""
	if batch > 0 {
		batchText = strconv.FormatInt(batch, 10)
	}
	for after := int64(0); ; {
		var rows []pendingRow
		err := db.Table("applications").Select("applications.id, applications.unit_id, applications.created_at, "+
			"applications.title, applications.decision_ref, applications.decided_at, applications.state, "+
			"applications.granted_ore, applications.returned_ore, "+
			"(SELECT COALESCE(SUM(l.amount_ore), 0) FROM finance_batch_lines l WHERE l.application_id = applications.id) AS exported_ore").
			Where("("+pendingWhere+")", args).Where("applications.id > ?", after).
			Order("applications.id").Limit(exportChunk).Scan(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		after = rows[len(rows)-1].ID
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		labels, err := s.activityLabels(ctx, ids)
		if err != nil {
			return err
		}
		lines := make([]FinanceBatchLine, 0, len(rows))
		for _, r := range rows {
			kind, amount := LineAward, r.GrantedOre-r.ReturnedOre
			if r.State == workflow.StateRevoked {
				kind, amount = LineReversal, amount-r.ExportedOre
				if amount > 0 {
					continue
				}
			}
			if amount == 0 {
				continue
			}
			unit, _ := chart.Unit(r.UnitID)
			l := FinanceBatchLine{ApplicationID: r.ID, Kind: kind, Reference: ApplicationNumber(r.CreatedAt.Year(), r.ID),
				Title: r.Title, DecisionRef: r.DecisionRef, UnitID: r.UnitID, UnitName: unit.NameSV,
				CostCentre: costCentreOf(chart, r.UnitID), ProjectCode: unit.ProjectCode, Activities: labels[r.ID], AmountOre: amount}
			if r.DecidedAt != nil {
				d := civilDate(*r.DecidedAt)
				l.DecisionDate = &d
			}
			l.VoucherText = strings.NewReplacer("{application}", l.Reference, "{decision}", l.DecisionRef,
				"{unit}", l.UnitName, "{title}", l.Title, "{batch}", batchText).Replace(set.VoucherText)
			if kind == LineReversal {
				l.VoucherText = reversalPrefix + l.VoucherText
			}
			lines = append(lines, l)
		}
		if len(lines) > 0 {
			if err := fn(lines); err != nil {
				return err
			}
		}
		if len(rows) < exportChunk {
			return nil
		}
	}
}

// costCentreOf is the cost centre of the unit, or of the nearest unit
// above it that has one.
func costCentreOf(chart *OrgChart, unitID int64) string {
	for _, id := range chart.Path(unitID) {
		if u, ok := chart.Unit(id); ok && u.CostCentre != "" {
			return u.CostCentre
		}
	}
	return ""
}

// activityLabels names the plan activities of each application by their
// place in the plan ("2.1.3"), in plan order, separated by "; ".
func (s *Store) activityLabels(ctx context.Context, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ApplicationID int64
		Area, Goal    int
		Activity      int
	}
	err := s.conn(ctx).Table("application_activities").
		Select("application_activities.application_id, plan_areas.position AS area, plan_goals.position AS goal, plan_activities.position AS activity").
		Joins("JOIN plan_activities ON plan_activities.id = application_activities.activity_id").
		Joins("JOIN plan_goals ON plan_goals.id = plan_activities.goal_id").
		Joins("JOIN plan_areas ON plan_areas.id = plan_goals.area_id").
		Where("application_activities.application_id IN ?", ids).
		Order("application_activities.application_id, plan_areas.position, plan_goals.position, plan_activities.position").
		Scan(&rows).Error
	out := make(map[int64]string, len(ids))
	for _, r := range rows {
		label := fmt.Sprintf("%d.%d.%d", r.Area, r.Goal, r.Activity)
		if out[r.ApplicationID] != "" {
			label = out[r.ApplicationID] + "; " + label
		}
		out[r.ApplicationID] = label
	}
	return out, err
}
