package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
	"mobilityfund/workflow"
)

var (
	errUnauthenticated = errors.New("not signed in")
	errPageNotFound    = errors.New("no such page")
)

// fail is the one place that maps an error to a status and an error page:
// not found 404, forbidden 403, conflict 409, anything else 500 with the
// details in the log only.
func (h *Handler) fail(c *gin.Context, err error) {
	status, heading, message := http.StatusInternalServerError, "error.internal", "error.internal_text"
	switch {
	case errors.Is(err, errUnauthenticated):
		status, heading, message = http.StatusUnauthorized, "error.unauthenticated", "error.unauthenticated_text"
	case errors.Is(err, models.ErrNotFound), errors.Is(err, errPageNotFound):
		status, heading, message = http.StatusNotFound, "error.not_found", "error.not_found_text"
	case errors.Is(err, workflow.ErrForbidden):
		status, heading, message = http.StatusForbidden, "error.forbidden", "error.forbidden_text"
	case errors.Is(err, models.ErrStale), errors.Is(err, workflow.ErrInvalidTransition):
		status, heading, message = http.StatusConflict, "error.conflict", "error.conflict_text"
	default:
		h.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	h.render(c, status, "error", gin.H{"Heading": heading, "Message": message})
}

// notFound answers unknown routes with the 404 page.
func (h *Handler) notFound(c *gin.Context) { h.fail(c, errPageNotFound) }
