package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// callFields are the call form's fields, in page order.
var callFields = []string{"code", "plan", "title_sv", "title_en", "description_sv", "description_en", "budget", "max_amount",
	"opens_at", "deadline_at", "decision_on", "report_due_on", "endorsement", "activities"}

// dateTimeLayout is how the call form writes a moment: a day and a time
// of day in the university's time zone.
const dateTimeLayout = "2006-01-02 15:04"

// callForm is the call form as typed, what is wrong with it, and what
// the page needs to show it.
type callForm struct {
	ID         int64
	Values     map[string]string
	Activities map[int64]bool
	Errors     map[string]string // field → translated message
	Version    int
	Warning    *models.CallChangeWarning
	Budget     *models.Budget
	Plans      []models.Plan
	Plan       *models.Plan
}

// Checked reports whether activity id is ticked.
func (f *callForm) Checked(id int64) bool { return f.Activities[id] }

// listCallsAdmin lists every call, newest first, with links to edit, open,
// close and copy each, and the reference number pattern.
func (h *Handler) listCallsAdmin(c *gin.Context) {
	h.renderCallsAdmin(c, http.StatusOK, nil, "")
}

func (h *Handler) renderCallsAdmin(c *gin.Context, status int, refErrors map[string]string, typedPattern string) {
	ctx := c.Request.Context()
	calls, err := h.store.CallsByOpening(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	ref, err := h.store.ReferencePattern(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	next, err := h.store.ProposeReference(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	if typedPattern == "" {
		typedPattern = ref.Pattern
	}
	now := h.store.Now()
	type row struct {
		Call         models.Call
		Budget       models.Budget
		Open, Coming bool
		Year         int
	}
	budgets, err := h.store.Budgets(ctx, calls)
	if err != nil {
		h.fail(c, err)
		return
	}
	var rows []row
	for _, call := range calls {
		rows = append(rows, row{Call: call, Budget: budgets[call.ID], Open: call.OpenAt(now), Coming: call.OpensAt.After(now), Year: h.store.YearOf(call.OpensAt)})
	}
	h.render(c, status, "admin_calls", gin.H{"Calls": rows, "Done": knownDone(c.Query("done"), "saved", "opened", "closed", "created", "pattern"),
		"Pattern": typedPattern, "PatternVersion": ref.Version, "NextReference": next, "RefErrors": refErrors})
}

// showNewCall shows an empty call form, or a copy of the call named by
// ?from= with its dates a year on.
func (h *Handler) showNewCall(c *gin.Context) {
	ctx := c.Request.Context()
	f := &callForm{Values: map[string]string{"endorsement": "on"}, Activities: map[int64]bool{}}
	if from, err := strconv.ParseInt(c.Query("from"), 10, 64); err == nil && from > 0 {
		call, err := h.store.CallByID(ctx, from)
		if err != nil {
			h.fail(c, err)
			return
		}
		in, err := h.store.CallCopy(ctx, call)
		if err != nil {
			h.fail(c, err)
			return
		}
		h.fillCallForm(f, in, localizer(c))
	}
	h.renderCallForm(c, http.StatusOK, f)
}

// showEditCall shows a call's form with what it holds now.
func (h *Handler) showEditCall(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	call, err := h.store.CallByID(ctx, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	ids, err := h.store.CallActivityIDs(ctx, call)
	if err != nil {
		h.fail(c, err)
		return
	}
	f := &callForm{ID: id, Version: call.Version, Values: map[string]string{}, Activities: map[int64]bool{}}
	h.fillCallForm(f, models.CallInput{PlanID: call.PlanID, Code: call.Code, TitleSV: call.TitleSV, TitleEN: call.TitleEN,
		DescriptionSV: call.DescriptionSV, DescriptionEN: call.DescriptionEN, BudgetOre: call.BudgetOre, OpensAt: call.OpensAt,
		DeadlineAt: call.DeadlineAt, DecisionOn: call.DecisionOn, ReportDueOn: call.ReportDueOn,
		EndorsementRequired: call.EndorsementRequired, MaxAmountOre: call.MaxAmountOre, ActivityIDs: ids}, localizer(c))
	h.renderCallForm(c, http.StatusOK, f)
}

// fillCallForm writes in into the form's fields as a person would type it.
func (h *Handler) fillCallForm(f *callForm, in models.CallInput, l *i18n.Localizer) {
	zone := h.store.Zone()
	day := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	f.Values = map[string]string{"code": in.Code, "plan": strconv.FormatInt(in.PlanID, 10), "title_sv": in.TitleSV, "title_en": in.TitleEN,
		"description_sv": in.DescriptionSV, "description_en": in.DescriptionEN, "budget": money.FormatPlain(in.BudgetOre, l.Lang),
		"opens_at": in.OpensAt.In(zone).Format(dateTimeLayout), "deadline_at": in.DeadlineAt.In(zone).Format(dateTimeLayout),
		"decision_on": day(in.DecisionOn), "report_due_on": day(&in.ReportDueOn)}
	if in.MaxAmountOre > 0 {
		f.Values["max_amount"] = money.FormatPlain(in.MaxAmountOre, l.Lang)
	}
	if in.EndorsementRequired {
		f.Values["endorsement"] = "on"
	}
	for _, id := range in.ActivityIDs {
		f.Activities[id] = true
	}
}

func (h *Handler) renderCallForm(c *gin.Context, status int, f *callForm) {
	ctx := c.Request.Context()
	plans, err := h.store.Plans(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Plans = plans
	planID, _ := strconv.ParseInt(f.Values["plan"], 10, 64)
	if planID == 0 && len(plans) > 0 {
		current, err := h.store.CurrentPlan(ctx)
		if err != nil {
			h.fail(c, err)
			return
		}
		planID = current.ID
		f.Values["plan"] = strconv.FormatInt(planID, 10)
	}
	if plan, err := h.store.PlanByID(ctx, planID); err == nil {
		f.Plan = plan
		if f.ID == 0 && len(f.Activities) == 0 && c.Request.Method == http.MethodGet {
			// A new call funds every active activity unless the form
			// says otherwise.
			for _, a := range plan.Activities() {
				if a.RetiredAt == nil {
					f.Activities[a.ID] = true
				}
			}
		}
	}
	if f.ID != 0 {
		call, err := h.store.CallByID(ctx, f.ID)
		if err != nil {
			h.fail(c, err)
			return
		}
		b, err := h.store.BudgetOf(ctx, call)
		if err != nil {
			h.fail(c, err)
			return
		}
		f.Budget = &b
	}
	var list []fieldError
	for _, field := range callFields {
		if msg, ok := f.Errors[field]; ok {
			list = append(list, fieldError{Field: field, Message: msg})
		}
	}
	h.render(c, status, "admin_call", gin.H{"F": f, "ErrorList": list, "Zone": h.store.Zone().String()})
}

// readCallForm reads the posted call form into the store's input, noting
// what cannot be read.
func (h *Handler) readCallForm(c *gin.Context, f *callForm) models.CallInput {
	l := localizer(c)
	zone := h.store.Zone()
	bad := map[string]string{}
	for _, field := range callFields {
		f.Values[field] = c.PostForm(field)
	}
	in := models.CallInput{Code: f.Values["code"], TitleSV: f.Values["title_sv"], TitleEN: f.Values["title_en"],
		DescriptionSV: f.Values["description_sv"], DescriptionEN: f.Values["description_en"],
		EndorsementRequired: f.Values["endorsement"] != "", Confirmed: c.PostForm("confirm") != ""}
	in.PlanID, _ = strconv.ParseInt(f.Values["plan"], 10, 64)
	f.Version, _ = strconv.Atoi(c.PostForm("version"))
	in.Version = f.Version
	for _, v := range c.PostFormArray("activities") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.ActivityIDs = append(in.ActivityIDs, id)
			f.Activities[id] = true
		}
	}
	if ore, err := money.ParseFor(f.Values["budget"], l.Lang); err != nil {
		bad["budget"] = moneyMessage(err)
	} else {
		in.BudgetOre = ore
	}
	if strings.TrimSpace(f.Values["max_amount"]) != "" {
		if ore, err := money.ParseFor(f.Values["max_amount"], l.Lang); err != nil {
			bad["max_amount"] = moneyMessage(err)
		} else {
			in.MaxAmountOre = ore
		}
	}
	// A moment is typed as "2027-01-15 00:00"; a day alone is the start
	// of the day for the opening and its last minute for the deadline.
	moment := func(field string, endOfDay bool) time.Time {
		s := strings.TrimSpace(strings.Replace(f.Values[field], "T", " ", 1))
		if s == "" {
			return time.Time{}
		}
		if t, err := time.ParseInLocation(dateTimeLayout, s, zone); err == nil && t.Year() >= firstYear && t.Year() <= lastYear {
			return t
		}
		d, msg := parseDay(s, zone)
		if msg != "" || d == nil {
			bad[field] = msgDateInvalid
			return time.Time{}
		}
		if endOfDay {
			return d.AddDate(0, 0, 1).Add(-time.Minute)
		}
		return *d
	}
	in.OpensAt, in.DeadlineAt = moment("opens_at", false), moment("deadline_at", true)
	if d, msg := parseDay(f.Values["decision_on"], time.UTC); msg != "" {
		bad["decision_on"] = msg
	} else {
		in.DecisionOn = d
	}
	if d, msg := parseDay(f.Values["report_due_on"], time.UTC); msg != "" {
		bad["report_due_on"] = msg
	} else if d != nil {
		in.ReportDueOn = *d
	}
	in.Invalid(bad)
	return in
}

// createCall makes a call from the form.
func (h *Handler) createCall(c *gin.Context) {
	f := &callForm{Values: map[string]string{}, Activities: map[int64]bool{}}
	in := h.readCallForm(c, f)
	call, err := h.store.CreateCall(c.Request.Context(), actorOf(c), in)
	if err != nil {
		h.callFormFailed(c, f, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/calls?done=created#call-"+strconv.FormatInt(call.ID, 10))
}

// saveCall changes a call from the form.
func (h *Handler) saveCall(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	f := &callForm{ID: id, Values: map[string]string{}, Activities: map[int64]bool{}}
	in := h.readCallForm(c, f)
	if _, err := h.store.UpdateCall(c.Request.Context(), actorOf(c), id, in); err != nil {
		h.callFormFailed(c, f, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/calls?done=saved#call-"+strconv.FormatInt(id, 10))
}

// callFormFailed shows the form again with what was typed and what is
// wrong, or a warning to confirm; anything else is an error page.
func (h *Handler) callFormFailed(c *gin.Context, f *callForm, err error) {
	var verr *workflow.ValidationError
	var warn *models.CallChangeWarning
	switch {
	case errors.As(err, &verr):
		f.Errors = h.callErrors(c, f, verr.Fields)
		h.renderCallForm(c, statusOf(err), f)
	case errors.As(err, &warn):
		f.Warning = warn
		h.renderCallForm(c, statusOf(err), f)
	default:
		h.fail(c, err)
	}
}

// callErrors translates the form's message ids; the budget's names what
// the call has committed.
func (h *Handler) callErrors(c *gin.Context, f *callForm, ids map[string]string) map[string]string {
	l := localizer(c)
	out := map[string]string{}
	committed := ""
	if f.ID != 0 {
		if call, err := h.store.CallByID(c.Request.Context(), f.ID); err == nil {
			if b, err := h.store.BudgetOf(c.Request.Context(), call); err == nil {
				committed = l.Money(b.CommittedOre)
			}
		}
	}
	for field, id := range ids {
		out[field] = l.T(id, "Committed", committed)
	}
	return out
}

// openCallNow opens a call now; closeCallNow closes it now.
func (h *Handler) openCallNow(c *gin.Context)  { h.setCallOpen(c, true) }
func (h *Handler) closeCallNow(c *gin.Context) { h.setCallOpen(c, false) }

func (h *Handler) setCallOpen(c *gin.Context, open bool) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	_, err := h.store.SetCallOpen(c.Request.Context(), actorOf(c), id, version, open)
	var verr *workflow.ValidationError
	if errors.As(err, &verr) {
		// Reopening a call whose deadline passed: the form, with the
		// deadline to move.
		f := &callForm{ID: id, Values: map[string]string{}, Activities: map[int64]bool{}}
		call, cerr := h.store.CallByID(c.Request.Context(), id)
		if cerr != nil {
			h.fail(c, cerr)
			return
		}
		ids, _ := h.store.CallActivityIDs(c.Request.Context(), call)
		f.Version = call.Version
		h.fillCallForm(f, models.CallInput{PlanID: call.PlanID, Code: call.Code, TitleSV: call.TitleSV, TitleEN: call.TitleEN,
			DescriptionSV: call.DescriptionSV, DescriptionEN: call.DescriptionEN, BudgetOre: call.BudgetOre, OpensAt: call.OpensAt,
			DeadlineAt: call.DeadlineAt, DecisionOn: call.DecisionOn, ReportDueOn: call.ReportDueOn,
			EndorsementRequired: call.EndorsementRequired, MaxAmountOre: call.MaxAmountOre, ActivityIDs: ids}, localizer(c))
		f.Errors = h.callErrors(c, f, verr.Fields)
		h.renderCallForm(c, statusOf(err), f)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	done := "closed"
	if open {
		done = "opened"
	}
	c.Redirect(http.StatusSeeOther, "/admin/calls?done="+done+"#call-"+strconv.FormatInt(id, 10))
}

// saveReferencePattern changes the pattern reference numbers are proposed
// from.
func (h *Handler) saveReferencePattern(c *gin.Context) {
	version, _ := strconv.Atoi(c.PostForm("version"))
	pattern := c.PostForm("pattern")
	err := h.store.SetReferencePattern(c.Request.Context(), actorOf(c), version, pattern)
	var verr *workflow.ValidationError
	switch {
	case errors.As(err, &verr):
		h.renderCallsAdmin(c, statusOf(err), map[string]string{"pattern": localizer(c).T(verr.Fields["pattern"])}, pattern)
	case err != nil:
		h.fail(c, err)
	default:
		c.Redirect(http.StatusSeeOther, "/admin/calls?done=pattern#reference")
	}
}
