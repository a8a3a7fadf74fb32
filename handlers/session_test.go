package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mobilityfund/config"
	"mobilityfund/handlers"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestSessionCookie checks the cookie's attributes in development, that
// each sign-in issues a new session id and deletes the old session, and
// that the idle timeout signs a person out (moving the store's clock).
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()
		anna := a.demoUser(workflow.RoleApplicant, nil)
		r := c.post("/login/dev", url.Values{"user_id": {itoa(anna.User.ID)}})
		first := cookieNamed(t, r, "mf_session")
		if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Secure || first.Path != "/" {
			t.Errorf("session cookie attributes: %+v", first)
		}
		r = c.post("/login/dev", url.Values{"user_id": {itoa(anna.User.ID)}})
		second := cookieNamed(t, r, "mf_session")
		if second.Value == first.Value {
			t.Error("signing in again kept the session id")
		}
		if n, _ := s.CountSessions(context.Background(), anna.User.ID); n != 1 {
			t.Errorf("%d sessions after signing in twice in one browser, want 1", n)
		}
		old := a.client()
		old.http.Jar.SetCookies(mustURL(t, a.srv.URL), []*http.Cookie{{Name: "mf_session", Value: first.Value}})
		if r := old.get("/applications"); r.status != http.StatusSeeOther {
			t.Errorf("the replaced session id still works: %d", r.status)
		}

		if r := c.get("/applications"); r.status != http.StatusOK {
			t.Fatalf("/applications: %d", r.status)
		}
		start := s.Now()
		s.SetClock(func() time.Time { return start.Add(models.SessionIdleTimeout + time.Minute) })
		if r := c.get("/applications"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("after the idle timeout: %d", r.status)
		}
		if n, _ := s.CountSessions(context.Background(), anna.User.ID); n != 0 {
			t.Errorf("timed-out session not deleted")
		}
	})
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestProductionCookiesAndHeaders signs in through the provider in
// production mode: the session and sign-in cookies are __Host- prefixed
// (Secure, Path=/, no Domain), responses carry HSTS besides the headers
// development has, and a signed-in page is not to be stored.
func TestProductionCookiesAndHeaders(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, map[string]string{"APP_ENV": "production", "BASE_URL": "https://mobility.example.se",
			"SESSION_SECRET": strings.Repeat("s", 32), "DEMO_DATA": "false", "DEV_LOGIN": "false",
			"CONTACT_EMAIL": "mobility@example.se", "SMTP_HOST": "smtp.example.se"}, true)
		c := a.client()
		r := c.get("/")
		for name, want := range map[string]string{
			"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
			"X-Content-Type-Options":    "nosniff",
			"X-Frame-Options":           "DENY",
			"Referrer-Policy":           "same-origin",
		} {
			if got := r.header.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP = %q", csp)
		}
		r = c.get("/auth/login")
		flow := cookiePrefixed(t, r, "__Host-mf_login_")
		if !flow.Secure || !flow.HttpOnly || flow.SameSite != http.SameSiteLaxMode || flow.Path != "/" || flow.Domain != "" || flow.MaxAge <= 0 || flow.MaxAge > 600 {
			t.Errorf("sign-in cookie attributes: %+v", flow)
		}
		m.QueueUser(anna())
		resp, err := http.DefaultTransport.RoundTrip(mustRequest(t, r.header.Get("Location")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		// The provider sends the browser to the registered https address;
		// the test delivers it to the test server with the Secure cookie,
		// as a browser would over https.
		cb := mustURL(t, resp.Header.Get("Location"))
		req := mustRequest(t, a.srv.URL+"/auth/callback?"+cb.RawQuery)
		req.AddCookie(&http.Cookie{Name: flow.Name, Value: flow.Value})
		r = c.do(req)
		if r.status != http.StatusSeeOther {
			t.Fatalf("callback: %d\n%s", r.status, r.body)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("sign-in answer Cache-Control = %q", r.header.Get("Cache-Control"))
		}
		sess := cookieNamed(t, r, "__Host-mf_session")
		if !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Domain != "" {
			t.Errorf("production session cookie attributes: %+v", sess)
		}
		req = mustRequest(t, a.srv.URL+"/applications")
		req.AddCookie(&http.Cookie{Name: sess.Name, Value: sess.Value})
		r = c.do(req)
		if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("signed-in page: %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
		}
		// A cookie without the prefix signs no one in: a subdomain or a
		// plain-http page could have set it.
		req = mustRequest(t, a.srv.URL+"/applications")
		req.AddCookie(&http.Cookie{Name: "mf_session", Value: sess.Value})
		if r = a.client().do(req); r.status != http.StatusSeeOther {
			t.Errorf("unprefixed session cookie in production: %d", r.status)
		}
	})
}

func mustRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestNewOIDCRefusesBadSettings checks the settings that stop the
// application at start-up.
func TestNewOIDCRefusesBadSettings(t *testing.T) {
	t.Parallel()
	good := config.OIDC{Issuer: "https://idp.example.org", ClientID: "mf", ClaimGroups: "groups", GroupRoles: "staff=applicant@HUMUS"}
	if _, err := handlers.NewOIDC(good); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*config.OIDC){
		"NoIssuer":       func(c *config.OIDC) { c.Issuer = "" },
		"NoClientID":     func(c *config.OIDC) { c.ClientID = "" },
		"UnknownRole":    func(c *config.OIDC) { c.GroupRoles = "staff=rector" },
		"Malformed":      func(c *config.OIDC) { c.GroupRoles = "staff" },
		"MappingNoClaim": func(c *config.OIDC) { c.ClaimGroups = "" },
	} {
		cfg := good
		mutate(&cfg)
		if _, err := handlers.NewOIDC(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// cookiePrefixed returns the Set-Cookie in r whose name starts with
// prefix, or fails.
func cookiePrefixed(t *testing.T, r response, prefix string) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if strings.HasPrefix(ck.Name, prefix) {
			return ck
		}
	}
	t.Fatalf("no %s… cookie set; headers %v", prefix, r.header)
	return nil
}
