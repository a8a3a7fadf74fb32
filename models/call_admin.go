package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// Message ids of the call form's validation errors.
const (
	MsgCallCodeTaken       = "admin.err.call_code_taken"
	MsgCallCode            = "admin.err.call_code"
	MsgDeadlineBeforeOpens = "admin.err.deadline_before_opens"
	MsgDeadlinePast        = "admin.err.deadline_past"
	MsgDecisionBeforeEnd   = "admin.err.decision_before_deadline"
	MsgReportBeforeEnd     = "admin.err.report_before_deadline"
	MsgBudgetBelowCommit   = "admin.err.budget_below_committed"
	MsgActivityNotInPlan   = "admin.err.activity_not_in_plan"
	MsgPlanUnknown         = "admin.err.plan_unknown"
	MsgMaxAboveBudget      = "admin.err.max_above_budget"
)

// CallInput is what the call form holds. Dates are moments (OpensAt,
// DeadlineAt) or civil days as midnight UTC (DecisionOn, ReportDueOn).
type CallInput struct {
	PlanID                       int64
	Code                         string
	TitleSV, TitleEN             string
	DescriptionSV, DescriptionEN string
	BudgetOre                    int64
	OpensAt, DeadlineAt          time.Time
	DecisionOn                   *time.Time
	ReportDueOn                  time.Time
	EndorsementRequired          bool
	MaxAmountOre                 int64
	ActivityIDs                  []int64
	Version                      int  // the version the form was made from (edits)
	Confirmed                    bool // the editor saw the warning about applications that depend on the call
	fieldsAlreadyInvalid         map[string]string
}

// Invalid lets the web layer add what it could not read (a date that
// does not parse) so that one answer names every field.
func (in *CallInput) Invalid(fields map[string]string) { in.fieldsAlreadyInvalid = fields }

// CallChangeWarning is returned instead of saving when a change touches
// settings that applications of the call already depend on, and the form
// was not confirmed: saving again with Confirmed goes through.
type CallChangeWarning struct {
	Applications int64
	Fields       []string
}

func (e *CallChangeWarning) Error() string {
	return fmt.Sprintf("models: %d applications depend on %s", e.Applications, strings.Join(e.Fields, ", "))
}

// callCodeOK: codes name calls in URLs' queries and exports.
func callCodeOK(code string) bool {
	if code == "" || len(code) > 40 {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// check validates in for a call; isNew adds the rule that a new call's
// deadline is not in the past.
func (s *Store) checkCall(ctx context.Context, in *CallInput, isNew bool) error {
	v := map[string]string{}
	for k, m := range in.fieldsAlreadyInvalid {
		v[k] = m
	}
	add := func(field, msg string) {
		if _, ok := v[field]; !ok {
			v[field] = msg
		}
	}
	in.Code = strings.TrimSpace(in.Code)
	if !callCodeOK(in.Code) {
		add("code", MsgCallCode)
	}
	for field, text := range map[string]*string{"title_sv": &in.TitleSV, "title_en": &in.TitleEN} {
		*text = strings.TrimSpace(*text)
		if *text == "" {
			add(field, workflow.MsgRequired)
		} else if workflow.TooLong(*text, workflow.MaxTitle) {
			add(field, workflow.MsgTooLong)
		}
	}
	for field, text := range map[string]*string{"description_sv": &in.DescriptionSV, "description_en": &in.DescriptionEN} {
		*text = strings.TrimSpace(*text)
		if workflow.TooLong(*text, workflow.MaxText) {
			add(field, workflow.MsgTooLong)
		}
	}
	if in.BudgetOre <= 0 {
		add("budget", workflow.MsgAmountPositive)
	}
	if in.MaxAmountOre > in.BudgetOre && in.BudgetOre > 0 {
		add("max_amount", MsgMaxAboveBudget)
	}
	if in.OpensAt.IsZero() {
		add("opens_at", workflow.MsgRequired)
	}
	if in.DeadlineAt.IsZero() {
		add("deadline_at", workflow.MsgRequired)
	}
	if in.ReportDueOn.IsZero() {
		add("report_due_on", workflow.MsgRequired)
	}
	if !in.OpensAt.IsZero() && !in.DeadlineAt.IsZero() && !in.DeadlineAt.After(in.OpensAt) {
		add("deadline_at", MsgDeadlineBeforeOpens)
	}
	if isNew && !in.DeadlineAt.IsZero() && !in.DeadlineAt.After(s.now()) {
		add("deadline_at", MsgDeadlinePast)
	}
	if !in.DeadlineAt.IsZero() {
		deadlineDay := s.civilDate(in.DeadlineAt)
		if in.DecisionOn != nil && in.DecisionOn.Before(deadlineDay) {
			add("decision_on", MsgDecisionBeforeEnd)
		}
		if !in.ReportDueOn.IsZero() && !in.ReportDueOn.After(deadlineDay) {
			add("report_due_on", MsgReportBeforeEnd)
		}
	}
	plan, err := s.PlanByID(ctx, in.PlanID)
	switch {
	case errors.Is(err, ErrNotFound):
		add("plan", MsgPlanUnknown)
	case err != nil:
		return err
	default:
		var ids []int64
		for _, a := range plan.Activities() {
			ids = append(ids, a.ID)
		}
		for _, id := range in.ActivityIDs {
			if !slices.Contains(ids, id) {
				add("activities", MsgActivityNotInPlan)
			}
		}
	}
	if len(v) > 0 {
		return &workflow.ValidationError{Fields: v}
	}
	return nil
}

// CreateCall makes a new call from in, with an audit row. It returns a
// *workflow.ValidationError naming every field that is wrong (a code
// taken, reversed dates, a deadline in the past) and
// workflow.ErrForbidden for anyone but coordinators and administrators.
func (s *Store) CreateCall(ctx context.Context, actor *Actor, in CallInput) (*Call, error) {
	if !mayManageCalls(actor) {
		return nil, workflow.ErrForbidden
	}
	if err := s.checkCall(ctx, &in, true); err != nil {
		return nil, err
	}
	var call Call
	err := s.WithTx(ctx, func(ctx context.Context) error {
		var err error
		call, err = s.insertCall(ctx, actorID(actor), in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &call, nil
}

// insertCall writes a checked call, its activities and its audit row in
// the transaction in ctx. The seed uses it too.
func (s *Store) insertCall(ctx context.Context, actor *int64, in CallInput) (Call, error) {
	tx := s.conn(ctx)
	var n int64
	if err := tx.Model(&Call{}).Where("code = ?", in.Code).Count(&n).Error; err != nil {
		return Call{}, err
	}
	if n > 0 {
		return Call{}, &workflow.ValidationError{Fields: map[string]string{"code": MsgCallCodeTaken}}
	}
	now := s.now()
	call := Call{Version: 1, CreatedAt: now, UpdatedAt: now}
	applyCallInput(&call, in)
	if err := tx.Create(&call).Error; err != nil {
		return Call{}, err
	}
	if err := s.setCallActivities(ctx, call.ID, in.ActivityIDs); err != nil {
		return Call{}, err
	}
	return call, tx.Create(&AuditEvent{Entity: "call", EntityID: call.ID, ActorID: actor, Action: "create",
		Comment: call.Code + " · " + call.TitleSV, AmountOre: call.BudgetOre, CreatedAt: now}).Error
}

func applyCallInput(c *Call, in CallInput) {
	c.PlanID, c.Code, c.TitleSV, c.TitleEN = in.PlanID, in.Code, in.TitleSV, in.TitleEN
	c.DescriptionSV, c.DescriptionEN, c.BudgetOre = in.DescriptionSV, in.DescriptionEN, in.BudgetOre
	c.OpensAt, c.DeadlineAt, c.DecisionOn, c.ReportDueOn = in.OpensAt.UTC(), in.DeadlineAt.UTC(), in.DecisionOn, in.ReportDueOn
	c.EndorsementRequired, c.MaxAmountOre = in.EndorsementRequired, in.MaxAmountOre
}

func (s *Store) setCallActivities(ctx context.Context, callID int64, ids []int64) error {
	tx := s.conn(ctx)
	if err := tx.Where("call_id = ?", callID).Delete(&CallActivity{}).Error; err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	rows := make([]CallActivity, 0, len(ids))
	for _, id := range ids {
		rows = append(rows, CallActivity{CallID: callID, ActivityID: id})
	}
	return tx.Create(&rows).Error
}

// CallActivityIDs returns the plan activities call funds: the ones chosen
// for it, or every activity of its plan that is not retired.
func (s *Store) CallActivityIDs(ctx context.Context, call *Call) ([]int64, error) {
	var ids []int64
	if err := s.conn(ctx).Model(&CallActivity{}).Where("call_id = ?", call.ID).Order("activity_id").
		Pluck("activity_id", &ids).Error; err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		return ids, nil
	}
	plan, err := s.PlanByID(ctx, call.PlanID)
	if err != nil {
		return nil, err
	}
	for _, a := range plan.Activities() {
		if a.RetiredAt == nil {
			ids = append(ids, a.ID)
		}
	}
	return ids, nil
}

// UpdateCall changes a call. It returns ErrStale when the call changed
// since the form was made, a *workflow.ValidationError for bad input
// (a budget below what the call has committed among them), and a
// *CallChangeWarning, saving nothing, when applications depend on a
// setting that changes and the form was not confirmed.
func (s *Store) UpdateCall(ctx context.Context, actor *Actor, id int64, in CallInput) (*Call, error) {
	if !mayManageCalls(actor) {
		return nil, workflow.ErrForbidden
	}
	var call Call
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		// The lock makes the budget check and a grant in the same call
		// wait for each other: committed ≤ budget holds either way.
		if err := s.forUpdate(tx).First(&call, id).Error; err != nil {
			return notFound(err, "call", id)
		}
		if call.Version != in.Version {
			return ErrStale
		}
		verr := s.checkCall(ctx, &in, false)
		var v *workflow.ValidationError
		if verr != nil && !errors.As(verr, &v) {
			return verr
		}
		committed, err := s.committedOre(ctx, id)
		if err != nil {
			return err
		}
		if in.BudgetOre < committed {
			if v == nil {
				v = &workflow.ValidationError{Fields: map[string]string{}}
			}
			if _, ok := v.Fields["budget"]; !ok {
				v.Fields["budget"] = MsgBudgetBelowCommit
			}
		}
		if v != nil {
			return v
		}
		if in.Code != call.Code {
			var n int64
			if err := tx.Model(&Call{}).Where("code = ? AND id <> ?", in.Code, id).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return &workflow.ValidationError{Fields: map[string]string{"code": MsgCallCodeTaken}}
			}
		}
		before, err := s.CallActivityIDs(ctx, &call)
		if err != nil {
			return err
		}
		if !in.Confirmed {
			if w, err := s.callChangeWarning(ctx, &call, in, before); err != nil || w != nil {
				if err != nil {
					return err
				}
				return w
			}
		}
		old := call
		applyCallInput(&call, in)
		call.Version, call.UpdatedAt = old.Version+1, s.now()
		res := tx.Model(&Call{}).Where("id = ? AND version = ?", id, old.Version).Select("*").Omit("id", "created_at").Updates(&call)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrStale
		}
		if !slices.Equal(before, in.ActivityIDs) {
			if err := s.setCallActivities(ctx, id, in.ActivityIDs); err != nil {
				return err
			}
		}
		comment := call.Code + " · " + call.TitleSV
		if old.BudgetOre != call.BudgetOre {
			comment += fmt.Sprintf(" · budget %d → %d öre", old.BudgetOre, call.BudgetOre)
		}
		return tx.Create(&AuditEvent{Entity: "call", EntityID: id, ActorID: &actor.User.ID, Action: "update",
			Comment: comment, AmountOre: call.BudgetOre, CreatedAt: call.UpdatedAt}).Error
	})
	if err != nil {
		return nil, err
	}
	return &call, nil
}

// callChangeWarning names the settings that applications of call depend
// on and that in changes: the plan, the dates, endorsement, the maximum
// and the activities. Nil when there is nothing to warn about.
func (s *Store) callChangeWarning(ctx context.Context, call *Call, in CallInput, activities []int64) (*CallChangeWarning, error) {
	var changed []string
	if in.PlanID != call.PlanID {
		changed = append(changed, "plan")
	}
	if !in.OpensAt.Equal(call.OpensAt) {
		changed = append(changed, "opens_at")
	}
	if !in.DeadlineAt.Equal(call.DeadlineAt) {
		changed = append(changed, "deadline_at")
	}
	if !in.ReportDueOn.Equal(call.ReportDueOn) {
		changed = append(changed, "report_due_on")
	}
	if in.EndorsementRequired != call.EndorsementRequired {
		changed = append(changed, "endorsement")
	}
	if in.MaxAmountOre != call.MaxAmountOre {
		changed = append(changed, "max_amount")
	}
	if len(in.ActivityIDs) > 0 && !slices.Equal(in.ActivityIDs, activities) {
		changed = append(changed, "activities")
	}
	if len(changed) == 0 {
		return nil, nil
	}
	var n int64
	if err := s.conn(ctx).Model(&Application{}).Where("call_id = ?", call.ID).Count(&n).Error; err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	return &CallChangeWarning{Applications: n, Fields: changed}, nil
}

// SetCallOpen opens a call now (its opening moves to now when it lies
// ahead) or closes it now (its deadline moves to now when it lies
// ahead). Opening a call whose deadline has passed is refused with a
// *workflow.ValidationError on deadline_at: give it a new deadline first.
// ErrStale when the call changed since the page was shown.
func (s *Store) SetCallOpen(ctx context.Context, actor *Actor, id int64, version int, open bool) (*Call, error) {
	if !mayManageCalls(actor) {
		return nil, workflow.ErrForbidden
	}
	var call Call
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if err := s.forUpdate(tx).First(&call, id).Error; err != nil {
			return notFound(err, "call", id)
		}
		if call.Version != version {
			return ErrStale
		}
		now := s.now()
		action := "close"
		if open {
			action = "open"
			if !call.DeadlineAt.After(now) {
				return &workflow.ValidationError{Fields: map[string]string{"deadline_at": MsgDeadlinePast}}
			}
			if call.OpensAt.After(now) {
				call.OpensAt = now
			}
		} else if call.DeadlineAt.After(now) {
			call.DeadlineAt = now
		}
		call.Version++
		call.UpdatedAt = now
		res := tx.Model(&Call{}).Where("id = ? AND version = ?", id, version).
			Updates(map[string]any{"opens_at": call.OpensAt, "deadline_at": call.DeadlineAt, "version": call.Version, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrStale
		}
		return tx.Create(&AuditEvent{Entity: "call", EntityID: id, ActorID: &actor.User.ID, Action: action,
			Comment: call.Code, CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &call, nil
}

// CallCopy is a new call's input made from call: the same texts, plan,
// money and activities, its dates a year later and its code marked as a
// copy, for the form to adjust before it is saved.
func (s *Store) CallCopy(ctx context.Context, call *Call) (CallInput, error) {
	in := CallInput{PlanID: call.PlanID, Code: call.Code + "-kopia", TitleSV: call.TitleSV, TitleEN: call.TitleEN,
		DescriptionSV: call.DescriptionSV, DescriptionEN: call.DescriptionEN, BudgetOre: call.BudgetOre,
		OpensAt: call.OpensAt.In(s.zone).AddDate(1, 0, 0), DeadlineAt: call.DeadlineAt.In(s.zone).AddDate(1, 0, 0),
		ReportDueOn: call.ReportDueOn.AddDate(1, 0, 0), EndorsementRequired: call.EndorsementRequired, MaxAmountOre: call.MaxAmountOre}
	if call.DecisionOn != nil {
		d := call.DecisionOn.AddDate(1, 0, 0)
		in.DecisionOn = &d
	}
	err := s.conn(ctx).Model(&CallActivity{}).Where("call_id = ?", call.ID).Order("activity_id").Pluck("activity_id", &in.ActivityIDs).Error
	return in, err
}

// CallsByOpening returns every call, newest opening first, for the
// administrators' list.
func (s *Store) CallsByOpening(ctx context.Context) ([]Call, error) {
	var calls []Call
	err := s.conn(ctx).Order("opens_at DESC, id DESC").Find(&calls).Error
	return calls, err
}

func mayManageCalls(a *Actor) bool {
	return a != nil && (a.Has(workflow.RoleCoordinator) || a.Has(workflow.RoleAdmin))
}

func actorID(a *Actor) *int64 {
	if a == nil {
		return nil
	}
	return &a.User.ID
}

// pickableCallActivityIDs is PickableActivityIDs limited to what call
// funds, in the same one statement: an activity the call does not fund
// cannot be added to its applications.
func (s *Store) pickableCallActivityIDs(ctx context.Context, call *Call, ids []int64) ([]int64, error) {
	var out []int64
	if len(ids) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Model(&PlanActivity{}).
		Joins("JOIN plan_goals ON plan_goals.id = plan_activities.goal_id").
		Joins("JOIN plan_areas ON plan_areas.id = plan_goals.area_id").
		Where("plan_activities.id IN ? AND plan_areas.plan_id = ? AND plan_activities.retired_at IS NULL", ids, call.PlanID).
		Where("(NOT EXISTS (SELECT 1 FROM call_activities ca WHERE ca.call_id = ?) OR "+
			"plan_activities.id IN (SELECT ca.activity_id FROM call_activities ca WHERE ca.call_id = ?))", call.ID, call.ID).
		Order("plan_activities.id").Pluck("plan_activities.id", &out).Error
	return out, err
}
