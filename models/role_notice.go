package models

import (
	"context"
	"slices"
	"strconv"
	"time"

	"mobilityfund/workflow"
)

// queueRoleNotice tells the administrators other than the one who made it
// (byID; nil when sign-in made it from the person's groups) of a grant or
// revocation of a privileged role, in the transaction in ctx. Other roles
// are not told of. The dedupe key names the grant and the event, so each
// change is told once.
func (s *Store) queueRoleNotice(ctx context.Context, byID *int64, g RoleGrant, event workflow.Event, at time.Time) error {
	if !workflow.Privileged(g.Role) {
		return nil
	}
	tx := s.conn(ctx)
	var admins []RoleGrant
	if err := tx.Where("role = ? AND revoked_at IS NULL", workflow.RoleAdmin).Order("user_id").Find(&admins).Error; err != nil {
		return err
	}
	var ids []int64
	for _, a := range admins {
		if a.ActiveAt(at) {
			ids = append(ids, a.UserID)
		}
	}
	var by int64
	if byID != nil {
		by = *byID
	}
	ids = workflow.RoleNoticeRecipients(ids, by)
	var people []User
	want := append([]int64{g.UserID, by}, ids...)
	if err := tx.Where("id IN ?", want).Find(&people).Error; err != nil {
		return err
	}
	byIDs := map[int64]User{}
	for _, u := range people {
		byIDs[u.ID] = u
	}
	var to []User
	for _, id := range ids {
		if u, ok := byIDs[id]; ok && !u.Disabled && !slices.ContainsFunc(to, func(o User) bool { return o.ID == id }) {
			to = append(to, u)
		}
	}
	if len(to) == 0 {
		return nil
	}
	p := NoticePayload{Person: byIDs[g.UserID].Name, PersonID: g.UserID, Role: string(g.Role),
		ActorName: byIDs[by].Name, Comment: g.FromGroup}
	if g.UnitID != nil {
		var unit OrgUnit
		if err := tx.First(&unit, *g.UnitID).Error; err != nil {
			return err
		}
		p.Unit = unit.Code
	}
	if g.ValidFrom != nil {
		p.ValidFrom = g.ValidFrom.Format(time.DateOnly)
	}
	if g.ValidTo != nil {
		p.ValidTo = g.ValidTo.Format(time.DateOnly)
	}
	_, err := s.enqueue(ctx, at, []outgoing{{Event: event, To: to, Payload: p,
		Key: "role:" + strconv.FormatInt(g.ID, 10) + ":" + string(event)}})
	return err
}

// PrivilegedGrant is a grant of a privileged role as the administration
// pages list it: whose, granted by whom (empty for a grant from a group)
// and when (CreatedAt).
type PrivilegedGrant struct {
	RoleGrant
	PersonName    string
	GrantedByName string
	UnitCode      string
}

// PrivilegedGrants lists the grants of privileged roles (decider, finance,
// admin) in force now or to come, by role and person. There are few; at
// most 500 are read. It returns database errors only.
func (s *Store) PrivilegedGrants(ctx context.Context) ([]PrivilegedGrant, error) {
	var privileged []workflow.Role
	for _, r := range workflow.Roles() {
		if workflow.Privileged(r) {
			privileged = append(privileged, r)
		}
	}
	var rows []PrivilegedGrant
	err := s.conn(ctx).Table("role_grants").
		Select("role_grants.*, p.name AS person_name, COALESCE(b.name, '') AS granted_by_name, COALESCE(u.code, '') AS unit_code").
		Joins("JOIN users p ON p.id = role_grants.user_id").
		Joins("LEFT JOIN users b ON b.id = role_grants.granted_by").
		Joins("LEFT JOIN org_units u ON u.id = role_grants.unit_id").
		Where("role_grants.role IN ? AND role_grants.revoked_at IS NULL", privileged).
		Order("role_grants.role, p.name, role_grants.id").Limit(500).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := rows[:0]
	for _, r := range rows {
		if r.ValidTo == nil || now.Before(r.ValidTo.AddDate(0, 0, 1)) {
			out = append(out, r)
		}
	}
	return out, nil
}
