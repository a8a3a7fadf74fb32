package models

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/mail"
	"slices"
	"strings"
	"time"

	"mobilityfund/workflow"
)

// PeopleColumns are the columns of the people CSV, for sites whose
// identity provider sends no group claims: one row per person and role
// (a person with two roles has two rows). subject is the person's subject
// at the identity provider, which identifies them at sign-in; role,
// role_unit, valid_from, valid_to and language may be left empty.
var PeopleColumns = []string{"subject", "name", "email", "unit", "role", "role_unit", "valid_from", "valid_to", "language"}

const requiredPeopleColumns = 4

// Message ids of people import problems.
const (
	MsgPersonEmail    = "admin.people_import.err.email"
	MsgPersonLanguage = "admin.people_import.err.language"
	MsgPersonDate     = "admin.people_import.err.date"
	MsgPersonConflict = "admin.people_import.err.conflict"
)

// PersonRow is one row of a people file, with its row number.
type PersonRow struct {
	Row                                  int
	Subject, Name, Email, Unit, Language string
	Role                                 workflow.Role
	RoleUnit                             string
	ValidFrom, ValidTo                   *time.Time
}

// ParsePeople reads a people file (UTF-8 or Windows-1252, commas or
// semicolons, a header row naming PeopleColumns in any order). It returns
// an *ImportError naming the row and column of every problem it finds
// without the database.
func ParsePeople(data []byte) ([]PersonRow, error) {
	text := DecodeText(data)
	first, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, &ImportError{Problems: []ImportProblem{{Row: 1, Msg: MsgImportEmpty}}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var problems []ImportProblem
	for _, name := range PeopleColumns[:requiredPeopleColumns] {
		if _, ok := col[name]; !ok {
			problems = append(problems, ImportProblem{Row: 1, Field: name, Msg: MsgImportColumn})
		}
	}
	if len(problems) > 0 {
		return nil, &ImportError{Problems: problems}
	}
	var rows []PersonRow
	for n := 2; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, ImportProblem{Row: n, Msg: MsgImportUnreadble})
			break
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := PersonRow{Row: n, Subject: get("subject"), Name: get("name"), Email: get("email"), Unit: get("unit"),
			Role: workflow.Role(get("role")), RoleUnit: get("role_unit"), Language: get("language")}
		for _, d := range []struct {
			name string
			dst  **time.Time
		}{{"valid_from", &row.ValidFrom}, {"valid_to", &row.ValidTo}} {
			if v := get(d.name); v != "" {
				t, err := time.Parse(time.DateOnly, v)
				if err != nil {
					problems = append(problems, ImportProblem{Row: n, Field: d.name, Msg: MsgPersonDate})
					continue
				}
				*d.dst = &t
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, ImportProblem{Row: 2, Msg: MsgImportEmpty})
	}
	if len(problems) > 0 {
		return nil, &ImportError{Problems: problems}
	}
	return rows, nil
}

// PersonChange is what an import does to one row's person and role:
// "create", "update" or "" for the person, and whether the role is new.
type PersonChange struct {
	Row     int
	Subject string
	Name    string
	Action  string
	Granted workflow.Role
	Unit    string
}

// ImportPeople creates or updates the people of rows (identified by
// issuer and subject, as sign-in identifies them) and grants the roles
// they lack, in one transaction, each change audited; with apply false it
// only reports what would change. It returns an *ImportError naming the
// row and field of every problem (an unknown unit or role, a unit head
// without a unit, a bad email address, a person named differently on two
// rows), in which case nothing is applied. Importing the same file twice
// changes nothing the second time. Grants an import made are the
// administrator's, as if made on the person's page: sign-in leaves them.
func (s *Store) ImportPeople(ctx context.Context, by *Actor, issuer string, rows []PersonRow, apply bool) ([]PersonChange, error) {
	if by == nil || !by.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	return s.importPeople(ctx, actorID(by), issuer, rows, apply)
}

func (s *Store) importPeople(ctx context.Context, by *int64, issuer string, rows []PersonRow, apply bool) ([]PersonChange, error) {
	var changes []PersonChange
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		unitID := map[string]int64{}
		for _, u := range chart.Units {
			unitID[u.Code] = u.ID
		}
		var problems []ImportProblem
		bad := func(r PersonRow, field, msg string) {
			problems = append(problems, ImportProblem{Row: r.Row, Field: field, Msg: msg})
		}
		seen := map[string]PersonRow{}
		now := s.now()
		for _, r := range rows {
			before := len(problems)
			if r.Subject == "" {
				bad(r, "subject", workflow.MsgRequired)
			}
			if r.Name == "" {
				bad(r, "name", workflow.MsgRequired)
			}
			if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email {
				bad(r, "email", MsgPersonEmail)
			}
			if r.Language == "" {
				r.Language = "sv"
			}
			if r.Language != "sv" && r.Language != "en" {
				bad(r, "language", MsgPersonLanguage)
			}
			if _, ok := unitID[r.Unit]; r.Unit != "" && !ok {
				bad(r, "unit", MsgUnitParent)
			}
			if r.Role != "" && !slices.Contains(workflow.Roles(), r.Role) {
				bad(r, "role", MsgGrantRole)
			}
			if _, ok := unitID[r.RoleUnit]; r.RoleUnit != "" && !ok {
				bad(r, "role_unit", MsgUnitParent)
			}
			if r.Role == workflow.RoleUnitHead && r.RoleUnit == "" {
				bad(r, "role_unit", MsgGrantUnitNeeded)
			}
			if r.ValidFrom != nil && r.ValidTo != nil && r.ValidTo.Before(*r.ValidFrom) {
				bad(r, "valid_to", MsgGrantDates)
			}
			if prev, ok := seen[r.Subject]; ok && (prev.Name != r.Name || prev.Email != r.Email || prev.Unit != r.Unit || prev.Language != r.Language) {
				bad(r, "subject", MsgPersonConflict)
			}
			seen[r.Subject] = r
			if len(problems) > before {
				continue
			}
			c, err := s.importPerson(ctx, by, issuer, r, unitID, now)
			if err != nil {
				return err
			}
			changes = append(changes, c)
		}
		if len(problems) > 0 {
			return &ImportError{Problems: problems}
		}
		if !apply {
			return errPreviewOnly
		}
		return tx.Error
	})
	if errors.Is(err, errPreviewOnly) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return changes, nil
}

// importPerson writes one checked row in the transaction in ctx.
func (s *Store) importPerson(ctx context.Context, by *int64, issuer string, r PersonRow, unitID map[string]int64, now time.Time) (PersonChange, error) {
	tx := s.conn(ctx)
	c := PersonChange{Row: r.Row, Subject: r.Subject, Name: r.Name, Unit: r.RoleUnit}
	var unit *int64
	if id, ok := unitID[r.Unit]; ok {
		unit = &id
	}
	var u User
	err := tx.Where("issuer = ? AND subject = ?", issuer, r.Subject).Limit(1).Find(&u).Error
	if err != nil {
		return c, err
	}
	switch {
	case u.ID == 0:
		u = User{Issuer: issuer, Subject: r.Subject, Email: r.Email, Name: r.Name, Language: r.Language, UnitID: unit,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&u).Error; err != nil {
			return c, err
		}
		c.Action = "create"
	case u.Name != r.Name || u.Email != r.Email || u.Language != r.Language || !sameID(u.UnitID, unit):
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"name": r.Name, "email": r.Email,
			"language": r.Language, "unit_id": unit, "updated_at": now}).Error; err != nil {
			return c, err
		}
		c.Action = "update"
	}
	if c.Action != "" {
		// The row names the person by id only: name and email stay in the
		// users table, where pseudonymisation finds them.
		if err := tx.Create(&AuditEvent{Entity: "user", EntityID: u.ID, ActorID: by, Action: "import_" + c.Action,
			Comment: "unit " + r.Unit, CreatedAt: now}).Error; err != nil {
			return c, err
		}
	}
	if r.Role == "" {
		return c, nil
	}
	g := RoleGrant{UserID: u.ID, Role: r.Role, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, GrantedBy: by, CreatedAt: now}
	if id, ok := unitID[r.RoleUnit]; ok {
		g.UnitID = &id
	}
	var open []RoleGrant
	if err := tx.Where("user_id = ? AND role = ? AND revoked_at IS NULL", u.ID, r.Role).Find(&open).Error; err != nil {
		return c, err
	}
	for _, o := range open {
		if keyOf(o) == keyOf(g) && overlap(o, g) {
			return c, nil // has it already: importing again changes nothing
		}
	}
	if err := tx.Create(&g).Error; err != nil {
		return c, err
	}
	c.Granted = r.Role
	return c, s.auditGrant(ctx, g.ID, by, "grant", grantSummary(g), now)
}

func sameID(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
