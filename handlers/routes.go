package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/templates"
)

// routes registers every route of the application, in one place.
func (h *Handler) routes(r *gin.Engine) {
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.StaticFS("/static", http.FS(templates.Static()))

	r.GET("/", h.showStartPage)
	r.GET("/plan", h.showPlanPage)
	r.GET("/calls/:id", h.showCallPage)
	r.POST("/language", h.setLanguage)

	r.GET("/login", h.showLoginPage)
	r.POST("/logout", h.logout)
	if h.cfg.DevLogin {
		r.POST("/login/dev", h.devLogin)
	}

	signedIn := r.Group("/", h.requireLogin)
	signedIn.GET("/applications", h.listApplications)
	signedIn.GET("/applications/:id", h.showApplication)

	r.NoRoute(h.notFound)
	r.NoMethod(h.notFound)
}
