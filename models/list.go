package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"mobilityfund/workflow"
)

// ApplicationFilter narrows and orders a list of applications. Zero
// values mean "any".
type ApplicationFilter struct {
	CallID    int64
	State     workflow.State
	UnitID    int64 // the unit itself
	FacultyID int64 // the unit and every unit below it
	GoalID    int64 // linked to an activity of this plan goal
	Query     string
	Sort      string // one of SortKeys; "" is newest change first
	Desc      bool
	Limit     int
	Offset    int
}

// SortKeys are the columns a list can be sorted by.
var SortKeys = []string{"updated", "number", "title", "unit", "state", "requested", "granted"}

var sortColumns = map[string]string{
	"updated":   "applications.updated_at",
	"number":    "applications.id",
	"title":     "LOWER(applications.title)",
	"unit":      "org_units.name_sv",
	"state":     "applications.state",
	"requested": "applications.requested_ore",
	"granted":   "applications.granted_ore",
}

// ListPage is one page of a filtered list of applications and the total count.
type ListPage struct {
	Rows  []ApplicationRow
	Total int64
}

// Applications lists the applications v may see that match f, with
// requested sums and unit names, in one query, and counts all matches.
func (s *Store) Applications(ctx context.Context, v workflow.Visibility, f ApplicationFilter) ([]ApplicationRow, error) {
	p, err := s.ApplicationList(ctx, v, f)
	return p.Rows, err
}

// ApplicationList is Applications with the total count for pagination.
func (s *Store) ApplicationList(ctx context.Context, v workflow.Visibility, f ApplicationFilter) (ListPage, error) {
	var page ListPage
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return page, err
	}
	where := func(q *gorm.DB) *gorm.DB {
		q = q.Joins("JOIN org_units ON org_units.id = applications.unit_id")
		q = q.Where("applications.deleted_at IS NULL")
		if !v.All {
			if len(v.UnitIDs) == 0 {
				q = q.Where("applications.created_by = ?", v.UserID)
			} else {
				q = q.Where("(applications.unit_id IN ? OR applications.created_by = ?)", v.UnitIDs, v.UserID)
			}
		}
		if f.CallID != 0 {
			q = q.Where("applications.call_id = ?", f.CallID)
		}
		if f.State != "" {
			q = q.Where("applications.state = ?", f.State)
		}
		if f.UnitID != 0 {
			q = q.Where("applications.unit_id = ?", f.UnitID)
		}
		if f.FacultyID != 0 {
			q = q.Where("applications.unit_id IN ?", chart.Subtree(f.FacultyID))
		}
		if f.GoalID != 0 {
			q = q.Where("EXISTS (SELECT 1 FROM application_activities aa JOIN plan_activities pa ON pa.id = aa.activity_id "+
				"WHERE aa.application_id = applications.id AND pa.goal_id = ?)", f.GoalID)
		}
		if text := strings.TrimSpace(f.Query); text != "" {
			like := "%" + escapeLike(strings.ToLower(text)) + "%"
			q = q.Where("(LOWER(applications.title) LIKE ? ESCAPE '\\' OR LOWER(applications.summary) LIKE ? ESCAPE '\\' "+
				"OR LOWER(org_units.name_sv) LIKE ? ESCAPE '\\' OR LOWER(org_units.code) LIKE ? ESCAPE '\\' OR CAST(applications.id AS TEXT) = ?)",
				like, like, like, like, strings.TrimLeft(numberPart(text), "0"))
		}
		return q
	}
	db := s.conn(ctx)
	if err := where(db.Table("applications")).Count(&page.Total).Error; err != nil {
		return page, err
	}
	order := "applications.updated_at DESC, applications.id DESC"
	if col, ok := sortColumns[f.Sort]; ok {
		dir := " ASC"
		if f.Desc {
			dir = " DESC"
		}
		order = col + dir + ", applications.id" + dir
	}
	q := where(db.Table("applications")).
		Select("applications.*, org_units.name_sv AS unit_name_sv, org_units.name_en AS unit_name_en").
		Order(order)
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	err = q.Scan(&page.Rows).Error
	return page, err
}

// numberPart turns "MF-2026-0042" into "0042"; other text is returned as
// it is.
func numberPart(text string) string {
	if i := strings.LastIndexByte(text, '-'); i >= 0 && strings.HasPrefix(strings.ToUpper(text), "MF-") {
		return text[i+1:]
	}
	return text
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
