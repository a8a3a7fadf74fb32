package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// Message ids of plan administration's validation errors.
const (
	MsgPlanCodeTaken       = "followup.err.plan_code_taken"
	MsgPlanPeriod          = "followup.err.plan_period"
	MsgNeolaiaInvalid      = "followup.err.neolaia_invalid"
	MsgResponsibleUnknown  = "followup.err.responsible_unknown"
	MsgPlanFieldRequired   = "followup.err.required"
	planAuditEntity        = "plan"
	planActionCopy         = "plan_copy"
	planActionEdit         = "plan_edit"
	planActionRetire       = "plan_activity_retire"
	planActionRestore      = "plan_activity_restore"
	planActionAddActivity  = "plan_activity_add"
	planActionEditActivity = "plan_activity_edit"
)

// Plans returns every plan, newest period first. It returns only
// database errors.
func (s *Store) Plans(ctx context.Context) ([]Plan, error) {
	var plans []Plan
	err := s.conn(ctx).Order("starts_on DESC, id DESC").Find(&plans).Error
	return plans, err
}

// PlanCopy is what an admin gives to start the next version of a plan.
type PlanCopy struct {
	FromID   int64
	Code     string
	TitleSV  string
	TitleEN  string
	StartsOn time.Time
	EndsOn   time.Time
}

// Valid returns field → message id for missing or inconsistent fields.
func (in PlanCopy) Valid() map[string]string {
	v := map[string]string{}
	for field, val := range map[string]string{"code": in.Code, "title_sv": in.TitleSV, "title_en": in.TitleEN} {
		if strings.TrimSpace(val) == "" {
			v[field] = MsgPlanFieldRequired
		}
	}
	switch {
	case in.StartsOn.IsZero():
		v["starts_on"] = MsgPlanFieldRequired
	case in.EndsOn.IsZero():
		v["ends_on"] = MsgPlanFieldRequired
	case !in.EndsOn.After(in.StartsOn):
		v["ends_on"] = MsgPlanPeriod
	}
	return v
}

func requireAdmin(actor *Actor) error {
	if !actor.HasGlobal(workflow.RoleAdmin) {
		return workflow.ErrForbidden
	}
	return nil
}

func (s *Store) planAudit(ctx context.Context, actor *Actor, planID int64, action, comment string) error {
	tx := s.conn(ctx)
	return tx.Create(&AuditEvent{Entity: planAuditEntity, EntityID: planID, ActorID: &actor.User.ID,
		Action: action, Comment: comment, CreatedAt: s.now()}).Error
}

// CopyPlan creates a new plan from in, copying the responsible codes,
// areas, goals and activities of plan in.FromID; retired activities are
// not copied. The old plan, and every application linked to it, is left
// as it was. It returns workflow.ErrForbidden for anyone but an admin, a
// NotFoundError for an unknown source plan and a *workflow.ValidationError
// for bad input or a code already in use.
func (s *Store) CopyPlan(ctx context.Context, actor *Actor, in PlanCopy) (*Plan, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Code, in.TitleSV, in.TitleEN = strings.TrimSpace(in.Code), strings.TrimSpace(in.TitleSV), strings.TrimSpace(in.TitleEN)
	if v := in.Valid(); len(v) > 0 {
		return nil, &workflow.ValidationError{Fields: v}
	}
	var created Plan
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var taken int64
		if err := tx.Model(&Plan{}).Where("code = ?", in.Code).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return &workflow.ValidationError{Fields: map[string]string{"code": MsgPlanCodeTaken}}
		}
		src, err := s.PlanByID(ctx, in.FromID)
		if err != nil {
			return err
		}
		now := s.now()
		created = Plan{Code: in.Code, TitleSV: in.TitleSV, TitleEN: in.TitleEN, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&created).Error; err != nil {
			return err
		}
		for _, r := range src.Responsibles {
			r.ID, r.PlanID = 0, created.ID
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
		}
		for _, a := range src.Areas {
			area := PlanArea{PlanID: created.ID, Position: a.Position, NameSV: a.NameSV, NameEN: a.NameEN}
			if err := tx.Create(&area).Error; err != nil {
				return err
			}
			for _, g := range a.Goals {
				goal := PlanGoal{AreaID: area.ID, Position: g.Position, TextSV: g.TextSV, TextEN: g.TextEN}
				if err := tx.Create(&goal).Error; err != nil {
					return err
				}
				pos := 0
				for _, act := range g.Activities {
					if act.RetiredAt != nil {
						continue
					}
					pos++
					act.ID, act.GoalID, act.Position = 0, goal.ID, pos
					if err := tx.Create(&act).Error; err != nil {
						return err
					}
				}
			}
		}
		return s.planAudit(ctx, actor, created.ID, planActionCopy, "from "+src.Code)
	})
	if err != nil {
		return nil, err
	}
	return &created, nil
}

// planOf returns the plan an area, goal or activity belongs to, or a
// NotFoundError.
func (s *Store) planOf(ctx context.Context, kind string, id int64) (int64, error) {
	q := s.conn(ctx).Table("plan_areas par").Select("par.plan_id")
	switch kind {
	case "area":
		q = q.Where("par.id = ?", id)
	case "goal":
		q = q.Joins("JOIN plan_goals pg ON pg.area_id = par.id").Where("pg.id = ?", id)
	case "activity":
		q = q.Joins("JOIN plan_goals pg ON pg.area_id = par.id").Joins("JOIN plan_activities pa ON pa.goal_id = pg.id").Where("pa.id = ?", id)
	default:
		return 0, &NotFoundError{What: "plan " + kind, ID: id}
	}
	var planIDs []int64
	if err := q.Scan(&planIDs).Error; err != nil {
		return 0, err
	}
	if len(planIDs) == 0 {
		return 0, &NotFoundError{What: "plan " + kind, ID: id}
	}
	return planIDs[0], nil
}

// inPlan returns a NotFoundError unless the area, goal or activity id
// belongs to plan planID.
func (s *Store) inPlan(ctx context.Context, planID int64, kind string, id int64) error {
	p, err := s.planOf(ctx, kind, id)
	if err != nil {
		return err
	}
	if p != planID {
		return &NotFoundError{What: "plan " + kind, ID: id}
	}
	return nil
}

// UpdatePlanText changes the Swedish and English text of an area or goal
// (kind "area" or "goal") of plan planID. It returns workflow.ErrForbidden
// for anyone but an admin, a NotFoundError when the item is not in the
// plan and a *workflow.ValidationError for a blank Swedish text.
func (s *Store) UpdatePlanText(ctx context.Context, actor *Actor, planID int64, kind string, id int64, sv, en string) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	sv, en = strings.TrimSpace(sv), strings.TrimSpace(en)
	if sv == "" {
		return &workflow.ValidationError{Fields: map[string]string{"text_sv": MsgPlanFieldRequired}}
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if err := s.inPlan(ctx, planID, kind, id); err != nil {
			return err
		}
		var err error
		if kind == "area" {
			err = tx.Model(&PlanArea{}).Where("id = ?", id).Updates(map[string]any{"name_sv": sv, "name_en": en}).Error
		} else {
			err = tx.Model(&PlanGoal{}).Where("id = ?", id).Updates(map[string]any{"text_sv": sv, "text_en": en}).Error
		}
		if err != nil {
			return err
		}
		return s.planAudit(ctx, actor, planID, planActionEdit, kind+" "+itoa(id))
	})
}

// PlanActivityInput holds what an admin may set on an activity.
type PlanActivityInput struct {
	TextSV      string
	TextEN      string
	Neolaia     Neolaia
	Responsible string
}

// valid checks the input against the plan's responsible codes and
// normalises the codes to "A, B".
func (in *PlanActivityInput) valid(codes []string) map[string]string {
	v := map[string]string{}
	in.TextSV, in.TextEN = strings.TrimSpace(in.TextSV), strings.TrimSpace(in.TextEN)
	if in.TextSV == "" {
		v["text_sv"] = MsgPlanFieldRequired
	}
	if in.Neolaia != NeolaiaYes && in.Neolaia != NeolaiaPartly && in.Neolaia != NeolaiaNone {
		v["neolaia"] = MsgNeolaiaInvalid
	}
	got := PlanActivity{Responsible: in.Responsible}.ResponsibleCodes()
	for _, c := range got {
		if !slices.Contains(codes, c) {
			v["responsible"] = MsgResponsibleUnknown
		}
	}
	if len(got) == 0 {
		v["responsible"] = MsgPlanFieldRequired
	}
	in.Responsible = strings.Join(got, ", ")
	return v
}

func (s *Store) responsibleCodes(ctx context.Context, planID int64) ([]string, error) {
	var codes []string
	err := s.conn(ctx).Model(&PlanResponsible{}).Where("plan_id = ?", planID).Pluck("code", &codes).Error
	return codes, err
}

// SavePlanActivity changes activity id of plan planID, or adds an activity
// at the end of goal goalID when id is 0. It returns workflow.ErrForbidden
// for anyone but an admin, a NotFoundError when the activity or goal is not
// in the plan and a *workflow.ValidationError for bad input.
func (s *Store) SavePlanActivity(ctx context.Context, actor *Actor, planID, goalID, id int64, in PlanActivityInput) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		kind, item := "activity", id
		if id == 0 {
			kind, item = "goal", goalID
		}
		if err := s.inPlan(ctx, planID, kind, item); err != nil {
			return err
		}
		codes, err := s.responsibleCodes(ctx, planID)
		if err != nil {
			return err
		}
		if v := in.valid(codes); len(v) > 0 {
			return &workflow.ValidationError{Fields: v}
		}
		if id != 0 {
			err := tx.Model(&PlanActivity{}).Where("id = ?", id).Updates(map[string]any{"text_sv": in.TextSV,
				"text_en": in.TextEN, "neolaia": in.Neolaia, "responsible": in.Responsible}).Error
			if err != nil {
				return err
			}
			return s.planAudit(ctx, actor, planID, planActionEditActivity, "activity "+itoa(id))
		}
		var last int
		if err := tx.Model(&PlanActivity{}).Where("goal_id = ?", goalID).Select("COALESCE(MAX(position), 0)").Scan(&last).Error; err != nil {
			return err
		}
		act := PlanActivity{GoalID: goalID, Position: last + 1, TextSV: in.TextSV, TextEN: in.TextEN,
			Neolaia: in.Neolaia, Responsible: in.Responsible}
		if err := tx.Create(&act).Error; err != nil {
			return err
		}
		return s.planAudit(ctx, actor, planID, planActionAddActivity, "activity "+itoa(act.ID))
	})
}

// RetirePlanActivity retires activity id of plan planID (retire true) or
// brings it back. A retired activity cannot be picked in new applications,
// but the applications already linked to it keep their link. It returns
// workflow.ErrForbidden for anyone but an admin and a NotFoundError when
// the activity is not in the plan.
func (s *Store) RetirePlanActivity(ctx context.Context, actor *Actor, planID, id int64, retire bool) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if err := s.inPlan(ctx, planID, "activity", id); err != nil {
			return err
		}
		var at any
		action := planActionRestore
		if retire {
			at, action = s.now(), planActionRetire
		}
		if err := tx.Model(&PlanActivity{}).Where("id = ?", id).Update("retired_at", at).Error; err != nil {
			return err
		}
		return s.planAudit(ctx, actor, planID, action, "activity "+itoa(id))
	})
}
