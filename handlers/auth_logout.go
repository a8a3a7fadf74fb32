package handlers

import (
	"crypto/subtle"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
)

// constantTimeEqual compares two secrets without telling by its timing
// how much of them matched.
func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

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
	if sess != nil && sess.IDToken != "" && h.oidc != nil {
		if p := h.oidc.ready(); p != nil && p.endSession != "" {
			if u, err := url.Parse(p.endSession); err == nil {
				q := u.Query()
				q.Set("id_token_hint", sess.IDToken)
				q.Set("client_id", h.oidc.cfg.ClientID)
				q.Set("post_logout_redirect_uri", h.cfg.BaseURL+"/")
				u.RawQuery = q.Encode()
				target = u.String()
			}
		}
	}
	if sess != nil {
		h.log.InfoContext(c.Request.Context(), "signed out", "user", sess.UserID, "at_provider", target != "/")
	}
	c.Redirect(http.StatusSeeOther, target)
}
