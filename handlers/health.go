package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// healthz answers while the process runs.
func (h *Handler) healthz(c *gin.Context) { c.String(http.StatusOK, "ok") }

// readyz answers 200 only while the database answers, so a load balancer
// stops sending traffic to a replica that lost it.
func (h *Handler) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.WarnContext(c.Request.Context(), "readiness: database unreachable", "err", err)
		c.String(http.StatusServiceUnavailable, "database unavailable")
		return
	}
	c.String(http.StatusOK, "ready")
}
