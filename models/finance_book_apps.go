package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// bookChunk is how many applications a booking moves per statement:
// few enough for both databases' placeholder limits with the outbox rows
// they make, many enough that a batch of a hundred thousand awards takes
// a few hundred statements.
const bookChunk = 500

// bookedApp is an award line's application as the booking read it
// before taking any lock.
type bookedApp struct {
	ID      int64
	Version int
	State   workflow.State
}

// bookApplications takes workflow.ActionBook on apps as actor, in the
// transaction in ctx, chunk by chunk, with the same rows Apply writes for
// each: the application's new state, version and time, its audit event
// and its notifications. Each chunk's applications are locked and must
// still be at the version read, and workflow must allow the action on
// each. The roles' recipients are read once for the whole booking. It
// returns, wrapped with the application's id, a NotFoundError for an
// application the actor may not see, a *StaleError for one that changed,
// and workflow's errors.
func (s *Store) bookApplications(ctx context.Context, actor *Actor, apps []bookedApp, comment string) error {
	if len(apps) == 0 {
		return nil
	}
	tx := s.conn(ctx)
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return err
	}
	vis := workflow.VisibilityOf(actor.Workflow, chart)
	idx, err := s.recipients(ctx)
	if err != nil {
		return err
	}
	for start := 0; start < len(apps); start += bookChunk {
		part := apps[start:min(len(apps), start+bookChunk)]
		ids := make([]int64, len(part))
		for i, a := range part {
			ids[i] = a.ID
		}
		var rows []Application
		if err := s.forUpdate(tx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
			return err
		}
		locked := make(map[int64]*Application, len(rows))
		for i := range rows {
			locked[rows[i].ID] = &rows[i]
		}
		now := s.now()
		in := workflow.Input{Comment: comment, Now: now}
		booked := make([]*Application, len(part))
		events := make([]AuditEvent, len(part))
		notices := make([][]workflow.Notice, len(part))
		people := make([]int64, 0, 2*len(part))
		var to workflow.State
		for i, a := range part {
			app := locked[a.ID]
			if app == nil || !vis.Allows(app.UnitID, app.CreatedBy) {
				return fmt.Errorf("book application %d: %w", a.ID, &NotFoundError{What: "application", ID: a.ID})
			}
			if app.Version != a.Version {
				return fmt.Errorf("book application %d: %w", a.ID, &StaleError{Have: a.Version, Current: app.Version})
			}
			out, err := workflow.Decide(bookingFacts(app, chart), workflow.Call{}, actor.Workflow, workflow.ActionBook, in)
			if err != nil {
				return fmt.Errorf("book application %d: %w", a.ID, err)
			}
			if i > 0 && out.App.State != to {
				return fmt.Errorf("book application %d: to %s, not %s as the others", a.ID, out.App.State, to)
			}
			to = out.App.State
			appID := app.ID
			events[i] = AuditEvent{
				Entity: "application", EntityID: app.ID, ApplicationID: &appID, ActorID: &actor.User.ID,
				Action: string(workflow.ActionBook), FromState: string(app.State), ToState: string(out.App.State),
				Comment: out.Audit.Comment, AmountOre: auditAmount(workflow.ActionBook, in, out), CreatedAt: now,
			}
			app.State, app.Version, app.UpdatedAt = out.App.State, a.Version+1, now
			booked[i], notices[i] = app, out.Notices
			people = append(people, app.CreatedBy, contactID(app))
		}
		// Every row is locked at the version read, so each one must change.
		res := tx.Model(&Application{}).Where("id IN ? AND state = ?", ids, workflow.StateGranted).
			Updates(map[string]any{"state": to, "version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != int64(len(ids)) {
			return fmt.Errorf("book application %d: %w", part[0].ID, &StaleError{Have: part[0].Version, Current: part[0].Version + 1})
		}
		if err := tx.CreateInBatches(&events, bookChunk).Error; err != nil {
			return err
		}
		if err := s.addAuthors(ctx, idx, people); err != nil {
			return err
		}
		var out []outgoing
		for i, app := range booked {
			if len(notices[i]) > 0 {
				out = append(out, noticesOf(idx, app, chart, notices[i], events[i], actor.User.Name, 0)...)
			}
		}
		if _, err := s.enqueue(ctx, now, out); err != nil {
			return err
		}
	}
	return nil
}

// bookingFacts is app as the workflow package sees it for booking, whose
// rule needs no counts of budget lines or activities.
func bookingFacts(app *Application, chart *OrgChart) workflow.Application {
	return workflow.Application{
		ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy,
		RequestedOre: app.RequestedOre, GrantedOre: app.GrantedOre, ReturnedOre: app.ReturnedOre,
		RecommendedOre: app.RecommendedOre, SpentOre: app.SpentOre,
		Assessment: app.Assessment, DecisionRef: app.DecisionRef, RevocationRef: app.RevocationRef, Motivation: app.Motivation,
		Title: app.Title, Summary: app.Summary, Purpose: app.Purpose, TargetLevels: app.Levels(),
		Considerations: [5]string{app.ConsiderationQuality, app.ConsiderationResponsibility,
			app.ConsiderationInclusion, app.ConsiderationSustainability, app.ConsiderationEquality},
		PeriodStart: deref(app.PeriodStart), PeriodEnd: deref(app.PeriodEnd),
		DeadlineExtendedTo: deref(app.DeadlineExtendedTo),
	}
}
