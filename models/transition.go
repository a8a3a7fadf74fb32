package models

import (
	"context"
	"math"
	"time"

	"mobilityfund/workflow"

	"gorm.io/gorm"
)

// moneyActions change what the call has committed; they lock the call row
// so that concurrent grants can never together exceed the budget.
var moneyActions = map[workflow.Action]bool{
	workflow.ActionGrant:        true,
	workflow.ActionRevoke:       true,
	workflow.ActionAcceptReport: true,
}

// Apply takes action on application id as actor, in one transaction: it
// locks the application, checks that the caller saw the current version,
// locks the call for actions that move money, asks workflow what happens,
// and writes the change, the audit row and the outgoing notifications
// together. It returns a NotFoundError when the actor may not see the
// application, a *StaleError when version is not current, and workflow's
// errors (ErrForbidden, ErrInvalidTransition, *OverBudgetError,
// *ValidationError, ErrDeadlinePassed) as they are.
func (s *Store) Apply(ctx context.Context, id int64, version int, actor *Actor, action workflow.Action, in workflow.Input) (*Application, error) {
	var result Application
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var app Application
		chart, err := s.lockVisible(ctx, id, version, actor, &app)
		if err != nil {
			return err
		}
		var call Call
		if err := s.lockIf(tx, moneyActions[action]).First(&call, app.CallID).Error; err != nil {
			return err
		}
		wcall := workflowCall(&call)
		if moneyActions[action] {
			// Read under the call's lock: no other grant can move it now.
			if wcall.CommittedOre, err = s.committedOre(ctx, call.ID); err != nil {
				return err
			}
		}
		wapp, acts, err := s.applicationFacts(ctx, &app, chart)
		if err != nil {
			return err
		}
		now := s.now()
		if in.Now.IsZero() {
			in.Now = now
		}
		out, err := workflow.Decide(wapp, wcall, actor.Workflow, action, in)
		if err != nil {
			return err
		}
		before := app
		applyOutcome(&app, out.App)
		app.UpdatedAt = now
		app.Version = version + 1
		switch action {
		case workflow.ActionSubmit:
			app.SubmittedAt = &now
		case workflow.ActionGrant, workflow.ActionReject:
			app.DecidedAt = &now
		case workflow.ActionRevoke:
			app.RevokedAt = &now
		}
		res := tx.Model(&Application{}).Where("id = ? AND version = ?", id, version).Updates(changedColumns(&before, &app))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		appID := app.ID
		ev := AuditEvent{
			Entity: "application", EntityID: app.ID, ApplicationID: &appID, ActorID: &actor.User.ID,
			Action: string(action), FromState: string(from(before)), ToState: string(out.App.State),
			Comment: out.Audit.Comment, AmountOre: auditAmount(action, in, out), CreatedAt: now,
		}
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
		idx, err := s.recipients(ctx, app.CreatedBy, contactID(&app))
		if err != nil {
			return err
		}
		var decision int64
		if decisionActions[action] {
			d, err := s.recordDecision(ctx, decisionFacts{before: &before, app: &app, call: &call, chart: chart,
				ev: &ev, actor: actor, activities: acts, people: idx})
			if err != nil {
				return err
			}
			decision = d.ID
		}
		if err := s.queueNotices(ctx, idx, &app, chart, out.Notices, ev, actor.User.Name, decision); err != nil {
			return err
		}
		result = app
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &result, nil
}

func from(app Application) workflow.State { return app.State }

// changedColumns lists the columns an action changed, with their new
// values: what workflow may change, the timestamps and the version.
func changedColumns(before, after *Application) map[string]any {
	cols := map[string]any{"version": after.Version, "updated_at": after.UpdatedAt}
	set := func(col string, changed bool, v any) {
		if changed {
			cols[col] = v
		}
	}
	set("state", before.State != after.State, after.State)
	set("granted_ore", before.GrantedOre != after.GrantedOre, after.GrantedOre)
	set("returned_ore", before.ReturnedOre != after.ReturnedOre, after.ReturnedOre)
	set("recommended_ore", before.RecommendedOre != after.RecommendedOre, after.RecommendedOre)
	set("spent_ore", before.SpentOre != after.SpentOre, after.SpentOre)
	set("assessment", before.Assessment != after.Assessment, after.Assessment)
	set("decision_ref", before.DecisionRef != after.DecisionRef, after.DecisionRef)
	set("revocation_ref", before.RevocationRef != after.RevocationRef, after.RevocationRef)
	set("motivation", before.Motivation != after.Motivation, after.Motivation)
	set("submitted_at", !equalTime(before.SubmittedAt, after.SubmittedAt), after.SubmittedAt)
	set("decided_at", !equalTime(before.DecidedAt, after.DecidedAt), after.DecidedAt)
	set("revoked_at", !equalTime(before.RevokedAt, after.RevokedAt), after.RevokedAt)
	set("deadline_extended_to", !equalTime(before.DeadlineExtendedTo, after.DeadlineExtendedTo), after.DeadlineExtendedTo)
	return cols
}

func equalTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// lockIf returns q with a row lock when lock is set.
func (s *Store) lockIf(q *gorm.DB, lock bool) *gorm.DB {
	if lock {
		return s.forUpdate(q)
	}
	return q
}

// anyVersion asks lockVisible not to check the version: for changes that
// cannot conflict with others, such as adding a file.
const anyVersion = math.MinInt

// lockVisible loads application id into app under a row lock, for an
// actor who may see it and saw it at version (or anyVersion). It returns
// the org chart it checked visibility with, a NotFoundError when the
// application does not exist or is not visible, and a *StaleError when
// version is not current.
func (s *Store) lockVisible(ctx context.Context, id int64, version int, actor *Actor, app *Application) (*OrgChart, error) {
	tx := s.conn(ctx)
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.forUpdate(tx).First(app, id).Error; err != nil {
		return nil, notFound(err, "application", id)
	}
	if !workflow.VisibilityOf(actor.Workflow, chart).Allows(app.UnitID, app.CreatedBy) {
		return nil, &NotFoundError{What: "application", ID: id}
	}
	if version != anyVersion && app.Version != version {
		return nil, &StaleError{Have: version, Current: app.Version}
	}
	return chart, nil
}

func auditAmount(action workflow.Action, in workflow.Input, out workflow.Outcome) int64 {
	switch action {
	case workflow.ActionGrant:
		return out.App.GrantedOre
	case workflow.ActionAssess, workflow.ActionReport:
		return in.AmountOre
	}
	if out.CommittedDelta < 0 {
		return -out.CommittedDelta
	}
	return 0
}

// workflowApplication is app as the workflow package sees it, with the
// counts its rules need.
func (s *Store) workflowApplication(ctx context.Context, app *Application, chart *OrgChart) (workflow.Application, error) {
	w, _, err := s.applicationFacts(ctx, app, chart)
	return w, err
}

// applicationFacts is app as the workflow package sees it, and the plan
// activities it is linked to, read in one statement when it has any (as
// every application past its draft has) and two otherwise.
func (s *Store) applicationFacts(ctx context.Context, app *Application, chart *OrgChart) (workflow.Application, []PlanActivity, error) {
	var rows []struct {
		PlanActivity
		Lines int64
	}
	db := s.conn(ctx)
	if err := db.Raw("SELECT plan_activities.*, (SELECT COUNT(*) FROM budget_lines WHERE application_id = ?) AS lines "+
		"FROM application_activities JOIN plan_activities ON plan_activities.id = application_activities.activity_id "+
		"WHERE application_activities.application_id = ? ORDER BY plan_activities.id", app.ID, app.ID).
		Scan(&rows).Error; err != nil {
		return workflow.Application{}, nil, err
	}
	var counts struct{ Lines, Activities int64 }
	acts := make([]PlanActivity, len(rows))
	for i, r := range rows {
		acts[i], counts.Lines = r.PlanActivity, r.Lines
	}
	counts.Activities = int64(len(rows))
	if len(rows) == 0 {
		if err := db.Model(&BudgetLine{}).Where("application_id = ?", app.ID).Count(&counts.Lines).Error; err != nil {
			return workflow.Application{}, nil, err
		}
	}
	w := workflow.Application{
		ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy,
		RequestedOre: app.RequestedOre, GrantedOre: app.GrantedOre, ReturnedOre: app.ReturnedOre,
		RecommendedOre: app.RecommendedOre, SpentOre: app.SpentOre,
		Assessment: app.Assessment, DecisionRef: app.DecisionRef, RevocationRef: app.RevocationRef, Motivation: app.Motivation,
		Title: app.Title, Summary: app.Summary, Purpose: app.Purpose,
		BudgetLines: int(counts.Lines), Activities: int(counts.Activities), TargetLevels: app.Levels(),
		Considerations: [5]string{app.ConsiderationQuality, app.ConsiderationResponsibility,
			app.ConsiderationInclusion, app.ConsiderationSustainability, app.ConsiderationEquality},
		PeriodStart: deref(app.PeriodStart), PeriodEnd: deref(app.PeriodEnd),
		DeadlineExtendedTo: deref(app.DeadlineExtendedTo),
	}
	return w, acts, nil
}

// workflowCall is the call as the workflow package sees it; CommittedOre
// is left for the caller, who reads it under the call's lock when the
// action moves money.
func workflowCall(c *Call) workflow.Call {
	return workflow.Call{ID: c.ID, BudgetOre: c.BudgetOre, Deadline: c.DeadlineAt, EndorsementRequired: c.EndorsementRequired,
		MaxAmountOre: c.MaxAmountOre}
}

// applyOutcome copies what workflow may change onto the stored row.
func applyOutcome(app *Application, w workflow.Application) {
	app.State = w.State
	app.GrantedOre, app.ReturnedOre, app.RecommendedOre, app.SpentOre = w.GrantedOre, w.ReturnedOre, w.RecommendedOre, w.SpentOre
	app.Assessment, app.DecisionRef, app.RevocationRef, app.Motivation = w.Assessment, w.DecisionRef, w.RevocationRef, w.Motivation
	if !w.DeadlineExtendedTo.IsZero() {
		t := w.DeadlineExtendedTo
		app.DeadlineExtendedTo = &t
	}
}

// queueNotices writes the outbox rows of an action's notices, in its
// transaction. A person is told once per event, even when several of
// their roles make them a recipient.
// idx holds the recipients read for the action.
func (s *Store) queueNotices(ctx context.Context, idx *recipientIndex, app *Application, chart *OrgChart, notices []workflow.Notice, ev AuditEvent, actorName string, decision int64) error {
	if len(notices) == 0 {
		return nil
	}
	_, err := s.enqueue(ctx, ev.CreatedAt, noticesOf(idx, app, chart, notices, ev, actorName, decision))
	return err
}

// noticesOf is what queueNotices writes: one notification per notice,
// addressed to the people idx resolves it to.
func noticesOf(idx *recipientIndex, app *Application, chart *OrgChart, notices []workflow.Notice, ev AuditEvent, actorName string, decision int64) []outgoing {
	p := NoticePayload{Number: app.Number(), Title: app.Title, Action: ev.Action,
		Comment: ev.Comment, AmountOre: ev.AmountOre, ActorName: actorName, State: ev.ToState, Decision: decision}
	if app.DeadlineExtendedTo != nil {
		p.Due = app.DeadlineExtendedTo.UTC().Format(time.RFC3339)
	}
	idx.addContact(app, &p)
	cause := "app:" + itoa(app.ID) + ":ev:" + itoa(ev.ID) + ":"
	out := make([]outgoing, 0, len(notices))
	for _, n := range notices {
		out = append(out, outgoing{Event: n.Event, AppID: app.ID, To: idx.resolve(app, chart, n.To),
			Key: cause + string(n.Event), Payload: p})
	}
	return out
}

// Options lists what the actor could do to the application in d now,
// with the reason for any action that their roles allow but that is
// blocked (a conflict of interest, a passed deadline), so that a page can
// say why a button is missing. chart is the org chart the page loaded.
func (s *Store) Options(ctx context.Context, d *ApplicationDetail, chart *OrgChart, actor *Actor) ([]workflow.Option, error) {
	w, err := s.workflowApplication(ctx, &d.App, chart)
	if err != nil {
		return nil, err
	}
	return workflow.Available(w, workflowCall(&d.Call), actor.Workflow, s.now()), nil
}
