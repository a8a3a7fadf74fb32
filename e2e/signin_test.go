package e2e

import (
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"mobilityfund/internal/apptest"
	"mobilityfund/internal/browsertest"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
)

// TestSingleSignOn signs in through the in-process OpenID provider, not
// the development sign-in, in Chromium: a person whose provider gives
// name and email only from userinfo opens a page of the application,
// signs in, and lands on that page with their name shown. Signing out
// takes the browser to the provider's end-session endpoint with the ID
// token as id_token_hint (the page's CSP lets the form's redirect leave
// for the provider's origin) and back to the start page, signed out; and
// "Logga in" then asks the provider again rather than signing anyone in
// by itself.
func TestSingleSignOn(t *testing.T) {
	b := browsertest.Start(t)
	s := dbtest.New(t, dbtest.Backend{Name: "sqlite"})
	m := oidctest.New(t)
	srv := apptest.SSOServer(t, s, map[string]string{"OIDC_ISSUER": m.Issuer(), "OIDC_CLIENT_ID": m.ClientID,
		"OIDC_CLIENT_SECRET": m.ClientSecret, "DEV_LOGIN": "false"})
	tab := b.NewTab(t, srv.URL, "sso")
	person := &oidctest.User{Subject: "sso-anna", Email: "anna.sso@example.org", Name: "Anna Userinfo", UserinfoOnly: true}

	tab.Open("/applications")
	if p := tab.Path(); !strings.HasPrefix(p, "/login?next=") {
		t.Fatalf("an anonymous visitor of /applications is at %s", p)
	}
	tab.Axe("sso-login")
	m.QueueUser(person)
	tab.Submit(`a[href^="/auth/login"]`)
	if p := tab.Path(); p != "/applications" {
		t.Fatalf("after sign-in the browser is at %s, not the page it asked for", p)
	}
	if got := tab.Text(); !strings.Contains(got, "Anna Userinfo") {
		t.Errorf("the name from userinfo is not shown:\n%s", got)
	}
	if n := len(m.Requests(mockoidc.UserinfoEndpoint)); n != 1 {
		t.Errorf("userinfo asked %d times", n)
	}
	var idToken string
	for _, ex := range m.Tokens() {
		idToken, _ = ex.Response["id_token"].(string)
	}

	tab.Submit(`form[action="/logout"] button`)
	ends := m.Requests(oidctest.EndSessionPath)
	if len(ends) != 1 {
		t.Fatalf("the provider got %d end-session requests; the browser is at %s", len(ends), tab.URL())
	}
	if got := ends[0].Get("id_token_hint"); got == "" || got != idToken {
		t.Errorf("end-session id_token_hint %q is not the ID token of the sign-in", got)
	}
	if got := ends[0].Get("post_logout_redirect_uri"); got != srv.URL+"/" {
		t.Errorf("post_logout_redirect_uri = %q", got)
	}
	if p := tab.Path(); p != "/" || tab.Has(`form[action="/logout"]`) {
		t.Errorf("after sign-out the browser is at %s, signed in: %v", p, tab.Has(`form[action="/logout"]`))
	}

	// "Logga in" again must go to the provider, which decides.
	before := len(m.Requests(mockoidc.AuthorizationEndpoint))
	tab.Submit(`header a[href^="/login"]`)
	m.QueueUser(person)
	tab.Submit(`a[href^="/auth/login"]`)
	if after := len(m.Requests(mockoidc.AuthorizationEndpoint)); after != before+1 {
		t.Errorf("signing in again asked the provider %d times", after-before)
	}
	if !tab.Has(`form[action="/logout"]`) {
		t.Errorf("not signed in again; at %s", tab.Path())
	}
}
