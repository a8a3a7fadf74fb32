package models

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"mobilityfund/workflow"
)

// OrgChartColumns are the columns of the org chart's CSV, in the order
// the export writes them. The first six are required; kind and
// project_name may be left out (a unit without a parent is then a
// faculty, one with a parent an institution; an existing unit keeps
// what it has).
var OrgChartColumns = []string{"code", "name_sv", "name_en", "parent", "cost_centre", "project", "kind", "project_name"}

const requiredOrgChartColumns = 6

// ImportProblem is one thing wrong with an import file: the row (1 is the
// header) and the column, and a message id.
type ImportProblem struct {
	Row   int
	Field string
	Msg   string
	// Other is the row a duplicate repeats.
	Other int
}

// ImportError lists everything wrong with an import file; nothing of it
// was applied.
type ImportError struct {
	Problems []ImportProblem
}

func (e *ImportError) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("row %d, %s: %s", p.Row, p.Field, p.Msg))
	}
	return "import: " + strings.Join(parts, "; ")
}

// Message ids of import problems.
const (
	MsgImportEmpty     = "admin.import.err.empty"
	MsgImportColumn    = "admin.import.err.missing_column"
	MsgImportDuplicate = "admin.import.err.duplicate"
	MsgImportUnreadble = "admin.import.err.unreadable"
)

// UnitRow is one row of an org chart file, with its row number.
type UnitRow struct {
	Row int
	UnitInput
	keepKind, keepProjectName bool
}

// DecodeText returns data as UTF-8 text: UTF-8 (with or without a byte
// order mark) as it is, anything else read as Windows-1252, which is what
// Excel on a Swedish Windows saves "CSV" in.
func DecodeText(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return string(bytes.ToValidUTF8(data, []byte("\uFFFD")))
	}
	return string(out)
}

// ParseOrgChart reads an org chart file: a header row naming the columns
// (any order, OrgChartColumns' names), then one unit a row; commas or
// semicolons (Swedish Excel) separate the fields. It returns an
// *ImportError naming the row and column of every problem it can find
// without the database: missing columns, duplicate codes, empty fields.
func ParseOrgChart(data []byte) ([]UnitRow, error) {
	text := DecodeText(data)
	first, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	if strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Problems: []ImportProblem{{Row: 1, Field: "", Msg: MsgImportEmpty}}}
	}
	if err != nil {
		return nil, &ImportError{Problems: []ImportProblem{{Row: 1, Field: "", Msg: MsgImportUnreadble}}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var problems []ImportProblem
	for _, name := range OrgChartColumns[:requiredOrgChartColumns] {
		if _, ok := col[name]; !ok {
			problems = append(problems, ImportProblem{Row: 1, Field: name, Msg: MsgImportColumn})
		}
	}
	if len(problems) > 0 {
		return nil, &ImportError{Problems: problems}
	}
	var rows []UnitRow
	seen := map[string]int{}
	for n := 2; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, ImportProblem{Row: n, Msg: MsgImportUnreadble})
			break
		}
		get := func(name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return "", false
			}
			return strings.TrimSpace(rec[i]), true
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		row := UnitRow{Row: n}
		row.Code, _ = get("code")
		row.NameSV, _ = get("name_sv")
		row.NameEN, _ = get("name_en")
		row.Parent, _ = get("parent")
		row.CostCentre, _ = get("cost_centre")
		row.ProjectCode, _ = get("project")
		kind, ok := get("kind")
		row.Kind, row.keepKind = UnitKind(kind), !ok || kind == ""
		row.ProjectName, ok = get("project_name")
		row.keepProjectName = !ok
		if first, dup := seen[row.Code]; dup && row.Code != "" {
			problems = append(problems, ImportProblem{Row: n, Field: "code", Msg: MsgImportDuplicate, Other: first})
		}
		seen[row.Code] = n
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

// UnitChange is what an import does to one unit: "create", "update" or
// "" (nothing), and for an update the fields that change.
type UnitChange struct {
	Row    int
	Code   string
	Action string
	Fields []string
	Input  UnitInput
}

// ImportOrgChart applies rows to the org chart in one transaction, parents
// before children, each change audited; with apply false it only reports
// what would change and rolls everything back (the preview). It returns
// an *ImportError naming the row and field of every problem (an unknown
// parent, a unit moved under itself, a bad value), in which case nothing
// is applied. Units the file does not name are left as they are, so
// importing the same file twice changes nothing the second time.
func (s *Store) ImportOrgChart(ctx context.Context, actor *Actor, rows []UnitRow, apply bool) ([]UnitChange, error) {
	if actor == nil || !actor.Has(workflow.RoleAdmin) {
		return nil, workflow.ErrForbidden
	}
	return s.importOrgChart(ctx, actorID(actor), rows, apply)
}

var errPreviewOnly = errors.New("preview: roll back")

func (s *Store) importOrgChart(ctx context.Context, actor *int64, rows []UnitRow, apply bool) ([]UnitChange, error) {
	var changes []UnitChange
	err := s.WithTx(ctx, func(ctx context.Context) error {
		chart, err := s.OrgChart(ctx)
		if err != nil {
			return err
		}
		byCode := map[string]OrgUnit{}
		for _, u := range chart.Units {
			byCode[u.Code] = u
		}
		inFile := map[string]bool{}
		for _, r := range rows {
			inFile[r.Code] = true
		}
		var problems []ImportProblem
		done := map[string]bool{}
		// Parents first: a row waits until its parent exists, whether the
		// parent is in the chart already or further down the file.
		pending := rows
		for len(pending) > 0 {
			var later []UnitRow
			for _, r := range pending {
				if r.Parent != "" && inFile[r.Parent] && !done[r.Parent] && r.Parent != r.Code {
					later = append(later, r)
					continue
				}
				done[r.Code] = true
				in := r.UnitInput
				old, exists := byCode[r.Code]
				if exists && r.keepKind {
					in.Kind = old.Kind
				}
				if exists && r.keepProjectName {
					in.ProjectName = old.ProjectName
				}
				var id int64
				if exists {
					id = old.ID
				}
				before := unitInput(chart, old)
				u, err := s.saveUnit(ctx, chart, actor, id, in)
				var v *workflow.ValidationError
				if errors.As(err, &v) {
					for _, f := range []string{"code", "name_sv", "name_en", "kind", "parent", "cost_centre", "project_code", "project_name"} {
						if msg, ok := v.Fields[f]; ok {
							field := f
							if f == "project_code" {
								field = "project"
							}
							problems = append(problems, ImportProblem{Row: r.Row, Field: field, Msg: msg})
						}
					}
					continue
				}
				if err != nil {
					return err
				}
				byCode[u.Code] = u
				c := UnitChange{Row: r.Row, Code: r.Code, Input: unitInput(chart, u)}
				switch {
				case !exists:
					c.Action = "create"
				default:
					c.Fields = changedUnitFields(before, c.Input)
					if len(c.Fields) > 0 {
						c.Action = "update"
					}
				}
				changes = append(changes, c)
			}
			if len(later) == len(pending) {
				// What is left waits on itself: a cycle in the file.
				for _, r := range later {
					problems = append(problems, ImportProblem{Row: r.Row, Field: "parent", Msg: MsgUnitCycle})
				}
				break
			}
			pending = later
		}
		if len(problems) > 0 {
			return &ImportError{Problems: problems}
		}
		if !apply {
			return errPreviewOnly
		}
		return nil
	})
	if errors.Is(err, errPreviewOnly) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	return changes, nil
}

func changedUnitFields(a, b UnitInput) []string {
	var out []string
	for _, f := range []struct {
		name     string
		from, to string
	}{
		{"name_sv", a.NameSV, b.NameSV}, {"name_en", a.NameEN, b.NameEN}, {"kind", string(a.Kind), string(b.Kind)},
		{"parent", a.Parent, b.Parent}, {"cost_centre", a.CostCentre, b.CostCentre}, {"project", a.ProjectCode, b.ProjectCode},
		{"project_name", a.ProjectName, b.ProjectName},
	} {
		if f.from != f.to {
			out = append(out, f.name)
		}
	}
	return out
}

// OrgChartRows returns every unit as a row of the org chart's CSV
// (OrgChartColumns), parents before children: what ParseOrgChart reads
// back.
func (c *OrgChart) OrgChartRows() [][]string {
	var out [][]string
	var walk func(ids []int64)
	walk = func(ids []int64) {
		for _, id := range ids {
			in := c.UnitInputOf(id)
			out = append(out, []string{in.Code, in.NameSV, in.NameEN, in.Parent, in.CostCentre, in.ProjectCode, string(in.Kind), in.ProjectName})
			var kids []int64
			for _, k := range c.Children(id) {
				kids = append(kids, k.ID)
			}
			walk(kids)
		}
	}
	var roots []int64
	for _, u := range c.Units {
		if u.ParentID == nil {
			roots = append(roots, u.ID)
		}
	}
	walk(roots)
	return out
}
