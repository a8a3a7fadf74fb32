package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// Session lifetimes. A session ends after SessionIdleTimeout without a
// request, and SessionLifetime after sign-in whatever happens.
const (
	SessionIdleTimeout = 8 * time.Hour
	SessionLifetime    = 12 * time.Hour
	// sessionTouchEvery limits writes: last_seen_at moves at most once a
	// minute per session, which is precise enough for an 8-hour timeout.
	sessionTouchEvery = time.Minute
)

// Session is one signed-in browser. The browser holds a random token; the
// row is keyed by TokenHash, which the web layer derives from the token
// with SESSION_SECRET, so that the table alone signs no one in. IDToken is
// the raw ID token from sign-in, kept for the provider's logout
// (id_token_hint); it is empty for the development sign-in.
type Session struct {
	ID         int64
	TokenHash  []byte
	UserID     int64
	IDToken    string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	// ProviderToken is the provider's tokens of the sign-in (refresh and
	// access token), sealed by the web layer; "" when there are none.
	// GroupsCheckedAt is when the person's groups were last read from
	// the provider (at sign-in, then by RefreshGroups).
	ProviderToken   string
	GroupsCheckedAt *time.Time
}

// expiredAt reports whether the session has ended at now, by either
// timeout.
func (s Session) expiredAt(now time.Time) bool {
	return !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(SessionIdleTimeout))
}

// StartSession signs userID in under a new token hash, replacing the
// session keyed by replace (the browser's previous session, if any) so
// that a session id never survives a sign-in. idToken may be empty. Ended
// sessions of everyone are cleared on the way, and the sign-in is in the
// audit trail. It returns database errors only.
func (s *Store) StartSession(ctx context.Context, userID int64, hash, replace []byte, idToken string) (*Session, error) {
	return s.startSession(ctx, &Session{TokenHash: hash, UserID: userID, IDToken: idToken}, replace)
}

// startSession is StartSession with the session's fields given.
func (s *Store) startSession(ctx context.Context, sess *Session, replace []byte) (*Session, error) {
	now := s.now()
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = now, now, now.Add(SessionLifetime)
	idToken := sess.IDToken
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if len(replace) > 0 {
			if err := tx.Where("token_hash = ?", replace).Delete(&Session{}).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("expires_at <= ? OR last_seen_at <= ?", now, now.Add(-SessionIdleTimeout)).
			Delete(&Session{}).Error; err != nil {
			return err
		}
		if err := tx.Create(sess).Error; err != nil {
			return err
		}
		how := "development sign-in"
		if idToken != "" {
			how = "single sign-on"
		}
		return s.auditSession(ctx, sess, AuditSignIn, how)
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// SessionByHash returns the session keyed by hash and records the
// activity. An unknown session, or one that has timed out (which is then
// deleted), gives a NotFoundError.
func (s *Store) SessionByHash(ctx context.Context, hash []byte) (*Session, error) {
	var sess Session
	if err := s.conn(ctx).Where("token_hash = ?", hash).First(&sess).Error; err != nil {
		return nil, notFound(err, "session", "")
	}
	now := s.now()
	if sess.expiredAt(now) {
		if err := s.conn(ctx).Delete(&Session{}, sess.ID).Error; err != nil {
			return nil, err
		}
		return nil, &NotFoundError{What: "session", ID: sess.ID}
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchEvery {
		if err := s.conn(ctx).Model(&Session{}).Where("id = ?", sess.ID).
			Update("last_seen_at", now).Error; err != nil {
			return nil, err
		}
		sess.LastSeenAt = now
	}
	return &sess, nil
}

// EndSession deletes the session keyed by hash and returns it, so that the
// caller can log out at the provider with its ID token; the sign-out is in
// the audit trail. An unknown hash gives a NotFoundError.
func (s *Store) EndSession(ctx context.Context, hash []byte) (*Session, error) {
	var sess Session
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if err := tx.Where("token_hash = ?", hash).First(&sess).Error; err != nil {
			return notFound(err, "session", "")
		}
		if err := tx.Delete(&Session{}, sess.ID).Error; err != nil {
			return err
		}
		return s.auditSession(ctx, &sess, AuditSignOut, "")
	})
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// EndSessionsOf deletes every session of a person (signed out
// everywhere) and returns how many there were. It returns database errors
// only.
func (s *Store) EndSessionsOf(ctx context.Context, userID int64) (int64, error) {
	res := s.conn(ctx).Where("user_id = ?", userID).Delete(&Session{})
	return res.RowsAffected, res.Error
}

// CountSessions returns how many session rows a person has, ended or not;
// tests and the administration pages use it.
func (s *Store) CountSessions(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&Session{}).Where("user_id = ?", userID).Count(&n).Error
	return n, err
}

// Identity is a person as the identity provider vouches for them at
// sign-in. Issuer and Subject identify them; the rest is refreshed at
// every sign-in.
type Identity struct {
	Issuer, Subject string
	Email, Name     string
	// Language is used only when the person is created.
	Language string
	Groups   []string
	// UnitClaim says whether the provider sends the org unit at all; when
	// it does, UnitCode ("" for none) replaces the membership.
	UnitClaim bool
	UnitCode  string
	// ProviderToken, when not empty, is kept with the session (sealed
	// provider tokens) so that the groups can be read again later.
	ProviderToken string
}

// SignInResult is what a sign-in did.
type SignInResult struct {
	User    *User
	Session *Session
	Created bool
	// UnknownUnits lists unit codes (from the unit claim or the group
	// mapping) that match no org unit and were skipped.
	UnknownUnits []string
}

// SignIn records a sign-in through single sign-on, in one transaction:
// the person is created on first sign-in (else their email and name are
// refreshed), their unit membership follows the unit claim, their grants
// from groups are created, updated and revoked to match their groups
// (each change audited), and a session keyed by hash replaces the
// browser's previous one (replace). A disabled person gets a
// workflow.ErrForbidden and no session; other errors are the database's.
func (s *Store) SignIn(ctx context.Context, id Identity, rules []GroupRole, hash, replace []byte, rawIDToken string) (*SignInResult, error) {
	res, err := s.signIn(ctx, id, rules, hash, replace, rawIDToken)
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// The same person's first sign-in in two browsers at once: the
		// other one created them; this attempt now finds them.
		res, err = s.signIn(ctx, id, rules, hash, replace, rawIDToken)
	}
	return res, err
}

func (s *Store) signIn(ctx context.Context, id Identity, rules []GroupRole, hash, replace []byte, rawIDToken string) (*SignInResult, error) {
	res := &SignInResult{}
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		now := s.now()
		var u User
		err := s.forUpdate(tx.Where("issuer = ? AND subject = ?", id.Issuer, id.Subject)).First(&u).Error
		switch {
		case err == nil:
			if u.Disabled {
				return fmt.Errorf("sign-in of disabled user %d: %w", u.ID, workflow.ErrForbidden)
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			lang := id.Language
			if lang != "en" {
				lang = "sv"
			}
			u = User{Issuer: id.Issuer, Subject: id.Subject, Language: lang, CreatedAt: now}
			res.Created = true
		default:
			return err
		}
		u.Email, u.Name, u.UpdatedAt = id.Email, id.Name, now
		// A pseudonymised person who comes back has their name and email
		// from the provider again: they are no longer pseudonymised.
		u.PseudonymisedAt = nil
		units, err := s.unitIDs(ctx)
		if err != nil {
			return err
		}
		if id.UnitClaim {
			u.UnitID = nil
			if id.UnitCode != "" {
				if uid, ok := units[id.UnitCode]; ok {
					u.UnitID = &uid
				} else {
					res.UnknownUnits = append(res.UnknownUnits, id.UnitCode)
				}
			}
		}
		if err := tx.Save(&u).Error; err != nil {
			return err
		}
		unknown, err := s.syncGroupGrants(ctx, u.ID, id.Groups, rules, units)
		if err != nil {
			return err
		}
		res.UnknownUnits = append(res.UnknownUnits, unknown...)
		res.User = &u
		sess := &Session{TokenHash: hash, UserID: u.ID, IDToken: rawIDToken, ProviderToken: id.ProviderToken, GroupsCheckedAt: &now}
		res.Session, err = s.startSession(ctx, sess, replace)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (s *Store) unitIDs(ctx context.Context) (map[string]int64, error) {
	tx := s.conn(ctx)
	var units []OrgUnit
	if err := tx.Select("id", "code").Find(&units).Error; err != nil {
		return nil, err
	}
	m := make(map[string]int64, len(units))
	for _, u := range units {
		m[u.Code] = u.ID
	}
	return m, nil
}
