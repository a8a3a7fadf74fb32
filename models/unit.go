package models

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

var forUpdateClause = clause.Locking{Strength: "UPDATE"}

// UnitKind classifies an org unit.
type UnitKind string

// The kinds of org unit.
const (
	KindFaculty     UnitKind = "faculty"
	KindInstitution UnitKind = "institution"
	KindDivision    UnitKind = "division"
	KindCentral     UnitKind = "central"
)

// OrgUnit is a faculty, institution, administrative division or central
// function. Cost centre and project are where finance books money
// awarded to it; the project's name names it in SIE files.
type OrgUnit struct {
	ID          int64
	Code        string
	NameSV      string `gorm:"column:name_sv"`
	NameEN      string `gorm:"column:name_en"`
	Kind        UnitKind
	ParentID    *int64
	CostCentre  string
	ProjectCode string
	ProjectName string
	// ClosedAt is when the unit was closed: it keeps its history and its
	// applications but takes no new ones.
	ClosedAt  *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Name returns the unit's name in lang ("sv" or "en").
func (u OrgUnit) Name(lang string) string {
	if lang == "en" && u.NameEN != "" {
		return u.NameEN
	}
	return u.NameSV
}

// OrgChart is every org unit, indexed for walking up and down the tree.
type OrgChart struct {
	Units    []OrgUnit
	byID     map[int64]int
	children map[int64][]int64
}

// OrgChart loads the whole org chart. Universities have a few hundred
// units at most, so one query and an in-memory tree beat recursive SQL.
func (s *Store) OrgChart(ctx context.Context) (*OrgChart, error) {
	memo, _ := ctx.Value(chartMemoKey{}).(*chartMemo)
	if memo != nil && memo.chart != nil {
		return memo.chart, nil
	}
	var units []OrgUnit
	if err := s.conn(ctx).Order("name_sv").Find(&units).Error; err != nil {
		return nil, err
	}
	chart := newOrgChart(units)
	if memo != nil {
		memo.chart = chart
	}
	return chart, nil
}

type chartMemoKey struct{}

type chartMemo struct{ chart *OrgChart }

// WithOrgChartMemo returns a context in which OrgChart reads the chart
// once and then answers from memory: for a request that changes no unit,
// such as a page view, whose parts (the page, the menu's count) each
// need the chart. The chart is never shared between requests.
func WithOrgChartMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, chartMemoKey{}, &chartMemo{})
}

func newOrgChart(units []OrgUnit) *OrgChart {
	c := &OrgChart{Units: units, byID: make(map[int64]int, len(units)), children: map[int64][]int64{}}
	for i, u := range units {
		c.byID[u.ID] = i
		if u.ParentID != nil {
			c.children[*u.ParentID] = append(c.children[*u.ParentID], u.ID)
		}
	}
	return c
}

// Unit returns the unit with id, and whether it exists.
func (c *OrgChart) Unit(id int64) (OrgUnit, bool) {
	i, ok := c.byID[id]
	if !ok {
		return OrgUnit{}, false
	}
	return c.Units[i], true
}

// Path returns id followed by its ancestors up to the top of the tree.
func (c *OrgChart) Path(id int64) []int64 {
	var path []int64
	for cur, ok := id, true; ok && len(path) <= len(c.Units); {
		u, found := c.Unit(cur)
		if !found {
			break
		}
		path = append(path, u.ID)
		if u.ParentID == nil {
			break
		}
		cur, ok = *u.ParentID, true
	}
	return path
}

// Subtree returns id and every unit below it.
func (c *OrgChart) Subtree(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out) && len(out) <= len(c.Units); i++ {
		out = append(out, c.children[out[i]]...)
	}
	return out
}

// Find returns the units whose Swedish name or code holds text, in any
// case. Search matches units here, in Go, so that both databases find
// the same (SQLite's LOWER folds ASCII only).
func (c *OrgChart) Find(text string) []int64 {
	text = strings.ToLower(text)
	var out []int64
	for _, u := range c.Units {
		if strings.Contains(strings.ToLower(u.NameSV), text) || strings.Contains(strings.ToLower(u.Code), text) {
			out = append(out, u.ID)
		}
	}
	return out
}

// Faculty returns the top-level unit above (or equal to) id.
func (c *OrgChart) Faculty(id int64) (OrgUnit, bool) {
	p := c.Path(id)
	if len(p) == 0 {
		return OrgUnit{}, false
	}
	return c.Unit(p[len(p)-1])
}

// Children returns the units directly below id, sorted by Swedish name.
func (c *OrgChart) Children(id int64) []OrgUnit {
	var out []OrgUnit
	for _, cid := range c.children[id] {
		u, _ := c.Unit(cid)
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b OrgUnit) int {
		if a.NameSV < b.NameSV {
			return -1
		}
		if a.NameSV > b.NameSV {
			return 1
		}
		return 0
	})
	return out
}
