package models

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"mobilityfund/workflow"
)

// NoticePayload is what an outbox row carries to its mail template, as
// JSON in the row's Payload: the one contract between the code that
// queues notifications and notify, which renders them.
type NoticePayload struct {
	Number    string `json:"number"`
	Title     string `json:"title"`
	State     string `json:"state"`
	Action    string `json:"action,omitempty"`
	Comment   string `json:"comment,omitempty"`
	AmountOre int64  `json:"amount_ore,omitempty"`
	ActorName string `json:"actor_name,omitempty"`
	// Due is a date the notice is about: an extended deadline (RFC 3339)
	// or a reminder's calendar day (YYYY-MM-DD).
	Due string `json:"due,omitempty"`
	// Days is how many days are left or have passed, for reminders.
	Days int `json:"days,omitempty"`
	// Decision is the decision a notice tells of, whose document the
	// mail links to.
	Decision int64 `json:"decision,omitempty"`
	// Contact names the applicants' contact person; ContactID tells the
	// contact person that the mail is addressed to them first.
	Contact   string `json:"contact,omitempty"`
	ContactID int64  `json:"contact_id,omitempty"`
	// Person, PersonID, Role, Unit and the dates describe a change to a
	// privileged role: whose, which, where and when (role_notice.go).
	Person    string `json:"person,omitempty"`
	PersonID  int64  `json:"person_id,omitempty"`
	Role      string `json:"role,omitempty"`
	Unit      string `json:"unit,omitempty"`
	ValidFrom string `json:"valid_from,omitempty"`
	ValidTo   string `json:"valid_to,omitempty"`
}

// Notice decodes the row's payload. It returns an error for a payload that
// is not a NoticePayload.
func (m OutboxMessage) Notice() (NoticePayload, error) {
	var p NoticePayload
	err := json.Unmarshal([]byte(m.Payload), &p)
	return p, err
}

// outgoing is a notification to queue: Event, about application AppID,
// for the people in To. Key names the event and what it is for (an audit
// event, a reminder's day); with the person's id it makes the row's dedupe
// key, so a person is told of it once however often it is queued.
type outgoing struct {
	Event   workflow.Event
	AppID   int64
	To      []User
	Key     string
	Payload NoticePayload
}

// enqueue writes one outbox row per notification and person, in the
// transaction in ctx, in as few statements as the database allows; a row
// whose dedupe key exists already is skipped. It returns how many rows it
// wrote.
func (s *Store) enqueue(ctx context.Context, at time.Time, out []outgoing) (int, error) {
	var rows []OutboxMessage
	seen := map[string]bool{}
	for _, o := range out {
		payload, err := json.Marshal(o.Payload)
		if err != nil {
			return 0, err
		}
		for _, u := range o.To {
			key := o.Key + ":u:" + itoa(u.ID)
			if seen[key] {
				continue // one mail per event, whichever of their roles made them a recipient
			}
			seen[key] = true
			uid, aid := u.ID, o.AppID
			var app *int64
			if aid != 0 { // a notice about a person, not an application
				app = &aid
			}
			rows = append(rows, OutboxMessage{Event: o.Event, ApplicationID: app, RecipientID: &uid,
				RecipientEmail: u.Email, Language: u.Language, Payload: string(payload), DedupeKey: &key,
				Status: OutboxPending, NextAttemptAt: at, CreatedAt: at})
		}
	}
	if len(rows) == 0 {
		return 0, nil
	}
	res := s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 500)
	return int(res.RowsAffected), res.Error
}

// addAuthors reads the people ids name who are not in idx yet (the
// authors and contact persons of the applications an action reaches),
// leaving out the disabled: at most one statement.
func (s *Store) addAuthors(ctx context.Context, idx *recipientIndex, ids []int64) error {
	var missing []int64
	for _, id := range ids {
		if _, ok := idx.users[id]; !ok && id != 0 && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var users []User
	if err := s.conn(ctx).Where("id IN ? AND NOT disabled", missing).Find(&users).Error; err != nil {
		return err
	}
	for _, u := range users {
		idx.users[u.ID] = u
	}
	return nil
}

// recipientIndex resolves symbolic recipients to people from the role
// grants in force at one moment, read once however many notices it
// resolves.
type recipientIndex struct {
	byRole map[workflow.Role]map[int64][]int64 // role → unit (0: university-wide) → user ids
	users  map[int64]User                      // every person a grant names, who is not disabled
	grants []RoleGrant                         // the grants in force, by id
}

// recipients reads the grants of every role a notice can go to, and the
// people who hold them together with the authors named (applicants hear
// of their own applications whatever their grants): two statements.
func (s *Store) recipients(ctx context.Context, authors ...int64) (*recipientIndex, error) {
	now := s.now()
	db := s.conn(ctx)
	roles := []workflow.Role{workflow.RoleApplicant, workflow.RoleUnitHead, workflow.RoleCoordinator,
		workflow.RoleDecider, workflow.RoleFinance}
	var grants []RoleGrant
	if err := db.Where("role IN ? AND revoked_at IS NULL", roles).Order("id").Find(&grants).Error; err != nil {
		return nil, err
	}
	idx := &recipientIndex{byRole: map[workflow.Role]map[int64][]int64{}, users: map[int64]User{}}
	ids := append(make([]int64, 0, len(grants)+len(authors)), authors...)
	for _, g := range grants {
		if !g.ActiveAt(now) {
			continue
		}
		var unit int64
		if g.UnitID != nil {
			unit = *g.UnitID
		}
		if idx.byRole[g.Role] == nil {
			idx.byRole[g.Role] = map[int64][]int64{}
		}
		idx.byRole[g.Role][unit] = append(idx.byRole[g.Role][unit], g.UserID)
		idx.grants = append(idx.grants, g)
		ids = append(ids, g.UserID)
	}
	var users []User
	if len(ids) > 0 {
		if err := db.Where("id IN ? AND NOT disabled", ids).Find(&users).Error; err != nil {
			return nil, err
		}
	}
	for _, u := range users {
		idx.users[u.ID] = u
	}
	return idx, nil
}

// resolve lists the people r names for app, by id. Unit-scoped
// recipients are the nearest ones: the unit heads of the application's
// own unit, or of the unit above when it has none; applicants are the
// author and the applicants of the application's own unit. Disabled
// people are left out.
func (idx *recipientIndex) resolve(app *Application, chart *OrgChart, r workflow.Recipient) []User {
	role, scoped := recipientRole(r.Kind)
	byUnit := idx.byRole[role]
	var ids []int64
	if !scoped {
		ids = byUnit[0]
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
				ids = byUnit[u]
				break
			}
		}
	}
	if r.Kind == workflow.RecipientApplicants {
		ids = append([]int64{app.CreatedBy}, ids...)
		if app.ContactID != nil {
			ids = append([]int64{*app.ContactID}, ids...)
		}
	}
	var out []User
	for _, id := range ids {
		if u, ok := idx.users[id]; ok && !slices.ContainsFunc(out, func(o User) bool { return o.ID == id }) {
			out = append(out, u)
		}
	}
	// The contact person is addressed first, then the others in a fixed
	// order.
	contact := app.CreatedBy
	if app.ContactID != nil {
		contact = *app.ContactID
	}
	slices.SortFunc(out, func(a, b User) int {
		return cmp.Or(cmp.Compare(boolRank(a.ID != contact), boolRank(b.ID != contact)), cmp.Compare(a.ID, b.ID))
	})
	return out
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

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
