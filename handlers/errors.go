package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

var (
	errUnauthenticated = errors.New("not signed in")
	errPageNotFound    = errors.New("no such page")
)

// answer is how one kind of error is answered: its status, and the
// heading and text of the error page when no form can show it.
type answer struct {
	status        int
	heading, text string
}

var (
	answerInternal        = answer{http.StatusInternalServerError, "error.internal", "error.internal_text"}
	answerUnauthenticated = answer{http.StatusUnauthorized, "error.unauthenticated", "error.unauthenticated_text"}
	answerNotFound        = answer{http.StatusNotFound, "error.not_found", "error.not_found_text"}
	answerForbidden       = answer{http.StatusForbidden, "error.forbidden", "error.forbidden_text"}
	answerConflictOfInt   = answer{http.StatusForbidden, "error.forbidden", "error.conflict_of_interest"}
	answerStale           = answer{http.StatusConflict, "error.conflict", "error.conflict_text"}
	answerNotNow          = answer{http.StatusConflict, "error.not_now", "error.not_now_text"}
	answerOverBudget      = answer{http.StatusConflict, "error.not_now", "error.over_budget"}
	answerDeadline        = answer{http.StatusConflict, "error.not_now", "error.deadline_passed"}
	answerInvalid         = answer{http.StatusUnprocessableEntity, "error.invalid", "error.invalid_text"}
	answerFinanceNotReady = answer{http.StatusConflict, "error.not_now", "finance.settings_incomplete"}
	answerNothingToExport = answer{http.StatusConflict, "error.not_now", "finance.nothing_to_export"}
	answerTooLarge        = answer{http.StatusRequestEntityTooLarge, "error.too_large", "error.too_large_text"}
	answerUnsupported     = answer{http.StatusUnsupportedMediaType, "error.unsupported", "error.unsupported_text"}
	answerBadQuery        = answer{http.StatusBadRequest, "error.bad_request", "error.bad_request_text"}
	answerBadText         = answer{http.StatusUnprocessableEntity, "error.invalid", "error.invalid_characters"}
	answerUnavailable     = answer{http.StatusServiceUnavailable, "error.unavailable", "error.unavailable_text"}
)

// answers maps every error the layers below return to its answer. The
// first row that matches wins, so a specific error comes before the
// general one it wraps. errors_test.go fails on an exported error of
// models, workflow or money without a row here.
var answers = []struct {
	match func(error) bool
	answer
}{
	{models.Unavailable, answerUnavailable},
	{is(errUnauthenticated), answerUnauthenticated},
	{is(errPageNotFound), answerNotFound},
	{is(errTooManyRequests), answerTooMany},
	{is(errBodyTooLarge), answerTooLarge},
	{is(errBodyUnsupported), answerUnsupported},
	{is(errBadQuery), answerBadQuery},
	{is(models.ErrBadCursor), answerBadQuery},
	{func(err error) bool { var e *invalidTextError; return errors.As(err, &e) && e.Query }, answerBadQuery},
	{as[*invalidTextError], answerBadText},
	{is(models.ErrNotFound), answerNotFound},
	{is(workflow.ErrConflictOfInterest), answerConflictOfInt},
	{is(workflow.ErrForbidden), answerForbidden},
	{is(models.ErrAccessUnchanged), answerStale},
	{is(models.ErrStale), answerStale},
	{as[*workflow.OverBudgetError], answerOverBudget},
	{is(workflow.ErrOverBudget), answerOverBudget},
	{is(workflow.ErrDeadlinePassed), answerDeadline},
	{is(workflow.ErrInvalidTransition), answerNotNow},
	{as[*workflow.ValidationError], answerInvalid},
	{is(money.ErrEmpty), answerInvalid},
	{is(money.ErrInvalid), answerInvalid},
	{is(money.ErrNegative), answerInvalid},
	{is(money.ErrTooLarge), answerInvalid},
	{is(money.ErrAmbiguous), answerInvalid},
	{is(models.ErrNothingToExport), answerNothingToExport},
	{is(models.ErrFinanceSettingsIncomplete), answerFinanceNotReady},
	{as[*models.MissingCostCentreError], answerFinanceNotReady},
	{as[*models.CallChangeWarning], answer{http.StatusConflict, "error.conflict", "admin.calls.warning_text"}},
	{as[*models.ImportError], answerInvalid},
	// Command-line errors: should one reach a page, the person is told
	// the action does not apply now.
	{is(models.ErrNotPseudonymisable), answerNotNow},
	{is(models.ErrSyntheticLoaded), answerNotNow},
	// Only the mail worker holds outbox leases; one reaching a page is a
	// fault.
	{is(models.ErrLeaseLost), answerInternal},
}

func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func as[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

// answerOf finds err's answer; anything unknown is an internal error.
func answerOf(err error) answer {
	for _, a := range answers {
		if a.match(err) {
			return a.answer
		}
	}
	return answerInternal
}

// statusOf is the one place where an error becomes an HTTP status: not
// found 404, forbidden 403, stale or not possible now 409, invalid input
// 422, anything else 500. HTML pages and the JSON API both use it.
func statusOf(err error) int { return answerOf(err).status }

// fail answers a request that failed with the error page for err; an
// internal error's details go to the log only.
func (h *Handler) fail(c *gin.Context, err error) {
	a := answerOf(err)
	if a.status == http.StatusServiceUnavailable {
		h.log.WarnContext(c.Request.Context(), "database unavailable", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		c.Header("Retry-After", "5")
	}
	if a.status == http.StatusInternalServerError {
		h.log.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	data := gin.H{"Heading": a.heading, "Message": a.text}
	var bad *invalidTextError
	if errors.As(err, &bad) {
		data["Detail"] = localizer(c).T("error.invalid_characters_field", "Field", bad.Field)
	}
	h.render(c, a.status, "error", data)
}

// failJSON answers an API request that failed, with the same status as
// a page would get and a short English text.
func (h *Handler) failJSON(c *gin.Context, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		h.log.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	c.JSON(status, gin.H{"error": http.StatusText(status)})
}

// notFound answers unknown routes with the 404 page.
func (h *Handler) notFound(c *gin.Context) { h.fail(c, errPageNotFound) }
