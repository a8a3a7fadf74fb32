package handlers

import (
	"bytes"
	"errors"
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
	d, err := h.loadFollowup(c, h.store.YearOf(h.store.Now()))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "followup", gin.H{"F": d, "Yearly": true, "Today": h.store.Now(), "Links": d.links()})
}

// followupUnits is the follow-up per unit as the export package's rows,
// with names in the reader's language.
func followupUnits(l *i18n.Localizer, rows []models.FollowupUnitRow) []export.FollowupUnit {
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
// "Internationalisering", and the follow-up per unit. The follow-up and
// the org chart are read first, so that a bad query still gets its error
// page; the activities are then read and written a chunk at a time
// straight to the client.
func (h *Handler) exportFollowupXLSX(c *gin.Context) {
	d, err := h.loadFollowup(c, 0)
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	org, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	acts := func(yield func(export.FollowupActivity, error) bool) {
		stop := errors.New("stopped")
		err := h.store.EachOperationalRow(ctx, d.Filter, func(r *models.OperationalRow) error {
			u, _ := org.Unit(r.UnitID)
			if !yield(export.FollowupActivity{Unit: u.Name(l.Lang), Number: r.Number(), Title: r.Title,
				Area: models.Text(l.Lang, r.AreaSV, r.AreaEN), Goal: models.Text(l.Lang, r.GoalSV, r.GoalEN),
				Activity: models.Text(l.Lang, r.ActivitySV, r.ActivityEN), Neolaia: neolaiaName(l, r.Neolaia),
				Category: models.OperationalPlanCategory, GrantedOre: r.GrantedOre, ReturnedOre: r.ReturnedOre, SpentOre: r.SpentOre,
				Outcomes: export.Outcomes{ExpFirst: int64(r.ExpectedStudentsFirst), ActFirst: int64(r.StudentsFirst),
					ExpSecond: int64(r.ExpectedStudentsSecond), ActSecond: int64(r.StudentsSecond),
					ExpThird: int64(r.ExpectedStudentsThird), ActThird: int64(r.StudentsThird),
					ExpWindows: int64(r.ExpectedMobilityWindows), ActWindowsIdentified: int64(r.WindowsIdentified),
					ActWindowsCreated: int64(r.WindowsCreated), ExpAgreements: int64(r.ExpectedPartnerAgreements),
					ActAgreements: int64(r.PartnerAgreements), ActParticipants: int64(r.Participants)}}, nil) {
				return stop
			}
			return nil
		})
		if err != nil && !errors.Is(err, stop) {
			yield(export.FollowupActivity{}, err)
		}
	}
	c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Header("Content-Disposition", `attachment; filename="verksamhetsplan-`+exportName(d)+`.xlsx"`)
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	err = export.WriteFollowupXLSX(c.Writer, export.FollowupWorkbook{PlanSheet: l.T("followup.sheet.plan"),
		UnitSheet: l.T("followup.sheet.units"), Label: followupLabel(l), Units: followupUnits(l, d.UnitRows)}, acts)
	switch {
	case err != nil && !c.Writer.Written():
		// Nothing is sent yet: the error still gets its page.
		for _, k := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
			c.Writer.Header().Del(k)
		}
		h.fail(c, err)
	case err != nil:
		// The status is sent; cutting the body short tells the client.
		h.log.ErrorContext(ctx, "follow-up workbook", "err", err)
		c.Abort()
	}
}
