package models

import (
	"context"
	"fmt"
	"strings"

	"mobilityfund/workflow"
)

// Message ids of the unit form's validation errors.
const (
	MsgUnitCode      = "admin.err.unit_code"
	MsgUnitCodeTaken = "admin.err.unit_code_taken"
	MsgUnitKind      = "admin.err.unit_kind"
	MsgUnitParent    = "admin.err.unit_parent"
	MsgUnitCycle     = "admin.err.unit_cycle"
	MsgUnitClosed    = "admin.err.unit_closed"
)

// UnitInput is what the unit form (and a row of the org chart's CSV)
// holds. Parent is the parent unit's code, "" for a unit at the top.
type UnitInput struct {
	Code, NameSV, NameEN string
	Kind                 UnitKind
	Parent               string
	CostCentre           string
	ProjectCode          string
	ProjectName          string
}

// unitKinds are the kinds a unit can have, in form order.
var unitKinds = []UnitKind{KindFaculty, KindInstitution, KindDivision, KindCentral}

// UnitKinds returns the kinds of unit, in the order forms offer them.
func UnitKinds() []UnitKind { return append([]UnitKind(nil), unitKinds...) }

// unitCodeOK: codes appear in the CSV, in OIDC_GROUP_ROLES and in claims.
func unitCodeOK(code string) bool {
	if code == "" || len(code) > 40 {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// normalise trims every field and checks what can be checked without the
// org chart: fields named as in the form.
func (in *UnitInput) normalise() map[string]string {
	for _, f := range []*string{&in.Code, &in.NameSV, &in.NameEN, &in.Parent, &in.CostCentre, &in.ProjectCode, &in.ProjectName} {
		*f = strings.TrimSpace(*f)
	}
	v := map[string]string{}
	if !unitCodeOK(in.Code) {
		v["code"] = MsgUnitCode
	}
	for field, text := range map[string]string{"name_sv": in.NameSV, "name_en": in.NameEN} {
		if text == "" {
			v[field] = workflow.MsgRequired
		} else if workflow.TooLong(text, workflow.MaxTitle) {
			v[field] = workflow.MsgTooLong
		}
	}
	for field, text := range map[string]string{"cost_centre": in.CostCentre, "project_code": in.ProjectCode, "project_name": in.ProjectName} {
		if workflow.TooLong(text, workflow.MaxTitle) {
			v[field] = workflow.MsgTooLong
		}
	}
	if in.Kind == "" {
		in.Kind = KindInstitution
		if in.Parent == "" {
			in.Kind = KindFaculty
		}
	}
	valid := false
	for _, k := range unitKinds {
		valid = valid || k == in.Kind
	}
	if !valid {
		v["kind"] = MsgUnitKind
	}
	return v
}

// parentOf resolves in.Parent in chart for the unit id (0 for a new
// unit): the parent's id, or a message id when it is unknown or would
// put the unit under itself.
func parentOf(chart *OrgChart, id int64, parent string) (*int64, string) {
	if parent == "" {
		return nil, ""
	}
	for _, u := range chart.Units {
		if u.Code != parent {
			continue
		}
		if id != 0 {
			for _, below := range chart.Subtree(id) {
				if below == u.ID {
					return nil, MsgUnitCycle
				}
			}
		}
		pid := u.ID
		return &pid, ""
	}
	return nil, MsgUnitParent
}

// SaveUnit creates a unit (id 0) or changes one: renames it, moves it
// under another parent, changes its kind, cost centre or project. It
// returns a *workflow.ValidationError naming the fields that are wrong (a
// code taken, an unknown parent, a move under the unit itself or one of
// its descendants) and workflow.ErrForbidden for anyone but an
// administrator. Every change is in the audit trail.
func (s *Store) SaveUnit(ctx context.Context, actor *Actor, id int64, in UnitInput) (*OrgUnit, error) {
	if actor == nil || !actor.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	var out OrgUnit
	err := s.WithTx(ctx, func(ctx context.Context) error {
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		u, err := s.saveUnit(ctx, chart, actorID(actor), id, in)
		out = u
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// saveUnit writes one unit in the transaction in ctx, given the chart as
// it is now; the import and the seed use it for every row.
func (s *Store) saveUnit(ctx context.Context, chart *OrgChart, actor *int64, id int64, in UnitInput) (OrgUnit, error) {
	v := in.normalise()
	parent, msg := parentOf(chart, id, in.Parent)
	if msg != "" {
		v["parent"] = msg
	}
	var u OrgUnit
	for _, other := range chart.Units {
		if other.Code == in.Code && other.ID != id {
			v["code"] = MsgUnitCodeTaken
		}
		if other.ID == id {
			u = other
		}
	}
	if id != 0 && u.ID == 0 {
		return OrgUnit{}, &NotFoundError{What: "unit", ID: id}
	}
	if len(v) > 0 {
		return OrgUnit{}, &workflow.ValidationError{Fields: v}
	}
	tx := s.conn(ctx)
	now := s.now()
	before := u
	u.Code, u.NameSV, u.NameEN, u.Kind, u.ParentID = in.Code, in.NameSV, in.NameEN, in.Kind, parent
	u.CostCentre, u.ProjectCode, u.ProjectName, u.UpdatedAt = in.CostCentre, in.ProjectCode, in.ProjectName, now
	action := "update"
	if id == 0 {
		action, u.CreatedAt = "create", now
		if err := tx.Create(&u).Error; err != nil {
			return OrgUnit{}, err
		}
	} else if err := tx.Model(&OrgUnit{}).Where("id = ?", id).Select("*").Omit("id", "created_at", "closed_at").Updates(&u).Error; err != nil {
		return OrgUnit{}, err
	}
	if id != 0 && unitInput(chart, before) == unitInput(chart, u) {
		return u, nil
	}
	chart.put(u)
	return u, tx.Create(&AuditEvent{Entity: "org_unit", EntityID: u.ID, ActorID: actor, Action: action,
		Comment: describeUnit(before, u, chart), CreatedAt: now}).Error
}

// describeUnit says in the audit trail what changed.
func describeUnit(before, after OrgUnit, chart *OrgChart) string {
	b, a := unitInput(chart, before), unitInput(chart, after)
	if before.ID == 0 {
		return fmt.Sprintf("%s · %s · parent %q · cost centre %q · project %q", a.Code, a.NameSV, a.Parent, a.CostCentre, a.ProjectCode)
	}
	var parts []string
	for _, f := range []struct{ name, from, to string }{
		{"code", b.Code, a.Code}, {"name_sv", b.NameSV, a.NameSV}, {"name_en", b.NameEN, a.NameEN},
		{"kind", string(b.Kind), string(a.Kind)}, {"parent", b.Parent, a.Parent}, {"cost_centre", b.CostCentre, a.CostCentre},
		{"project", b.ProjectCode, a.ProjectCode}, {"project_name", b.ProjectName, a.ProjectName},
	} {
		if f.from != f.to {
			parts = append(parts, fmt.Sprintf("%s %q → %q", f.name, f.from, f.to))
		}
	}
	return a.Code + " · " + strings.Join(parts, " · ")
}

// unitInput is u as a form or CSV row would hold it.
func unitInput(chart *OrgChart, u OrgUnit) UnitInput {
	in := UnitInput{Code: u.Code, NameSV: u.NameSV, NameEN: u.NameEN, Kind: u.Kind, CostCentre: u.CostCentre,
		ProjectCode: u.ProjectCode, ProjectName: u.ProjectName}
	if u.ParentID != nil {
		if p, ok := chart.Unit(*u.ParentID); ok {
			in.Parent = p.Code
		}
	}
	return in
}

// UnitInputOf returns unit id as its form holds it.
func (c *OrgChart) UnitInputOf(id int64) UnitInput {
	u, _ := c.Unit(id)
	return unitInput(c, u)
}

// put adds or replaces u in the chart, so that later rows of one import
// see the units earlier rows made.
func (c *OrgChart) put(u OrgUnit) {
	if i, ok := c.byID[u.ID]; ok {
		c.Units[i] = u
	} else {
		c.Units = append(c.Units, u)
	}
	*c = *newOrgChart(c.Units)
}

// CloseUnit closes unit id (or reopens it, when closed is false): a
// closed unit keeps its history and applications but takes no new ones.
// It returns workflow.ErrForbidden for anyone but an administrator.
func (s *Store) CloseUnit(ctx context.Context, actor *Actor, id int64, closed bool) error {
	if actor == nil || !actor.Has(workflow.RoleAdmin) {
		return workflow.ErrForbidden
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var u OrgUnit
		if err := s.forUpdate(tx).First(&u, id).Error; err != nil {
			return notFound(err, "unit", id)
		}
		if (u.ClosedAt != nil) == closed {
			return nil
		}
		now := s.now()
		var at any
		action := "reopen"
		if closed {
			at, action = now, "close"
		}
		if err := tx.Model(&OrgUnit{}).Where("id = ?", id).Updates(map[string]any{"closed_at": at, "updated_at": now}).Error; err != nil {
			return err
		}
		return tx.Create(&AuditEvent{Entity: "org_unit", EntityID: id, ActorID: &actor.User.ID, Action: action,
			Comment: u.Code, CreatedAt: now}).Error
	})
}
