package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"mobilityfund/models"
)

// Roles from provider groups are kept fresh while a session lives: at
// most every OIDC_GROUPS_REFRESH_MINUTES the groups are read again, with
// the refresh token (a new ID token, else userinfo with the new access
// token) or, without one, with the access token from the sign-in while it
// is valid. A provider that refuses the refresh token (invalid_grant) has
// ended the sign-in, and the session ends here too. Where neither token
// works, the groups are read at the next sign-in.

// providerToken is what a session keeps of the provider's tokens.
type providerToken struct {
	Access  string    `json:"a"`
	Refresh string    `json:"r,omitempty"`
	Expiry  time.Time `json:"e"`
}

// keepsTokens reports whether sessions keep the provider's tokens: only
// when groups give roles and are to be read again while a session lives.
func (o *OIDC) keepsTokens() bool {
	return o != nil && len(o.rules) > 0 && o.cfg.GroupsRefresh > 0 && o.cfg.ClaimGroups != ""
}

// sealToken seals the provider's tokens for the session row; "" when it
// cannot.
func (h *Handler) sealToken(tok *oauth2.Token) string {
	plain, err := json.Marshal(providerToken{Access: tok.AccessToken, Refresh: tok.RefreshToken, Expiry: tok.Expiry})
	if err != nil {
		return ""
	}
	nonce := make([]byte, h.keys.tokens.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(h.keys.tokens.Seal(nonce, nonce, plain, []byte("provider token")))
}

// openToken opens what sealToken sealed.
func (h *Handler) openToken(sealed string) (*oauth2.Token, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	ns := h.keys.tokens.NonceSize()
	if err != nil || len(raw) < ns {
		return nil, false
	}
	plain, err := h.keys.tokens.Open(nil, raw[:ns], raw[ns:], []byte("provider token"))
	var pt providerToken
	if err != nil || json.Unmarshal(plain, &pt) != nil {
		return nil, false
	}
	return &oauth2.Token{AccessToken: pt.Access, RefreshToken: pt.Refresh, Expiry: pt.Expiry, TokenType: "Bearer"}, true
}

// groupsDue reports whether the session's groups are to be read again now.
func (h *Handler) groupsDue(sess *models.Session) bool {
	if !h.oidc.keepsTokens() || sess.ProviderToken == "" {
		return false
	}
	return sess.GroupsCheckedAt == nil || h.store.Now().Sub(*sess.GroupsCheckedAt) >= h.oidc.cfg.GroupsRefresh
}

// refreshOutcome is what refreshGroups did.
type refreshOutcome int

const (
	refreshNone  refreshOutcome = iota // nothing read; the grants stand
	refreshDone                        // the grants follow the groups read now
	refreshEnded                       // the provider ended the sign-in
)

// refreshGroups reads the groups of user, signed in with sess, from the
// provider and brings their grants from groups in step. Of several
// requests at once only one asks. Failures other than the provider
// ending the sign-in are logged and leave the grants as they are, to be
// tried again after the interval.
func (h *Handler) refreshGroups(c *gin.Context, sess *models.Session, user *models.User) refreshOutcome {
	ctx := c.Request.Context()
	due, err := h.store.GroupsDue(ctx, sess.ID, h.store.Now().Add(-h.oidc.cfg.GroupsRefresh))
	p := h.oidc.ready()
	if err != nil || !due || p == nil {
		return refreshNone
	}
	tok, ok := h.openToken(sess.ProviderToken)
	if !ok {
		return refreshNone
	}
	octx := oidc.ClientContext(ctx, h.oidc.client)
	var claims map[string]any
	if tok.RefreshToken != "" {
		// The access token may still be valid; the groups now are what
		// is wanted, so refresh anyway.
		tok.Expiry = time.Unix(1, 0)
		fresh, err := p.oauth.TokenSource(octx, tok).Token()
		var rerr *oauth2.RetrieveError
		switch {
		case errors.As(err, &rerr) && rerr.ErrorCode == "invalid_grant":
			h.log.Info("the provider ended the sign-in; session ended", "user", user.ID)
			return refreshEnded
		case err != nil:
			h.log.Warn("groups not refreshed: token refresh failed", "user", user.ID, "err", err)
			return refreshNone
		}
		tok = fresh
		if raw, _ := fresh.Extra("id_token").(string); raw != "" {
			idt, err := p.verifier.Verify(octx, raw)
			if err != nil || idt.Subject != user.Subject || idt.Claims(&claims) != nil {
				h.log.Warn("groups not refreshed: refreshed ID token refused", "user", user.ID, "err", err)
				return refreshNone
			}
		}
	}
	if !present(claims, h.oidc.cfg.ClaimGroups) && p.userinfo && tok.Valid() {
		info, err := p.provider.UserInfo(octx, oauth2.StaticTokenSource(tok))
		var extra map[string]any
		switch {
		case err != nil:
			h.log.Warn("groups not refreshed: userinfo failed", "user", user.ID, "err", err)
		case info.Subject != user.Subject:
			h.log.Warn("groups not refreshed: userinfo is about another subject", "user", user.ID)
		case info.Claims(&extra) == nil:
			if claims == nil {
				claims = map[string]any{}
			}
			claims[h.oidc.cfg.ClaimGroups] = extra[h.oidc.cfg.ClaimGroups]
		}
	}
	if claims == nil {
		return refreshNone
	}
	unknown, err := h.store.RefreshGroups(ctx, sess.ID, user.ID, h.oidc.groupsOf(claims), h.oidc.rules, h.sealToken(tok))
	if err != nil {
		h.log.Error("groups not refreshed", "user", user.ID, "err", err)
		return refreshNone
	}
	if len(unknown) > 0 {
		h.log.Warn("groups name unknown org units", "user", user.ID, "units", unknown)
	}
	return refreshDone
}
