package auth

import (
	"slices"
	"strings"

	"mobilityfund/config"
	"mobilityfund/models"
)

// ClaimSources says where each configured claim of a sign-in came from,
// by claim name only: never a value, so that the log may carry it.
type ClaimSources struct {
	IDToken, Userinfo, Missing []string
}

// wantedClaims are the claim names the settings read: email, name, and
// groups and unit when configured.
func wantedClaims(cfg config.OIDC) []string {
	out := []string{cfg.ClaimEmail, cfg.ClaimName}
	for _, c := range []string{cfg.ClaimGroups, cfg.ClaimUnit} {
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

// identityOf reads the person from claims (the verified ID token's,
// completed from userinfo) with the configured claim names. The subject
// is always the ID token's "sub", given as subject; a claim of another
// type than the one expected counts as absent.
func identityOf(cfg config.OIDC, issuer, subject string, claims map[string]any) models.Identity {
	str := func(name string) string {
		if name == "" {
			return ""
		}
		s, _ := claims[name].(string)
		return strings.TrimSpace(s)
	}
	id := models.Identity{Issuer: issuer, Subject: subject, Email: str(cfg.ClaimEmail), Name: str(cfg.ClaimName)}
	if id.Name == "" {
		id.Name = str("preferred_username")
	}
	if id.Name == "" {
		id.Name = id.Email
	}
	id.Groups = groupsOf(cfg.ClaimGroups, claims)
	if cfg.ClaimUnit != "" {
		id.UnitClaim, id.UnitCode = true, str(cfg.ClaimUnit)
	}
	return id
}

// groupsOf reads the group names from the claim named claim: a list (of
// which only the strings count), or names separated by spaces.
func groupsOf(claim string, claims map[string]any) []string {
	var out []string
	switch g := claims[claim].(type) {
	case []any:
		for _, v := range g {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		out = strings.Fields(g)
	}
	return out
}
