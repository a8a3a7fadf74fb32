package handlers

import (
	"github.com/gin-gonic/gin"

	"mobilityfund/config"
)

// Tests run gin in test mode: no route listing on every New.
func init() { gin.SetMode(gin.TestMode) }

// RoutesFor lists the routes the application registers with cfg, for the
// route × role matrix in authz_test.go. Registering routes needs no
// database, so the handler here holds only the configuration.
func RoutesFor(cfg config.Config) gin.RoutesInfo {
	r := gin.New()
	(&Handler{cfg: cfg}).routes(r)
	return r.Routes()
}
