package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
)

// TestSignInLogsNoSecret captures the application's log over a whole
// sign-in (with claims from userinfo) and sign-out through the provider,
// collects every secret that passed (the client secret, the session key,
// the authorization code, state, nonce, PKCE verifier, access, ID and
// refresh tokens, the flow and session cookies) and fails if any of them
// is in the log.
func TestSignInLogsNoSecret(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, logs := newSSOApp(t, s, m, nil, true)
		c := a.client()
		secrets := map[string]string{"client secret": m.ClientSecret, "session key": "0123456789abcdef0123456789abcdef"}

		start := c.get("/auth/login?next=/applications")
		for _, ck := range (&http.Response{Header: start.header}).Cookies() {
			secrets["flow cookie"] = ck.Value
		}
		auth, _ := url.Parse(start.header.Get("Location"))
		secrets["state"] = auth.Query().Get("state")
		secrets["nonce"] = auth.Query().Get("nonce")
		secrets["PKCE challenge"] = auth.Query().Get("code_challenge")
		u := anna()
		u.UserinfoOnly = true
		m.QueueUser(u)
		resp, err := http.DefaultTransport.RoundTrip(mustRequest(t, auth.String()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cb, _ := url.Parse(resp.Header.Get("Location"))
		secrets["code"] = cb.Query().Get("code")
		r := c.callback(cb.String())
		if r.status != http.StatusSeeOther {
			t.Fatalf("callback: %d", r.status)
		}
		secrets["session cookie"] = cookieNamed(t, r, "mf_session").Value
		for _, ex := range m.Tokens() {
			secrets["PKCE verifier"] = ex.Form.Get("code_verifier")
			for _, k := range []string{"access_token", "id_token", "refresh_token"} {
				if v, _ := ex.Response[k].(string); v != "" {
					secrets[k] = v
					// A JWT's signature alone is as telling.
					if i := strings.LastIndex(v, "."); i > 0 {
						secrets[k+" signature"] = v[i+1:]
					}
				}
			}
		}
		if len(m.Requests(mockoidc.UserinfoEndpoint)) == 0 {
			t.Error("the sign-in did not use userinfo; the test would miss its log")
		}
		if r := c.get("/applications"); r.status != http.StatusOK {
			t.Fatalf("signed in: %d", r.status)
		}
		if r := c.post("/logout", nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		// A failed sign-in logs its cause: that must not carry them either.
		bad := a.client()
		if r := bad.callback(withQuery(t, cb.String(), "state", secrets["state"])); r.status != http.StatusBadRequest {
			t.Errorf("replayed callback: %d", r.status)
		}

		log := logs.String()
		if !strings.Contains(log, "signed in") || !strings.Contains(log, "signed out") {
			t.Fatalf("the log missed the sign-in or sign-out:\n%s", log)
		}
		for _, name := range []string{"state", "nonce", "code", "PKCE verifier", "access_token", "id_token", "refresh_token", "session cookie", "flow cookie"} {
			if secrets[name] == "" {
				t.Errorf("the test did not see the %s", name)
			}
		}
		for name, v := range secrets {
			if v != "" && strings.Contains(log, v) {
				t.Errorf("the log holds the %s", name)
			}
		}
	})
}
