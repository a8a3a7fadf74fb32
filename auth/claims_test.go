package auth

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"mobilityfund/config"
)

// fuzzClaimsConfig names every claim identityOf reads.
var fuzzClaimsConfig = config.OIDC{ClaimEmail: "email", ClaimName: "name", ClaimGroups: "groups", ClaimUnit: "ou"}

// FuzzClaims maps any JSON claims object to an identity: it never panics,
// the subject and issuer are always the ID token's (never a "sub" in the
// claims), email, name and unit come only from string claims, and the
// groups only from the strings of the groups claim.
func FuzzClaims(f *testing.F) {
	f.Add(`{"sub":"u-1","email":" anna@example.org ","name":"Anna","groups":["mf-intl","mf-staff"],"ou":"HUMUS"}`, "u-1")
	f.Add(`{"sub":"someone-else","email":42,"name":["x"],"preferred_username":"anna","groups":"a  b\tc"}`, "u-2")
	f.Add(`{"email":null,"groups":[1,"x",null,{"a":"b"},["y"]],"ou":{"code":"HUMUS"}}`, "")
	f.Add(`{"email":"e@x","name":"","groups":{"0":"admin"}}`, "u-3")
	f.Fuzz(func(t *testing.T, doc, sub string) {
		var claims map[string]any
		if json.Unmarshal([]byte(doc), &claims) != nil {
			return
		}
		id := identityOf(fuzzClaimsConfig, "https://idp.example", sub, claims)
		if id.Subject != sub || id.Issuer != "https://idp.example" {
			t.Fatalf("identity of %q/%q, want the ID token's %q", id.Issuer, id.Subject, sub)
		}
		str := func(name string) string {
			s, _ := claims[name].(string)
			return strings.TrimSpace(s)
		}
		if id.Email != str("email") {
			t.Fatalf("email %q not from the email claim %#v", id.Email, claims["email"])
		}
		if id.Name != "" && id.Name != str("name") && id.Name != str("preferred_username") && id.Name != id.Email {
			t.Fatalf("name %q from no string claim", id.Name)
		}
		if !id.UnitClaim || id.UnitCode != str("ou") {
			t.Fatalf("unit %q not from the ou claim %#v", id.UnitCode, claims["ou"])
		}
		var allowed []string
		switch g := claims["groups"].(type) {
		case string:
			allowed = strings.Fields(g)
		case []any:
			for _, v := range g {
				if s, ok := v.(string); ok {
					allowed = append(allowed, s)
				}
			}
		}
		if len(id.Groups) != len(allowed) {
			t.Fatalf("groups %q from claim %#v", id.Groups, claims["groups"])
		}
		for _, g := range id.Groups {
			if !slices.Contains(allowed, g) {
				t.Fatalf("group %q not a string of the claim %#v", g, claims["groups"])
			}
		}
	})
}
