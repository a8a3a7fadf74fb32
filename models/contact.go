package models

import (
	"context"
	"slices"

	"mobilityfund/workflow"
)

// Message id of the contact form's error.
const MsgContactNotApplicant = "records.err_contact"

// contactOf is the application's contact person: the applicant chosen,
// else its author.
func (s *Store) contactOf(ctx context.Context, app *Application) (*User, error) {
	id := app.CreatedBy
	if app.ContactID != nil {
		id = *app.ContactID
	}
	return s.UserByID(ctx, id)
}

// ContactOf is the contact person of application app, which the caller
// has loaded for a reader who may see it.
func (s *Store) ContactOf(ctx context.Context, app *Application) (*User, error) {
	return s.contactOf(ctx, app)
}

// ApplicantsOf lists the people who may be an application's contact
// person, by name: its author and everyone who holds the applicant role
// for its unit or a unit above it now, who is not disabled.
func (s *Store) ApplicantsOf(ctx context.Context, app *Application, chart *OrgChart) ([]User, error) {
	now := s.now()
	var grants []RoleGrant
	if err := s.conn(ctx).Where("role = ? AND unit_id IN ? AND revoked_at IS NULL", workflow.RoleApplicant, chart.Path(app.UnitID)).
		Find(&grants).Error; err != nil {
		return nil, err
	}
	ids := []int64{app.CreatedBy}
	for _, g := range grants {
		if g.ActiveAt(now) && !slices.Contains(ids, g.UserID) {
			ids = append(ids, g.UserID)
		}
	}
	var users []User
	err := s.conn(ctx).Where("id IN ? AND NOT disabled", ids).Order("name, id").Find(&users).Error
	return users, err
}

// SetContact makes person userID the contact person of application
// appID, audited, in one transaction. Its applicants and the
// coordinators may change it as long as the application is not settled.
// It returns a NotFoundError when actor may not see the application,
// workflow.ErrForbidden when they may not change it,
// workflow.ErrInvalidTransition for a settled application, and a
// *workflow.ValidationError (field contact) when userID is not one of
// its applicants.
func (s *Store) SetContact(ctx context.Context, actor *Actor, appID, userID int64) (*Application, error) {
	var app Application
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		chart, err := s.lockVisible(ctx, appID, anyVersion, actor, &app)
		if err != nil {
			return err
		}
		w := workflow.Application{ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy}
		if !workflow.ConversationOf(actor.Workflow, w, contactID(&app)).Write {
			return workflow.ErrForbidden
		}
		if workflow.Settled(app.State) {
			return workflow.ErrInvalidTransition
		}
		eligible, err := s.ApplicantsOf(ctx, &app, chart)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(eligible, func(u User) bool { return u.ID == userID })
		if i < 0 {
			return &workflow.ValidationError{Fields: map[string]string{"contact": MsgContactNotApplicant}}
		}
		now := s.now()
		if err := tx.Model(&Application{}).Where("id = ?", app.ID).Updates(map[string]any{"contact_id": userID, "updated_at": now}).Error; err != nil {
			return err
		}
		app.ContactID = &userID
		return tx.Create(&AuditEvent{Entity: "application", EntityID: app.ID, ApplicationID: &app.ID, ActorID: &actor.User.ID,
			Action: "contact", Comment: eligible[i].Name, CreatedAt: now}).Error
	})
	if err != nil {
		return nil, err
	}
	return &app, nil
}
