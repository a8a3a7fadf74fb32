package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// errUserinfoSubject is a userinfo response about someone other than the
// ID token's subject; OIDC Core §5.3.2 forbids using it.
var errUserinfoSubject = errors.New("userinfo sub does not match the ID token's sub")

// claimSources says where each configured claim of a sign-in came from,
// by claim name only: never a value, so that the log may carry it.
type claimSources struct {
	IDToken, Userinfo, Missing []string
}

// wantedClaims are the claim names the settings read: email, name, and
// groups and unit when configured.
func (o *OIDC) wantedClaims() []string {
	out := []string{o.cfg.ClaimEmail, o.cfg.ClaimName}
	for _, c := range []string{o.cfg.ClaimGroups, o.cfg.ClaimUnit} {
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// present reports whether claims hold a non-empty value for name.
func present(claims map[string]any, name string) bool {
	switch v := claims[name].(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	}
	return true
}

// completeClaims fills in the configured claims that the verified ID token
// lacks from the provider's userinfo endpoint, fetched with the access
// token. Providers that follow OIDC Core §5.4 return the claims that the
// profile and email scopes ask for from userinfo rather than in the ID
// token. The userinfo response counts only when its "sub" is exactly the
// ID token's (§5.3.2); a value in the ID token is never replaced.
//
// It returns the claims, where each came from, and errUserinfoSubject or
// the fetch's error; a provider without a userinfo endpoint is no error.
func (o *OIDC) completeClaims(ctx context.Context, p *oidcProvider, tok *oauth2.Token, idt *oidc.IDToken, claims map[string]any) (map[string]any, claimSources, error) {
	var src claimSources
	var missing []string
	for _, name := range o.wantedClaims() {
		if present(claims, name) {
			src.IDToken = append(src.IDToken, name)
		} else {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 || !p.userinfo {
		src.Missing = missing
		return claims, src, nil
	}
	info, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		src.Missing = missing
		return claims, src, fmt.Errorf("userinfo: %w", err)
	}
	if info.Subject != idt.Subject {
		src.Missing = missing
		return claims, src, errUserinfoSubject
	}
	var extra map[string]any
	if err := info.Claims(&extra); err != nil {
		src.Missing = missing
		return claims, src, fmt.Errorf("userinfo claims: %w", err)
	}
	merged := make(map[string]any, len(claims)+len(missing))
	for k, v := range claims {
		merged[k] = v
	}
	for _, name := range missing {
		if present(extra, name) {
			merged[name] = extra[name]
			src.Userinfo = append(src.Userinfo, name)
		} else {
			src.Missing = append(src.Missing, name)
		}
	}
	// The display name's fallback, like the ID token's.
	if !present(merged, "preferred_username") && present(extra, "preferred_username") {
		merged["preferred_username"] = extra["preferred_username"]
	}
	return merged, src, nil
}
