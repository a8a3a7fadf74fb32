package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// GroupRole maps an identity-provider group to a role, university-wide
// (UnitCode empty) or for one org unit.
type GroupRole struct {
	Group    string
	Role     workflow.Role
	UnitCode string
}

// ParseGroupRoles reads OIDC_GROUP_ROLES: "group=role[@UNITCODE]" items
// separated by commas. It returns an error naming the first item that is
// malformed or names an unknown role; unit codes are checked at sign-in,
// because units are data that may be added later.
func ParseGroupRoles(s string) ([]GroupRole, error) {
	var out []GroupRole
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		group, rest, ok := strings.Cut(item, "=")
		group, rest = strings.TrimSpace(group), strings.TrimSpace(rest)
		if !ok || group == "" || rest == "" {
			return nil, fmt.Errorf("OIDC_GROUP_ROLES: %q is not group=role[@UNITCODE]", item)
		}
		role, unit, _ := strings.Cut(rest, "@")
		if !slices.Contains(workflow.Roles(), workflow.Role(role)) {
			return nil, fmt.Errorf("OIDC_GROUP_ROLES: %q names an unknown role %q (known: applicant, unit_head, coordinator, decider, finance, admin)", item, role)
		}
		out = append(out, GroupRole{Group: group, Role: workflow.Role(role), UnitCode: strings.TrimSpace(unit)})
	}
	return out, nil
}

// grantKey is what makes two grants the same for group synchronisation.
type grantKey struct {
	role workflow.Role
	unit int64
}

func keyOf(g RoleGrant) grantKey {
	k := grantKey{role: g.Role}
	if g.UnitID != nil {
		k.unit = *g.UnitID
	}
	return k
}

// syncGroupGrants makes the person's open grants from groups match the
// grants their groups give, auditing each change. Grants an
// administrator made are left alone. It returns the unit codes in rules
// that match no unit.
func (s *Store) syncGroupGrants(ctx context.Context, userID int64, groups []string, rules []GroupRole, units map[string]int64) ([]string, error) {
	tx := s.conn(ctx)
	now := s.now()
	want := map[grantKey]string{}
	var order []grantKey
	var unknown []string
	for _, r := range rules {
		if !slices.Contains(groups, r.Group) {
			continue
		}
		k := grantKey{role: r.Role}
		if r.UnitCode != "" {
			uid, ok := units[r.UnitCode]
			if !ok {
				unknown = append(unknown, r.UnitCode)
				continue
			}
			k.unit = uid
		}
		if _, dup := want[k]; !dup {
			want[k] = r.Group
			order = append(order, k)
		}
	}
	var have []RoleGrant
	if err := tx.Where("user_id = ? AND from_group <> '' AND revoked_at IS NULL", userID).Order("id").Find(&have).Error; err != nil {
		return nil, err
	}
	kept := map[grantKey]bool{}
	for _, g := range have {
		k := keyOf(g)
		group, wanted := want[k]
		switch {
		case wanted && !kept[k]:
			kept[k] = true
			if g.FromGroup == group {
				continue
			}
			if err := tx.Model(&RoleGrant{}).Where("id = ?", g.ID).Update("from_group", group).Error; err != nil {
				return nil, err
			}
			if err := s.auditGrant(ctx, g.ID, nil, "update", "group "+g.FromGroup+" → "+group, now); err != nil {
				return nil, err
			}
		default:
			if err := tx.Model(&RoleGrant{}).Where("id = ?", g.ID).Update("revoked_at", now).Error; err != nil {
				return nil, err
			}
			if err := s.auditGrant(ctx, g.ID, nil, "revoke", "no longer in group "+g.FromGroup, now); err != nil {
				return nil, err
			}
			g.RevokedAt = &now
			if err := s.queueRoleNotice(ctx, nil, g, workflow.EventRoleRevoked, now); err != nil {
				return nil, err
			}
		}
	}
	for _, k := range order {
		if kept[k] {
			continue
		}
		g := RoleGrant{UserID: userID, Role: k.role, FromGroup: want[k], CreatedAt: now}
		if k.unit != 0 {
			unit := k.unit
			g.UnitID = &unit
		}
		if err := tx.Create(&g).Error; err != nil {
			return nil, err
		}
		if err := s.auditGrant(ctx, g.ID, nil, "grant", "group "+g.FromGroup, now); err != nil {
			return nil, err
		}
		if err := s.queueRoleNotice(ctx, nil, g, workflow.EventRoleGranted, now); err != nil {
			return nil, err
		}
	}
	return unknown, nil
}

// auditGrant writes the audit row of a change to a role grant; actorID is
// nil when sign-in made the change from the person's groups.
func (s *Store) auditGrant(ctx context.Context, grantID int64, actorID *int64, action, comment string, at time.Time) error {
	tx := s.conn(ctx)
	return tx.Create(&AuditEvent{Entity: "role_grant", EntityID: grantID, ActorID: actorID,
		Action: action, Comment: comment, CreatedAt: at}).Error
}

// ErrGrantEnded is returned when a grant that is already revoked or over
// is revoked again (two administrators at once, or a stale page); it
// unwraps to ErrStale.
var ErrGrantEnded = fmt.Errorf("role grant already ended: %w", ErrStale)

// Person is a row of the people list: the person and the grants in force.
type Person struct {
	User   User
	Unit   *OrgUnit
	Grants []RoleGrant
}

// SearchPeople lists people whose name or email contains q (ignoring case;
// all people for an empty q), by name, at most limit of them. It returns
// database errors only.
func (s *Store) SearchPeople(ctx context.Context, q string, limit int) ([]Person, error) {
	db := s.conn(ctx)
	query := db.Model(&User{}).Order("name, id").Limit(limit)
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		query = query.Where(`LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\'`, like, like)
	}
	var users []User
	if err := query.Find(&users).Error; err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	var grants []RoleGrant
	if err := db.Where("user_id IN ? AND revoked_at IS NULL", ids).Order("role, id").Find(&grants).Error; err != nil {
		return nil, err
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	byUser := map[int64][]RoleGrant{}
	for _, g := range grants {
		if g.ActiveAt(now) {
			byUser[g.UserID] = append(byUser[g.UserID], g)
		}
	}
	out := make([]Person, len(users))
	for i, u := range users {
		out[i] = Person{User: u, Grants: byUser[u.ID]}
		if u.UnitID != nil {
			if unit, ok := chart.Unit(*u.UnitID); ok {
				out[i].Unit = &unit
			}
		}
	}
	return out, nil
}

// GrantsByTime splits a person's grants into those in force at now, those
// that begin later, and those that have ended (revoked or past their end
// date), each newest first.
func GrantsByTime(grants []RoleGrant, now time.Time) (active, future, ended []RoleGrant) {
	for _, g := range grants {
		switch {
		case g.ActiveAt(now):
			active = append(active, g)
		case g.RevokedAt == nil && g.ValidFrom != nil && now.Before(*g.ValidFrom):
			future = append(future, g)
		default:
			ended = append(ended, g)
		}
	}
	return active, future, ended
}

// GrantInput is what an administrator fills in to grant a role: the role,
// an optional unit (nil: university-wide) and optional first and last
// days (a substitute for a holiday is a dated grant).
type GrantInput struct {
	Role      workflow.Role
	UnitID    *int64
	ValidFrom *time.Time
	ValidTo   *time.Time
}

// Message ids of the grant form's validation errors.
const (
	MsgGrantRole       = "roles.err.role"
	MsgGrantUnitNeeded = "roles.err.unit_needed"
	MsgGrantUnit       = "roles.err.unit"
	MsgGrantDates      = "roles.err.dates"
	MsgGrantPast       = "roles.err.past"
	MsgGrantOverlap    = "roles.err.overlap"
	MsgGrantOwnRoles   = "roles.err.own_roles"
)

// GrantRole gives a person a role, audited, in one transaction; a
// privileged role (workflow.Privileged) is mailed to the other
// administrators. It returns
// workflow.ErrForbidden unless by is an administrator, a NotFoundError for
// an unknown person, and a *workflow.ValidationError (fields role, unit_id,
// valid_from, valid_to) for administrators granting themselves a role, an
// unknown role or unit, a unit head without a unit, dates in the wrong
// order or wholly past, or a grant that overlaps one the person already
// has for the same role and unit.
func (s *Store) GrantRole(ctx context.Context, by *Actor, userID int64, in GrantInput) (*RoleGrant, error) {
	if by == nil || !by.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	if !workflow.MayChangeRolesOf(by.Workflow, userID) {
		return nil, &workflow.ValidationError{Fields: map[string]string{"role": MsgGrantOwnRoles}}
	}
	var g RoleGrant
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var u User
		if err := s.forUpdate(tx).First(&u, userID).Error; err != nil {
			return notFound(err, "user", userID)
		}
		now := s.now()
		v := map[string]string{}
		switch {
		case !slices.Contains(workflow.Roles(), in.Role):
			v["role"] = MsgGrantRole
		case in.Role == workflow.RoleUnitHead && in.UnitID == nil:
			v["unit_id"] = MsgGrantUnitNeeded
		}
		if in.UnitID != nil {
			var n int64
			if err := tx.Model(&OrgUnit{}).Where("id = ?", *in.UnitID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				v["unit_id"] = MsgGrantUnit
			}
		}
		g = RoleGrant{UserID: userID, Role: in.Role, UnitID: in.UnitID, ValidFrom: in.ValidFrom,
			ValidTo: in.ValidTo, GrantedBy: &by.User.ID, CreatedAt: now}
		switch {
		case in.ValidFrom != nil && in.ValidTo != nil && in.ValidTo.Before(*in.ValidFrom):
			v["valid_to"] = MsgGrantDates
		case in.ValidTo != nil && !now.Before(in.ValidTo.AddDate(0, 0, 1)):
			v["valid_to"] = MsgGrantPast
		}
		if len(v) == 0 {
			var open []RoleGrant
			if err := tx.Where("user_id = ? AND role = ? AND revoked_at IS NULL", userID, in.Role).Find(&open).Error; err != nil {
				return err
			}
			for _, o := range open {
				if keyOf(o) == keyOf(g) && overlap(o, g) && (o.ValidTo == nil || now.Before(o.ValidTo.AddDate(0, 0, 1))) {
					v["role"] = MsgGrantOverlap
					break
				}
			}
		}
		if len(v) > 0 {
			return &workflow.ValidationError{Fields: v}
		}
		if err := tx.Create(&g).Error; err != nil {
			return err
		}
		if err := s.auditGrant(ctx, g.ID, &by.User.ID, "grant", grantSummary(g), now); err != nil {
			return err
		}
		return s.queueRoleNotice(ctx, &by.User.ID, g, workflow.EventRoleGranted, now)
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// overlap reports whether two grants' date ranges share a day.
func overlap(a, b RoleGrant) bool {
	if a.ValidTo != nil && b.ValidFrom != nil && a.ValidTo.Before(*b.ValidFrom) {
		return false
	}
	if b.ValidTo != nil && a.ValidFrom != nil && b.ValidTo.Before(*a.ValidFrom) {
		return false
	}
	return true
}

func grantSummary(g RoleGrant) string {
	var b strings.Builder
	b.WriteString(string(g.Role))
	if g.UnitID != nil {
		fmt.Fprintf(&b, " unit %d", *g.UnitID)
	}
	if g.ValidFrom != nil {
		b.WriteString(" from " + g.ValidFrom.Format(time.DateOnly))
	}
	if g.ValidTo != nil {
		b.WriteString(" to " + g.ValidTo.Format(time.DateOnly))
	}
	return b.String()
}

// RevokeGrant ends person userID's grant grantID now, audited, in one
// transaction; a privileged role is mailed to the other administrators. It returns workflow.ErrForbidden unless by is an
// administrator, a NotFoundError when the grant is not that person's,
// ErrGrantEnded when it has already ended, and a *workflow.ValidationError
// (field grant) when administrators would revoke a role of their own.
func (s *Store) RevokeGrant(ctx context.Context, by *Actor, userID, grantID int64) (*RoleGrant, error) {
	if by == nil || !by.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	var g RoleGrant
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		if err := s.forUpdate(tx.Where("id = ? AND user_id = ?", grantID, userID)).First(&g).Error; err != nil {
			return notFound(err, "role grant", grantID)
		}
		now := s.now()
		if g.RevokedAt != nil || (g.ValidTo != nil && !now.Before(g.ValidTo.AddDate(0, 0, 1))) {
			return ErrGrantEnded
		}
		if !workflow.MayChangeRolesOf(by.Workflow, g.UserID) {
			return &workflow.ValidationError{Fields: map[string]string{"grant": MsgGrantOwnRoles}}
		}
		res := tx.Model(&RoleGrant{}).Where("id = ? AND revoked_at IS NULL", g.ID).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrGrantEnded
		}
		g.RevokedAt = &now
		if err := s.auditGrant(ctx, g.ID, &by.User.ID, "revoke", grantSummary(g), now); err != nil {
			return err
		}
		return s.queueRoleNotice(ctx, &by.User.ID, g, workflow.EventRoleRevoked, now)
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}
