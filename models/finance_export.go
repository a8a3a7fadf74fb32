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
			Ledger: set.Ledger, Version: 1, CreatedAt: now}
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
