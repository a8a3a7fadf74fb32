package auth

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/oauth2"
)

// Roles from provider groups are kept fresh while a session lives: at
// most every OIDC_GROUPS_REFRESH_MINUTES the groups are read again, with
// the refresh token (a new ID token, else userinfo with the new access
// token) or, without one, with the access token from the sign-in while it
// is valid. A provider that refuses the refresh token (invalid_grant) has
// ended the sign-in, and the session ends too. Where neither token works,
// the groups are read at the next sign-in.

// ProviderToken is what a session keeps of the provider's tokens, sealed
// with Keys.SealToken.
type ProviderToken struct {
	Access  string    `json:"a"`
	Refresh string    `json:"r,omitempty"`
	Expiry  time.Time `json:"e"`
}

func tokenOf(t *oauth2.Token) ProviderToken {
	return ProviderToken{Access: t.AccessToken, Refresh: t.RefreshToken, Expiry: t.Expiry}
}

func (t ProviderToken) oauth() *oauth2.Token {
	return &oauth2.Token{AccessToken: t.Access, RefreshToken: t.Refresh, Expiry: t.Expiry, TokenType: "Bearer"}
}

// KeepsTokens reports whether sessions keep the provider's tokens: only
// when groups give roles and are to be read again while a session lives.
// No error; false on a nil client.
func (o *OIDC) KeepsTokens() bool {
	return o != nil && len(o.rules) > 0 && o.cfg.GroupsRefresh > 0 && o.cfg.ClaimGroups != ""
}

// GroupsRefresh is how often a session's groups are read again
// (OIDC_GROUPS_REFRESH_MINUTES). No error.
func (o *OIDC) GroupsRefresh() time.Duration {
	return o.cfg.GroupsRefresh
}

// Refreshed is what RefreshGroups read.
type Refreshed struct {
	// Groups are the person's groups now.
	Groups []string
	// Token is the provider's tokens after the refresh, to keep.
	Token ProviderToken
	// Userinfo is why userinfo could not add the groups when the
	// refreshed ID token lacked them (nil when it did or was not asked);
	// Groups are then what the ID token says.
	Userinfo error
}

// RefreshGroups reads again the groups of the person with subject,
// signed in with t: the refresh token gives a new ID token (or access
// token for userinfo); without one, the access token is used while valid.
//
// It returns ErrNotReady before discovery; an error wrapping
// ErrSignInEnded when the provider refused the refresh token with
// invalid_grant; a *ProviderError when the refresh otherwise failed; an
// error wrapping ErrIDToken for a refreshed ID token that does not verify
// or names someone else; ErrNothingToRead when no token can read the
// groups; and, when only userinfo could have read them, its error or
// ErrUserinfoSubject.
func (o *OIDC) RefreshGroups(ctx context.Context, t ProviderToken, subject string) (Refreshed, error) {
	p := o.ready()
	if p == nil {
		return Refreshed{}, ErrNotReady
	}
	ctx = o.context(ctx)
	tok := t.oauth()
	var claims map[string]any
	if tok.RefreshToken != "" {
		// The access token may still be valid; the groups now are what
		// is wanted, so refresh anyway.
		tok.Expiry = time.Unix(1, 0)
		fresh, err := p.oauth.TokenSource(ctx, tok).Token()
		if err != nil {
			pe := providerError("token refresh", err)
			if pe.Refused && pe.Code == "invalid_grant" {
				return Refreshed{}, fmt.Errorf("%w: %w", ErrSignInEnded, pe)
			}
			return Refreshed{}, pe
		}
		tok = fresh
		if raw, _ := fresh.Extra("id_token").(string); raw != "" {
			idt, err := p.verifier.Verify(ctx, raw)
			switch {
			case err != nil:
				return Refreshed{}, fmt.Errorf("%w: refreshed: %w", ErrIDToken, err)
			case idt.Subject != subject:
				return Refreshed{}, fmt.Errorf("%w: refreshed ID token is about another subject", ErrIDToken)
			}
			if err := idt.Claims(&claims); err != nil {
				return Refreshed{}, fmt.Errorf("%w: refreshed: %w", ErrIDToken, err)
			}
		}
	}
	var uerr error
	if !present(claims, o.cfg.ClaimGroups) && p.userinfo && tok.Valid() {
		info, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		var extra map[string]any
		switch {
		case err != nil:
			uerr = fmt.Errorf("userinfo: %w", err)
		case info.Subject != subject:
			uerr = ErrUserinfoSubject
		default:
			if err := info.Claims(&extra); err != nil {
				uerr = fmt.Errorf("userinfo claims: %w", err)
				break
			}
			if claims == nil {
				claims = map[string]any{}
			}
			claims[o.cfg.ClaimGroups] = extra[o.cfg.ClaimGroups]
		}
	}
	if claims == nil {
		if uerr != nil {
			return Refreshed{}, uerr
		}
		return Refreshed{}, ErrNothingToRead
	}
	return Refreshed{Groups: groupsOf(o.cfg.ClaimGroups, claims), Token: tokenOf(tok), Userinfo: uerr}, nil
}
