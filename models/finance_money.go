package models

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// ApplicationMoney is what one application holds of the pot and what the
// finance batches have moved for it, as triggers keep it in
// application_money (migration 00065) on every change to an application,
// a batch line or a batch's booking. A batch moves StandingOre -
// ExportedOre.
type ApplicationMoney struct {
	ApplicationID int64 `gorm:"primaryKey"`
	CallID        int64
	UnitID        int64
	StandingOre   int64 // granted less returned while it holds money; 0 for a deleted draft
	ExportedOre   int64 // what its batch lines add up to
	BookedOre     int64 // what its lines in booked batches add up to
	Awards        int   // its award lines: 0 or 1
}

// TableName names the kept table.
func (ApplicationMoney) TableName() string { return "application_money" }

// FinanceMoney returns the kept money of every application, in id order.
// Tests compare it with FinanceMoneyRecomputed.
func (s *Store) FinanceMoney(ctx context.Context) ([]ApplicationMoney, error) {
	var out []ApplicationMoney
	err := s.conn(ctx).Order("application_id").Find(&out).Error
	return out, err
}

// FinanceMoneyRecomputed sums every application's money from the
// applications and the batch lines themselves, the way the triggers
// should have kept it, in id order.
func (s *Store) FinanceMoneyRecomputed(ctx context.Context) ([]ApplicationMoney, error) {
	var out []ApplicationMoney
	err := s.conn(ctx).Table("applications a").Select("a.id AS application_id, a.call_id, a.unit_id, "+
		"CASE WHEN a.deleted_at IS NULL AND a.state IN @holding THEN a.granted_ore - a.returned_ore ELSE 0 END AS standing_ore, "+
		"COALESCE((SELECT SUM(l.amount_ore) FROM finance_batch_lines l WHERE l.application_id = a.id), 0) AS exported_ore, "+
		"COALESCE((SELECT SUM(l.amount_ore) FROM finance_batch_lines l JOIN finance_batches b ON b.id = l.batch_id "+
		"WHERE l.application_id = a.id AND b.booked_at IS NOT NULL), 0) AS booked_ore, "+
		"(SELECT COUNT(*) FROM finance_batch_lines l WHERE l.application_id = a.id AND l.kind = @award) AS awards",
		map[string]any{"holding": moneyStates(), "award": LineAward}).Order("a.id").Scan(&out).Error
	return out, err
}

// The conditions on application_money m that find what waits for the
// next batch. pendingWhere is the partial index's own condition (00066),
// so that both databases use it; movableWhere keeps the differences a
// batch can move: an award not yet exported, or money coming back from
// an application whose award was. Anything else (a second award, money
// coming back that never left) waits for no batch: the reconciliation
// shows it.
const (
	pendingWhere = "m.standing_ore <> m.exported_ore"
	movableWhere = "((m.standing_ore > m.exported_ore AND m.awards = 0) OR (m.standing_ore < m.exported_ore AND m.awards > 0))"
	// waitingSQL is what the next batch moves for application m.
	waitingSQL = "(CASE WHEN " + pendingWhere + " AND " + movableWhere + " THEN m.standing_ore - m.exported_ore ELSE 0 END)"
)

// pendingUnit is a unit with lines waiting for the next batch: how many,
// their sum, and the first application, by id.
type pendingUnit struct {
	UnitID   int64
	FirstApp int64
	Lines    int
	TotalOre int64
}

// pendingUnits sums what waits for the next batch per unit, in the order
// of each unit's first application.
func (s *Store) pendingUnits(ctx context.Context) ([]pendingUnit, error) {
	var out []pendingUnit
	err := s.conn(ctx).Table("application_money m").
		Select("m.unit_id, MIN(m.application_id) AS first_app, COUNT(*) AS lines, CAST(SUM(m.standing_ore - m.exported_ore) AS BIGINT) AS total_ore").
		Where(pendingWhere + " AND " + movableWhere).Group("m.unit_id").Order("first_app").Scan(&out).Error
	return out, err
}

// lineUnit is what a line copies from its unit: the unit's code and name,
// the cost centre (its own or the nearest above it), and its project.
type lineUnit struct {
	ID                       int64
	Code, Name               string
	CostCentre               string
	ProjectCode, ProjectName string
}

// lineUnits are the units with pending lines, each with what its lines
// copy from it.
func lineUnits(chart *OrgChart, units []pendingUnit) []lineUnit {
	out := make([]lineUnit, len(units))
	for i, pu := range units {
		u, _ := chart.Unit(pu.UnitID)
		out[i] = lineUnit{ID: pu.UnitID, Code: u.Code, Name: u.NameSV, CostCentre: costCentreOf(chart, pu.UnitID),
			ProjectCode: u.ProjectCode, ProjectName: u.ProjectName}
	}
	return out
}

// costCentreOf is the cost centre of the unit, or of the nearest unit
// above it that has one.
func costCentreOf(chart *OrgChart, unitID int64) string {
	for _, id := range chart.Path(unitID) {
		if u, ok := chart.Unit(id); ok && u.CostCentre != "" {
			return u.CostCentre
		}
	}
	return ""
}

// pendingQuery is the SQL that makes the next batch's lines in one
// statement, in application order, every field filled in as a line keeps
// it: the kind and the reference and date of the decision behind it, the
// unit's fields, the activities by their place in the plan, the amount
// and the voucher text from the settings' pattern.
type pendingQuery struct {
	s         *Store
	with      string // WITH u (…) AS (VALUES …)
	withArgs  []any
	lines     string // SELECT … the lines, with their positions
	linesArgs []any
}

// pendingOptions narrow a pendingQuery.
type pendingOptions struct {
	// limit > 0 makes only the first limit lines, of applications with
	// id above after.
	limit int
	after int64
	// texts makes only what the texts need: no activities, no dates.
	texts bool
	// unsafe keeps only the lines whose application's texts match the
	// SIE-unsafe pattern (see sieUnsafePattern) or whose unit is one of
	// unsafeUnits; nil keeps all.
	unsafe      *string
	unsafeUnits []int64
}

// newPendingQuery builds the query for the lines of units only (the CTE
// u holds them, with what the lines copy), with voucher texts from
// pattern numbered batch ("" for a preview), narrowed by o.
func (s *Store) newPendingQuery(units []lineUnit, pattern, batch string, o pendingOptions) *pendingQuery {
	q := &pendingQuery{s: s}
	var rows []string
	for _, u := range units {
		rows = append(rows, "(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))")
		q.withArgs = append(q.withArgs, u.ID, u.Code, u.Name, u.CostCentre, u.ProjectCode, u.ProjectName)
	}
	q.with = "WITH u (id, code, name, cost_centre, project_code, project_name) AS (VALUES " + strings.Join(rows, ", ") + ") "
	reference := "'MF-' || " + s.localYearSQL("a.created_at") + " || '-' || " +
		"CASE WHEN a.id < 10 THEN '000' WHEN a.id < 100 THEN '00' WHEN a.id < 1000 THEN '0' ELSE '' END || CAST(a.id AS TEXT)"
	kind := "CASE WHEN m.standing_ore > m.exported_ore THEN '" + LineAward + "' WHEN a.state = 'revoked' THEN '" + LineReversal +
		"' ELSE '" + LineReturn + "' END"
	var label string
	if s.dialect == Postgres {
		label = "(SELECT string_agg(pa.position || '.' || pg.position || '.' || pc.position, '; ' ORDER BY pa.position, pg.position, pc.position) "
	} else {
		label = "(SELECT group_concat(pa.position || '.' || pg.position || '.' || pc.position, '; ') "
	}
	label += "FROM application_activities aa JOIN plan_activities pc ON pc.id = aa.activity_id " +
		"JOIN plan_goals pg ON pg.id = pc.goal_id JOIN plan_areas pa ON pa.id = pg.area_id WHERE aa.application_id = a.id)"
	if o.texts {
		label = "''"
	} else if s.dialect != Postgres {
		// SQLite concatenates in the order rows come; this subquery
		// gives them in plan order.
		label = "(SELECT group_concat(lbl, '; ') FROM (SELECT pa.position || '.' || pg.position || '.' || pc.position AS lbl " +
			"FROM application_activities aa JOIN plan_activities pc ON pc.id = aa.activity_id " +
			"JOIN plan_goals pg ON pg.id = pc.goal_id JOIN plan_areas pa ON pa.id = pg.area_id WHERE aa.application_id = a.id " +
			"ORDER BY pa.position, pg.position, pc.position))"
	}
	// A page is taken from the pending index before anything is joined.
	from := "application_money m"
	var innerArgs []any
	if o.limit > 0 {
		from = "(SELECT * FROM application_money m WHERE " + pendingWhere + " AND " + movableWhere +
			" AND m.application_id > ? ORDER BY m.application_id LIMIT " + strconv.Itoa(o.limit) + ") m"
		innerArgs = append(innerArgs, o.after)
	}
	accepted, report := "r.accepted_at", " LEFT JOIN application_reports r ON r.application_id = a.id"
	if o.texts {
		accepted, report = "a.decided_at", ""
	}
	if s.dialect == Postgres && o.limit == 0 && !o.texts {
		// A whole batch: the labels of every pending application in one
		// grouped join rather than a subquery per application.
		m2 := strings.NewReplacer("m.", "m2.")
		report += " LEFT JOIN (SELECT aa.application_id, string_agg(pa.position || '.' || pg.position || '.' || pc.position, '; ' " +
			"ORDER BY pa.position, pg.position, pc.position) AS labels " +
			"FROM application_money m2 JOIN application_activities aa ON aa.application_id = m2.application_id " +
			"JOIN plan_activities pc ON pc.id = aa.activity_id JOIN plan_goals pg ON pg.id = pc.goal_id JOIN plan_areas pa ON pa.id = pg.area_id " +
			"WHERE " + m2.Replace(pendingWhere) + " AND " + m2.Replace(movableWhere) + " GROUP BY aa.application_id) act ON act.application_id = a.id"
		label = "act.labels"
	}
	inner := "SELECT m.application_id, m.standing_ore - m.exported_ore AS amount_ore, " + kind + " AS kind, " + reference + " AS reference, " +
		"a.title, a.decision_ref, a.revocation_ref, a.decided_at, a.revoked_at, " + accepted + " AS accepted_at, a.unit_id, " +
		"u.code AS unit_code, u.name AS unit_name, u.cost_centre, u.project_code, u.project_name, COALESCE(" + label + ", '') AS activities " +
		"FROM " + from + " JOIN applications a ON a.id = m.application_id JOIN u ON u.id = a.unit_id" + report +
		" WHERE " + pendingWhere + " AND " + movableWhere
	if o.unsafe != nil {
		op, _ := s.sieUnsafePattern()
		inner += " AND (a.title " + op + " ? OR a.decision_ref " + op + " ? OR a.revocation_ref " + op + " ?"
		innerArgs = append(innerArgs, *o.unsafe, *o.unsafe, *o.unsafe)
		if len(o.unsafeUnits) > 0 {
			inner += " OR a.unit_id IN ?"
			innerArgs = append(innerArgs, o.unsafeUnits)
		}
		inner += ")"
	}
	if o.limit > 0 {
		inner += " ORDER BY m.application_id LIMIT " + strconv.Itoa(o.limit)
	}
	mid := "SELECT i.application_id, i.kind, i.reference, i.title, " +
		"CASE i.kind WHEN '" + LineAward + "' THEN i.decision_ref WHEN '" + LineReversal + "' THEN i.revocation_ref ELSE ? || i.reference END AS decision_ref, " +
		"CASE i.kind WHEN '" + LineAward + "' THEN " + s.localDateSQL("i.decided_at") + " WHEN '" + LineReversal + "' THEN " +
		s.localDateSQL("i.revoked_at") + " ELSE " + s.localDateSQL("i.accepted_at") + " END AS decision_date, " +
		"i.unit_id, i.unit_code, i.unit_name, i.cost_centre, i.project_code, i.project_name, i.activities, i.amount_ore FROM (" + inner + ") i"
	// The voucher text: the pattern's placeholders replaced as
	// strings.NewReplacer would, in one pass, each by its column.
	text := "(CASE p.kind WHEN '" + LineReversal + "' THEN ? WHEN '" + LineReturn + "' THEN ? ELSE '' END"
	q.linesArgs = append(q.linesArgs, reversalPrefix, returnPrefix)
	for _, tok := range voucherTokens(pattern) {
		switch tok {
		case "{application}":
			text += " || p.reference"
		case "{decision}":
			text += " || p.decision_ref"
		case "{unit}":
			text += " || p.unit_name"
		case "{title}":
			text += " || p.title"
		case "{batch}":
			text += " || ?"
			q.linesArgs = append(q.linesArgs, batch)
		default:
			text += " || ?"
			q.linesArgs = append(q.linesArgs, tok)
		}
	}
	text += ")"
	q.lines = "SELECT p.application_id, p.kind, p.reference, p.title, p.decision_ref, p.decision_date, p.unit_id, p.unit_code, " +
		"p.unit_name, p.cost_centre, p.project_code, p.project_name, p.activities, p.amount_ore, " +
		"ROW_NUMBER() OVER (ORDER BY p.application_id) AS position, " + text + " AS voucher_text FROM (" + mid + ") p"
	q.linesArgs = append(append(q.linesArgs, returnRefPrefix), innerArgs...)
	return q
}

// voucherTokens splits a voucher text pattern into its placeholders and
// the literal text between them, left to right as strings.NewReplacer
// reads it (no placeholder is the start of another).
func voucherTokens(pattern string) []string {
	placeholders := []string{"{application}", "{decision}", "{unit}", "{title}", "{batch}"}
	var out []string
	lit := 0
	for i := 0; i < len(pattern); {
		found := ""
		if pattern[i] == '{' {
			for _, p := range placeholders {
				if strings.HasPrefix(pattern[i:], p) {
					found = p
					break
				}
			}
		}
		if found == "" {
			i++
			continue
		}
		if lit < i {
			out = append(out, pattern[lit:i])
		}
		out = append(out, found)
		i += len(found)
		lit = i
	}
	if lit < len(pattern) {
		out = append(out, pattern[lit:])
	}
	return out
}

// pendingLineColumns are the columns a batch line is inserted with, in
// the order of pendingQuery's lines.
const pendingLineColumns = "application_id, kind, reference, title, decision_ref, decision_date, unit_id, unit_code, unit_name, " +
	"cost_centre, project_code, project_name, activities, amount_ore, position, voucher_text"

// zoneName is the university's time zone as PostgreSQL names it, or ""
// when its name is not one PostgreSQL could know.
func (s *Store) zoneName() string {
	name := s.zone.String()
	if name == "" || name == "Local" || strings.ContainsFunc(name, func(r rune) bool {
		return !(isASCIIAlnum(r) || strings.ContainsRune("/_+-", r))
	}) {
		return ""
	}
	return name
}

// localDateSQL is SQL for the calendar day of timestamp column col in the
// university's time zone, as a DATE column keeps it (see civilDate), NULL
// when col is.
func (s *Store) localDateSQL(col string) string {
	if s.dialect == Postgres {
		if z := s.zoneName(); z != "" {
			return "CAST(" + col + " AT TIME ZONE '" + z + "' AS DATE)"
		}
		return "CAST(" + col + " AT TIME ZONE 'UTC' + " + s.offsetSQL(col) + " * INTERVAL '1 second' AS DATE)"
	}
	// SQLite keeps timestamps as UTC text and DATE columns as midnight
	// UTC in the same layout.
	return "(date(" + col + ", " + s.offsetSQL(col) + " || ' seconds') || ' 00:00:00+00:00')"
}

// localYearSQL is SQL for the year, as text, of timestamp column col in
// the university's time zone.
func (s *Store) localYearSQL(col string) string {
	if s.dialect == Postgres {
		if z := s.zoneName(); z != "" {
			return "CAST(CAST(EXTRACT(YEAR FROM " + col + " AT TIME ZONE '" + z + "') AS INTEGER) AS TEXT)"
		}
		return "CAST(CAST(EXTRACT(YEAR FROM " + col + " AT TIME ZONE 'UTC' + " + s.offsetSQL(col) + " * INTERVAL '1 second') AS INTEGER) AS TEXT)"
	}
	return "strftime('%Y', " + col + ", " + s.offsetSQL(col) + " || ' seconds')"
}

// offsetSQL is SQL for the university's offset from UTC, in seconds, at
// the instant in timestamp column col: a CASE over the zone's changes
// from 1970 to two years ahead, newest first, so that recent instants
// find theirs at once. Instants before 1970 take the offset of 1970.
func (s *Store) offsetSQL(col string) string {
	layout := "2006-01-02 15:04:05"
	quote := func(t time.Time) string {
		if s.dialect == Postgres {
			return "TIMESTAMPTZ '" + t.UTC().Format(layout) + "+00'"
		}
		return "'" + t.UTC().Format(layout) + "'"
	}
	type period struct {
		start  time.Time
		offset int
	}
	var periods []period
	end := s.now().AddDate(2, 0, 0)
	t := time.Date(1970, 1, 1, 0, 0, 0, 0, s.zone)
	first := 0
	_, first = t.Zone()
	for t.Before(end) {
		_, off := t.Zone()
		periods = append(periods, period{t, off})
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.After(t) {
			break
		}
		t = next
	}
	var b strings.Builder
	b.WriteString("(CASE")
	for i := len(periods) - 1; i >= 1; i-- {
		fmt.Fprintf(&b, " WHEN %s >= %s THEN %d", col, quote(periods[i].start), periods[i].offset)
	}
	fmt.Fprintf(&b, " ELSE %d END)", first)
	return b.String()
}

// civilDay scans a DATE (a time on PostgreSQL, text on SQLite) computed
// in SQL as the day it names, midnight UTC.
type civilDay struct{ t *time.Time }

// Scan implements sql.Scanner.
func (d *civilDay) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		d.t = nil
		return nil
	case time.Time:
		y, m, dd := x.Date()
		t := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		d.t = &t
		return nil
	case []byte:
		v = string(x)
	}
	s, ok := v.(string)
	if !ok || len(s) < len(time.DateOnly) {
		return fmt.Errorf("a day from %T %v", v, v)
	}
	t, err := time.Parse(time.DateOnly, s[:len(time.DateOnly)])
	if err != nil {
		return err
	}
	d.t = &t
	return nil
}

// Value implements driver.Valuer, for completeness.
func (d civilDay) Value() (driver.Value, error) {
	if d.t == nil {
		return nil, nil
	}
	return *d.t, nil
}

// sieUnsafePattern matches text with a character that a SIE file cannot
// hold as it is (one that code page 437 lacks, or a backslash); control
// characters are not counted, as export.SIEChanges does not list them.
// It finds the few lines whose texts the preview must check.
func (s *Store) sieUnsafePattern() (op, pattern string) {
	var high strings.Builder
	for c := 0x80; c <= 0xff; c++ {
		if r := charmap.CodePage437.DecodeByte(byte(c)); r >= 0x80 {
			high.WriteRune(r)
		}
	}
	if s.dialect == Postgres {
		return "~", `[^\x01-\x5b\x5d-\x7f` + high.String() + `]`
	}
	// GLOB: "]" first in the set is itself; "^" after the first place too.
	return "GLOB", "*[^]\x01-[^-\x7f" + high.String() + "]*"
}
