package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"mobilityfund/auth"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// nextAfterSignIn is where a sign-in ends: the local page the person
// asked for (checked like /language's), never a sign-in page again.
func nextAfterSignIn(next string) string {
	next = localPath(next)
	if next == "/login" || strings.HasPrefix(next, "/login?") || strings.HasPrefix(next, "/login/") ||
		strings.HasPrefix(next, "/auth/") || strings.HasPrefix(next, "/logout") {
		return "/"
	}
	return next
}

// startLogin begins the authorization code flow with PKCE (S256): state,
// nonce and verifier are random per sign-in and travel in a sealed,
// short-lived cookie of this sign-in's own, with the page to return to.
func (h *Handler) startLogin(c *gin.Context) {
	if h.oidc == nil {
		h.fail(c, errPageNotFound)
		return
	}
	f := auth.NewFlow(nextAfterSignIn(c.Query("next")), time.Now().Add(flowMaxAge))
	target, err := h.oidc.AuthURL(f)
	if err != nil { // auth.ErrNotReady: the provider has not answered yet
		h.renderLogin(c, http.StatusServiceUnavailable, "auth.unavailable")
		return
	}
	if err := h.saveFlow(c, f); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusFound, target)
}

// authCallback finishes the flow: the sign-in with this state, then
// auth.OIDC.Exchange (code exchange with the PKCE verifier, ID token
// verification and the nonce), the claims the ID token lacks from
// userinfo, then the person, their grants and a new session in one
// transaction. Every failure shows the sign-in page with a short reason,
// logs the details and is in the audit trail; nothing else is saved.
func (h *Handler) authCallback(c *gin.Context) {
	if h.oidc == nil {
		h.fail(c, errPageNotFound)
		return
	}
	if !h.oidc.Ready() {
		h.renderLogin(c, http.StatusServiceUnavailable, "auth.unavailable")
		return
	}
	f, found := h.takeFlow(c, c.Query("state"))
	switch found {
	case flowNone:
		h.authFailed(c, http.StatusBadRequest, "auth.err.expired", nil, errors.New("no valid sign-in cookie"))
		return
	case flowOther:
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", nil, errors.New("state does not match"))
		return
	}
	if e := c.Query("error"); e != "" {
		h.authFailed(c, http.StatusBadRequest, "auth.err.refused", nil, fmt.Errorf("provider: %s: %s", e, c.Query("error_description")))
		return
	}
	si, err := h.oidc.Exchange(c.Request.Context(), c.Query("code"), f)
	var perr *auth.ProviderError
	switch {
	case errors.Is(err, auth.ErrNotReady), errors.As(err, &perr) && !perr.Refused:
		h.authFailed(c, http.StatusServiceUnavailable, "auth.unavailable", nil, err)
		return
	case err != nil:
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", nil, err)
		return
	}
	h.finishSignIn(c, si, f.Next)
}

// finishSignIn reads the person from the verified ID token, completed
// from userinfo, and signs them in, or refuses one without an email
// address, a disabled one, or one whose userinfo names someone else.
func (h *Handler) finishSignIn(c *gin.Context, si *auth.SignIn, next string) {
	ctx := c.Request.Context()
	who := &models.Identity{Issuer: si.Issuer, Subject: si.Subject}
	id, src, err := h.oidc.Identify(ctx, si)
	if errors.Is(err, auth.ErrClaims) {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", who, err)
		return
	}
	h.log.InfoContext(ctx, "sign-in claims", "subject", si.Subject, "from_id_token", src.IDToken,
		"from_userinfo", src.Userinfo, "missing", src.Missing)
	switch {
	case errors.Is(err, auth.ErrUserinfoSubject):
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", who, err)
		return
	case err != nil && id.Email == "":
		h.authFailed(c, http.StatusServiceUnavailable, "auth.unavailable", who, err)
		return
	case err != nil:
		// Everything needed came in the ID token; userinfo would only
		// have added a name or groups.
		h.log.WarnContext(ctx, "userinfo unavailable; signing in with the ID token's claims", "err", err)
	}
	if id.Email == "" {
		h.authFailed(c, http.StatusForbidden, "auth.err.no_email", who, errors.New("no email address in the ID token or userinfo"))
		return
	}
	id.Language = i18n.Negotiate("", c.GetHeader("Accept-Language"))
	if h.oidc.KeepsTokens() {
		id.ProviderToken = h.keys.SealToken(si.Token)
	}
	token := auth.RandomToken()
	res, err := h.store.SignIn(ctx, id, h.oidc.Rules(), h.keys.TokenHash(token), h.cookieHash(c), si.RawIDToken)
	switch {
	case errors.Is(err, workflow.ErrForbidden):
		h.authFailed(c, http.StatusForbidden, "auth.err.disabled", who, err)
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	if len(res.UnknownUnits) > 0 {
		h.log.WarnContext(ctx, "sign-in names unknown org units", "user", res.User.ID, "units", res.UnknownUnits)
	}
	h.log.InfoContext(ctx, "signed in", "user", res.User.ID, "created", res.Created)
	h.setCookie(c, sessionCookie, token, models.SessionLifetime)
	c.Redirect(http.StatusSeeOther, next)
}

// authFailed logs why a sign-in failed, writes it in the audit trail
// (naming the person when the provider vouched for one, who) and shows the
// sign-in page with a short reason (a message id), never the details.
func (h *Handler) authFailed(c *gin.Context, status int, reason string, who *models.Identity, err error) {
	h.log.WarnContext(c.Request.Context(), "sign-in failed", "reason", reason, "err", err)
	var iss, sub string
	if who != nil {
		iss, sub = who.Issuer, who.Subject
	}
	if aerr := h.store.RecordSignInRefused(c.Request.Context(), iss, sub, reason); aerr != nil {
		h.log.ErrorContext(c.Request.Context(), "audit refused sign-in", "err", aerr)
	}
	h.renderLogin(c, status, reason)
}
