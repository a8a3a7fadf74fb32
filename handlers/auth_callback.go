package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

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
	p := h.oidc.ready()
	if p == nil {
		h.renderLogin(c, http.StatusServiceUnavailable, "auth.unavailable")
		return
	}
	f := loginFlow{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(),
		Next: nextAfterSignIn(c.Query("next")), Expires: time.Now().Add(flowMaxAge)}
	if err := h.saveFlow(c, f); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusFound, p.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)))
}

// authCallback finishes the flow: the sign-in with this state, code
// exchange with the PKCE verifier, ID token verification (signature,
// issuer, audience, expiry by go-oidc; the nonce here), the claims the ID
// token lacks from userinfo, then the person, their grants and a new
// session in one transaction. Every failure shows the sign-in page with a
// short reason, logs the details and is in the audit trail; nothing else
// is saved.
func (h *Handler) authCallback(c *gin.Context) {
	if h.oidc == nil {
		h.fail(c, errPageNotFound)
		return
	}
	p := h.oidc.ready()
	if p == nil {
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
	ctx := oidc.ClientContext(c.Request.Context(), h.oidc.client)
	tok, err := p.oauth.Exchange(ctx, c.Query("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var rerr *oauth2.RetrieveError
		if errors.As(err, &rerr) {
			h.authFailed(c, http.StatusBadRequest, "auth.err.failed", nil, fmt.Errorf("code exchange: %w", err))
		} else {
			h.authFailed(c, http.StatusServiceUnavailable, "auth.unavailable", nil, fmt.Errorf("code exchange: %w", err))
		}
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", nil, errors.New("no id_token in the token response"))
		return
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", nil, fmt.Errorf("verify ID token: %w", err))
		return
	}
	if !constantTimeEqual(idt.Nonce, f.Nonce) {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", nil, errors.New("nonce does not match"))
		return
	}
	h.finishSignIn(ctx, c, p, tok, idt, raw, f.Next)
}

// finishSignIn reads the person from the verified ID token, completed
// from userinfo, and signs them in, or refuses one without an email
// address, a disabled one, or one whose userinfo names someone else.
func (h *Handler) finishSignIn(ctx context.Context, c *gin.Context, p *oidcProvider, tok *oauth2.Token, idt *oidc.IDToken, raw, next string) {
	who := &models.Identity{Issuer: idt.Issuer, Subject: idt.Subject}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", who, fmt.Errorf("claims: %w", err))
		return
	}
	claims, src, err := h.oidc.completeClaims(ctx, p, tok, idt, claims)
	h.log.InfoContext(c.Request.Context(), "sign-in claims", "subject", idt.Subject, "from_id_token", src.IDToken,
		"from_userinfo", src.Userinfo, "missing", src.Missing)
	id := h.oidc.identity(idt, claims)
	switch {
	case errors.Is(err, errUserinfoSubject):
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", who, err)
		return
	case err != nil && id.Email == "":
		h.authFailed(c, http.StatusServiceUnavailable, "auth.unavailable", who, err)
		return
	case err != nil:
		// Everything needed came in the ID token; userinfo would only
		// have added a name or groups.
		h.log.WarnContext(c.Request.Context(), "userinfo unavailable; signing in with the ID token's claims", "err", err)
	}
	if id.Email == "" {
		h.authFailed(c, http.StatusForbidden, "auth.err.no_email", who, errors.New("no email address in the ID token or userinfo"))
		return
	}
	id.Language = i18n.Negotiate("", c.GetHeader("Accept-Language"))
	if h.oidc.keepsTokens() {
		id.ProviderToken = h.sealToken(tok)
	}
	token := randomToken()
	res, err := h.store.SignIn(c.Request.Context(), id, h.oidc.rules, h.tokenHash(token), h.cookieHash(c), raw)
	switch {
	case errors.Is(err, workflow.ErrForbidden):
		h.authFailed(c, http.StatusForbidden, "auth.err.disabled", who, err)
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	if len(res.UnknownUnits) > 0 {
		h.log.WarnContext(c.Request.Context(), "sign-in names unknown org units", "user", res.User.ID, "units", res.UnknownUnits)
	}
	h.log.InfoContext(c.Request.Context(), "signed in", "user", res.User.ID, "created", res.Created)
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
