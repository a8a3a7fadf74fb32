package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"mobilityfund/export"
	"mobilityfund/workflow"
)

// FinancePending is what the next batch would hold.
type FinancePending struct {
	Count    int
	TotalOre int64
	// Lines are the first lines, as many as asked for.
	Lines []FinanceBatchLine
	// MissingCostCentre names units whose lines have no cost centre.
	MissingCostCentre []string
	// Warnings list every line (and the settings, with ApplicationID 0)
	// whose text a SIE file cannot hold as it is, so that finance can
	// fix it before the batch is made.
	Warnings []TextWarning
}

// TextWarning names the characters of one line's texts that code page
// 437 lacks, and what the SIE file will hold instead.
type TextWarning struct {
	ApplicationID int64
	Reference     string
	Changes       []export.Change
}

// PendingFinance previews the next batch: awards no batch holds yet, and
// money coming back that no batch has moved yet (reversals of revoked
// awards, returns after accepted reports), with their sum, the first
// limit lines, and the texts a SIE file would change. It returns
// workflow.ErrForbidden for anyone but finance.
func (s *Store) PendingFinance(ctx context.Context, actor *Actor, limit int) (*FinancePending, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	set, err := s.FinanceSettings(ctx)
	if err != nil {
		return nil, err
	}
	p := &FinancePending{}
	if c := export.SIEChanges(set.Organisation + set.PotName + set.PotAccountName + set.UnitAccountName + actor.User.Name); len(c) > 0 {
		p.Warnings = append(p.Warnings, TextWarning{Changes: c})
	}
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
			if c := export.SIEChanges(l.VoucherText + l.UnitName + l.ProjectName + l.CostCentre + l.ProjectCode); len(c) > 0 {
				p.Warnings = append(p.Warnings, TextWarning{ApplicationID: l.ApplicationID, Reference: l.Reference, Changes: c})
			}
		}
		return nil
	})
	return p, err
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
			if b.LineCount == len(lines) {
				// The first chunk: the batch row goes in before its lines.
				if err := tx.Create(&b).Error; err != nil {
					return err
				}
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

// moneyRow is an application's money as the app and the batches see it.
type moneyRow struct {
	ID            int64
	CallID        int64
	UnitID        int64
	CreatedAt     time.Time
	Title         string
	DecisionRef   string
	DecidedAt     *time.Time
	RevocationRef string
	RevokedAt     *time.Time
	AcceptedAt    *time.Time
	State         workflow.State
	GrantedOre    int64
	ReturnedOre   int64
	StandingOre   int64 // what it holds of the pot
	ExportedOre   int64 // what its batch lines add up to
	BookedOre     int64 // what its lines in booked batches add up to
	HasAward      bool
}

// moneyRows reads up to exportChunk applications with id above after
// that match where (SQL over standingSQL and exportedSQL, which uses the
// named argument @holding), in id order.
func (s *Store) moneyRows(ctx context.Context, where string, after int64) ([]moneyRow, error) {
	args := map[string]any{"holding": moneyStates(), "award": LineAward}
	var rows []moneyRow
	err := s.conn(ctx).Table("applications").Select("applications.id, applications.call_id, applications.unit_id, "+
		"applications.created_at, applications.title, applications.decision_ref, applications.decided_at, "+
		"applications.revocation_ref, applications.revoked_at, application_reports.accepted_at, applications.state, "+
		"applications.granted_ore, applications.returned_ore, "+
		standingSQL+" AS standing_ore, "+exportedSQL+" AS exported_ore, "+bookedSQL+" AS booked_ore, "+
		"EXISTS (SELECT 1 FROM finance_batch_lines l WHERE l.application_id = applications.id AND l.kind = @award) AS has_award", args).
		Joins("LEFT JOIN application_reports ON application_reports.application_id = applications.id").
		Where(where, args).Where("applications.id > ?", after).
		Order("applications.id").Limit(exportChunk).Scan(&rows).Error
	return rows, err
}

// exportChunk is how many applications an export reads at a time.
const exportChunk = 500

// standingSQL is what an application holds of the pot (granted less
// returned while it holds money), and exportedSQL what its batch lines
// have moved so far; a batch moves the difference.
const (
	standingSQL = "(CASE WHEN applications.state IN @holding THEN applications.granted_ore - applications.returned_ore ELSE 0 END)"
	exportedSQL = "(SELECT COALESCE(SUM(l.amount_ore), 0) FROM finance_batch_lines l WHERE l.application_id = applications.id)"
	bookedSQL   = "(SELECT COALESCE(SUM(l.amount_ore), 0) FROM finance_batch_lines l " +
		"JOIN finance_batches b ON b.id = l.batch_id WHERE l.application_id = applications.id AND b.booked_at IS NOT NULL)"
)

// The voucher text of money coming back starts with what it is. Files
// are Swedish whoever downloads them.
const (
	reversalPrefix = "Återföring "
	returnPrefix   = "Återbetalning "
	// returnRefPrefix names the accepted report a return comes from; the
	// report has no reference of its own in the registry.
	returnRefPrefix = "Återrapport "
)

// nextLine is the line that moves an application's difference, or false
// when the difference is not one a batch can move (a second award, or
// money coming back that never left): the reconciliation shows those.
func nextLine(r moneyRow) (kind, ref string, date *time.Time, amount int64, ok bool) {
	amount = r.StandingOre - r.ExportedOre
	number := ApplicationNumber(r.CreatedAt, r.ID)
	switch {
	case amount > 0 && !r.HasAward:
		return LineAward, r.DecisionRef, r.DecidedAt, amount, true
	case amount < 0 && r.HasAward && r.State == workflow.StateRevoked:
		return LineReversal, r.RevocationRef, r.RevokedAt, amount, true
	case amount < 0 && r.HasAward:
		return LineReturn, returnRefPrefix + number, r.AcceptedAt, amount, true
	}
	return "", "", nil, 0, false
}

// eachPending calls fn with the pending lines, a chunk at a time in
// application order, filled in from the application, its unit and the
// settings. batch numbers the voucher texts (0 for a preview). A line
// whose unit has no cost centre, on itself or above, has an empty one.
func (s *Store) eachPending(ctx context.Context, set *FinanceSettings, batch int64, fn func([]FinanceBatchLine) error) error {
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return err
	}
	batchText := ""
	if batch > 0 {
		batchText = strconv.FormatInt(batch, 10)
	}
	for after := int64(0); ; {
		rows, err := s.moneyRows(ctx, "("+standingSQL+" <> "+exportedSQL+")", after)
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
			kind, ref, date, amount, ok := nextLine(r)
			if !ok {
				continue
			}
			unit, _ := chart.Unit(r.UnitID)
			l := FinanceBatchLine{ApplicationID: r.ID, Kind: kind, Reference: ApplicationNumber(r.CreatedAt, r.ID),
				Title: r.Title, DecisionRef: ref, UnitID: r.UnitID, UnitCode: unit.Code, UnitName: unit.NameSV,
				CostCentre: costCentreOf(chart, r.UnitID), ProjectCode: unit.ProjectCode, ProjectName: unit.ProjectName,
				Activities: labels[r.ID], AmountOre: amount}
			if date != nil {
				d := s.civilDate(*date)
				l.DecisionDate = &d
			}
			l.VoucherText = strings.NewReplacer("{application}", l.Reference, "{decision}", l.DecisionRef,
				"{unit}", l.UnitName, "{title}", l.Title, "{batch}", batchText).Replace(set.VoucherText)
			switch kind {
			case LineReversal:
				l.VoucherText = reversalPrefix + l.VoucherText
			case LineReturn:
				l.VoucherText = returnPrefix + l.VoucherText
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
