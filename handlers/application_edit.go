package handlers

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/workflow"
)

// editPage is what the application form shows.
type editPage struct {
	App    *models.Application // nil for a new application
	Call   *models.Call
	Plan   *models.Plan
	Units  []models.OrgUnit // the units the person may apply for
	Form   draftForm
	Errors map[string]string
	// Conflict is set when a save came after someone else's.
	Conflict *editConflict
}

// formData is what the application form template needs.
func formData(e editPage, p *applicationPage) gin.H {
	return gin.H{"E": e, "Errors": e.Errors, "P": p, "Categories": models.BudgetCategories,
		"NeolaiaChoices": []models.Neolaia{models.NeolaiaYes, models.NeolaiaPartly, models.NeolaiaNo},
		"Levels":         models.StudyLevels, "ExpectedKeys": expectedKeys, "ConsiderationFields": workflow.ConsiderationFields}
}

// applicantUnits lists the units the actor may apply for, in chart order.
func applicantUnits(chart *models.OrgChart, me *models.Actor) []models.OrgUnit {
	var out []models.OrgUnit
	for _, u := range chart.Units {
		// A closed unit keeps its applications but takes no new ones.
		if u.ClosedAt == nil && workflow.MayApplyFor(me.Workflow, chart.Path(u.ID)) {
			out = append(out, u)
		}
	}
	return out
}

// openCall picks the call a new application goes to: the one asked for,
// or the open call that closes first.
func (h *Handler) openCall(c *gin.Context, raw string) (*models.Call, error) {
	ctx := c.Request.Context()
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
		return h.store.CallByID(ctx, id)
	}
	calls, err := h.store.Calls(ctx)
	if err != nil {
		return nil, err
	}
	var pick *models.Call
	for i := range calls {
		if calls[i].OpenAt(h.store.Now()) && (pick == nil || calls[i].DeadlineAt.Before(pick.DeadlineAt)) {
			pick = &calls[i]
		}
	}
	if pick == nil {
		return nil, &models.NotFoundError{What: "call", ID: "open"}
	}
	return pick, nil
}

// showNewApplication shows an empty application form.
func (h *Handler) showNewApplication(c *gin.Context) {
	form := draftForm{Lines: []lineForm{{Category: "travel"}}, Expected: map[string]string{}}
	h.renderNew(c, http.StatusOK, c.Query("call"), form, nil)
}

func (h *Handler) renderNew(c *gin.Context, status int, callID string, form draftForm, problems map[string]string) {
	ctx := c.Request.Context()
	call, err := h.openCall(c, callID)
	if err != nil {
		h.fail(c, err)
		return
	}
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	units := applicantUnits(chart, actorOf(c))
	if len(units) == 0 {
		h.fail(c, workflow.ErrForbidden)
		return
	}
	if form.Unit == "" && len(units) == 1 {
		form.Unit = strconv.FormatInt(units[0].ID, 10)
	}
	plan, err := h.store.PlanByID(ctx, call.PlanID)
	if err == nil {
		plan, err = h.planForCall(ctx, call, plan, nil)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, status, "application_form", formData(editPage{Call: call, Plan: plan, Units: units, Form: form, Errors: problems}, nil))
}

// createApplication saves a new draft, or adds and removes budget lines
// on the unsaved form.
func (h *Handler) createApplication(c *gin.Context) {
	form, op, index := readDraftForm(postForm(c), localizer(c).Lang)
	if changeLines(&form, op, index) {
		h.renderNew(c, http.StatusOK, c.PostForm("call"), form, nil)
		return
	}
	d, problems := form.draft()
	if len(problems) > 0 {
		h.renderNew(c, http.StatusUnprocessableEntity, c.PostForm("call"), form, problems)
		return
	}
	call, err := h.openCall(c, c.PostForm("call"))
	if err != nil {
		h.fail(c, err)
		return
	}
	app, err := h.store.CreateDraft(c.Request.Context(), actorOf(c), call.ID, d)
	next := ""
	if err == nil {
		next = "/applications/" + strconv.FormatInt(app.ID, 10) + "?done=create"
	}
	h.finish(c, err, func(status int, fields map[string]string) {
		h.renderNew(c, status, c.PostForm("call"), form, fields)
	}, next)
}

// finish ends a request that saved something: the form again with its
// messages for invalid input, the error page for any other error, else a
// redirect to next.
func (h *Handler) finish(c *gin.Context, err error, invalid func(status int, fields map[string]string), next string) {
	var v *workflow.ValidationError
	switch {
	case errors.As(err, &v):
		invalid(statusOf(err), v.Fields)
	case err != nil:
		h.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, next)
	}
}

// changeLines applies an add or remove press to the form and reports
// whether there was one.
func changeLines(form *draftForm, op string, index int) bool {
	switch op {
	case "add_line":
		if len(form.Lines) < maxBudgetLines {
			form.Lines = append(form.Lines, lineForm{Category: "travel"})
		}
		return true
	case "remove_line":
		if index >= 0 && index < len(form.Lines) {
			form.Lines = append(form.Lines[:index], form.Lines[index+1:]...)
		}
		return true
	}
	return false
}

// showEditApplication shows the form of a draft or returned application.
func (h *Handler) showEditApplication(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	h.renderEdit(c, http.StatusOK, id, nil, nil)
}

// renderEdit renders the form of application id: as typed when form is
// not nil, else as stored, with problems beside the fields.
func (h *Handler) renderEdit(c *gin.Context, status int, id int64, form *draftForm, problems map[string]string) {
	h.renderEditPage(c, status, id, form, problems, false)
}

// renderEditPage is renderEdit; stale says that form came too late:
// it is merged with what is stored now and carries the new version
// (handlers/application_conflict.go).
func (h *Handler) renderEditPage(c *gin.Context, status int, id int64, form *draftForm, problems map[string]string, stale bool) {
	p, err := h.loadApplicationPage(c, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !p.Editable {
		h.fail(c, p.EditErr)
		return
	}
	l := localizer(c)
	stored := formOf(models.DraftOf(p.Detail), l)
	stored.Version = strconv.Itoa(p.Detail.App.Version)
	stored.Base = baseOf(formFields(stored, l, p.Plan, p.Chart))
	var conflict *editConflict
	switch {
	case form == nil:
		form = &stored
	case stale:
		conflict = mergeStale(form, form.Base, stored, l, p.Plan, p.Chart)
		conflict.By, conflict.At = lastChange(p)
		form.Version, form.Base = stored.Version, stored.Base
	case form.Version == "":
		form.Version, form.Base = stored.Version, stored.Base
	}
	app := p.Detail.App
	plan, err := h.planForCall(c.Request.Context(), &p.Detail.Call, p.Plan, linkedActivities(p.Detail))
	if err != nil {
		h.fail(c, err)
		return
	}
	units := applicantUnits(p.Chart, actorOf(c))
	if u, ok := p.Chart.Unit(app.UnitID); ok && u.ClosedAt != nil {
		// A draft of a unit closed since keeps its unit on the form.
		units = append(units, u)
	}
	e := editPage{App: &app, Call: &p.Detail.Call, Plan: plan, Units: units, Form: *form,
		Errors: problems, Conflict: conflict}
	h.render(c, status, "application_form", formData(e, p))
}

// saveApplication stores the form over a draft, or adds and removes budget
// lines on it without saving.
func (h *Handler) saveApplication(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	form, op, index := readDraftForm(postForm(c), localizer(c).Lang)
	if changeLines(&form, op, index) {
		h.renderEdit(c, http.StatusOK, id, &form, nil)
		return
	}
	d, problems := form.draft()
	if len(problems) > 0 {
		h.renderEdit(c, http.StatusUnprocessableEntity, id, &form, problems)
		return
	}
	_, err := h.store.SaveDraft(c.Request.Context(), id, formVersion(c), actorOf(c), d)
	if errors.Is(err, models.ErrStale) {
		h.renderEditPage(c, statusOf(err), id, &form, nil, true)
		return
	}
	h.finish(c, err, func(status int, fields map[string]string) {
		h.renderEdit(c, status, id, &form, fields)
	}, "/applications/"+strconv.FormatInt(id, 10)+"?done=save")
}

// uploadAttachment adds a file to an application being edited. The body
// is cut off just above the size limit, so a huge upload costs nothing.
func (h *Handler) uploadAttachment(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	fail := func(msg string) {
		h.renderApplication(c, http.StatusUnprocessableEntity, id, &actionAttempt{Action: "attach", Errors: map[string]string{"file": msg}})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail("error.file_too_large")
		} else {
			fail("error.file_empty")
		}
		return
	}
	f, err := fh.Open()
	if err != nil {
		h.fail(c, err)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxAttachmentBytes+1))
	if err != nil {
		h.fail(c, err)
		return
	}
	_, err = h.store.AddAttachment(c.Request.Context(), id, actorOf(c), fh.Filename, data)
	h.finish(c, err, func(_ int, fields map[string]string) { fail(fields["file"]) },
		"/applications/"+strconv.FormatInt(id, 10)+"?done=attach#attachments")
}

// attachmentPath reads the application and attachment ids of a file's
// URL; a malformed one answers 404.
func (h *Handler) attachmentPath(c *gin.Context) (id, aid int64, ok bool) {
	if id, ok = h.pathID(c); !ok {
		return 0, 0, false
	}
	aid, ok = paramID(c, "aid")
	if !ok {
		h.fail(c, errPageNotFound)
		return 0, 0, false
	}
	return id, aid, true
}

// downloadAttachment sends a file to someone who may see its application.
// It is always a download, never shown inline, so that a file cannot run
// as a page of this site.
func (h *Handler) downloadAttachment(c *gin.Context) {
	id, aid, ok := h.attachmentPath(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	att, err := h.store.AttachmentFile(ctx, workflow.VisibilityOf(actorOf(c).Workflow, chart), id, aid)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(att.FileName))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, att.ContentType, att.Data)
}

// deleteAttachment removes a file from an application being edited.
func (h *Handler) deleteAttachment(c *gin.Context) {
	id, aid, ok := h.attachmentPath(c)
	if !ok {
		return
	}
	if err := h.store.RemoveAttachment(c.Request.Context(), id, aid, actorOf(c)); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"?done=detach#attachments")
}
