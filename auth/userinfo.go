package auth

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"

	"mobilityfund/models"
)

// Identify reads the person from the signed-in ID token, filling in the
// configured claims that it lacks from the provider's userinfo endpoint,
// fetched with the access token. Providers that follow OIDC Core §5.4
// return the claims that the profile and email scopes ask for from
// userinfo rather than in the ID token. The userinfo response counts only
// when its "sub" is exactly the ID token's (§5.3.2); a value in the ID
// token is never replaced, and the subject is always the ID token's.
//
// It returns the identity (as far as it could be read, even with an
// error), where each claim came from, and an error wrapping ErrClaims
// (the ID token's claims do not decode; nothing else is returned then),
// ErrUserinfoSubject, or the userinfo fetch's error. A provider without a
// userinfo endpoint is no error.
func (o *OIDC) Identify(ctx context.Context, s *SignIn) (models.Identity, ClaimSources, error) {
	who := models.Identity{Issuer: s.Issuer, Subject: s.Subject}
	var claims map[string]any
	if err := s.idt.Claims(&claims); err != nil {
		return who, ClaimSources{}, fmt.Errorf("%w: %w", ErrClaims, err)
	}
	claims, src, err := o.completeClaims(o.context(ctx), s, claims)
	return identityOf(o.cfg, s.Issuer, s.Subject, claims), src, err
}

// completeClaims fills in from userinfo the configured claims that claims
// lack; see Identify.
func (o *OIDC) completeClaims(ctx context.Context, s *SignIn, claims map[string]any) (map[string]any, ClaimSources, error) {
	var src ClaimSources
	var missing []string
	for _, name := range wantedClaims(o.cfg) {
		if present(claims, name) {
			src.IDToken = append(src.IDToken, name)
		} else {
			missing = append(missing, name)
		}
	}
	p := o.ready()
	if len(missing) == 0 || p == nil || !p.userinfo {
		src.Missing = missing
		return claims, src, nil
	}
	info, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(s.tok))
	if err != nil {
		src.Missing = missing
		return claims, src, fmt.Errorf("userinfo: %w", err)
	}
	if info.Subject != s.Subject {
		src.Missing = missing
		return claims, src, ErrUserinfoSubject
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
