package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/workflow"
)

// planCopyFields are the copy form's fields, in page order.
var planCopyFields = []string{"from", "code", "title_sv", "title_en", "starts_on", "ends_on"}

// planItemFields are an area's, goal's or activity's fields, in page order.
var planItemFields = []string{"text_sv", "text_en", "neolaia", "responsible"}

// listPlans shows every plan version and the form that starts the next
// one as a copy of an existing plan.
func (h *Handler) listPlans(c *gin.Context) {
	h.renderPlans(c, http.StatusOK, nil, nil)
}

func (h *Handler) renderPlans(c *gin.Context, status int, form map[string]string, errs map[string]string) {
	plans, err := h.store.Plans(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	if form == nil {
		form = map[string]string{}
		if len(plans) > 0 {
			form["from"] = strconv.FormatInt(plans[0].ID, 10)
		}
	}
	byField, list := formErrors(localizer(c), planCopyFields, errs)
	h.render(c, status, "admin_plans", gin.H{"Plans": plans, "Form": form, "Errors": byField, "ErrorList": list})
}

// copyPlan creates the next plan version from the form.
func (h *Handler) copyPlan(c *gin.Context) {
	form := map[string]string{}
	for _, f := range planCopyFields {
		form[f] = c.PostForm(f)
	}
	in := models.PlanCopy{Code: form["code"], TitleSV: form["title_sv"], TitleEN: form["title_en"]}
	in.FromID, _ = strconv.ParseInt(form["from"], 10, 64)
	bad := map[string]string{}
	for field, dst := range map[string]*time.Time{"starts_on": &in.StartsOn, "ends_on": &in.EndsOn} {
		if form[field] == "" {
			continue
		}
		if d, msg := parseDay(form[field], time.UTC); msg != "" {
			bad[field] = msg
		} else if d != nil {
			*dst = *d
		}
	}
	var created *models.Plan
	err := error(&workflow.ValidationError{Fields: bad})
	if len(bad) == 0 {
		created, err = h.store.CopyPlan(c.Request.Context(), actorOf(c), in)
	}
	var verr *workflow.ValidationError
	switch {
	case errors.As(err, &verr):
		h.renderPlans(c, statusOf(err), form, verr.Fields)
	case err != nil:
		h.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/admin/plans/"+strconv.FormatInt(created.ID, 10)+"?done=copied")
	}
}

// planEdit is a failed edit shown again: which item, what was typed and
// what is wrong.
type planEdit struct {
	Item      string
	Form      map[string]string
	Errors    map[string]string
	ErrorList []fieldError
}

// showPlanAdmin shows one plan with a form for every area, goal and
// activity.
func (h *Handler) showPlanAdmin(c *gin.Context) {
	h.renderPlanAdmin(c, http.StatusOK, nil)
}

func (h *Handler) renderPlanAdmin(c *gin.Context, status int, edit *planEdit) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	plan, err := h.store.PlanByID(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	if edit == nil {
		edit = &planEdit{}
	}
	h.render(c, status, "admin_plan", gin.H{"Plan": plan, "Edit": edit, "Done": knownDone(c.Query("done"), "copied", "saved"),
		"Responsible": responsibleTitles(plan, localizer(c).Lang)})
}

// planItemDone redirects back to the plan page, to the item just saved.
func (h *Handler) planItemDone(c *gin.Context, anchor string) {
	c.Redirect(http.StatusSeeOther, "/admin/plans/"+c.Param("id")+"?done=saved#"+anchor)
}

// planItemFailed shows the plan page again with the item's input and
// errors, or the error page for anything but bad input.
func (h *Handler) planItemFailed(c *gin.Context, item string, err error) {
	var verr *workflow.ValidationError
	if !errors.As(err, &verr) {
		h.fail(c, err)
		return
	}
	form := map[string]string{}
	for _, f := range planItemFields {
		form[f] = c.PostForm(f)
	}
	byField, list := formErrors(localizer(c), planItemFields, verr.Fields)
	h.renderPlanAdmin(c, statusOf(err), &planEdit{Item: item, Form: form, Errors: byField, ErrorList: list})
}

// savePlanText changes an area's name or a goal's text.
func (h *Handler) savePlanText(c *gin.Context) {
	planID, ok1 := paramID(c, "id")
	item, ok2 := paramID(c, "item")
	kind := c.Param("kind")
	if !ok1 || !ok2 || (kind != "area" && kind != "goal") {
		h.fail(c, errPageNotFound)
		return
	}
	err := h.store.UpdatePlanText(c.Request.Context(), actorOf(c), planID, kind, item, c.PostForm("text_sv"), c.PostForm("text_en"))
	anchor := kind + "-" + c.Param("item")
	if err != nil {
		h.planItemFailed(c, anchor, err)
		return
	}
	h.planItemDone(c, anchor)
}

// savePlanActivity changes an activity, or adds one to a goal when the
// route names the goal.
func (h *Handler) savePlanActivity(c *gin.Context) {
	planID, ok1 := paramID(c, "id")
	item, ok2 := paramID(c, "item")
	if !ok1 || !ok2 {
		h.fail(c, errPageNotFound)
		return
	}
	in := models.PlanActivityInput{TextSV: c.PostForm("text_sv"), TextEN: c.PostForm("text_en"),
		Neolaia: models.Neolaia(c.PostForm("neolaia")), Responsible: c.PostForm("responsible")}
	goalID, actID, anchor := int64(0), item, "activity-"+c.Param("item")
	if c.FullPath() == "/admin/plans/:id/goals/:item/activities" {
		goalID, actID, anchor = item, 0, "new-"+c.Param("item")
	}
	if err := h.store.SavePlanActivity(c.Request.Context(), actorOf(c), planID, goalID, actID, in); err != nil {
		h.planItemFailed(c, anchor, err)
		return
	}
	if actID == 0 {
		anchor = "goal-" + c.Param("item")
	}
	h.planItemDone(c, anchor)
}

// retirePlanActivity retires an activity, or restores it when the form
// says so.
func (h *Handler) retirePlanActivity(c *gin.Context) {
	planID, ok1 := paramID(c, "id")
	item, ok2 := paramID(c, "item")
	if !ok1 || !ok2 {
		h.fail(c, errPageNotFound)
		return
	}
	retire := c.PostForm("retire") != "false"
	if err := h.store.RetirePlanActivity(c.Request.Context(), actorOf(c), planID, item, retire); err != nil {
		h.fail(c, err)
		return
	}
	h.planItemDone(c, "activity-"+c.Param("item"))
}
