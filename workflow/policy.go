package workflow

import "slices"

// Chart is the org chart as the access policy needs it: the units below a
// unit. Subtree(id) includes id itself.
type Chart interface {
	Subtree(unit int64) []int64
}

// Scope is a set of org units: every unit, or the ones listed.
type Scope struct {
	All     bool
	UnitIDs []int64
}

// Covers reports whether the scope includes unit.
func (sc Scope) Covers(unit int64) bool {
	return sc.All || slices.Contains(sc.UnitIDs, unit)
}

// Visibility says which applications a person may see: those of the units
// in their scope, and their own wherever they are.
type Visibility struct {
	All     bool
	UnitIDs []int64
	UserID  int64
}

// Allows reports whether v covers an application of unitID created by
// createdBy.
func (v Visibility) Allows(unitID, createdBy int64) bool {
	return v.All || createdBy == v.UserID || slices.Contains(v.UnitIDs, unitID)
}

// A reach says, for one purpose, which grants open every unit and which
// open the unit granted and the units below it.
type reach struct {
	wide func(Role) bool // a university-wide grant of this role covers everything
	unit func(Role) bool // a grant of this role for a unit covers its subtree
}

var (
	// Applications are seen university-wide by every role that works on
	// them centrally (coordinators, deciders, finance, admins), and per
	// unit by anyone holding a role there. Applicant and unit head are
	// roles of a unit: held university-wide they open nothing.
	applicationReach = reach{
		wide: func(r Role) bool { return r != RoleApplicant && r != RoleUnitHead },
		unit: func(Role) bool { return true },
	}
	// The follow-up is the plan's picture: the central roles that steer
	// the plan see all of it, a unit's applicants and head see their
	// units'. Finance follows money in its own pages.
	followupReach = reach{
		wide: func(r Role) bool { return r == RoleCoordinator || r == RoleDecider || r == RoleAdmin },
		unit: func(r Role) bool { return r == RoleApplicant || r == RoleUnitHead },
	}
)

// scope applies a reach to the actor's grants.
func (rc reach) scope(a Actor, chart Chart) Scope {
	var sc Scope
	seen := map[int64]bool{}
	for _, g := range a.Grants {
		switch {
		case g.UnitID == 0:
			sc.All = sc.All || rc.wide(g.Role)
		case rc.unit(g.Role):
			for _, u := range chart.Subtree(g.UnitID) {
				if !seen[u] {
					seen[u] = true
					sc.UnitIDs = append(sc.UnitIDs, u)
				}
			}
		}
	}
	if sc.All {
		sc.UnitIDs = nil
	}
	return sc
}

// VisibilityOf is the applications actor may see, using the org chart as
// it is now: a unit-scoped grant covers the unit and the units below it.
func VisibilityOf(a Actor, chart Chart) Visibility {
	sc := applicationReach.scope(a, chart)
	return Visibility{All: sc.All, UnitIDs: sc.UnitIDs, UserID: a.UserID}
}

// FollowupScopeOf is the part of the follow-up actor may see.
func FollowupScopeOf(a Actor, chart Chart) Scope {
	return followupReach.scope(a, chart)
}

// MayKeepRegister reports whether actor keeps the register of decisions:
// lists the decisions to be registered, exports them and marks them
// registered. The international office prepares every case and hands
// the decision to the registry, so it is the university-wide
// coordinators' task; the rule is here alone so that a registrar role
// can take it over.
func MayKeepRegister(a Actor) bool {
	for _, g := range a.Grants {
		if g.Role == RoleCoordinator && g.UnitID == 0 {
			return true
		}
	}
	return false
}

// ConversationAccess is what a person may do in an application's
// conversation: the comments between applicants and coordinators, and
// the internal notes.
type ConversationAccess struct {
	Read, Write           bool // the comments
	ReadNotes, WriteNotes bool // the internal notes
	// Applicant is true for the applicants' side: their comments go to
	// the coordinators, the coordinators' comments go to them.
	Applicant bool
}

// ConversationOf says what actor may do in the conversation on app,
// whose contact person is contact (0: none). Whoever may see the
// application reads its comments; its applicants (the author, the
// contact person and the applicants of its unit) and the coordinators
// write them. Internal notes are for coordinators and deciders who are
// impartial (they assess and decide) and for the unit heads above the
// application; never for anyone on the applicants' side, whatever other
// role they hold. The caller has checked that actor may see app.
func ConversationOf(a Actor, app Application, contact int64) ConversationAccess {
	var c ConversationAccess
	c.Read = true
	c.Applicant = a.UserID == app.CreatedBy || (contact != 0 && a.UserID == contact) || a.covers(RoleApplicant, app)
	coordinator := a.covers(RoleCoordinator, app)
	c.Write = c.Applicant || coordinator
	if c.Applicant {
		return c
	}
	impartial := !a.partial(app)
	c.ReadNotes = (impartial && (coordinator || a.covers(RoleDecider, app))) || a.covers(RoleUnitHead, app)
	c.WriteNotes = c.ReadNotes
	return c
}

// MayChangeRolesOf reports whether actor may grant or revoke roles of the
// person person: never their own (separation of duties), so that no one
// gives themselves the power to decide or to pay out, and no one locks
// themselves out. Whether actor administers roles at all is for the
// caller to check.
func MayChangeRolesOf(actor Actor, person int64) bool {
	return actor.UserID != person
}
