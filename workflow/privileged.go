package workflow

// The events of a change to a privileged role (see Privileged): mail to
// the administrators, about a person rather than an application.
const (
	EventRoleGranted Event = "role_granted"
	EventRoleRevoked Event = "role_revoked"
)

// RoleEvents returns the events about role grants.
func RoleEvents() []Event { return []Event{EventRoleGranted, EventRoleRevoked} }

// Privileged reports whether role r gives power over money (decider,
// finance) or over who holds power (admin). Every grant and revocation of
// such a role is told to the administrators other than the one who made
// it, so that no one administrator gives that power unseen.
func Privileged(r Role) bool {
	return r == RoleDecider || r == RoleFinance || r == RoleAdmin
}

// RoleNoticeRecipients returns the administrators (by id) who are told of
// a change to a privileged role that by made: every one but by. A change
// that sign-in made from the person's groups (by 0) goes to them all.
func RoleNoticeRecipients(admins []int64, by int64) []int64 {
	var out []int64
	for _, id := range admins {
		if id != by {
			out = append(out, id)
		}
	}
	return out
}
