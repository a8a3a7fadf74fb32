package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// auditRedactionPermit is held (a row inserted and deleted in the same
// transaction) while a pseudonymisation replaces a person's name and email
// in the comments of audit rows: the only change the database lets
// anyone make to the audit trail (migration 00090).
type auditRedactionPermit struct {
	UserID int64 `gorm:"primaryKey;autoIncrement:false"`
}

// Pseudonym is the stable name and email that replace a person's own when
// they are pseudonymised: derived from their id alone, so that running the
// command again, or on a copy of the database, gives the same pseudonym,
// and the records of one person stay recognisably one person's. The email
// is in the .invalid domain (RFC 2606), so mail to it goes nowhere.
func Pseudonym(userID int64) (name, email string) {
	id := strconv.FormatInt(userID, 10)
	return "Pseudonym-" + id, "pseudonym-" + id + "@pseudonymised.invalid"
}

// PseudonymCandidate is a person whom the retention rule would
// pseudonymise: inactive since LastActive, which lies before the cut-off.
type PseudonymCandidate struct {
	User       User
	LastActive time.Time
}

// PseudonymResult is what pseudonymising one person changed: rows per
// "table.column", the sessions ended and the mail not yet sent that was
// given up.
type PseudonymResult struct {
	UserID    int64
	Pseudonym string
	// Changed counts rows per "table.column" whose text changed.
	Changed map[string]int64
	// Sessions is how many sessions were ended.
	Sessions int64
	// NameInText says whether the name was also replaced inside free text;
	// it is not when it is too short to be told from ordinary words or
	// when another person has the same name (see nameSafeInText).
	NameInText bool
}

// ErrNotPseudonymisable is returned by Pseudonymise for a person whom the
// retention rule does not reach (any longer): already pseudonymised,
// active since the cut-off, holding a role or named on an open
// application. It unwraps to ErrStale: the list it came from is out of
// date.
var ErrNotPseudonymisable = fmt.Errorf("person is not to be pseudonymised: %w", ErrStale)

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// pseudonymPage is how many people a search for candidates reads at once.
const pseudonymPage = 200

// EachPseudonymCandidate calls fn for every person inactive since before
// cutoff who may be pseudonymised: not yet pseudonymised, holding no role
// (none in force or to come), named (as author or contact person) on no
// application that is still open, and with no sign-in, session, audit row
// or comment since cutoff. People are read a page at a time, by id. It
// returns database errors and fn's.
func (s *Store) EachPseudonymCandidate(ctx context.Context, cutoff time.Time, fn func(PseudonymCandidate) error) error {
	var after int64
	for {
		var users []User
		err := s.conn(ctx).Where("id > ? AND pseudonymised_at IS NULL AND "+inactiveSince, after,
			cutoff, cutoff, cutoff, cutoff, cutoff, openStates()).
			Order("id").Limit(pseudonymPage).Find(&users).Error
		if err != nil {
			return err
		}
		for _, u := range users {
			ok, last, err := s.pseudonymisable(ctx, u, cutoff)
			if err != nil {
				return err
			}
			if ok {
				if err := fn(PseudonymCandidate{User: u, LastActive: last}); err != nil {
					return err
				}
			}
		}
		if len(users) < pseudonymPage {
			return nil
		}
		after = users[len(users)-1].ID
	}
}

// inactiveSince is the condition on users (table users, unaliased) that
// they did nothing since the cut-off (five parameters) and are named on no
// open application (the open states, one parameter). Each test is an
// index lookup per person.
const inactiveSince = `created_at < ? AND updated_at < ?
	AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = users.id AND s.last_seen_at >= ?)
	AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.actor_id = users.id AND e.created_at >= ?)
	AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.author_id = users.id AND c.created_at >= ?)
	AND NOT EXISTS (SELECT 1 FROM applications a WHERE (a.created_by = users.id OR a.contact_id = users.id)
		AND a.state IN ?)`

// openStates are the states of an application that is not finished with.
func openStates() []workflow.State {
	var out []workflow.State
	for _, st := range workflow.States() {
		if !workflow.Settled(st) {
			out = append(out, st)
		}
	}
	return out
}

// pseudonymisable checks what SQL left for Go: that the person holds no
// role now or later (dates are compared as the grants' own rule does),
// and returns when they were last active.
func (s *Store) pseudonymisable(ctx context.Context, u User, cutoff time.Time) (bool, time.Time, error) {
	grants, err := s.GrantsOf(ctx, u.ID)
	if err != nil {
		return false, time.Time{}, err
	}
	now := s.now()
	for _, g := range grants {
		if g.RevokedAt == nil && (g.ValidTo == nil || now.Before(g.ValidTo.AddDate(0, 0, 1))) {
			return false, time.Time{}, nil
		}
	}
	last, err := s.lastActive(ctx, u)
	if err != nil {
		return false, time.Time{}, err
	}
	return last.Before(cutoff), last, nil
}

// lastActive is the latest of the person's creation, sign-in (which
// refreshes the user row), session activity, audit rows and comments.
func (s *Store) lastActive(ctx context.Context, u User) (time.Time, error) {
	last := u.UpdatedAt
	if u.CreatedAt.After(last) {
		last = u.CreatedAt
	}
	db := s.conn(ctx)
	for _, q := range []struct{ table, col, who string }{
		{"sessions", "last_seen_at", "user_id"},
		{"audit_events", "created_at", "actor_id"},
		{"comments", "created_at", "author_id"},
	} {
		var row struct{ At *time.Time }
		if err := db.Table(q.table).Select(q.col+" AS at").Where(q.who+" = ?", u.ID).
			Order(q.col + " DESC").Limit(1).Scan(&row).Error; err != nil {
			return time.Time{}, err
		}
		if row.At != nil && row.At.After(last) {
			last = *row.At
		}
	}
	return last.UTC(), nil
}

// Pseudonymise replaces the name and email of person userID with their
// Pseudonym everywhere the database holds them as text, in one
// transaction: the user row; the names that decisions and finance batches
// copied; the address of mail to them (mail not yet sent is given up);
// and every other text column of every table, the comments of audit rows
// included, where the email, or the name (when nameSafeInText), occurs.
// Their sessions end, and an audit row records the change without the
// old name. Identifiers, states, amounts and dates are not touched, nor
// are issuer and subject, by which sign-in finds the person again, nor
// binary columns (decision documents and attachments stay as issued and
// as uploaded). With dryRun everything is done and then rolled back, so
// the result says what a real run would change. It returns
// ErrNotPseudonymisable when the person is (no longer) due, checked again
// under a lock, a NotFoundError for an unknown person, and database errors.
func (s *Store) Pseudonymise(ctx context.Context, userID int64, cutoff time.Time, dryRun bool) (*PseudonymResult, error) {
	res := &PseudonymResult{UserID: userID, Changed: map[string]int64{}}
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var u User
		if err := s.forUpdate(tx).First(&u, userID).Error; err != nil {
			return notFound(err, "user", userID)
		}
		var due int64
		if err := tx.Model(&User{}).Where("id = ? AND pseudonymised_at IS NULL AND "+inactiveSince, userID,
			cutoff, cutoff, cutoff, cutoff, cutoff, openStates()).Count(&due).Error; err != nil {
			return err
		}
		if due == 0 {
			return ErrNotPseudonymisable
		}
		ok, last, err := s.pseudonymisable(ctx, u, cutoff)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotPseudonymisable
		}
		name, email := Pseudonym(u.ID)
		res.Pseudonym = name
		now := s.now()
		if err := tx.Create(&auditRedactionPermit{UserID: u.ID}).Error; err != nil {
			return err
		}
		if err := s.replaceCopies(ctx, u, name, email, res); err != nil {
			return err
		}
		safe, err := s.nameSafeInText(ctx, u)
		if err != nil {
			return err
		}
		res.NameInText = safe
		targets := textTargets(u.Email, email, emailBoundary)
		if safe {
			targets = append(targets, textTargets(u.Name, name, wordBoundary)...)
		}
		if err := s.replaceInText(ctx, targets, res.Changed); err != nil {
			return err
		}
		if res.Sessions, err = s.EndSessionsOf(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"name": name, "email": email, "pseudonymised_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		res.Changed["users.name"]++
		if err := tx.Delete(&auditRedactionPermit{}, "user_id = ?", u.ID).Error; err != nil {
			return err
		}
		if err := tx.Create(&AuditEvent{Entity: "user", EntityID: u.ID, Action: "pseudonymise",
			Comment:   "inactive since " + last.Format(time.DateOnly) + ", before " + cutoff.Format(time.DateOnly),
			CreatedAt: now}).Error; err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return res, nil
}

// replaceCopies replaces the copies of the person's name and address that
// rows keep by the person's id, whatever the name looks like, and gives
// up mail to them that is not yet sent.
func (s *Store) replaceCopies(ctx context.Context, u User, name, email string, res *PseudonymResult) error {
	tx := s.conn(ctx)
	for _, c := range []struct{ table, col, who, to string }{
		{"decisions", "decider_name", "decided_by", name},
		{"decisions", "on_behalf_of_name", "on_behalf_of", name},
		{"decisions", "presenter_name", "presenter_id", name},
		{"finance_batches", "created_by_name", "created_by", name},
		{"outbox", "recipient_email", "recipient_id", email},
	} {
		r := tx.Table(c.table).Where(c.who+" = ? AND "+c.col+" <> ?", u.ID, c.to).Update(c.col, c.to)
		if r.Error != nil {
			return r.Error
		}
		if r.RowsAffected > 0 {
			res.Changed[c.table+"."+c.col] += r.RowsAffected
		}
	}
	return tx.Model(&OutboxMessage{}).Where("recipient_id = ? AND status = ?", u.ID, OutboxPending).
		Updates(map[string]any{"status": OutboxFailed, "last_error": "recipient pseudonymised"}).Error
}

// nameSafeInText reports whether the person's name can be replaced inside
// free text without hitting other words or other people: it has at least
// two words or eight letters, and no one else not pseudonymised has it.
func (s *Store) nameSafeInText(ctx context.Context, u User) (bool, error) {
	n := strings.TrimSpace(u.Name)
	if len(strings.Fields(n)) < 2 && len([]rune(n)) < 8 {
		return false, nil
	}
	var others int64
	err := s.conn(ctx).Model(&User{}).Where("name = ? AND id <> ? AND pseudonymised_at IS NULL", u.Name, u.ID).
		Count(&others).Error
	return others == 0, err
}
