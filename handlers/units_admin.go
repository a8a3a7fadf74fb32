package handlers

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"mobilityfund/export"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// unitFields are the unit form's fields, in page order.
var unitFields = []string{"code", "name_sv", "name_en", "kind", "parent", "cost_centre", "project_code", "project_name"}

// maxOrgChartFile bounds an uploaded org chart: a few hundred units are
// a few tens of kilobytes.
const maxOrgChartFile = 1 << 20

// unitForm is a unit's form as typed and what is wrong with it.
type unitForm struct {
	ID     int64
	Values map[string]string
	Errors map[string]string
}

// unitTreeRow is a unit in the org chart's list, with its depth.
type unitTreeRow struct {
	Unit  models.OrgUnit
	Depth int
}

// listUnits shows the org chart as a tree, the form for a new unit, and
// the CSV import and export.
func (h *Handler) listUnits(c *gin.Context) {
	h.renderUnits(c, http.StatusOK, &unitForm{Values: map[string]string{}}, nil)
}

func (h *Handler) renderUnits(c *gin.Context, status int, f *unitForm, imp gin.H) {
	chart, err := h.store.OrgChart(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	var rows []unitTreeRow
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		u, _ := chart.Unit(id)
		rows = append(rows, unitTreeRow{Unit: u, Depth: depth})
		for _, k := range chart.Children(id) {
			walk(k.ID, depth+1)
		}
	}
	for _, u := range chart.Units {
		if u.ParentID == nil {
			walk(u.ID, 0)
		}
	}
	data := gin.H{"Rows": rows, "F": f, "Kinds": models.UnitKinds(), "Units": chart.Units, "ErrorList": unitErrorList(f),
		"Done": knownDone(c.Query("done"), "created", "saved", "closed", "reopened", "imported")}
	for k, v := range imp {
		data[k] = v
	}
	h.render(c, status, "admin_units", data)
}

func unitErrorList(f *unitForm) []fieldError {
	var list []fieldError
	for _, field := range unitFields {
		if msg, ok := f.Errors[field]; ok {
			list = append(list, fieldError{Field: field, Message: msg})
		}
	}
	return list
}

func readUnitForm(c *gin.Context, f *unitForm) models.UnitInput {
	for _, field := range unitFields {
		f.Values[field] = c.PostForm(field)
	}
	return models.UnitInput{Code: f.Values["code"], NameSV: f.Values["name_sv"], NameEN: f.Values["name_en"],
		Kind: models.UnitKind(f.Values["kind"]), Parent: f.Values["parent"], CostCentre: f.Values["cost_centre"],
		ProjectCode: f.Values["project_code"], ProjectName: f.Values["project_name"]}
}

// unitFormFailed shows the form again with its messages, or the error
// page for anything but bad input.
func (h *Handler) unitFormFailed(c *gin.Context, f *unitForm, err error) bool {
	var verr *workflow.ValidationError
	if !errors.As(err, &verr) {
		h.fail(c, err)
		return true
	}
	l := localizer(c)
	f.Errors = map[string]string{}
	for field, id := range verr.Fields {
		f.Errors[field] = l.T(id)
	}
	if f.ID == 0 {
		h.renderUnits(c, statusOf(err), f, nil)
	} else {
		h.renderUnit(c, statusOf(err), f)
	}
	return true
}

// createUnit adds a unit to the org chart.
func (h *Handler) createUnit(c *gin.Context) {
	f := &unitForm{Values: map[string]string{}}
	in := readUnitForm(c, f)
	u, err := h.store.SaveUnit(c.Request.Context(), actorOf(c), 0, in)
	if err != nil {
		h.unitFormFailed(c, f, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/units?done=created#unit-"+strconv.FormatInt(u.ID, 10))
}

// showUnit shows a unit's form: rename, move, cost centre, close.
func (h *Handler) showUnit(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	chart, err := h.store.OrgChart(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, ok := chart.Unit(id); !ok {
		h.fail(c, &models.NotFoundError{What: "unit", ID: id})
		return
	}
	in := chart.UnitInputOf(id)
	f := &unitForm{ID: id, Values: map[string]string{"code": in.Code, "name_sv": in.NameSV, "name_en": in.NameEN,
		"kind": string(in.Kind), "parent": in.Parent, "cost_centre": in.CostCentre, "project_code": in.ProjectCode,
		"project_name": in.ProjectName}}
	h.renderUnit(c, http.StatusOK, f)
}

func (h *Handler) renderUnit(c *gin.Context, status int, f *unitForm) {
	chart, err := h.store.OrgChart(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	u, ok := chart.Unit(f.ID)
	if !ok {
		h.fail(c, &models.NotFoundError{What: "unit", ID: f.ID})
		return
	}
	// The parents it may move under: anything but itself and its
	// descendants.
	below := map[int64]bool{}
	for _, id := range chart.Subtree(f.ID) {
		below[id] = true
	}
	var parents []models.OrgUnit
	for _, p := range chart.Units {
		if !below[p.ID] {
			parents = append(parents, p)
		}
	}
	h.render(c, status, "admin_unit", gin.H{"Unit": u, "F": f, "Kinds": models.UnitKinds(), "Parents": parents,
		"ErrorList": unitErrorList(f)})
}

// saveUnitForm renames or moves a unit, or changes its cost centre.
func (h *Handler) saveUnitForm(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	f := &unitForm{ID: id, Values: map[string]string{}}
	in := readUnitForm(c, f)
	if _, err := h.store.SaveUnit(c.Request.Context(), actorOf(c), id, in); err != nil {
		h.unitFormFailed(c, f, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/units?done=saved#unit-"+strconv.FormatInt(id, 10))
}

// closeUnit closes a unit, or reopens it when the form says so.
func (h *Handler) closeUnit(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	closed := c.PostForm("closed") != "false"
	if err := h.store.CloseUnit(c.Request.Context(), actorOf(c), id, closed); err != nil {
		h.fail(c, err)
		return
	}
	done := "closed"
	if !closed {
		done = "reopened"
	}
	c.Redirect(http.StatusSeeOther, "/admin/units?done="+done+"#unit-"+strconv.FormatInt(id, 10))
}

// exportUnits downloads the org chart as the CSV the import reads.
func (h *Handler) exportUnits(c *gin.Context) {
	chart, err := h.store.OrgChart(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := export.WriteOrgChartCSV(&buf, models.OrgChartColumns, chart.OrgChartRows()); err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="org-chart.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// previewUnitImport reads an uploaded org chart and shows what importing
// it would change, without changing anything.
func (h *Handler) previewUnitImport(c *gin.Context) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size > maxOrgChartFile {
		h.importFailed(c, "", &models.ImportError{Problems: []models.ImportProblem{{Row: 1, Msg: models.MsgImportEmpty}}})
		return
	}
	file, err := fh.Open()
	if err != nil {
		h.fail(c, err)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxOrgChartFile))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.runUnitImport(c, models.DecodeText(data), false)
}

// applyUnitImport imports the org chart the preview showed; the page
// carried the file's text (as UTF-8) in a hidden field.
func (h *Handler) applyUnitImport(c *gin.Context) {
	h.runUnitImport(c, c.PostForm("content"), true)
}

func (h *Handler) runUnitImport(c *gin.Context, text string, apply bool) {
	rows, err := models.ParseOrgChart([]byte(text))
	if err != nil {
		h.importFailed(c, text, err)
		return
	}
	changes, err := h.store.ImportOrgChart(c.Request.Context(), actorOf(c), rows, apply)
	if err != nil {
		h.importFailed(c, text, err)
		return
	}
	if apply {
		c.Redirect(http.StatusSeeOther, "/admin/units?done=imported")
		return
	}
	var changed []models.UnitChange
	for _, ch := range changes {
		if ch.Action != "" {
			changed = append(changed, ch)
		}
	}
	h.renderUnits(c, http.StatusOK, &unitForm{Values: map[string]string{}},
		gin.H{"Preview": changed, "Unchanged": len(changes) - len(changed), "Content": text})
}

// importProblem is an import problem as the page shows it.
type importProblem struct {
	Row     int
	Field   string
	Message string
}

func (h *Handler) importFailed(c *gin.Context, text string, err error) {
	var ie *models.ImportError
	if !errors.As(err, &ie) {
		h.fail(c, err)
		return
	}
	l := localizer(c)
	var problems []importProblem
	for _, p := range ie.Problems {
		problems = append(problems, importProblem{Row: p.Row, Field: p.Field, Message: l.T(p.Msg, "Other", p.Other)})
	}
	h.renderUnits(c, statusOf(err), &unitForm{Values: map[string]string{}}, gin.H{"ImportProblems": problems})
}
