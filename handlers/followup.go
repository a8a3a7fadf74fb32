package handlers

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/i18n"
	"mobilityfund/models"
)

// unitRow is one unit's or faculty's line of the follow-up.
type unitRow struct {
	Unit    models.OrgUnit
	Faculty models.OrgUnit
	Sums    models.FollowupSums
}

// callRow is one call's line of the follow-up.
type callRow struct {
	Call models.Call
	Year int
	Sums models.FollowupSums
}

// neolaiaRow is one NEOLAiA relation's share of the money.
type neolaiaRow struct {
	Key   models.Neolaia
	Sums  models.FollowupSums
	Share string
}

// monthRow is one month of the pot, with running totals.
type monthRow struct {
	models.MonthSums
	CommittedOre int64 // granted less returned, up to and including the month
	SpentToDate  int64
}

// followup is everything the follow-up pages and exports show.
type followup struct {
	Filter     models.FollowupFilter
	Plan       *models.Plan
	Plans      []models.Plan
	PlanCalls  []models.Call // every call of the plan, for the filter
	Units      []models.OrgUnit
	Budget     int64
	Total      models.FollowupSums
	ByActivity map[int64]models.FollowupSums
	ByGoal     map[int64]models.FollowupSums
	ByArea     map[int64]models.FollowupSums
	UnitRows   []unitRow
	Faculties  []unitRow
	CallRows   []callRow
	Neolaia    []neolaiaRow
	Months     []monthRow
	Charts     map[string]*chart
}

// loadFollowup reads the filter from the query string (plan, call, unit,
// year, defaultYear when there is none; 0 is every year) and sums the follow-up for the signed-in person's scope. A unit
// outside the scope is a NotFoundError, as if it did not exist.
func (h *Handler) loadFollowup(c *gin.Context, defaultYear int) (*followup, error) {
	ctx := c.Request.Context()
	org, err := h.store.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	scope := models.FollowupScopeOf(actorOf(c), org)
	q := c.Request.URL.Query()
	f := models.FollowupFilter{PlanID: queryID(q, "plan"), CallID: queryID(q, "call"), UnitID: queryID(q, "unit"), Scope: scope}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	if q.Get("year") == "" {
		f.Year = defaultYear
	}
	if _, ok := org.Unit(f.UnitID); f.UnitID != 0 && (!ok || !scope.Covers(f.UnitID)) {
		return nil, &models.NotFoundError{What: "unit", ID: f.UnitID}
	}
	var plan *models.Plan
	if f.PlanID == 0 {
		plan, err = h.store.CurrentPlan(ctx)
	} else {
		plan, err = h.store.PlanByID(ctx, f.PlanID)
	}
	if err != nil {
		return nil, err
	}
	f.PlanID = plan.ID
	d := &followup{Filter: f, Plan: plan, Charts: map[string]*chart{}}
	if d.Plans, err = h.store.Plans(ctx); err != nil {
		return nil, err
	}
	if d.PlanCalls, _, err = h.store.FollowupCalls(ctx, models.FollowupFilter{PlanID: plan.ID}); err != nil {
		return nil, err
	}
	var calls []models.Call
	if calls, d.Budget, err = h.store.FollowupCalls(ctx, f); err != nil {
		return nil, err
	}
	for _, u := range org.Units {
		if scope.Covers(u.ID) {
			d.Units = append(d.Units, u)
		}
	}
	sums := map[models.FollowupKey][]models.FollowupSums{}
	for _, key := range []models.FollowupKey{models.ByActivity, models.ByGoal, models.ByArea, models.ByUnit, models.ByCall, models.ByNeolaia} {
		if sums[key], err = h.store.FollowupSumsBy(ctx, f, key); err != nil {
			return nil, err
		}
	}
	// Every application belongs to exactly one call, so the calls' rows
	// add up to the total without another query.
	for _, s := range sums[models.ByCall] {
		d.Total.Add(s)
	}
	byKey := func(rows []models.FollowupSums) map[int64]models.FollowupSums {
		m := make(map[int64]models.FollowupSums, len(rows))
		for _, r := range rows {
			m[r.KeyID] = r
		}
		return m
	}
	d.ByActivity, d.ByGoal, d.ByArea = byKey(sums[models.ByActivity]), byKey(sums[models.ByGoal]), byKey(sums[models.ByArea])
	faculties := map[int64]*unitRow{}
	for _, s := range sums[models.ByUnit] {
		u, _ := org.Unit(s.KeyID)
		fac, _ := org.Faculty(s.KeyID)
		d.UnitRows = append(d.UnitRows, unitRow{Unit: u, Faculty: fac, Sums: s})
		if faculties[fac.ID] == nil {
			faculties[fac.ID] = &unitRow{Unit: fac, Faculty: fac}
			d.Faculties = append(d.Faculties, unitRow{Unit: fac})
		}
		faculties[fac.ID].Sums.Add(s)
	}
	for i := range d.Faculties {
		d.Faculties[i] = *faculties[d.Faculties[i].Unit.ID]
	}
	callByID := byKey(sums[models.ByCall])
	for _, call := range calls {
		d.CallRows = append(d.CallRows, callRow{Call: call, Year: call.OpensAt.Year(), Sums: callByID[call.ID]})
	}
	// The plan's order: Ja, Delvis, –.
	for _, key := range []models.Neolaia{models.NeolaiaYes, models.NeolaiaPartly, models.NeolaiaNone} {
		for _, s := range sums[models.ByNeolaia] {
			if models.Neolaia(s.KeyText) == key {
				d.Neolaia = append(d.Neolaia, neolaiaRow{Key: key, Sums: s,
					Share: percent(s.NetGrantedOre(), d.Total.NetGrantedOre(), localizer(c).Lang)})
			}
		}
	}
	months, err := h.store.FollowupMonths(ctx, f)
	if err != nil {
		return nil, err
	}
	var committed, spent int64
	for _, m := range months {
		committed += m.GrantedOre - m.ReturnedOre
		spent += m.SpentOre
		d.Months = append(d.Months, monthRow{MonthSums: m, CommittedOre: committed, SpentToDate: spent})
	}
	l := localizer(c)
	d.Charts["areas"] = areaChart(l, plan, d.ByArea)
	d.Charts["neolaia"] = neolaiaChart(l, d.Neolaia, d.Total.NetGrantedOre())
	d.Charts["pot"] = potChart(l, d.Months, d.Budget)
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

// followupUnits is the follow-up per unit as the export package's rows,
// with names in the reader's language.
func followupUnits(l *i18n.Localizer, rows []unitRow) []export.FollowupUnit {
	out := make([]export.FollowupUnit, len(rows))
	for i, r := range rows {
		s := r.Sums
		out[i] = export.FollowupUnit{Code: r.Unit.Code, Unit: r.Unit.Name(l.Lang), Faculty: r.Faculty.Name(l.Lang),
			Applications: s.Applications, Funded: s.Funded, Reported: s.Reported, RequestedOre: s.RequestedOre,
			GrantedOre: s.GrantedOre, ReturnedOre: s.ReturnedOre, SpentOre: s.SpentOre,
			Outcomes: export.Outcomes{ExpFirst: s.ExpFirst, ActFirst: s.ActFirst, ExpSecond: s.ExpSecond, ActSecond: s.ActSecond,
				ExpThird: s.ExpThird, ActThird: s.ActThird, ExpWindows: s.ExpWindows, ActWindowsIdentified: s.ActWindowsIdentified,
				ActWindowsCreated: s.ActWindowsMade, ExpAgreements: s.ExpAgreements, ActAgreements: s.ActAgreements,
				ActParticipants: s.ActParticipants}}
	}
	return out
}

// followupLabel translates a follow-up export's column id.
func followupLabel(l *i18n.Localizer) func(string) string {
	return func(id string) string { return l.T("followup.col." + id) }
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
	if err := export.WriteFollowupCSV(&buf, followupLabel(l), followupUnits(l, d.UnitRows)); err != nil {
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
	ctx := c.Request.Context()
	rows, err := h.store.OperationalRows(ctx, d.Filter)
	if err != nil {
		h.fail(c, err)
		return
	}
	org, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	acts := make([]export.FollowupActivity, len(rows))
	for i, r := range rows {
		u, _ := org.Unit(r.UnitID)
		acts[i] = export.FollowupActivity{Unit: u.Name(l.Lang), Number: r.Number(), Title: r.Title,
			Area: models.Text(l.Lang, r.AreaSV, r.AreaEN), Goal: models.Text(l.Lang, r.GoalSV, r.GoalEN),
			Activity: models.Text(l.Lang, r.ActivitySV, r.ActivityEN), Neolaia: neolaiaName(l, r.Neolaia),
			Category: models.OperationalPlanCategory, GrantedOre: r.GrantedOre, ReturnedOre: r.ReturnedOre, SpentOre: r.SpentOre,
			Outcomes: export.Outcomes{ExpFirst: int64(r.ExpectedStudentsFirst), ActFirst: int64(r.StudentsFirst),
				ExpSecond: int64(r.ExpectedStudentsSecond), ActSecond: int64(r.StudentsSecond),
				ExpThird: int64(r.ExpectedStudentsThird), ActThird: int64(r.StudentsThird),
				ExpWindows: int64(r.ExpectedMobilityWindows), ActWindowsIdentified: int64(r.WindowsIdentified),
				ActWindowsCreated: int64(r.WindowsCreated), ExpAgreements: int64(r.ExpectedPartnerAgreements),
				ActAgreements: int64(r.PartnerAgreements), ActParticipants: int64(r.Participants)}}
	}
	var buf bytes.Buffer
	err = export.WriteFollowupXLSX(&buf, export.FollowupWorkbook{PlanSheet: l.T("followup.sheet.plan"),
		UnitSheet: l.T("followup.sheet.units"), Label: followupLabel(l), Activities: acts, Units: followupUnits(l, d.UnitRows)})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="verksamhetsplan-`+exportName(d)+`.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}
