package handlers

import (
	"bytes"
	"encoding/csv"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"mobilityfund/finance"
	"mobilityfund/i18n"
	"mobilityfund/models"
)

// neolaiaRow is one NEOLAiA relation's share of the money.
type neolaiaRow struct {
	models.FollowupNeolaiaRow
	Share string
}

// followup is everything the follow-up pages and exports show: the sums
// the store read, with each NEOLAiA relation's share written in the
// reader's language and the charts.
type followup struct {
	*models.Followup
	Neolaia []neolaiaRow
	Charts  map[string]*chart
}

// loadFollowup reads the filter from the query string (plan, call, unit,
// year; defaultYear when there is none, 0 is every year) and sums the
// follow-up for the signed-in person's scope.
func (h *Handler) loadFollowup(c *gin.Context, defaultYear int) (*followup, error) {
	q := c.Request.URL.Query()
	fq := models.FollowupQuery{PlanID: queryID(q, "plan"), CallID: queryID(q, "call"), UnitID: queryID(q, "unit")}
	year, err := queryYear(q, "year")
	if err != nil {
		return nil, err
	}
	fq.Year = year
	if q.Get("year") == "" {
		fq.Year = defaultYear
	}
	f, err := h.store.Followup(c.Request.Context(), actorOf(c), fq)
	if err != nil {
		return nil, err
	}
	l := localizer(c)
	d := &followup{Followup: f, Charts: map[string]*chart{}}
	for _, row := range f.Neolaia {
		d.Neolaia = append(d.Neolaia, neolaiaRow{FollowupNeolaiaRow: row,
			Share: percent(row.Sums.NetGrantedOre(), f.Total.NetGrantedOre(), l.Lang)})
	}
	d.Charts["areas"] = areaChart(l, f.Plan, f.ByArea)
	d.Charts["neolaia"] = neolaiaChart(l, d.Neolaia, f.Total.NetGrantedOre())
	d.Charts["pot"] = potChart(l, f.Months, f.Budget)
	return d, nil
}

// links are the follow-up's pages and exports with the same filter. The
// query is built from the parsed numbers, so it holds nothing typed.
func (d *followup) links() map[string]template.URL {
	q := url.Values{"plan": {strconv.FormatInt(d.Filter.PlanID, 10)}}
	for k, v := range map[string]int64{"call": d.Filter.CallID, "unit": d.Filter.UnitID, "year": int64(d.Filter.Year)} {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	enc := q.Encode()
	out := map[string]template.URL{}
	for name, path := range map[string]string{"page": "/followup", "csv": "/followup/export.csv",
		"xlsx": "/followup/export.xlsx", "yearly": "/followup/yearly"} {
		out[name] = template.URL(path + "?" + enc) // built from integers above
	}
	return out
}

// percent writes part/whole with one decimal: "45,3 %" or "45.3 %".
func percent(part, whole int64, lang string) string {
	if whole <= 0 {
		return "–"
	}
	permille := (part*1000 + whole/2) / whole
	dec := ","
	if lang == "en" {
		dec = "."
	}
	return strconv.FormatInt(permille/10, 10) + dec + strconv.FormatInt(permille%10, 10) + "\u00a0%"
}

// showFollowup shows the follow-up: plan areas, goals and activities,
// units and faculties, NEOLAiA, calls and the pot over time.
func (h *Handler) showFollowup(c *gin.Context) {
	d, err := h.loadFollowup(c, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "followup", gin.H{"F": d, "Links": d.links()})
}

// showYearlyReport shows the follow-up as a printable report for the
// vice-rector: the same sums without the filter form and links, with
// the print stylesheet doing the rest. Without a year it is this year's.
func (h *Handler) showYearlyReport(c *gin.Context) {
	d, err := h.loadFollowup(c, h.store.Now().Year())
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "followup", gin.H{"F": d, "Yearly": true, "Today": h.store.Now(), "Links": d.links()})
}

// csvOre writes an amount in kronor with a decimal comma and no grouping,
// as Swedish Excel reads it.
func csvOre(ore int64) string {
	sign := ""
	if ore < 0 {
		sign, ore = "-", -ore
	}
	return sign + strconv.FormatInt(ore/100, 10) + "," + strconv.FormatInt(ore%100/10, 10) + strconv.FormatInt(ore%10, 10)
}

// unitHeader and unitRecord are the per-unit export's columns.
func unitHeader(l *i18n.Localizer) []string {
	ids := []string{"code", "unit", "faculty", "applications", "funded", "requested", "granted", "returned", "spent",
		"exp_first", "act_first", "exp_second", "act_second", "exp_third", "act_third", "exp_windows",
		"act_windows_identified", "act_windows_created", "exp_agreements", "act_agreements", "act_participants", "reported"}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = l.T("followup.col." + id)
	}
	return out
}

func unitRecord(l *i18n.Localizer, r models.FollowupUnitRow) []string {
	s := r.Sums
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	return []string{finance.Inert(r.Unit.Code), finance.Inert(r.Unit.Name(l.Lang)), finance.Inert(r.Faculty.Name(l.Lang)),
		n(s.Applications), n(s.Funded), csvOre(s.RequestedOre), csvOre(s.GrantedOre), csvOre(s.ReturnedOre), csvOre(s.SpentOre),
		n(s.ExpFirst), n(s.ActFirst), n(s.ExpSecond), n(s.ActSecond), n(s.ExpThird), n(s.ActThird), n(s.ExpWindows),
		n(s.ActWindowsIdentified), n(s.ActWindowsMade), n(s.ExpAgreements), n(s.ActAgreements), n(s.ActParticipants), n(s.Reported)}
}

// exportFollowupCSV sends the follow-up per unit as CSV for Swedish
// Excel: UTF-8 with BOM, semicolons, decimal comma, and text cells that
// could be read as formulas neutralised.
func (h *Handler) exportFollowupCSV(c *gin.Context) {
	d, err := h.loadFollowup(c, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write(unitHeader(l))
	for _, r := range d.UnitRows {
		_ = w.Write(unitRecord(l, r))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="uppfoljning-`+exportName(d)+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func exportName(d *followup) string {
	name := d.Plan.Code
	if d.Filter.CallID != 0 {
		name += "-call" + strconv.FormatInt(d.Filter.CallID, 10)
	}
	if d.Filter.UnitID != 0 {
		name += "-unit" + strconv.FormatInt(d.Filter.UnitID, 10)
	}
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, name)
}

// exportFollowupXLSX sends a workbook for the units' operational plans:
// every funded activity with its plan goal and the category
// "Internationalisering", and the follow-up per unit.
func (h *Handler) exportFollowupXLSX(c *gin.Context) {
	d, err := h.loadFollowup(c, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows, err := h.store.OperationalRows(c.Request.Context(), d.Filter)
	if err != nil {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	org, err := h.store.OrgChart(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	plan, units := l.T("followup.sheet.plan"), l.T("followup.sheet.units")
	if err := f.SetSheetName("Sheet1", plan); err != nil {
		h.fail(c, err)
		return
	}
	if _, err := f.NewSheet(units); err != nil {
		h.fail(c, err)
		return
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	amount, _ := f.NewStyle(&excelize.Style{NumFmt: 4})
	put := func(sheet string, row int, values []any, style int) {
		for i, v := range values {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			_ = f.SetCellValue(sheet, cell, v)
			if style != 0 {
				_ = f.SetCellStyle(sheet, cell, cell, style)
			}
		}
	}
	head := []any{}
	for _, id := range []string{"unit", "number", "title", "area", "goal", "activity", "neolaia", "category", "granted",
		"returned", "spent", "exp_first", "act_first", "exp_second", "act_second", "exp_third", "act_third",
		"exp_windows", "act_windows_identified", "act_windows_created", "exp_agreements", "act_agreements", "act_participants"} {
		head = append(head, l.T("followup.col."+id))
	}
	put(plan, 1, head, bold)
	kr := finance.Kronor
	for i, r := range rows {
		u, _ := org.Unit(r.UnitID)
		put(plan, i+2, []any{finance.Inert(u.Name(l.Lang)), r.Number(), finance.Inert(r.Title), models.Text(l.Lang, r.AreaSV, r.AreaEN),
			models.Text(l.Lang, r.GoalSV, r.GoalEN), models.Text(l.Lang, r.ActivitySV, r.ActivityEN), neolaiaName(l, r.Neolaia),
			models.OperationalPlanCategory, kr(r.GrantedOre), kr(r.ReturnedOre), kr(r.SpentOre),
			r.ExpectedStudentsFirst, r.StudentsFirst, r.ExpectedStudentsSecond, r.StudentsSecond, r.ExpectedStudentsThird, r.StudentsThird,
			r.ExpectedMobilityWindows, r.WindowsIdentified, r.WindowsCreated, r.ExpectedPartnerAgreements, r.PartnerAgreements, r.Participants}, 0)
		from, _ := excelize.CoordinatesToCellName(9, i+2)
		to, _ := excelize.CoordinatesToCellName(11, i+2)
		_ = f.SetCellStyle(plan, from, to, amount)
	}
	uh := []any{}
	for _, s := range unitHeader(l) {
		uh = append(uh, s)
	}
	put(units, 1, uh, bold)
	for i, r := range d.UnitRows {
		rec := unitRecord(l, r)
		vals := make([]any, len(rec))
		for j, s := range rec {
			vals[j] = s
		}
		s := r.Sums
		vals[5], vals[6], vals[7], vals[8] = kr(s.RequestedOre), kr(s.GrantedOre), kr(s.ReturnedOre), kr(s.SpentOre)
		for j := 3; j < len(vals); j++ {
			if str, ok := vals[j].(string); ok {
				vals[j], _ = strconv.ParseInt(str, 10, 64)
			}
		}
		put(units, i+2, vals, 0)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="verksamhetsplan-`+exportName(d)+`.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
