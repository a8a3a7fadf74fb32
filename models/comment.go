package models

import (
	"context"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// Comment is one entry of an application's conversation: a comment
// between applicants and coordinators, or an internal note. Comments are
// part of the record: never deleted, and struck rather than withdrawn.
type Comment struct {
	ID            int64
	ApplicationID int64
	AuthorID      int64
	Internal      bool
	Body          string
	Version       int
	CreatedAt     time.Time
	EditedAt      *time.Time
	StruckAt      *time.Time
	StruckBy      *int64
	StrikeReason  string
}

// CommentView is a comment as a page shows it, with the names of its
// author and of who struck it.
type CommentView struct {
	Comment
	AuthorName  string
	StruckName  string
	Editable    bool // the reader may still change its text
	Strikeable  bool // the reader may strike it
	FromOffice  bool // written by someone not on the applicants' side
	EditableTil time.Time
}

// Conversation is what a reader sees of an application's conversation.
type Conversation struct {
	Access   workflow.ConversationAccess
	Comments []CommentView
	Notes    []CommentView // empty unless Access.ReadNotes
}

func contactID(app *Application) int64 {
	if app.ContactID != nil {
		return *app.ContactID
	}
	return 0
}

// ConversationFor reads application appID's conversation for actor: the
// comments, and the internal notes only when actor may read them. It
// returns a NotFoundError when actor may not see the application.
func (s *Store) ConversationFor(ctx context.Context, actor *Actor, appID int64) (*Conversation, error) {
	d, chart, err := s.detailFor(ctx, actor, appID)
	if err != nil {
		return nil, err
	}
	return s.conversationOf(ctx, actor, d, chart)
}

// PageConversation reads the conversation of the application on page p,
// which was read for actor (ApplicationPage checked that they may see
// it), without reading the application again.
func (s *Store) PageConversation(ctx context.Context, actor *Actor, p *ApplicationPage) (*Conversation, error) {
	return s.conversationOf(ctx, actor, p.Detail, p.Chart)
}

// conversationOf reads the conversation of d, which actor may see.
func (s *Store) conversationOf(ctx context.Context, actor *Actor, d *ApplicationDetail, chart *OrgChart) (*Conversation, error) {
	app, appID := &d.App, d.App.ID
	w := workflow.Application{ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy}
	access := workflow.ConversationOf(actor.Workflow, w, contactID(app))
	q := s.conn(ctx).Table("comments").
		Select("comments.*, COALESCE(a.name, '') AS author_name, COALESCE(b.name, '') AS struck_name").
		Joins("LEFT JOIN users a ON a.id = comments.author_id").
		Joins("LEFT JOIN users b ON b.id = comments.struck_by").
		Where("comments.application_id = ?", appID)
	if !access.ReadNotes {
		// Filtered in SQL: an internal note never leaves the database for
		// a reader who may not see it.
		q = q.Where("comments.internal = ?", false)
	}
	var rows []CommentView
	if err := q.Order("comments.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	now := s.now()
	coordinator := actor.Workflow.UserID != 0 && actor.HasGlobal(workflow.RoleCoordinator)
	c := &Conversation{Access: access}
	for _, r := range rows {
		wc := workflow.Comment{AuthorID: r.AuthorID, Internal: r.Internal, CreatedAt: r.CreatedAt, Struck: r.StruckAt != nil}
		r.Editable = workflow.MayEditComment(actor.User.ID, wc, now) == nil
		r.Strikeable = workflow.MayStrikeComment(actor.User.ID, coordinator, access, wc, "-") == nil
		r.EditableTil = r.CreatedAt.Add(workflow.CommentEditWindow)
		r.FromOffice = r.AuthorID != app.CreatedBy && r.AuthorID != contactID(app)
		if r.Internal {
			c.Notes = append(c.Notes, r)
		} else {
			c.Comments = append(c.Comments, r)
		}
	}
	return c, nil
}

// AddComment writes a comment (or, with internal, a note) on application
// appID as actor, audited, and queues the mail that tells the other side,
// in one transaction. It returns a NotFoundError when actor may not see
// the application, workflow.ErrForbidden when they may not write in that
// thread, and a *workflow.ValidationError (field body) for an empty or
// overlong text.
func (s *Store) AddComment(ctx context.Context, actor *Actor, appID int64, internal bool, body string) (*Comment, error) {
	body = strings.TrimSpace(body)
	if err := workflow.CheckCommentBody(body); err != nil {
		return nil, err
	}
	var out Comment
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var app Application
		chart, err := s.lockVisible(ctx, appID, anyVersion, actor, &app)
		if err != nil {
			return err
		}
		w := workflow.Application{ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy}
		access := workflow.ConversationOf(actor.Workflow, w, contactID(&app))
		if err := workflow.MayComment(access, internal); err != nil {
			return err
		}
		now := s.now()
		out = Comment{ApplicationID: app.ID, AuthorID: actor.User.ID, Internal: internal, Body: body, Version: 1, CreatedAt: now}
		if err := tx.Create(&out).Error; err != nil {
			return err
		}
		ev := AuditEvent{Entity: "comment", EntityID: out.ID, ApplicationID: &app.ID, ActorID: &actor.User.ID,
			Action: commentAction(internal, "add"), CreatedAt: now}
		if err := tx.Create(&ev).Error; err != nil {
			return err
		}
		return s.queueComment(ctx, &app, chart, w, access, &out, actor)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// commentAction names a conversation event in the audit trail.
func commentAction(internal bool, verb string) string {
	if internal {
		return "note_" + verb
	}
	return "comment_" + verb
}

// EditComment replaces the text of comment id on application appID, for
// its author within the edit window, if it is still at version; the
// previous text stays in the audit trail's row of the change (the
// timeline leaves the conversation's rows out). It returns a
// NotFoundError for a comment actor may not see, workflow.ErrForbidden
// for someone else's comment, workflow.ErrInvalidTransition once the
// window has passed or the comment is struck, a *StaleError, or a
// *workflow.ValidationError (field body).
func (s *Store) EditComment(ctx context.Context, actor *Actor, appID, id int64, version int, body string) (*Comment, error) {
	body = strings.TrimSpace(body)
	if err := workflow.CheckCommentBody(body); err != nil {
		return nil, err
	}
	return s.changeComment(ctx, actor, appID, id, version, func(c *Comment, access workflow.ConversationAccess, now time.Time) (map[string]any, *AuditEvent, error) {
		wc := workflow.Comment{AuthorID: c.AuthorID, Internal: c.Internal, CreatedAt: c.CreatedAt, Struck: c.StruckAt != nil}
		if err := workflow.MayEditComment(actor.User.ID, wc, now); err != nil {
			return nil, nil, err
		}
		ev := &AuditEvent{Action: commentAction(c.Internal, "edit"), Comment: c.Body}
		return map[string]any{"body": body, "edited_at": now}, ev, nil
	})
}

// StrikeComment strikes comment id on application appID with reason,
// audited: the comment stays, marked as struck, with who struck it and
// why. Its author may strike it, and a coordinator who writes in its
// thread. It returns a NotFoundError, workflow.ErrForbidden,
// workflow.ErrInvalidTransition when it is struck already, a *StaleError,
// or a *workflow.ValidationError (field reason).
func (s *Store) StrikeComment(ctx context.Context, actor *Actor, appID, id int64, version int, reason string) (*Comment, error) {
	reason = strings.TrimSpace(reason)
	return s.changeComment(ctx, actor, appID, id, version, func(c *Comment, access workflow.ConversationAccess, now time.Time) (map[string]any, *AuditEvent, error) {
		wc := workflow.Comment{AuthorID: c.AuthorID, Internal: c.Internal, CreatedAt: c.CreatedAt, Struck: c.StruckAt != nil}
		if err := workflow.MayStrikeComment(actor.User.ID, actor.HasGlobal(workflow.RoleCoordinator), access, wc, reason); err != nil {
			return nil, nil, err
		}
		if len([]rune(reason)) > 1000 {
			return nil, nil, &workflow.ValidationError{Fields: map[string]string{"reason": workflow.MsgCommentTooLong}}
		}
		ev := &AuditEvent{Action: commentAction(c.Internal, "strike"), Comment: reason}
		return map[string]any{"struck_at": now, "struck_by": actor.User.ID, "strike_reason": reason}, ev, nil
	})
}

// changeComment locks comment id of application appID for actor, asks
// change what to write, and writes it with its audit row.
func (s *Store) changeComment(ctx context.Context, actor *Actor, appID, id int64, version int,
	change func(*Comment, workflow.ConversationAccess, time.Time) (map[string]any, *AuditEvent, error)) (*Comment, error) {
	var out Comment
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var app Application
		chart, err := s.lockVisible(ctx, appID, anyVersion, actor, &app)
		if err != nil {
			return err
		}
		w := workflow.Application{ID: app.ID, State: app.State, UnitID: app.UnitID, UnitPath: chart.Path(app.UnitID), CreatedBy: app.CreatedBy}
		access := workflow.ConversationOf(actor.Workflow, w, contactID(&app))
		var c Comment
		if err := s.forUpdate(tx.Where("id = ? AND application_id = ?", id, appID)).First(&c).Error; err != nil {
			return notFound(err, "comment", id)
		}
		if c.Internal && !access.ReadNotes {
			return &NotFoundError{What: "comment", ID: id}
		}
		// Who may change it is checked before the version: someone who may
		// not is told so, not that the page was stale.
		now := s.now()
		cols, ev, err := change(&c, access, now)
		if err != nil {
			return err
		}
		if c.Version != version {
			return &StaleError{Have: version, Current: c.Version}
		}
		cols["version"] = version + 1
		res := tx.Model(&Comment{}).Where("id = ? AND version = ?", id, version).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return &StaleError{Have: version, Current: version + 1}
		}
		ev.Entity, ev.EntityID, ev.ApplicationID, ev.ActorID, ev.CreatedAt = "comment", c.ID, &app.ID, &actor.User.ID, now
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		return tx.First(&out, id).Error
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
