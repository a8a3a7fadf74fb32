package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// logout ends the session here (the row is deleted, the sign-out
// audited) and, when the person signed in through a provider that offers
// it, at the provider too: RP-Initiated Logout 1.0 §2 with id_token_hint,
// client_id and post_logout_redirect_uri. The sign-out form's 303 to the
// provider leaves our origin, which a browser allows only because the
// pages' CSP names the provider's origin in form-action.
func (h *Handler) logout(c *gin.Context) {
	sess, err := h.endSession(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	target := "/"
	if sess != nil {
		if u := h.oidc.EndSessionURL(sess.IDToken, h.cfg.BaseURL+"/"); u != "" {
			target = u
		}
	}
	if sess != nil {
		h.log.InfoContext(c.Request.Context(), "signed out", "user", sess.UserID, "at_provider", target != "/")
	}
	c.Redirect(http.StatusSeeOther, target)
}
