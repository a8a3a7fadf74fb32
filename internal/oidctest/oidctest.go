// Package oidctest runs an OpenID Connect provider inside a test process:
// mockoidc, which signs real RS256 ID tokens, with people whose claims a
// test chooses (and may break) and a discovery document that also names
// an end_session_endpoint.
package oidctest

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// User is a person at the provider. Groups go in the "groups" claim and
// Unit in "ou". Tamper, when set, changes the standard claims of an
// otherwise valid ID token (nonce, audience, issuer, expiry).
type User struct {
	Subject, Email, Name, Unit string
	Groups                     []string
	Tamper                     func(*mockoidc.IDTokenClaims)
}

type claims struct {
	*mockoidc.IDTokenClaims
	Email  string   `json:"email,omitempty"`
	Name   string   `json:"name,omitempty"`
	Groups []string `json:"groups,omitempty"`
	Unit   string   `json:"ou,omitempty"`
}

// ID returns the subject.
func (u *User) ID() string { return u.Subject }

// Userinfo returns the subject only; the application reads the ID token.
func (u *User) Userinfo([]string) ([]byte, error) {
	return json.Marshal(map[string]string{"sub": u.Subject})
}

// Claims returns the ID token's claims, tampered with if asked. It never
// fails.
func (u *User) Claims(_ []string, c *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	if u.Tamper != nil {
		u.Tamper(c)
	}
	return &claims{IDTokenClaims: c, Email: u.Email, Name: u.Name, Groups: u.Groups, Unit: u.Unit}, nil
}

// EndSessionPath is the end_session_endpoint's path under the issuer.
const EndSessionPath = "/logout"

// New starts a provider on a free port, shut down when the test ends.
func New(t testing.TB) *mockoidc.MockOIDC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := Unstarted(t)
	Start(t, m, ln)
	return m
}

// Unstarted returns a provider that does not listen yet (its client ID
// and secret are known); Start starts it.
func Unstarted(t testing.TB) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	// mockoidc's discovery document lacks end_session_endpoint.
	_ = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != mockoidc.DiscoveryEndpoint {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var doc map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &doc)
			doc["end_session_endpoint"] = m.Issuer() + EndSessionPath
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(doc)
		})
	})
	return m
}

// Start serves m on ln until the test ends.
func Start(t testing.TB, m *mockoidc.MockOIDC, ln net.Listener) {
	t.Helper()
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
}
