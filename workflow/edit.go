package workflow

// Editable says whether actor may change an application's content
// (texts, budget, links, attachments): applicants of its unit, while it
// is a draft or back with them for completion. It returns ErrForbidden
// or ErrInvalidTransition.
func Editable(app Application, actor Actor) error {
	if !actor.covers(RoleApplicant, app) {
		return ErrForbidden
	}
	if app.State != StateDraft && app.State != StateReturned {
		return ErrInvalidTransition
	}
	return nil
}

// MayApplyFor reports whether actor may start an application for the
// unit whose path (the unit, then the units above it) is given.
func MayApplyFor(actor Actor, unitPath []int64) bool {
	if len(unitPath) == 0 {
		return false
	}
	return actor.covers(RoleApplicant, Application{UnitID: unitPath[0], UnitPath: unitPath})
}
