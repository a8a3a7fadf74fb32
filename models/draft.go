package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// Draft holds exactly the fields an applicant may edit. Forms bind into
// it, never into Application, so that a posted state or granted amount
// has no way in.
type Draft struct {
	UnitID      int64
	Title       string
	Summary     string
	Purpose     string
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Neolaia     Neolaia
	// Considerations are quality, responsibility, inclusion,
	// sustainability and equality, in workflow.ConsiderationFields order.
	Considerations            [5]string
	TargetLevels              []string
	ExpectedStudentsFirst     int
	ExpectedStudentsSecond    int
	ExpectedStudentsThird     int
	ExpectedMobilityWindows   int
	ExpectedPartnerAgreements int
	ExpectedOther             string
	Lines                     []DraftLine
	ActivityIDs               []int64
}

// DraftLine is one budget line as typed.
type DraftLine struct {
	Category    string
	Description string
	AmountOre   int64
}

// DraftOf returns the editable part of a stored application.
func DraftOf(d *ApplicationDetail) Draft {
	a := d.App
	out := Draft{UnitID: a.UnitID, Title: a.Title, Summary: a.Summary, Purpose: a.Purpose,
		PeriodStart: a.PeriodStart, PeriodEnd: a.PeriodEnd, Neolaia: a.Neolaia,
		Considerations: [5]string{a.ConsiderationQuality, a.ConsiderationResponsibility,
			a.ConsiderationInclusion, a.ConsiderationSustainability, a.ConsiderationEquality},
		TargetLevels:          a.Levels(),
		ExpectedStudentsFirst: a.ExpectedStudentsFirst, ExpectedStudentsSecond: a.ExpectedStudentsSecond,
		ExpectedStudentsThird: a.ExpectedStudentsThird, ExpectedMobilityWindows: a.ExpectedMobilityWindows,
		ExpectedPartnerAgreements: a.ExpectedPartnerAgreements, ExpectedOther: a.ExpectedOther}
	for _, l := range d.Lines {
		out.Lines = append(out.Lines, DraftLine{Category: l.Category, Description: l.Description, AmountOre: l.AmountOre})
	}
	for _, act := range d.Activities {
		out.ActivityIDs = append(out.ActivityIDs, act.ID)
	}
	return out
}

// RequestedOre is the sum of the draft's budget lines: what the
// application asks for, stored with it when the draft is saved.
func (d Draft) RequestedOre() int64 {
	var sum int64
	for _, l := range d.Lines {
		sum += l.AmountOre
	}
	return sum
}

// Validate checks what a draft must satisfy to be saved at all; what a
// submission needs beyond that is workflow.Incomplete's to say. It
// returns a *workflow.ValidationError or nil.
func (d Draft) Validate() error {
	v := map[string]string{}
	for _, f := range []struct {
		field, text string
		max         int
	}{{"title", d.Title, workflow.MaxTitle}, {"summary", d.Summary, workflow.MaxText},
		{"purpose", d.Purpose, workflow.MaxText}, {"expected_other", d.ExpectedOther, workflow.MaxText}} {
		if workflow.TooLong(f.text, f.max) {
			v[f.field] = workflow.MsgTooLong
		}
	}
	for i, c := range d.Considerations {
		if workflow.TooLong(c, workflow.MaxText) {
			v["consideration_"+workflow.ConsiderationFields[i]] = workflow.MsgTooLong
		}
	}
	if d.PeriodStart != nil && d.PeriodEnd != nil && d.PeriodEnd.Before(*d.PeriodStart) {
		v["period_end"] = workflow.MsgPeriodOrder
	}
	switch d.Neolaia {
	case NeolaiaYes, NeolaiaPartly, NeolaiaNo, NeolaiaNone:
	default:
		v["neolaia"] = "error.invalid_choice"
	}
	for _, l := range d.TargetLevels {
		if !slices.Contains(StudyLevels, l) {
			v["target_levels"] = "error.invalid_choice"
		}
	}
	for _, n := range []int{d.ExpectedStudentsFirst, d.ExpectedStudentsSecond, d.ExpectedStudentsThird,
		d.ExpectedMobilityWindows, d.ExpectedPartnerAgreements} {
		if n < 0 || n > 100000 {
			v["expected"] = "error.count_range"
		}
	}
	for i, l := range d.Lines {
		field := "line_" + itoa(int64(i))
		if !slices.Contains(BudgetCategories, l.Category) {
			v[field] = "error.invalid_choice"
		} else if l.AmountOre <= 0 {
			v[field] = workflow.MsgAmountPositive
		} else if workflow.TooLong(l.Description, workflow.MaxLineText) {
			v[field] = workflow.MsgTooLong
		}
	}
	if len(v) > 0 {
		return &workflow.ValidationError{Fields: v}
	}
	return nil
}

// CreateDraft starts an application in call for draft.UnitID. It returns
// ErrForbidden (workflow's) when the actor is no applicant of that unit,
// a NotFoundError for an unknown call or unit, and a
// *workflow.ValidationError for input that cannot be saved.
func (s *Store) CreateDraft(ctx context.Context, actor *Actor, callID int64, d Draft) (*Application, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var app Application
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		call, err := s.CallByID(ctx, callID)
		if err != nil {
			return err
		}
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		if u, ok := chart.Unit(d.UnitID); !ok {
			return &workflow.ValidationError{Fields: map[string]string{"unit": "error.invalid_choice"}}
		} else if u.ClosedAt != nil {
			return &workflow.ValidationError{Fields: map[string]string{"unit": MsgUnitClosed}}
		}
		if !workflow.MayApplyFor(actor.Workflow, chart.Path(d.UnitID)) {
			return workflow.ErrForbidden
		}
		now := s.now()
		app = Application{CallID: call.ID, CreatedBy: actor.User.ID, State: workflow.StateDraft, Version: 1,
			CreatedAt: now, UpdatedAt: now}
		d.copyTo(&app)
		if err := tx.Create(&app).Error; err != nil {
			return err
		}
		if err := s.writeDraftParts(ctx, &app, call, d, nil); err != nil {
			return err
		}
		return s.audit(ctx, &app, actor, "create", "", now)
	})
	if err != nil {
		return nil, err
	}
	return &app, nil
}

// SaveDraft stores d over application id, which the actor saw at version.
// Applicants of the unit may save while it is a draft or returned for
// completion. It returns a NotFoundError when the actor may not see it, a
// *StaleError when someone saved in between, workflow.ErrForbidden or
// workflow.ErrInvalidTransition when it may not be edited, and a
// *workflow.ValidationError for input that cannot be saved.
func (s *Store) SaveDraft(ctx context.Context, id int64, version int, actor *Actor, d Draft) (*Application, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var app Application
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		chart, err := s.lockEditable(ctx, id, version, actor, &app)
		if err != nil {
			return err
		}
		if d.UnitID != app.UnitID {
			if _, ok := chart.Unit(d.UnitID); !ok || !workflow.MayApplyFor(actor.Workflow, chart.Path(d.UnitID)) {
				return &workflow.ValidationError{Fields: map[string]string{"unit": "error.invalid_choice"}}
			}
			if u, _ := chart.Unit(d.UnitID); u.ClosedAt != nil {
				return &workflow.ValidationError{Fields: map[string]string{"unit": MsgUnitClosed}}
			}
		}
		var call Call
		if err := tx.First(&call, app.CallID).Error; err != nil {
			return err
		}
		now := s.now()
		d.copyTo(&app)
		app.UpdatedAt, app.Version = now, version+1
		res := tx.Model(&Application{}).Where("id = ? AND version = ?", id, version).Select("*").Omit("id", "created_at").Updates(&app)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		if err := tx.Where("application_id = ?", id).Delete(&BudgetLine{}).Error; err != nil {
			return err
		}
		var kept []int64
		if err := tx.Model(&ApplicationActivity{}).Where("application_id = ?", id).Pluck("activity_id", &kept).Error; err != nil {
			return err
		}
		if err := tx.Where("application_id = ?", id).Delete(&ApplicationActivity{}).Error; err != nil {
			return err
		}
		if err := s.writeDraftParts(ctx, &app, &call, d, kept); err != nil {
			return err
		}
		return s.audit(ctx, &app, actor, "edit", "", now)
	})
	if err != nil {
		return nil, err
	}
	return &app, nil
}

// lockEditable loads application id for an edit under a row lock and
// checks visibility, version and the right to edit.
func (s *Store) lockEditable(ctx context.Context, id int64, version int, actor *Actor, app *Application) (*OrgChart, error) {
	chart, err := s.lockVisible(ctx, id, version, actor, app)
	if err != nil {
		return nil, err
	}
	w := workflow.Application{ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID)}
	if err := workflow.Editable(w, actor.Workflow); err != nil {
		return nil, err
	}
	return chart, nil
}

func (d Draft) copyTo(app *Application) {
	app.RequestedOre = d.RequestedOre()
	app.UnitID = d.UnitID
	app.Title, app.Summary, app.Purpose = strings.TrimSpace(d.Title), strings.TrimSpace(d.Summary), strings.TrimSpace(d.Purpose)
	app.PeriodStart, app.PeriodEnd, app.Neolaia = d.PeriodStart, d.PeriodEnd, d.Neolaia
	app.ConsiderationQuality, app.ConsiderationResponsibility, app.ConsiderationInclusion,
		app.ConsiderationSustainability, app.ConsiderationEquality = d.Considerations[0], d.Considerations[1],
		d.Considerations[2], d.Considerations[3], d.Considerations[4]
	var levels []string
	for _, l := range StudyLevels {
		if slices.Contains(d.TargetLevels, l) {
			levels = append(levels, l)
		}
	}
	app.TargetLevels = strings.Join(levels, ",")
	app.ExpectedStudentsFirst, app.ExpectedStudentsSecond, app.ExpectedStudentsThird =
		d.ExpectedStudentsFirst, d.ExpectedStudentsSecond, d.ExpectedStudentsThird
	app.ExpectedMobilityWindows, app.ExpectedPartnerAgreements, app.ExpectedOther =
		d.ExpectedMobilityWindows, d.ExpectedPartnerAgreements, strings.TrimSpace(d.ExpectedOther)
}

// writeDraftParts inserts the budget lines and the activity links. A new
// link must be to an activity of the call's plan that is not retired;
// kept are the links the application had, which stay even when their
// activity has been retired since.
func (s *Store) writeDraftParts(ctx context.Context, app *Application, call *Call, d Draft, kept []int64) error {
	tx := s.conn(ctx)
	for i, l := range d.Lines {
		line := BudgetLine{ApplicationID: app.ID, Position: i + 1, Category: l.Category,
			Description: strings.TrimSpace(l.Description), AmountOre: l.AmountOre}
		if err := tx.Create(&line).Error; err != nil {
			return err
		}
	}
	if len(d.ActivityIDs) == 0 {
		return nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(d.ActivityIDs)))
	var added []int64
	for _, id := range ids {
		if !slices.Contains(kept, id) {
			added = append(added, id)
		}
	}
	pickable, err := s.pickableCallActivityIDs(ctx, call, added)
	if err != nil {
		return err
	}
	if len(pickable) != len(added) {
		return &workflow.ValidationError{Fields: map[string]string{"activities": "error.invalid_choice"}}
	}
	for _, id := range ids {
		if err := tx.Create(&ApplicationActivity{ApplicationID: app.ID, ActivityID: id}).Error; err != nil {
			return err
		}
	}
	return nil
}

// audit appends an event about app that changes no state.
func (s *Store) audit(ctx context.Context, app *Application, actor *Actor, action, comment string, at time.Time) error {
	tx := s.conn(ctx)
	appID, actorID := app.ID, actor.User.ID
	return tx.Create(&AuditEvent{Entity: "application", EntityID: app.ID, ApplicationID: &appID, ActorID: &actorID,
		Action: action, FromState: string(app.State), ToState: string(app.State), Comment: comment, CreatedAt: at}).Error
}
