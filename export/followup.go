package export

import (
	"errors"
	"io"
	"iter"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Outcomes are what an application or a unit expected (Exp…) and
// reported (Act…) of the plan's outcomes: outgoing students per study
// level, mobility windows, partner agreements and participants.
type Outcomes struct {
	ExpFirst, ActFirst, ExpSecond, ActSecond, ExpThird, ActThird int64
	ExpWindows, ActWindowsIdentified, ActWindowsCreated          int64
	ExpAgreements, ActAgreements, ActParticipants                int64
}

// FollowupUnit is one unit's line of the follow-up: who it is, how many
// applications it made, had funded and reported, the money in öre, and
// its outcomes.
type FollowupUnit struct {
	Code, Unit, Faculty            string
	Applications, Funded, Reported int64

	RequestedOre, GrantedOre, ReturnedOre, SpentOre int64
	Outcomes
}

// FollowupActivity is one funded application under one of the plan
// activities it serves, as a unit enters it in its operational plan.
// Area, Goal, Activity and Neolaia are already in the reader's language.
type FollowupActivity struct {
	Unit, Number, Title           string
	Area, Goal, Activity, Neolaia string
	Category                      string

	GrantedOre, ReturnedOre, SpentOre int64
	Outcomes
}

// outcomeColumns are the outcome columns of rows of type T, whose
// outcomes of returns; both follow-up files list them in this order.
func outcomeColumns[T any](of func(*T) *Outcomes) []column[T] {
	o := func(id string, f func(*Outcomes) int64) column[T] {
		return count(id, func(r *T) int64 { return f(of(r)) })
	}
	return []column[T]{
		o("exp_first", func(x *Outcomes) int64 { return x.ExpFirst }),
		o("act_first", func(x *Outcomes) int64 { return x.ActFirst }),
		o("exp_second", func(x *Outcomes) int64 { return x.ExpSecond }),
		o("act_second", func(x *Outcomes) int64 { return x.ActSecond }),
		o("exp_third", func(x *Outcomes) int64 { return x.ExpThird }),
		o("act_third", func(x *Outcomes) int64 { return x.ActThird }),
		o("exp_windows", func(x *Outcomes) int64 { return x.ExpWindows }),
		o("act_windows_identified", func(x *Outcomes) int64 { return x.ActWindowsIdentified }),
		o("act_windows_created", func(x *Outcomes) int64 { return x.ActWindowsCreated }),
		o("exp_agreements", func(x *Outcomes) int64 { return x.ExpAgreements }),
		o("act_agreements", func(x *Outcomes) int64 { return x.ActAgreements }),
		o("act_participants", func(x *Outcomes) int64 { return x.ActParticipants }),
	}
}

// unitColumns are the per-unit export's columns, in file order.
var unitColumns = slices.Concat([]column[FollowupUnit]{
	text("code", func(r *FollowupUnit) string { return r.Code }),
	text("unit", func(r *FollowupUnit) string { return r.Unit }),
	text("faculty", func(r *FollowupUnit) string { return r.Faculty }),
	count("applications", func(r *FollowupUnit) int64 { return r.Applications }),
	count("funded", func(r *FollowupUnit) int64 { return r.Funded }),
	amount("requested", func(r *FollowupUnit) int64 { return r.RequestedOre }),
	amount("granted", func(r *FollowupUnit) int64 { return r.GrantedOre }),
	amount("returned", func(r *FollowupUnit) int64 { return r.ReturnedOre }),
	amount("spent", func(r *FollowupUnit) int64 { return r.SpentOre }),
}, outcomeColumns(func(r *FollowupUnit) *Outcomes { return &r.Outcomes }), []column[FollowupUnit]{
	count("reported", func(r *FollowupUnit) int64 { return r.Reported }),
})

// activityColumns are the operational-plan sheet's columns, in order.
var activityColumns = slices.Concat([]column[FollowupActivity]{
	text("unit", func(r *FollowupActivity) string { return r.Unit }),
	text("number", func(r *FollowupActivity) string { return r.Number }),
	text("title", func(r *FollowupActivity) string { return r.Title }),
	text("area", func(r *FollowupActivity) string { return r.Area }),
	text("goal", func(r *FollowupActivity) string { return r.Goal }),
	text("activity", func(r *FollowupActivity) string { return r.Activity }),
	text("neolaia", func(r *FollowupActivity) string { return r.Neolaia }),
	text("category", func(r *FollowupActivity) string { return r.Category }),
	amount("granted", func(r *FollowupActivity) int64 { return r.GrantedOre }),
	amount("returned", func(r *FollowupActivity) int64 { return r.ReturnedOre }),
	amount("spent", func(r *FollowupActivity) int64 { return r.SpentOre }),
}, outcomeColumns(func(r *FollowupActivity) *Outcomes { return &r.Outcomes }))

// FollowupColumns returns the ids of the per-unit file's columns in order;
// the caller's label function turns each into a heading.
func FollowupColumns() []string { return ids(unitColumns) }

// ActivityColumns returns the ids of the operational-plan sheet's columns.
func ActivityColumns() []string { return ids(activityColumns) }

// WriteFollowupCSV writes the follow-up per unit as CSV for Swedish Excel
// (see WriteCSV for the dialect), one row per unit after a heading row
// whose texts label gives for each column id. It returns the first error
// of w.
func WriteFollowupCSV(w io.Writer, label func(id string) string, rows []FollowupUnit) error {
	return writeTable(w, unitColumns, label, rows)
}

// FollowupWorkbook is what the follow-up workbook holds besides the
// activities: a sheet for the units' operational plans (every funded
// activity) and one per unit, with headings and sheet names in the
// reader's language.
type FollowupWorkbook struct {
	PlanSheet, UnitSheet string
	Label                func(id string) string
	Units                []FollowupUnit
}

// ErrSheetNames is returned when the workbook's two sheets are given one
// name, which would write both lists into one sheet.
var ErrSheetNames = errors.New("export: the follow-up workbook's sheets need two different names")

// planSheetPath is the plan sheet's entry in the archive: it is the
// workbook's first sheet.
const planSheetPath = "xl/worksheets/sheet1.xml"

// WriteFollowupXLSX writes the follow-up workbook: bold headings, text
// cells neutralised against formulas, counts as numbers and money as
// kronor number cells. The archive is written straight to w, and the plan
// sheet's rows are rendered a chunk at a time as acts come (see
// sheetSplicer), so memory stays flat however many activities there are.
// It returns ErrSheetNames, or the first error of acts, of excelize or of
// w.
func WriteFollowupXLSX(w io.Writer, wb FollowupWorkbook, acts iter.Seq2[FollowupActivity, error]) (err error) {
	if wb.PlanSheet == wb.UnitSheet {
		return ErrSheetNames
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", wb.PlanSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(wb.UnitSheet); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	// The plan sheet as written holds its heading only; the activities
	// are put after it while the archive is written to w.
	if err := writeSheet(f, st, wb.PlanSheet, activityColumns, wb.Label, nil); err != nil {
		return err
	}
	if err := writeSheet(f, st, wb.UnitSheet, unitColumns, wb.Label, wb.Units); err != nil {
		return err
	}
	return writeSpliced(f, w, planSheetPath, func(out io.Writer) error {
		rows := newRowChunks(out, 2)
		if acts == nil {
			return nil
		}
		for a, err := range acts {
			if err != nil {
				return err
			}
			if err := rows.add(tableCells(st, activityColumns, &a, make([]any, len(activityColumns)))); err != nil {
				return err
			}
		}
		return rows.flush()
	})
}

// writeSheet streams one sheet: a heading row and a row per value of rows.
func writeSheet[T any](f *excelize.File, st styles, sheet string, cols []column[T], label func(string) string, rows []T) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: st.bold, Value: label(c.id)}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for i := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), tableCells(st, cols, &rows[i], cells)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// tableCells fills cells with r's cells of the columns cols and returns
// it: text cells neutralised, counts as numbers and money as kronor.
func tableCells[T any](st styles, cols []column[T], r *T, cells []any) []any {
	for j, c := range cols {
		switch c.kind {
		case textCell:
			cells[j] = Inert(c.text(r))
		case countCell:
			cells[j] = c.num(r)
		default:
			cells[j] = excelize.Cell{StyleID: st.amount, Value: Kronor(c.num(r))}
		}
	}
	return cells
}
