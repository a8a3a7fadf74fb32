package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// listApplications lists the applications the signed-in person may see.
func (h *Handler) listApplications(c *gin.Context) {
	ctx := c.Request.Context()
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	rows, err := h.store.Applications(ctx, models.VisibilityOf(actorOf(c), chart), models.ApplicationFilter{Limit: 200})
	if err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "applications", gin.H{"Rows": rows})
}

// showApplication shows one application to a person who may see it; to
// anyone else it does not exist.
func (h *Handler) showApplication(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	chart, err := h.store.OrgChart(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	v, err := h.store.ApplicationView(ctx, models.VisibilityOf(actorOf(c), chart), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	unit, _ := chart.Unit(v.App.UnitID)
	h.render(c, http.StatusOK, "application", gin.H{
		"App": v.App, "Call": v.Call, "Lines": v.Lines, "Requested": v.RequestedOre(), "Unit": unit,
	})
}
