package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// actionAttempt is an action form as posted, with what is wrong with it.
type actionAttempt struct {
	Action      workflow.Action
	Comment     string
	Amount      string
	DecisionRef string
	Assessment  string
	ExtendTo    string
	Errors      map[string]string // field → message id
	// Over is set when a grant exceeded what remains of the call.
	Over *workflow.OverBudgetError
	// CommentID names the comment an edit or strike form was about.
	CommentID int64
	// Stale is set when someone else changed the application after the
	// form was loaded: the page says so and keeps what was typed.
	Stale bool
}

// readAction reads an action form into the workflow's input, noting what
// cannot be read.
func readAction(c *gin.Context, action workflow.Action, zone *time.Location) (*actionAttempt, workflow.Input, int) {
	a := &actionAttempt{Action: action, Comment: c.PostForm("comment"), Amount: c.PostForm("amount"),
		DecisionRef: c.PostForm("decision_ref"), Assessment: c.PostForm("assessment"),
		ExtendTo: c.PostForm("extend_to"), Errors: map[string]string{}}
	in := workflow.Input{Comment: strings.TrimSpace(a.Comment), DecisionRef: strings.TrimSpace(a.DecisionRef),
		Assessment: strings.TrimSpace(a.Assessment)}
	if strings.TrimSpace(a.Amount) != "" {
		ore, err := money.ParseFor(a.Amount, localizer(c).Lang)
		if err != nil {
			a.Errors["amount"] = moneyMessage(err)
		}
		in.AmountOre = ore
	}
	if action == workflow.ActionRevoke && c.PostForm("confirm") != "1" {
		// Revoking takes money back from a unit: the form asks the
		// decider to say so, with JavaScript or without.
		a.Errors["confirm"] = "error.confirm_revoke"
	}
	if d, msg := parseDay(a.ExtendTo, zone); msg != "" {
		a.Errors["extend_to"] = msg
	} else if d != nil {
		// The whole chosen day counts.
		in.ExtendTo = d.AddDate(0, 0, 1).Add(-time.Minute)
	}
	return a, in, formVersion(c)
}

// applicationAction takes one workflow action on an application: the
// action is in the path, the form carries the version the person saw and
// the action's fields.
func (h *Handler) applicationAction(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	action := workflow.Action(c.Param("action"))
	if link := actionOptions[action].Link; !slices.Contains(workflow.Actions(), action) || (link != "" && link != "decide") {
		// Booking and reports carry more than this form has: they go
		// through the finance and report pages only.
		h.fail(c, errPageNotFound)
		return
	}
	attempt, in, version := readAction(c, action, h.store.Zone())
	decision := action == workflow.ActionGrant || action == workflow.ActionReject || action == workflow.ActionRevoke
	if len(attempt.Errors) == 0 && in.DecisionRef != "" && decision {
		// Reference numbers are unique: one in use is refused before
		// the decision is tried.
		taken, err := h.store.ReferenceTaken(c.Request.Context(), in.DecisionRef)
		if err != nil {
			h.fail(c, err)
			return
		}
		if taken {
			attempt.Errors["decision_ref"] = models.MsgReferenceTaken
		}
	}
	if len(attempt.Errors) > 0 {
		h.actionFailed(c, id, attempt, http.StatusUnprocessableEntity)
		return
	}
	_, err := h.store.Apply(c.Request.Context(), id, version, actorOf(c), action, in)
	var invalid *workflow.ValidationError
	var over *workflow.OverBudgetError
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/applications/"+strconv.FormatInt(id, 10)+"?done="+string(action))
	case action == workflow.ActionSubmit && errors.As(err, &invalid):
		// An incomplete application goes back to its form, with what is
		// missing beside each field.
		h.renderEdit(c, statusOf(err), id, nil, invalid.Fields)
	case errors.As(err, &invalid):
		for k, v := range invalid.Fields {
			attempt.Errors[k] = v
		}
		h.actionFailed(c, id, attempt, statusOf(err))
	case errors.As(err, &over):
		attempt.Over = over
		attempt.Errors["amount"] = "error.over_budget"
		h.actionFailed(c, id, attempt, statusOf(err))
	case errors.Is(err, models.ErrStale):
		attempt.Stale = true
		h.actionFailed(c, id, attempt, statusOf(err))
	case errors.Is(err, workflow.ErrDeadlinePassed):
		attempt.Errors["deadline"] = "error.deadline_passed"
		h.actionFailed(c, id, attempt, statusOf(err))
	default:
		h.fail(c, err)
	}
}

// actionFailed shows the form of a failed action again, with status: the
// decision page for decisions, the application page for the rest.
func (h *Handler) actionFailed(c *gin.Context, id int64, a *actionAttempt, status int) {
	if a.Action == workflow.ActionGrant || a.Action == workflow.ActionReject {
		h.renderDecide(c, status, id, a)
		return
	}
	h.renderApplication(c, status, id, a)
}

// showDecidePage shows the decision form with the budget before and after.
func (h *Handler) showDecidePage(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	h.renderDecide(c, http.StatusOK, id, nil)
}

func (h *Handler) renderDecide(c *gin.Context, status int, id int64, failed *actionAttempt) {
	p, err := h.loadApplicationPage(c, id)
	if err != nil {
		h.fail(c, err)
		return
	}
	var may, blocked bool
	for _, o := range p.Options {
		if o.Action == workflow.ActionGrant {
			may, blocked = o.Blocked == nil, o.Blocked != nil
		}
	}
	if !may && !blocked && failed != nil && failed.Stale {
		// The decision is no longer possible: the application page says
		// why and keeps the motivation that was typed.
		h.renderApplication(c, status, id, failed)
		return
	}
	if !may && !blocked {
		if !actorOf(c).Has(workflow.RoleDecider) {
			h.fail(c, workflow.ErrForbidden)
		} else {
			h.fail(c, workflow.ErrInvalidTransition)
		}
		return
	}
	amount := p.Detail.App.RecommendedOre
	if amount == 0 {
		amount = p.Detail.App.RequestedOre
	}
	defaultAmount := amount
	l := localizer(c)
	// The decider is offered the next number of this year's series and
	// may change it.
	proposed, err := h.store.ProposeReference(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	form := &actionAttempt{Action: workflow.ActionGrant, Amount: l.MoneyInput(amount), DecisionRef: proposed, Errors: map[string]string{}}
	if failed != nil {
		form = failed
		if ore, err := money.ParseFor(failed.Amount, l.Lang); err == nil {
			amount = ore
		}
	}
	h.render(c, status, "decide", gin.H{
		"P": p, "App": p.Detail.App, "Form": form, "Errors": form.Errors, "Blocked": blocked, "Conflict": staleNotice(p, failed),
		"After": p.Budget.RemainingOre() - amount, "AfterFits": amount <= p.Budget.RemainingOre(), "Default": defaultAmount,
		"Proposed": proposed,
	})
}

// actionOption describes how the application page offers an action: the
// fields its form needs, or the page that handles it.
type actionOption struct {
	Comment     bool // a message or motivation
	CommentReq  bool
	Amount      bool
	Assessment  bool
	DecisionRef bool
	ExtendTo    bool
	Link        string // a page of its own: relative to the application, or absolute
	Primary     bool
}

var actionOptions = map[workflow.Action]actionOption{
	workflow.ActionSubmit:          {Primary: true},
	workflow.ActionWithdraw:        {Comment: true},
	workflow.ActionEndorse:         {Comment: true, Primary: true},
	workflow.ActionReturn:          {Comment: true, CommentReq: true},
	workflow.ActionAssess:          {Assessment: true, Amount: true},
	workflow.ActionMarkReady:       {Assessment: true, Amount: true, Primary: true},
	workflow.ActionSendBack:        {Comment: true, CommentReq: true},
	workflow.ActionGrant:           {Link: "decide", Primary: true},
	workflow.ActionReject:          {Link: "decide"},
	workflow.ActionRevoke:          {Comment: true, CommentReq: true, DecisionRef: true},
	workflow.ActionBook:            {Link: "/finance", Primary: true}, // booked per export batch
	workflow.ActionReport:          {Link: "report", Primary: true},
	workflow.ActionAcceptReport:    {Link: "report", Primary: true},
	workflow.ActionRequestRevision: {Link: "report"},
	workflow.ActionExtendDeadline:  {ExtendTo: true, Comment: true},
}

// optionOf is the template's way to ask how to offer an action.
func optionOf(a workflow.Action) actionOption { return actionOptions[a] }

// attemptValue returns what was typed in field of action's form when that
// form failed, so that it comes back filled in.
func attemptValue(failed *actionAttempt, action workflow.Action, field string) string {
	if failed == nil || failed.Action != action {
		return ""
	}
	switch field {
	case "comment":
		return failed.Comment
	case "amount":
		return failed.Amount
	case "decision_ref":
		return failed.DecisionRef
	case "assessment":
		return failed.Assessment
	case "extend_to":
		return failed.ExtendTo
	}
	return ""
}
