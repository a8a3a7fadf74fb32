package models

import (
	"context"
	"strings"
	"time"
)

// Plan is a version of the university's internationalisation action plan
// (for example 2025–2026). Calls belong to one plan, and applications link
// to its activities.
type Plan struct {
	ID        int64
	Code      string
	TitleSV   string `gorm:"column:title_sv"`
	TitleEN   string `gorm:"column:title_en"`
	StartsOn  time.Time
	EndsOn    time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version goes up with every change to the plan or its tree, by
	// trigger (migration 00068); the store never writes it.
	Version int64 `gorm:"->"`

	Areas        []PlanArea        `gorm:"-"`
	Responsibles []PlanResponsible `gorm:"-"`
}

// PlanResponsible defines one of the codes the plan uses for responsible
// bodies (the plan's footnote): Inst = Institutioner, and so on.
type PlanResponsible struct {
	ID           int64
	PlanID       int64
	Code         string
	DefinitionSV string `gorm:"column:definition_sv"`
	DefinitionEN string `gorm:"column:definition_en"`
	Position     int
}

// PlanArea is one development area of a plan (Forskning, Utbildning, …).
type PlanArea struct {
	ID       int64
	PlanID   int64
	Position int
	NameSV   string `gorm:"column:name_sv"`
	NameEN   string `gorm:"column:name_en"`

	Goals []PlanGoal `gorm:"-"`
}

// PlanGoal is a goal (Mål) within an area.
type PlanGoal struct {
	ID       int64
	AreaID   int64
	Position int
	TextSV   string `gorm:"column:text_sv"`
	TextEN   string `gorm:"column:text_en"`

	Activities []PlanActivity `gorm:"-"`
}

// Neolaia is an activity's or application's relation to the NEOLAiA
// European university alliance.
type Neolaia string

// The relations the plan uses; NeolaiaNone is the plan's "–".
const (
	NeolaiaYes    Neolaia = "ja"
	NeolaiaPartly Neolaia = "delvis"
	NeolaiaNone   Neolaia = ""
	NeolaiaNo     Neolaia = "nej" // an application's explicit "no"
)

// PlanActivity is an activity (Aktivitet) under a goal, with its NEOLAiA
// relation and the codes of the bodies responsible, first one leading.
type PlanActivity struct {
	ID          int64
	GoalID      int64
	Position    int
	TextSV      string `gorm:"column:text_sv"`
	TextEN      string `gorm:"column:text_en"`
	Neolaia     Neolaia
	Responsible string
	RetiredAt   *time.Time
}

// ResponsibleCodes splits Responsible into its codes, in order.
func (a PlanActivity) ResponsibleCodes() []string {
	var out []string
	for _, c := range strings.Split(a.Responsible, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// Text returns a localised text: English when lang is "en" and there is
// one, else Swedish.
func Text(lang, sv, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return sv
}

// PlanByID loads a plan with its whole tree: areas, goals, activities (in
// the plan's order) and the responsible codes. It returns a NotFoundError.
// Outside a transaction it reads only the plan's row when the store holds
// the tree of the plan's current version (plan_cache.go).
func (s *Store) PlanByID(ctx context.Context, id int64) (*Plan, error) {
	var p Plan
	if err := s.conn(ctx).First(&p, id).Error; err != nil {
		return nil, notFound(err, "plan", id)
	}
	return s.planTree(ctx, p)
}

// loadPlanTree reads p's tree into p.
func (s *Store) loadPlanTree(ctx context.Context, p *Plan) error {
	db := s.conn(ctx)
	id := p.ID
	if err := db.Where("plan_id = ?", id).Order("position").Find(&p.Responsibles).Error; err != nil {
		return err
	}
	if err := db.Where("plan_id = ?", id).Order("position").Find(&p.Areas).Error; err != nil {
		return err
	}
	var goals []PlanGoal
	if err := db.Joins("JOIN plan_areas ON plan_areas.id = plan_goals.area_id").
		Where("plan_areas.plan_id = ?", id).Order("plan_goals.position").Find(&goals).Error; err != nil {
		return err
	}
	var acts []PlanActivity
	if err := db.Joins("JOIN plan_goals ON plan_goals.id = plan_activities.goal_id").
		Joins("JOIN plan_areas ON plan_areas.id = plan_goals.area_id").
		Where("plan_areas.plan_id = ?", id).Order("plan_activities.position").Find(&acts).Error; err != nil {
		return err
	}
	byGoal := map[int64][]PlanActivity{}
	for _, a := range acts {
		byGoal[a.GoalID] = append(byGoal[a.GoalID], a)
	}
	byArea := map[int64][]PlanGoal{}
	for _, g := range goals {
		g.Activities = byGoal[g.ID]
		byArea[g.AreaID] = append(byArea[g.AreaID], g)
	}
	for i := range p.Areas {
		p.Areas[i].Goals = byArea[p.Areas[i].ID]
	}
	return nil
}

// CurrentPlan returns the plan in force at the store's current time, or
// the newest plan when none is, with its tree. It returns a NotFoundError
// when there is no plan at all.
func (s *Store) CurrentPlan(ctx context.Context) (*Plan, error) {
	var p Plan
	today := s.civilDate(s.now())
	err := s.conn(ctx).Where("starts_on <= ? AND ends_on >= ?", today, today).Order("starts_on DESC").First(&p).Error
	if err != nil {
		err = s.conn(ctx).Order("starts_on DESC").First(&p).Error
	}
	if err != nil {
		return nil, notFound(err, "plan", "current")
	}
	return s.planTree(ctx, p)
}

// Activities returns every activity of the plan in plan order.
func (p *Plan) Activities() []PlanActivity {
	var out []PlanActivity
	for _, a := range p.Areas {
		for _, g := range a.Goals {
			out = append(out, g.Activities...)
		}
	}
	return out
}

// Retired reports whether the activity was retired from its plan: it can
// no longer be picked in new applications, but old links stay.
func (a PlanActivity) Retired() bool { return a.RetiredAt != nil }

// PickableActivities returns the activities of the plan that new
// applications may link to: every activity that is not retired, in plan
// order.
func (p *Plan) PickableActivities() []PlanActivity {
	var out []PlanActivity
	for _, a := range p.Activities() {
		if !a.Retired() {
			out = append(out, a)
		}
	}
	return out
}

// PickableActivityIDs returns which of ids are activities of plan planID
// that are not retired; a form checks new links against it. It returns
// only database errors.
func (s *Store) PickableActivityIDs(ctx context.Context, planID int64, ids []int64) ([]int64, error) {
	var out []int64
	if len(ids) == 0 {
		return out, nil
	}
	err := s.conn(ctx).Model(&PlanActivity{}).
		Joins("JOIN plan_goals ON plan_goals.id = plan_activities.goal_id").
		Joins("JOIN plan_areas ON plan_areas.id = plan_goals.area_id").
		Where("plan_activities.id IN ? AND plan_areas.plan_id = ? AND plan_activities.retired_at IS NULL", ids, planID).
		Order("plan_activities.id").Pluck("plan_activities.id", &out).Error
	return out, err
}
