package models

import (
	"context"
	"time"

	"mobilityfund/workflow"
)

// DevIssuer is the issuer recorded for people created by the demo data;
// only the development sign-in can sign them in.
const DevIssuer = "dev"

// User is a person known from single sign-on (or the demo data). A person
// is identified by issuer and subject, never by email.
type User struct {
	ID        int64
	Issuer    string
	Subject   string
	Email     string
	Name      string
	Language  string
	UnitID    *int64
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// PseudonymisedAt is when the person's name and email were replaced
	// by a pseudonym after a long inactivity; nil for everyone else.
	PseudonymisedAt *time.Time
}

// RoleGrant gives a person a role, for one org unit (and the units below
// it) or university-wide when UnitID is nil, between optional dates.
type RoleGrant struct {
	ID        int64
	UserID    int64
	Role      workflow.Role
	UnitID    *int64
	ValidFrom *time.Time
	ValidTo   *time.Time
	GrantedBy *int64
	// FromGroup is the identity-provider group the grant comes from;
	// empty for a grant made by an administrator. Sign-in keeps grants
	// from groups in step with the person's groups.
	FromGroup string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// ActiveAt reports whether the grant is in force at t: not revoked and
// within its dates (ValidTo is inclusive: the whole last day counts).
func (g RoleGrant) ActiveAt(t time.Time) bool {
	if g.RevokedAt != nil {
		return false
	}
	if g.ValidFrom != nil && t.Before(*g.ValidFrom) {
		return false
	}
	if g.ValidTo != nil && !t.Before(g.ValidTo.AddDate(0, 0, 1)) {
		return false
	}
	return true
}

// UserByID returns the person with id, or a NotFoundError.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.conn(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err, "user", id)
	}
	return &u, nil
}

// DevUsers lists the people that the development sign-in offers: those
// created by the demo data, in id order.
func (s *Store) DevUsers(ctx context.Context) ([]User, error) {
	var users []User
	err := s.conn(ctx).Where("issuer = ? AND NOT disabled", DevIssuer).Order("id").Find(&users).Error
	return users, err
}

// GrantsOf returns every grant a person has ever had, newest first.
func (s *Store) GrantsOf(ctx context.Context, userID int64) ([]RoleGrant, error) {
	var grants []RoleGrant
	err := s.conn(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&grants).Error
	return grants, err
}

// SetLanguage saves a person's language choice ("sv" or "en").
func (s *Store) SetLanguage(ctx context.Context, userID int64, lang string) error {
	return s.conn(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"language": lang, "updated_at": s.now()}).Error
}

// Actor is a signed-in person with the roles in force now.
type Actor struct {
	User   User
	Grants []RoleGrant
	// Workflow is the same person as the workflow package sees them.
	Workflow workflow.Actor
}

// Has reports whether the actor holds role anywhere.
func (a *Actor) Has(role workflow.Role) bool {
	for _, g := range a.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// HasGlobal reports whether the actor holds role university-wide.
func (a *Actor) HasGlobal(role workflow.Role) bool {
	for _, g := range a.Grants {
		if g.Role == role && g.UnitID == nil {
			return true
		}
	}
	return false
}

// ActorFor loads a person with the grants in force now, for one request.
// Because it reads the grants on every request, revoking a role or
// disabling a person takes effect at once. It returns a NotFoundError for
// an unknown or disabled person.
func (s *Store) ActorFor(ctx context.Context, userID int64) (*Actor, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, &NotFoundError{What: "user", ID: userID}
	}
	all, err := s.GrantsOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := &Actor{User: *u, Workflow: workflow.Actor{UserID: u.ID}}
	for _, g := range all {
		if !g.ActiveAt(now) {
			continue
		}
		a.Grants = append(a.Grants, g)
		var unit int64
		if g.UnitID != nil {
			unit = *g.UnitID
		}
		a.Workflow.Grants = append(a.Workflow.Grants, workflow.Grant{Role: g.Role, UnitID: unit})
	}
	if u.UnitID != nil {
		a.Workflow.Units = []int64{*u.UnitID}
	}
	return a, nil
}
