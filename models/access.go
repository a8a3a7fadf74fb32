package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// Sign-ins, sign-outs and what administrators do to a person's access are
// rows of the audit trail: entity "session" for the sign-in itself,
// entity "user" for a change to the person.
const (
	AuditSignIn        = "sign_in"
	AuditSignInRefused = "sign_in_refused"
	AuditSignOut       = "sign_out"
	AuditDisable       = "disable"
	AuditEnable        = "enable"
	AuditEndSessions   = "end_sessions"
)

// MsgAccessOwn is the message id when administrators would disable
// themselves or end their own sessions from the administration page.
const MsgAccessOwn = "access.err.own"

// ErrAccessUnchanged is returned when a person is disabled who already is,
// or enabled who is not disabled (two administrators at once, or a stale
// page); it unwraps to ErrStale.
var ErrAccessUnchanged = fmt.Errorf("the person's access is already so: %w", ErrStale)

// auditSession writes the audit row of a sign-in or sign-out.
func (s *Store) auditSession(ctx context.Context, sess *Session, action, comment string) error {
	uid := sess.UserID
	return s.conn(ctx).Create(&AuditEvent{Entity: "session", EntityID: sess.ID, ActorID: &uid,
		Action: action, Comment: comment, CreatedAt: s.now()}).Error
}

// RecordSignInRefused writes the audit row of a sign-in that was refused,
// with reason (a message id and a short cause, never a token). issuer and
// subject name the person when the provider has vouched for them (empty
// otherwise); the row then carries the person, if known here. It returns
// database errors only.
func (s *Store) RecordSignInRefused(ctx context.Context, issuer, subject, reason string) error {
	ev := &AuditEvent{Entity: "session", Action: AuditSignInRefused, Comment: reason, CreatedAt: s.now()}
	if subject != "" {
		ev.Comment += " (subject " + subject + ")"
		var u User
		err := s.conn(ctx).Select("id").Where("issuer = ? AND subject = ?", issuer, subject).First(&u).Error
		switch {
		case err == nil:
			ev.ActorID = &u.ID
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
	}
	return s.conn(ctx).Create(ev).Error
}

// SetDisabled disables a person (they cannot sign in, and every session
// of theirs ends in the same transaction) or enables them again, audited.
// It returns workflow.ErrForbidden unless by is an administrator, a
// NotFoundError for an unknown person, a *workflow.ValidationError (field
// access) when administrators would disable themselves, and
// ErrAccessUnchanged when the person already is as asked.
func (s *Store) SetDisabled(ctx context.Context, by *Actor, userID int64, disabled bool) (ended int64, err error) {
	if by == nil || !by.Has(workflow.RoleAdmin) {
		return 0, workflow.ErrForbidden
	}
	if disabled && by.User.ID == userID {
		return 0, &workflow.ValidationError{Fields: map[string]string{"access": MsgAccessOwn}}
	}
	err = s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var u User
		if err := s.forUpdate(tx).First(&u, userID).Error; err != nil {
			return notFound(err, "user", userID)
		}
		now := s.now()
		res := tx.Model(&User{}).Where("id = ? AND disabled = ?", userID, !disabled).
			Updates(map[string]any{"disabled": disabled, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrAccessUnchanged
		}
		action, comment := AuditEnable, ""
		if disabled {
			del := tx.Where("user_id = ?", userID).Delete(&Session{})
			if del.Error != nil {
				return del.Error
			}
			ended = del.RowsAffected
			action, comment = AuditDisable, fmt.Sprintf("%d sessions ended", ended)
		}
		return tx.Create(&AuditEvent{Entity: "user", EntityID: userID, ActorID: &by.User.ID,
			Action: action, Comment: comment, CreatedAt: now}).Error
	})
	return ended, err
}

// EndSessionsBy ends every session of a person (signed out everywhere, at
// their next request), audited with how many there were. It returns
// workflow.ErrForbidden unless by is an administrator, a NotFoundError
// for an unknown person, and a *workflow.ValidationError (field access)
// for administrators' own sessions (they sign out instead).
func (s *Store) EndSessionsBy(ctx context.Context, by *Actor, userID int64) (int64, error) {
	if by == nil || !by.Has(workflow.RoleAdmin) {
		return 0, workflow.ErrForbidden
	}
	if by.User.ID == userID {
		return 0, &workflow.ValidationError{Fields: map[string]string{"access": MsgAccessOwn}}
	}
	var ended int64
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var u User
		if err := tx.Select("id").First(&u, userID).Error; err != nil {
			return notFound(err, "user", userID)
		}
		del := tx.Where("user_id = ?", userID).Delete(&Session{})
		if del.Error != nil {
			return del.Error
		}
		ended = del.RowsAffected
		return tx.Create(&AuditEvent{Entity: "user", EntityID: userID, ActorID: &by.User.ID,
			Action: AuditEndSessions, Comment: fmt.Sprintf("%d sessions ended", ended), CreatedAt: s.now()}).Error
	})
	return ended, err
}
