package models

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
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
	err := s.WithTx(ctx, func(ctx context.Context, tx *gorm.DB) error {
		var app Application
		chart, err := s.lockVisible(ctx, tx, id, version, actor, &app)
		if err != nil {
			return err
		}
		q := tx
		if moneyActions[action] {
			q = s.forUpdate(tx)
		}
		var call Call
		if err := q.First(&call, app.CallID).Error; err != nil {
			return err
		}
		budget, err := s.BudgetOf(ctx, &call)
		if err != nil {
			return err
		}
		wapp, err := s.workflowApplication(ctx, &app, chart)
		if err != nil {
			return err
		}
		if in.Now.IsZero() {
			in.Now = s.now()
		}
		out, err := workflow.Decide(wapp, workflowCall(&call, budget), actor.Workflow, action, in)
		if err != nil {
			return err
		}
		from := app.State
		applyOutcome(&app, out.App)
		now := s.now()
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
		res := tx.Model(&Application{}).Where("id = ? AND version = ?", id, version).Select("*").Omit("id", "created_at").Updates(&app)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		appID := app.ID
		ev := AuditEvent{
			Entity: "application", EntityID: app.ID, ApplicationID: &appID, ActorID: &actor.User.ID,
			Action: string(action), FromState: string(from), ToState: string(out.App.State),
			Comment: out.Audit.Comment, AmountOre: auditAmount(action, in, out), CreatedAt: now,
		}
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
		if err := s.queueNotices(ctx, tx, &app, chart, out.Notices, ev, actor.User.Name); err != nil {
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

// anyVersion asks lockVisible not to check the version: for changes that
// cannot conflict with others, such as adding a file.
const anyVersion = math.MinInt

// lockVisible loads application id into app under a row lock, for an
// actor who may see it and saw it at version (or anyVersion). It returns
// the org chart it checked visibility with, a NotFoundError when the
// application does not exist or is not visible, and a *StaleError when
// version is not current.
func (s *Store) lockVisible(ctx context.Context, tx *gorm.DB, id int64, version int, actor *Actor, app *Application) (*OrgChart, error) {
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.forUpdate(tx).First(app, id).Error; err != nil {
		return nil, notFound(err, "application", id)
	}
	if !VisibilityOf(actor, chart).Allows(app.UnitID, app.CreatedBy) {
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
// sums and counts its rules need.
func (s *Store) workflowApplication(ctx context.Context, app *Application, chart *OrgChart) (workflow.Application, error) {
	db := s.conn(ctx)
	var sums struct {
		Lines     int64
		Requested int64
	}
	if err := db.Model(&BudgetLine{}).Select("COUNT(*) AS lines, COALESCE(SUM(amount_ore), 0) AS requested").
		Where("application_id = ?", app.ID).Scan(&sums).Error; err != nil {
		return workflow.Application{}, err
	}
	var acts int64
	if err := db.Model(&ApplicationActivity{}).Where("application_id = ?", app.ID).Count(&acts).Error; err != nil {
		return workflow.Application{}, err
	}
	w := workflow.Application{
		ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy,
		RequestedOre: sums.Requested, GrantedOre: app.GrantedOre, ReturnedOre: app.ReturnedOre,
		RecommendedOre: app.RecommendedOre, SpentOre: app.SpentOre,
		Assessment: app.Assessment, DecisionRef: app.DecisionRef, RevocationRef: app.RevocationRef, Motivation: app.Motivation,
		Title: app.Title, Summary: app.Summary, Purpose: app.Purpose,
		BudgetLines: int(sums.Lines), Activities: int(acts), TargetLevels: app.Levels(),
		Considerations: [5]string{app.ConsiderationQuality, app.ConsiderationResponsibility,
			app.ConsiderationInclusion, app.ConsiderationSustainability, app.ConsiderationEquality},
	}
	if app.PeriodStart != nil {
		w.PeriodStart = *app.PeriodStart
	}
	if app.PeriodEnd != nil {
		w.PeriodEnd = *app.PeriodEnd
	}
	if app.DeadlineExtendedTo != nil {
		w.DeadlineExtendedTo = *app.DeadlineExtendedTo
	}
	return w, nil
}

func workflowCall(c *Call, b Budget) workflow.Call {
	return workflow.Call{ID: c.ID, BudgetOre: c.BudgetOre, CommittedOre: b.CommittedOre,
		Deadline: c.DeadlineAt, EndorsementRequired: c.EndorsementRequired}
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

// noticePayload is what a notification carries to its template.
type noticePayload struct {
	Number    string `json:"number"`
	Title     string `json:"title"`
	Action    string `json:"action"`
	Comment   string `json:"comment,omitempty"`
	AmountOre int64  `json:"amount_ore,omitempty"`
	ActorName string `json:"actor_name,omitempty"`
	State     string `json:"state"`
	Due       string `json:"due,omitempty"` // an extended deadline, RFC 3339
}

// queueNotices writes one outbox row per notice and recipient, in the
// action's transaction. A person is told once per event, even when
// several of their roles make them a recipient.
func (s *Store) queueNotices(ctx context.Context, tx *gorm.DB, app *Application, chart *OrgChart, notices []workflow.Notice, ev AuditEvent, actorName string) error {
	p := noticePayload{Number: app.Number(), Title: app.Title, Action: ev.Action,
		Comment: ev.Comment, AmountOre: ev.AmountOre, ActorName: actorName, State: ev.ToState}
	if app.DeadlineExtendedTo != nil {
		p.Due = app.DeadlineExtendedTo.UTC().Format(time.RFC3339)
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	told := map[string]bool{}
	for _, n := range notices {
		users, err := s.recipients(ctx, app, chart, n.To)
		if err != nil {
			return err
		}
		for _, u := range users {
			if told[n.Event+":"+strconv.FormatInt(u.ID, 10)] {
				continue // one mail per event, whichever of their roles made them a recipient
			}
			told[n.Event+":"+strconv.FormatInt(u.ID, 10)] = true
			key := "app:" + strconv.FormatInt(app.ID, 10) + ":ev:" + strconv.FormatInt(ev.ID, 10) + ":" + n.Event + ":u:" + strconv.FormatInt(u.ID, 10)
			uid, appID := u.ID, app.ID
			msg := OutboxMessage{
				Event: n.Event, ApplicationID: &appID, RecipientID: &uid, RecipientEmail: u.Email,
				Language: u.Language, Payload: string(payload), DedupeKey: &key, Status: OutboxPending,
				NextAttemptAt: ev.CreatedAt, CreatedAt: ev.CreatedAt,
			}
			if err := tx.Create(&msg).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// recipients resolves a symbolic recipient to people, using the grants in
// force now. Unit-scoped recipients are the nearest ones: the unit heads
// of the application's own unit, or of the unit above when it has none;
// applicants are the author and the applicants of the application's unit.
func (s *Store) recipients(ctx context.Context, app *Application, chart *OrgChart, r workflow.Recipient) ([]User, error) {
	role, scoped := recipientRole(r.Kind)
	var grants []RoleGrant
	if err := s.conn(ctx).Where("role = ? AND revoked_at IS NULL", role).Find(&grants).Error; err != nil {
		return nil, err
	}
	now := s.now()
	byUnit := map[int64][]int64{} // unit id (0 = university-wide) → user ids
	for _, g := range grants {
		if !g.ActiveAt(now) {
			continue
		}
		var unit int64
		if g.UnitID != nil {
			unit = *g.UnitID
		}
		byUnit[unit] = append(byUnit[unit], g.UserID)
	}
	var ids []int64
	if r.Kind == workflow.RecipientApplicants {
		ids = append(ids, app.CreatedBy)
	}
	if !scoped {
		ids = append(ids, byUnit[0]...)
	} else {
		unit := r.UnitID
		if unit == 0 {
			unit = app.UnitID
		}
		path := chart.Path(unit)
		if r.Kind == workflow.RecipientApplicants {
			path = path[:min(1, len(path))]
		}
		for _, u := range path {
			if len(byUnit[u]) > 0 {
				ids = append(ids, byUnit[u]...)
				break
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var users []User
	err := s.conn(ctx).Where("id IN ? AND NOT disabled", ids).Order("id").Find(&users).Error
	return users, err
}

func recipientRole(k workflow.RecipientKind) (role workflow.Role, scoped bool) {
	switch k {
	case workflow.RecipientApplicants:
		return workflow.RoleApplicant, true
	case workflow.RecipientUnitHeads:
		return workflow.RoleUnitHead, true
	case workflow.RecipientCoordinators:
		return workflow.RoleCoordinator, false
	case workflow.RecipientDeciders:
		return workflow.RoleDecider, false
	default:
		return workflow.RoleFinance, false
	}
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
	return workflow.Available(w, workflowCall(&d.Call, Budget{}), actor.Workflow, s.now()), nil
}
