package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// reportCounts are the report form's whole-number fields, in page order.
var reportCounts = []string{"students_first", "students_second", "students_third", "windows_identified",
	"windows_created", "partner_agreements", "participants"}

// reportFields are every field of the report form, in page order; the
// error summary lists problems in this order.
var reportFields = append(append([]string{"done"}, reportCounts...), "other_outcome", "spent",
	"consideration_quality", "consideration_responsibility", "consideration_inclusion",
	"consideration_sustainability", "consideration_equality")

// fieldError is one line of a form's error summary.
type fieldError struct {
	Field, Message string
}

// formErrors translates field → message id into the reader's language,
// in the order of fields. Workflow's ids ("error.required") have
// follow-up counterparts ("followup.err.required").
func formErrors(l *i18n.Localizer, fields []string, ids map[string]string) (map[string]string, []fieldError) {
	byField := map[string]string{}
	var list []fieldError
	for _, f := range fields {
		id, ok := ids[f]
		if !ok {
			continue
		}
		msg := l.T("followup.err." + strings.TrimPrefix(strings.TrimPrefix(id, "error."), "followup.err."))
		byField[f] = msg
		list = append(list, fieldError{Field: f, Message: msg})
	}
	return byField, list
}

// reportFormValues are the report's stored values as form text.
func reportFormValues(r models.Report, lang string) map[string]string {
	in := r.Input()
	v := map[string]string{"done": in.Done, "other_outcome": in.OtherOutcome, "spent": ""}
	counts := []int{in.StudentsFirst, in.StudentsSecond, in.StudentsThird, in.WindowsIdentified, in.WindowsCreated,
		in.PartnerAgreements, in.Participants}
	for i, f := range reportCounts {
		v[f] = strconv.Itoa(counts[i])
	}
	if r.UpdatedBy != 0 {
		v["spent"] = money.FormatPlain(in.SpentOre, lang)
	}
	for i, c := range in.Considerations {
		v["consideration_"+workflow.ConsiderationFields[i]] = c
	}
	return v
}

// parseReportForm binds exactly the report's editable fields. It returns
// the text as typed (to show again) and field → message id for what does
// not parse.
func parseReportForm(c *gin.Context) (models.ReportInput, map[string]string, map[string]string) {
	raw := map[string]string{}
	for _, f := range reportFields {
		raw[f] = c.PostForm(f)
	}
	bad := map[string]string{}
	var in models.ReportInput
	counts := make([]int, len(reportCounts))
	for i, f := range reportCounts {
		s := strings.TrimSpace(raw[f])
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			bad[f] = "followup.err.number"
			continue
		}
		counts[i] = n
	}
	in.StudentsFirst, in.StudentsSecond, in.StudentsThird = counts[0], counts[1], counts[2]
	in.WindowsIdentified, in.WindowsCreated, in.PartnerAgreements, in.Participants = counts[3], counts[4], counts[5], counts[6]
	if s := strings.TrimSpace(raw["spent"]); s != "" {
		ore, err := money.ParseFor(s, localizer(c).Lang)
		if errors.Is(err, money.ErrAmbiguous) {
			bad["spent"] = moneyMessage(err)
		} else if err != nil {
			bad["spent"] = "followup.err.money"
		}
		in.SpentOre = ore
	}
	in.Done, in.OtherOutcome = raw["done"], raw["other_outcome"]
	for i, f := range workflow.ConsiderationFields {
		in.Considerations[i] = raw["consideration_"+f]
	}
	return in, raw, bad
}

// knownDone returns the "done" query value when it is one of the
// confirmations the page knows, so that a link cannot make it show a
// message id.
func knownDone(v string, known ...string) string {
	if slices.Contains(known, v) {
		return v
	}
	return ""
}

// renderReport shows the report page, with the form's text and errors
// when it is shown again.
// A form that came after someone else's change (stale) comes back with
// what was typed, the new version and a notice.
func (h *Handler) renderReport(c *gin.Context, status int, v *models.ReportView, form map[string]string, errs map[string]string, revisionErr string, stale bool) {
	l := localizer(c)
	if form == nil {
		form = reportFormValues(v.Report, l.Lang)
	}
	byField, list := formErrors(l, reportFields, errs)
	h.render(c, status, "report", gin.H{
		"V": v, "App": v.Detail.App, "Call": v.Detail.Call, "Unit": v.Unit, "Activities": v.Detail.Activities,
		"Form": form, "Errors": byField, "ErrorList": list, "RevisionError": revisionErr,
		"Considerations": workflow.ConsiderationFields, "Counts": reportCounts,
		"Done": knownDone(c.Query("done"), "saved", "submitted", "accepted", "revision"), "Message": c.PostForm("message"),
		"Stale": stale,
	})
}

// showReportPage shows the outcome report of an application to whoever
// may see the application; to anyone else it does not exist.
func (h *Handler) showReportPage(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	v, err := h.store.ReportPage(c.Request.Context(), actorOf(c), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.renderReport(c, http.StatusOK, v, nil, nil, "", false)
}

// saveReport saves the report as a draft, or submits it when the
// "submit" button was used. Bad input shows the form again, as typed,
// with 422.
func (h *Handler) saveReport(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	submit := c.PostForm("intent") == "submit"
	in, raw, bad := parseReportForm(c)
	err := error(&workflow.ValidationError{Fields: bad})
	if len(bad) == 0 {
		err = h.store.SaveReport(ctx, actorOf(c), id, formVersion(c), in, submit)
	}
	var verr *workflow.ValidationError
	if stale := errors.Is(err, models.ErrStale); stale || errors.As(err, &verr) {
		v, lerr := h.store.ReportPage(ctx, actorOf(c), id)
		if lerr != nil {
			h.fail(c, lerr)
			return
		}
		var fields map[string]string
		if verr != nil {
			fields = verr.Fields
		}
		h.renderReport(c, statusOf(err), v, raw, fields, "", stale)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	done := "saved"
	if submit {
		done = "submitted"
	}
	c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"/report?done="+done)
}

// acceptReport closes the application as a coordinator; unspent money
// returns to the pot.
func (h *Handler) acceptReport(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	if err := h.store.AcceptReport(c.Request.Context(), actorOf(c), id, formVersion(c)); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"/report?done=accepted")
}

// requestReportRevision sends the report back with a message; without
// one the page is shown again with 422.
func (h *Handler) requestReportRevision(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	err := h.store.RequestReportRevision(ctx, actorOf(c), id, formVersion(c), c.PostForm("message"))
	var verr *workflow.ValidationError
	if stale := errors.Is(err, models.ErrStale); stale || errors.As(err, &verr) {
		v, lerr := h.store.ReportPage(ctx, actorOf(c), id)
		if lerr != nil {
			h.fail(c, lerr)
			return
		}
		msg := ""
		if !stale {
			msg = localizer(c).T("followup.err.required")
		}
		h.renderReport(c, statusOf(err), v, nil, nil, msg, stale)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"/report?done=revision")
}
