package models

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	// After and Before are cursors from a ListPage: the page that follows
	// the row After names, or the one before the row Before names. A list
	// pages on its sort key and never skips rows with OFFSET, so a page
	// far down costs what the first one does.
	After, Before string
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

// CountCap bounds the count of a list: beyond it a list says "more than
// CountCap" rather than counting every match on every page.
const CountCap = 1000

// ListPage is one page of a filtered list of applications, how many match
// (at most CountCap+1 unless Exact), and the cursors of the pages beside it.
type ListPage struct {
	Rows  []ApplicationRow
	Total int64
	// Exact is false when Total was capped: more than CountCap match.
	Exact      bool
	Next, Prev string // cursors for ApplicationFilter.After and .Before; "" when there is no such page
}

// ErrBadCursor is returned for a cursor that no list page gave.
var ErrBadCursor = errors.New("models: invalid list cursor")

// Applications lists the applications v may see that match f, with unit
// names, in one query.
func (s *Store) Applications(ctx context.Context, v workflow.Visibility, f ApplicationFilter) ([]ApplicationRow, error) {
	units, found, err := s.filterUnits(ctx, f)
	if err != nil {
		return nil, err
	}
	q := s.listQuery(ctx, v, f, units, found)
	var rows []ApplicationRow
	err = q.Select("applications.*, org_units.name_sv AS unit_name_sv, org_units.name_en AS unit_name_en").
		Order(listOrder(f.Sort, f.Desc)).Scan(&rows).Error
	return rows, err
}

// EachApplication calls fn with every application Applications would
// return, in its order, reading them a page at a time by cursor, so that
// a list of any length is never held whole. It stops at fn's first error
// and returns it, or ErrBadCursor.
func (s *Store) EachApplication(ctx context.Context, v workflow.Visibility, f ApplicationFilter, fn func(*ApplicationRow) error) error {
	f.Limit, f.Before = eachPage, ""
	for {
		page, err := s.ApplicationList(ctx, v, f)
		if err != nil {
			return err
		}
		for i := range page.Rows {
			if err := fn(&page.Rows[i]); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		f.After = page.Next
	}
}

// eachPage is how many rows EachApplication reads at a time.
var eachPage = 500

// ApplicationList is one page of Applications (f.Limit rows, 25 when
// unset) with a bounded count and the cursors of the pages beside it:
// two statements, whatever the page and the number of applications.
// It returns ErrBadCursor for a cursor it did not give.
func (s *Store) ApplicationList(ctx context.Context, v workflow.Visibility, f ApplicationFilter) (ListPage, error) {
	var page ListPage
	if f.Limit <= 0 {
		f.Limit = 25
	}
	key, ok := sortColumns[f.Sort]
	if !ok {
		f.Sort, f.Desc, key = "updated", true, sortColumns["updated"]
	}
	units, found, err := s.filterUnits(ctx, f)
	if err != nil {
		return page, err
	}
	q := s.listQuery(ctx, v, f, units, found)
	if page.Total, page.Exact, err = s.countList(ctx, v, f, units, q); err != nil {
		return page, err
	}
	desc := f.Desc
	cursor, back := f.After, false
	if f.Before != "" {
		cursor, back, desc = f.Before, true, !desc
	}
	if cursor != "" {
		val, id, err := decodeCursor(f.Sort, cursor)
		if err != nil {
			return page, err
		}
		op := ">"
		if desc {
			op = "<"
		}
		q = q.Where("("+key+", applications.id) "+op+" (?, ?)", val, id)
	}
	// Text keys come back as the database compares them; the others the
	// cursor takes from the row itself.
	sortKey := ""
	if f.Sort == "title" || f.Sort == "unit" || f.Sort == "state" {
		sortKey = ", " + key + " AS sort_key"
	}
	q = q.Select("applications.*, org_units.name_sv AS unit_name_sv, org_units.name_en AS unit_name_en" +
		sortKey).Order(listOrder(f.Sort, desc)).Limit(f.Limit + 1)
	var rows []listRow
	if err := q.Scan(&rows).Error; err != nil {
		return page, err
	}
	more := len(rows) > f.Limit
	rows = rows[:min(len(rows), f.Limit)]
	if back {
		slices.Reverse(rows)
	}
	page.Rows = make([]ApplicationRow, len(rows))
	for i, r := range rows {
		page.Rows[i] = r.ApplicationRow
	}
	if len(rows) > 0 {
		first, last := rows[0], rows[len(rows)-1]
		if (back && more) || (!back && cursor != "") {
			page.Prev = encodeCursor(f.Sort, first)
		}
		if (!back && more) || back {
			page.Next = encodeCursor(f.Sort, last)
		}
	}
	return page, nil
}

// listRow is a list row with the value of its sort key as the database
// sees it (SQLite's LOWER is not Go's), for the cursor.
type listRow struct {
	ApplicationRow
	SortKey string `gorm:"column:sort_key"`
}

// listOrder orders by the sort key and then by id, both in one direction,
// so that an index on (key, id) serves the page.
func listOrder(sort string, desc bool) string {
	col, ok := sortColumns[sort]
	if !ok {
		col, desc = sortColumns["updated"], true
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return col + dir + ", applications.id" + dir
}

// encodeCursor names row's place in a list sorted by sort.
func encodeCursor(sort string, r listRow) string {
	var val string
	switch sort {
	case "updated":
		val = strconv.FormatInt(r.UpdatedAt.UnixMicro(), 10)
	case "number":
		val = ""
	case "requested":
		val = strconv.FormatInt(r.RequestedOre, 10)
	case "granted":
		val = strconv.FormatInt(r.GrantedOre, 10)
	default:
		val = r.SortKey
	}
	return cursorOf(r.ID, val)
}

// cursorOf is the cursor of the row id whose sort key has the value val;
// decodeCursor reads it back.
func cursorOf(id int64, val string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10) + ":" + val))
}

// decodeCursor reads a cursor back into the sort key's value and the id.
func decodeCursor(sort, cursor string) (any, int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, 0, ErrBadCursor
	}
	idText, val, ok := strings.Cut(string(raw), ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return nil, 0, ErrBadCursor
	}
	switch sort {
	case "updated":
		us, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, 0, ErrBadCursor
		}
		return time.UnixMicro(us).UTC(), id, nil
	case "number":
		return id, id, nil
	case "requested", "granted":
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return nil, 0, ErrBadCursor
		}
		return n, id, nil
	}
	return val, id, nil
}

// countList counts the matches of q, exactly from the kept totals when
// the filter is one they answer (calls, states, units, for a reader who
// sees every application), else by counting at most CountCap+1 rows.
func (s *Store) countList(ctx context.Context, v workflow.Visibility, f ApplicationFilter, units []int64, q *gorm.DB) (int64, bool, error) {
	var n int64
	if v.All && f.GoalID == 0 && strings.TrimSpace(f.Query) == "" {
		t := s.conn(ctx).Table("application_totals").Select("CAST(COALESCE(SUM(applications), 0) AS BIGINT)")
		if f.CallID != 0 {
			t = t.Where("call_id = ?", f.CallID)
		}
		if f.State != "" {
			t = t.Where("state = ?", f.State)
		}
		if f.UnitID != 0 {
			t = t.Where("unit_id = ?", f.UnitID)
		}
		if f.FacultyID != 0 {
			t = t.Where("unit_id IN ?", units)
		}
		err := t.Scan(&n).Error
		return n, true, err
	}
	err := s.conn(ctx).Table("(?) AS capped", q.Select("1").Limit(CountCap+1)).Count(&n).Error
	return n, n <= CountCap, err
}

// filterUnits reads the org chart once for f, when f needs it: its
// faculty with the units below it, and the units whose name or code its
// search text finds.
func (s *Store) filterUnits(ctx context.Context, f ApplicationFilter) (faculty, search []int64, err error) {
	text := strings.TrimSpace(f.Query)
	if f.FacultyID == 0 && text == "" {
		return nil, nil, nil
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, nil, err
	}
	if f.FacultyID != 0 {
		faculty = chart.Subtree(f.FacultyID)
	}
	if text != "" {
		search = chart.Find(text)
	}
	return faculty, search, nil
}

// listQuery is the FROM and WHERE of a list: what v may see that matches
// f (units is f's faculty with the units below it, searchUnits the units
// whose name or code f.Query finds), joined with the unit for its name.
func (s *Store) listQuery(ctx context.Context, v workflow.Visibility, f ApplicationFilter, units, searchUnits []int64) *gorm.DB {
	q := s.conn(ctx).Table("applications").Joins("JOIN org_units ON org_units.id = applications.unit_id").
		Where("applications.deleted_at IS NULL")
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
		q = q.Where("applications.unit_id IN ?", units)
	}
	if f.GoalID != 0 {
		q = q.Where("EXISTS (SELECT 1 FROM application_activities aa JOIN plan_activities pa ON pa.id = aa.activity_id "+
			"WHERE aa.application_id = applications.id AND pa.goal_id = ?)", f.GoalID)
	}
	if text := strings.TrimSpace(f.Query); text != "" {
		q = s.searchWhere(q, text, searchUnits)
	}
	return q
}

// minIndexedSearch is the shortest text the trigram indexes can find;
// shorter text is looked for without them.
const minIndexedSearch = 3

// searchWhere narrows q to the applications whose title or summary holds
// text in any case, whose unit is one of units, or whose number is text.
// Both databases find the same: PostgreSQL with LOWER … LIKE served by
// pg_trgm indexes, SQLite with its FTS5 trigram index (migration 00061).
func (s *Store) searchWhere(q *gorm.DB, text string, units []int64) *gorm.DB {
	var terms []string
	var args []any
	switch {
	case utf8.RuneCountInString(text) < minIndexedSearch:
		like := "%" + escapeLike(strings.ToLower(text)) + "%"
		terms = append(terms, "LOWER(applications.title) LIKE ? ESCAPE '\\' OR LOWER(applications.summary) LIKE ? ESCAPE '\\'")
		args = append(args, like, like)
	case s.dialect == Postgres:
		like := "%" + escapeLike(strings.ToLower(text)) + "%"
		terms = append(terms, "LOWER(applications.title) LIKE ? ESCAPE '\\'", "LOWER(applications.summary) LIKE ? ESCAPE '\\'")
		args = append(args, like, like)
	default:
		terms = append(terms, "applications.id IN (SELECT rowid FROM applications_fts WHERE applications_fts MATCH ?)")
		args = append(args, `"`+strings.ReplaceAll(text, `"`, `""`)+`"`)
	}
	if len(units) > 0 {
		terms = append(terms, "applications.unit_id IN ?")
		args = append(args, units)
	}
	if id, err := strconv.ParseInt(strings.TrimLeft(numberPart(text), "0"), 10, 64); err == nil {
		terms = append(terms, "applications.id = ?")
		args = append(args, id)
	}
	return q.Where("("+strings.Join(terms, " OR ")+")", args...)
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
