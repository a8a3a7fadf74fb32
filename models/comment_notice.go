package models

import (
	"context"

	"mobilityfund/workflow"
)

// queueComment writes the outbox rows that tell the other side of a new
// comment, in its transaction. The writer is never told of their own
// comment, and a note goes only to people who may read notes, checked
// with the same rule as the page (workflow.ConversationOf).
func (s *Store) queueComment(ctx context.Context, app *Application, chart *OrgChart, w workflow.Application,
	access workflow.ConversationAccess, c *Comment, actor *Actor) error {
	notices := workflow.CommentNotices(w, access.Applicant, c.Internal)
	idx, err := s.recipients(ctx, app.CreatedBy, contactID(app))
	if err != nil {
		return err
	}
	p := NoticePayload{Number: app.Number(), Title: app.Title, State: string(app.State), Action: commentAction(c.Internal, "add"),
		Comment: c.Body, ActorName: actor.User.Name}
	idx.addContact(app, &p)
	grants := idx.grantsByUser()
	key := "app:" + itoa(app.ID) + ":comment:" + itoa(c.ID) + ":"
	var out []outgoing
	for _, n := range notices {
		var to []User
		for _, u := range idx.resolve(app, chart, n.To) {
			if u.ID == actor.User.ID {
				continue
			}
			if c.Internal {
				reader := workflow.Actor{UserID: u.ID, Grants: grants[u.ID]}
				if u.UnitID != nil {
					reader.Units = []int64{*u.UnitID}
				}
				if !workflow.ConversationOf(reader, w, contactID(app)).ReadNotes {
					continue
				}
			}
			to = append(to, u)
		}
		out = append(out, outgoing{Event: n.Event, AppID: app.ID, To: to, Key: key + string(n.Event), Payload: p})
	}
	_, err = s.enqueue(ctx, c.CreatedAt, out)
	return err
}

// grantsByUser inverts the index: every person's grants in force, as the
// workflow package sees them.
func (idx *recipientIndex) grantsByUser() map[int64][]workflow.Grant {
	out := map[int64][]workflow.Grant{}
	for role, byUnit := range idx.byRole {
		for unit, users := range byUnit {
			for _, u := range users {
				out[u] = append(out[u], workflow.Grant{Role: role, UnitID: unit})
			}
		}
	}
	return out
}

// addContact names the application's contact person in p: the person
// chosen, else the author.
func (idx *recipientIndex) addContact(app *Application, p *NoticePayload) {
	id := app.CreatedBy
	if app.ContactID != nil {
		id = *app.ContactID
	}
	if u, ok := idx.users[id]; ok {
		p.Contact, p.ContactID = u.Name, u.ID
	}
}
