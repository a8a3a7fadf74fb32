package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"mobilityfund/config"
	"mobilityfund/i18n"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// OIDC is the single sign-on client. Discovery may fail while the provider
// is down; until it succeeds the application runs and the sign-in page
// says that sign-in is unavailable right now.
type OIDC struct {
	cfg    config.OIDC
	rules  []models.GroupRole
	client *http.Client

	mu       sync.RWMutex
	provider *oidcProvider
}

// oidcProvider is what discovery found.
type oidcProvider struct {
	oauth      oauth2.Config
	verifier   *oidc.IDTokenVerifier
	endSession string
}

// NewOIDC checks the single sign-on settings and returns a client that has
// not yet met its provider: call Discover or DiscoverWithRetry. It returns
// an error when the issuer or client ID is missing or OIDC_GROUP_ROLES is
// malformed.
func NewOIDC(cfg config.OIDC) (*OIDC, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("OIDC_ISSUER and OIDC_CLIENT_ID are both needed for single sign-on")
	}
	rules, err := models.ParseGroupRoles(cfg.GroupRoles)
	if err != nil {
		return nil, err
	}
	if len(rules) > 0 && cfg.ClaimGroups == "" {
		return nil, errors.New("OIDC_GROUP_ROLES is set but OIDC_CLAIM_GROUPS is not: name the claim that holds the groups")
	}
	return &OIDC{cfg: cfg, rules: rules, client: &http.Client{Timeout: 10 * time.Second}}, nil
}

// Discover fetches the provider's metadata once. It returns the error of
// the fetch, or one saying the issuer in the metadata differs from
// OIDC_ISSUER (which must match exactly, trailing slash and all).
func (o *OIDC) Discover(ctx context.Context) error {
	ctx = oidc.ClientContext(ctx, o.client)
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return err
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return fmt.Errorf("provider metadata: %w", err)
	}
	scopes := o.cfg.Scopes
	if !strings.Contains(" "+strings.Join(scopes, " ")+" ", " "+oidc.ScopeOpenID+" ") {
		scopes = append([]string{oidc.ScopeOpenID}, scopes...)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.provider = &oidcProvider{
		oauth: oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret,
			Endpoint: p.Endpoint(), RedirectURL: o.cfg.RedirectURL, Scopes: scopes},
		verifier:   p.VerifierContext(ctx, &oidc.Config{ClientID: o.cfg.ClientID}),
		endSession: meta.EndSession,
	}
	return nil
}

// DiscoverWithRetry calls Discover until it succeeds or ctx ends, waiting
// 1 s, 2 s, 4 s … (at most a minute) between attempts and logging each
// failure. It returns nil on success and ctx.Err() when cancelled.
func (o *OIDC) DiscoverWithRetry(ctx context.Context, log *slog.Logger) error {
	wait := time.Second
	for {
		err := o.Discover(ctx)
		if err == nil {
			log.Info("single sign-on ready", "issuer", o.cfg.Issuer)
			return nil
		}
		log.Warn("single sign-on provider unavailable; retrying", "issuer", o.cfg.Issuer, "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// ready returns what discovery found, or nil while the provider has not
// answered yet.
func (o *OIDC) ready() *oidcProvider {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.provider
}

// startLogin begins the authorization code flow with PKCE (S256): state,
// nonce and verifier are random per sign-in and travel in a sealed,
// short-lived cookie that only /auth/ sees.
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
		Next: localPath(c.Query("next")), Expires: time.Now().Add(flowMaxAge)}
	if err := h.saveFlow(c, f); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusFound, p.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)))
}

// authCallback finishes the flow: state, code exchange with the PKCE
// verifier, ID token verification (signature, issuer, audience, expiry by
// go-oidc; the nonce here), then the person, their grants and a new
// session in one transaction. Every failure shows the sign-in page with a
// short reason and logs the details; nothing is saved.
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
	f, ok := h.takeFlow(c)
	if !ok {
		h.authFailed(c, http.StatusBadRequest, "auth.err.expired", errors.New("no valid sign-in cookie"))
		return
	}
	if e := c.Query("error"); e != "" {
		h.authFailed(c, http.StatusBadRequest, "auth.err.refused", fmt.Errorf("provider: %s: %s", e, c.Query("error_description")))
		return
	}
	if subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(f.State)) != 1 {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", errors.New("state does not match"))
		return
	}
	ctx := oidc.ClientContext(c.Request.Context(), h.oidc.client)
	tok, err := p.oauth.Exchange(ctx, c.Query("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var rerr *oauth2.RetrieveError
		if errors.As(err, &rerr) {
			h.authFailed(c, http.StatusBadRequest, "auth.err.failed", fmt.Errorf("code exchange: %w", err))
		} else {
			h.authFailed(c, http.StatusServiceUnavailable, "auth.unavailable", fmt.Errorf("code exchange: %w", err))
		}
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", errors.New("no id_token in the token response"))
		return
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", fmt.Errorf("verify ID token: %w", err))
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", errors.New("nonce does not match"))
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		h.authFailed(c, http.StatusBadRequest, "auth.err.failed", fmt.Errorf("claims: %w", err))
		return
	}
	id := h.oidc.identity(idt, claims)
	id.Language = i18n.Negotiate("", c.GetHeader("Accept-Language"))
	token := randomToken()
	res, err := h.store.SignIn(c.Request.Context(), id, h.oidc.rules, h.tokenHash(token), h.cookieHash(c), raw)
	switch {
	case errors.Is(err, workflow.ErrForbidden):
		h.authFailed(c, http.StatusForbidden, "auth.err.disabled", err)
		return
	case err != nil:
		h.fail(c, err)
		return
	}
	if len(res.UnknownUnits) > 0 {
		h.log.WarnContext(c.Request.Context(), "sign-in names unknown org units", "user", res.User.ID, "units", res.UnknownUnits)
	}
	h.log.InfoContext(c.Request.Context(), "signed in", "user", res.User.ID, "created", res.Created)
	h.setCookie(c, sessionCookie, token, "/", models.SessionLifetime)
	c.Redirect(http.StatusSeeOther, f.Next)
}

// authFailed logs why a sign-in failed and shows the sign-in page with a
// short reason (a message id), never the details.
func (h *Handler) authFailed(c *gin.Context, status int, reason string, err error) {
	h.log.WarnContext(c.Request.Context(), "sign-in failed", "reason", reason, "err", err)
	h.renderLogin(c, status, reason)
}

// identity reads the person from the verified ID token with the
// configured claim names. The subject is always "sub".
func (o *OIDC) identity(idt *oidc.IDToken, claims map[string]any) models.Identity {
	str := func(name string) string {
		if name == "" {
			return ""
		}
		s, _ := claims[name].(string)
		return strings.TrimSpace(s)
	}
	id := models.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: str(o.cfg.ClaimEmail), Name: str(o.cfg.ClaimName)}
	if id.Name == "" {
		id.Name = str("preferred_username")
	}
	if id.Name == "" {
		id.Name = id.Email
	}
	switch g := claims[o.cfg.ClaimGroups].(type) {
	case []any:
		for _, v := range g {
			if s, ok := v.(string); ok {
				id.Groups = append(id.Groups, s)
			}
		}
	case string:
		id.Groups = strings.Fields(g)
	}
	if o.cfg.ClaimUnit != "" {
		id.UnitClaim, id.UnitCode = true, str(o.cfg.ClaimUnit)
	}
	return id
}

// logout ends the session here (the row is deleted) and, when the person
// signed in through a provider that offers it, at the provider too
// (RP-initiated logout with id_token_hint).
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
	c.Redirect(http.StatusSeeOther, target)
}
