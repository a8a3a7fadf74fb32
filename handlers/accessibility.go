package handlers

import (
	"cmp"
	"errors"
	"net/http"
	"net/mail"

	"github.com/gin-gonic/gin"

	"mobilityfund/models"
)

// diggReportURL is DIGG's form for reporting a lack of accessibility in
// a public body's digital service (the DOS law's supervisory authority).
const diggReportURL = "https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/anmal-bristande-tillganglighet"

// showAccessibilityPage is the accessibility statement the DOS law asks
// of a public body: how far the service meets WCAG 2.1 AA, what is
// known not to, how that was found, and where to turn.
func (h *Handler) showAccessibilityPage(c *gin.Context) {
	org := ""
	set, err := h.store.FinanceSettings(c.Request.Context())
	switch {
	case err == nil:
		org = set.Organisation
	case !errors.Is(err, models.ErrNotFound):
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "accessibility", gin.H{
		"Organisation": org,
		"Contact":      contactAddress(cmp.Or(h.cfg.ContactEmail, h.cfg.SMTP.From)),
		"DIGG":         diggReportURL,
	})
}

// contactAddress is the bare address of a "Name <address>" sender, or ""
// when it does not parse.
func contactAddress(from string) string {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return ""
	}
	return a.Address
}
