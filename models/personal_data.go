package models

import (
	"context"
	"time"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// The personal data the application holds about one person, as they see
// it at /me/data and download it as JSON (GDPR articles 15 and 20). The
// profile, grants and sessions are few and read at once; applications,
// comments, reports, audit rows and mail can be many and are read a page
// at a time, newest first, by the Each functions, so that neither the
// page nor the download holds them all.

// PersonalGrant is a role grant with the name of who granted it.
type PersonalGrant struct {
	RoleGrant
	GrantedByName string
	UnitCode      string
}

// PersonalSession is a session as its owner may see it: when it began,
// was last used and ends. The token's hash and the ID token are never
// shown, not even to their owner.
type PersonalSession struct {
	ID         int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// PersonalProfile is what is held about a person at once: the user row,
// their unit, their grants and their sessions, and how many rows of each
// longer list there are.
type PersonalProfile struct {
	User     User
	UnitCode string
	Grants   []PersonalGrant
	Sessions []PersonalSession
	Counts   PersonalCounts
}

// PersonalCounts says how many rows each list of a person's data has.
type PersonalCounts struct {
	Applications, Comments, Reports, Audit, Mail int64
}

// PersonalApplication is an application that names the person: they
// created it, or are its contact person.
type PersonalApplication struct {
	ID           int64
	Title        string
	State        workflow.State
	CreatedBy    int64
	ContactID    *int64
	RequestedOre int64
	GrantedOre   int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PersonalReport is an outcome report the person wrote, submitted or
// accepted.
type PersonalReport struct {
	ApplicationID int64
	Done          string
	UpdatedBy     int64
	SubmittedBy   *int64
	SubmittedAt   *time.Time
	AcceptedBy    *int64
	AcceptedAt    *time.Time
	UpdatedAt     time.Time
}

// personalPage is how many rows each Each function reads at once.
const personalPage = 200

// PersonalProfileOf returns the person's profile, grants and sessions
// and the sizes of the other lists. It returns a NotFoundError for an
// unknown person and database errors.
func (s *Store) PersonalProfileOf(ctx context.Context, userID int64) (*PersonalProfile, error) {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	db := s.conn(ctx)
	p := &PersonalProfile{User: *u}
	if u.UnitID != nil {
		var unit OrgUnit
		if err := db.First(&unit, *u.UnitID).Error; err == nil {
			p.UnitCode = unit.Code
		}
	}
	if err := db.Table("role_grants").
		Select("role_grants.*, COALESCE(b.name, '') AS granted_by_name, COALESCE(u.code, '') AS unit_code").
		Joins("LEFT JOIN users b ON b.id = role_grants.granted_by").
		Joins("LEFT JOIN org_units u ON u.id = role_grants.unit_id").
		Where("role_grants.user_id = ?", userID).Order("role_grants.id DESC").Scan(&p.Grants).Error; err != nil {
		return nil, err
	}
	if err := db.Model(&Session{}).Select("id", "created_at", "last_seen_at", "expires_at").
		Where("user_id = ?", userID).Order("id DESC").Scan(&p.Sessions).Error; err != nil {
		return nil, err
	}
	for _, c := range []struct {
		n *int64
		q *gorm.DB
	}{
		{&p.Counts.Applications, s.personalApplications(ctx, userID)},
		{&p.Counts.Comments, db.Model(&Comment{}).Where("author_id = ?", userID)},
		{&p.Counts.Reports, s.personalReports(ctx, userID)},
		{&p.Counts.Audit, s.personalAudit(ctx, userID)},
		{&p.Counts.Mail, db.Model(&OutboxMessage{}).Where("recipient_id = ?", userID)},
	} {
		if err := c.q.Count(c.n).Error; err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Store) personalApplications(ctx context.Context, userID int64) *gorm.DB {
	return s.conn(ctx).Model(&Application{}).Where("created_by = ? OR contact_id = ?", userID, userID)
}

func (s *Store) personalReports(ctx context.Context, userID int64) *gorm.DB {
	return s.conn(ctx).Model(&Report{}).
		Where("updated_by = ? OR submitted_by = ? OR accepted_by = ?", userID, userID, userID)
}

// personalAudit selects the audit rows by the person, about them, and
// about their role grants.
func (s *Store) personalAudit(ctx context.Context, userID int64) *gorm.DB {
	db := s.conn(ctx)
	grants := db.Model(&RoleGrant{}).Select("id").Where("user_id = ?", userID)
	return db.Table("audit_events").Where(
		"audit_events.actor_id = ? OR (audit_events.entity = 'user' AND audit_events.entity_id = ?) OR (audit_events.entity = 'role_grant' AND audit_events.entity_id IN (?))",
		userID, userID, grants)
}

// eachNewest reads query a page at a time by descending key (a column of
// unique int64 values) and calls fn for each row, at most limit rows (0:
// all of them), until fn returns an error.
func eachNewest[T any](query func() *gorm.DB, key string, limit int, keyOf func(*T) int64, fn func(*T) error) error {
	var before int64
	seen := 0
	for {
		q := query()
		if before != 0 {
			q = q.Where(key+" < ?", before)
		}
		n := personalPage
		if limit > 0 {
			n = min(n, limit-seen)
		}
		var page []T
		if err := q.Order(key + " DESC").Limit(n).Find(&page).Error; err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		seen += len(page)
		if len(page) < n || (limit > 0 && seen >= limit) {
			return nil
		}
		before = keyOf(&page[len(page)-1])
	}
}

// The Each functions below call fn for at most limit rows (0: all).

// EachPersonalApplication calls fn for each application the person
// created or is the contact person of, newest first.
func (s *Store) EachPersonalApplication(ctx context.Context, userID int64, limit int, fn func(*PersonalApplication) error) error {
	return eachNewest(func() *gorm.DB { return s.personalApplications(ctx, userID) }, "id", limit,
		func(a *PersonalApplication) int64 { return a.ID }, fn)
}

// EachPersonalComment calls fn for each comment and note the person
// wrote, newest first.
func (s *Store) EachPersonalComment(ctx context.Context, userID int64, limit int, fn func(*Comment) error) error {
	return eachNewest(func() *gorm.DB { return s.conn(ctx).Model(&Comment{}).Where("author_id = ?", userID) }, "id", limit,
		func(c *Comment) int64 { return c.ID }, fn)
}

// EachPersonalReport calls fn for each outcome report the person wrote,
// submitted or accepted, newest application first.
func (s *Store) EachPersonalReport(ctx context.Context, userID int64, limit int, fn func(*PersonalReport) error) error {
	return eachNewest(func() *gorm.DB { return s.personalReports(ctx, userID) }, "application_id", limit,
		func(r *PersonalReport) int64 { return r.ApplicationID }, fn)
}

// EachPersonalAudit calls fn for each audit row by the person, about them
// or about their role grants, with the actor's name, newest first.
func (s *Store) EachPersonalAudit(ctx context.Context, userID int64, limit int, fn func(*AuditEntry) error) error {
	return eachNewest(func() *gorm.DB {
		return s.personalAudit(ctx, userID).
			Select("audit_events.*, COALESCE(users.name, '') AS actor_name").
			Joins("LEFT JOIN users ON users.id = audit_events.actor_id")
	}, "audit_events.id", limit, func(e *AuditEntry) int64 { return e.ID }, fn)
}

// EachPersonalMail calls fn for each mail to the person (sent, waiting or
// failed), newest first.
func (s *Store) EachPersonalMail(ctx context.Context, userID int64, limit int, fn func(*OutboxMessage) error) error {
	return eachNewest(func() *gorm.DB { return s.conn(ctx).Model(&OutboxMessage{}).Where("recipient_id = ?", userID) }, "id", limit,
		func(m *OutboxMessage) int64 { return m.ID }, fn)
}

// Number is the application's reference: MF-2026-0042.
func (a PersonalApplication) Number() string { return ApplicationNumber(a.CreatedAt, a.ID) }

// IsContact reports whether userID is the application's contact person
// by choice (the author is the contact when no one is chosen).
func (a PersonalApplication) IsContact(userID int64) bool {
	return a.ContactID != nil && *a.ContactID == userID
}
