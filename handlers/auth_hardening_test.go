package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
)

// auditActions returns the actions of the audit rows about entity, oldest
// first.
func auditActions(t *testing.T, s *models.Store, entity string) []string {
	t.Helper()
	var rows []models.AuditEvent
	if err := s.DB().Where("entity = ?", entity).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	// The demo people came in through the people import, which audits
	// each creation: those rows are the demo's, not the test's.
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if !strings.HasPrefix(r.Action, "import_") {
			out = append(out, r.Action)
		}
	}
	return out
}

// TestSSOUserinfo signs in people whose provider keeps name and email out
// of the ID token (OIDC Core §5.4): they come from userinfo, fetched with
// the access token, and the log names where each claim came from. A
// userinfo about another subject (§5.3.2), or no email anywhere, refuses
// the sign-in with a clear message, creates nobody, and is audited.
func TestSSOUserinfo(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, logs := newSSOApp(t, s, m, nil, true)

		u := anna()
		u.UserinfoOnly = true
		c := a.client()
		c.ssoLogin(m, u)
		row := ssoUserRow(t, a, m.Issuer(), u.Subject)
		if row == nil || row.Name != "Anna Lindqvist" || row.Email != "anna.lindqvist@example.org" {
			t.Fatalf("person from userinfo: %+v", row)
		}
		if log := logs.String(); !strings.Contains(log, "from_userinfo=\"[email name]\"") || !strings.Contains(log, "from_id_token=\"[groups ou]\"") {
			t.Errorf("the log does not say where the claims came from:\n%s", log)
		}

		for _, tc := range []struct {
			name   string
			user   *oidctest.User
			status int
			reason string
		}{
			{"OtherSubject", &oidctest.User{Subject: "u-200", Email: "x@example.org", Name: "X", UserinfoOnly: true, UserinfoSubject: "u-999"},
				http.StatusBadRequest, "auth.err.failed"},
			{"NoEmail", &oidctest.User{Subject: "u-201", Name: "Nameless Mail", UserinfoOnly: true},
				http.StatusForbidden, "auth.err.no_email"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := a.client()
				r := c.callback(c.authorize(m, tc.user))
				if r.status != tc.status || !strings.Contains(r.body, c.t(tc.reason)) {
					t.Errorf("callback: %d, want %d with %s", r.status, tc.status, tc.reason)
				}
				if ssoUserRow(t, a, m.Issuer(), tc.user.Subject) != nil {
					t.Error("a refused sign-in created a person")
				}
				var n int64
				s.DB().Model(&models.AuditEvent{}).Where("action = ? AND comment LIKE ?", models.AuditSignInRefused,
					"%"+tc.reason+"%"+tc.user.Subject+"%").Count(&n)
				if n != 1 {
					t.Errorf("%d audit rows of the refusal", n)
				}
			})
		}
	})
}

// TestSSOFlowPerState runs two sign-ins in one browser at once, as two
// tabs do: each has its own flow cookie, and finishing one leaves the
// other to finish too. A forged callback with a state the browser never
// started consumes nothing.
func TestSSOFlowPerState(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		c := a.client()
		first := c.authorize(m, anna())
		second := c.authorize(m, anna())
		forged := withQuery(t, first, "state", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		if r := c.callback(forged); r.status != http.StatusBadRequest || !strings.Contains(r.body, c.t("auth.err.failed")) {
			t.Errorf("forged callback: %d", r.status)
		}
		if r := c.callback(second); r.status != http.StatusSeeOther {
			t.Fatalf("second tab: %d\n%s", r.status, r.body)
		}
		if r := c.callback(first); r.status != http.StatusSeeOther {
			t.Fatalf("first tab after the second and a forgery: %d\n%s", r.status, r.body)
		}
		// A flow is used once.
		if r := c.callback(first); r.status != http.StatusBadRequest {
			t.Errorf("replayed callback: %d", r.status)
		}
		u := ssoUserRow(t, a, m.Issuer(), "u-100")
		if n, _ := s.CountSessions(context.Background(), u.ID); n != 1 {
			t.Errorf("%d sessions; each sign-in replaces the browser's", n)
		}

		// Sign-ins abandoned in many tabs do not pile up cookies: the
		// fifth drops the four before it.
		tabs := a.client()
		for range 4 {
			tabs.get("/auth/login")
		}
		r := tabs.get("/auth/login")
		dropped := 0
		for _, ck := range (&http.Response{Header: r.header}).Cookies() {
			if strings.HasPrefix(ck.Name, "mf_login_") && ck.MaxAge < 0 {
				dropped++
			}
		}
		if dropped != 4 {
			t.Errorf("the fifth sign-in dropped %d flow cookies, want 4", dropped)
		}
	})
}

// TestSignInReturnsToPage sends an anonymous visitor of a page to sign
// in and back to that page, by single sign-on and by the development
// sign-in; a next that leaves the site lands on the start page.
func TestSignInReturnsToPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		c := a.client()
		r := c.get("/applications?status=granted")
		want := "/login?next=" + url.QueryEscape("/applications?status=granted")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Fatalf("anonymous page: %d to %q, want %q", r.status, r.header.Get("Location"), want)
		}
		r = c.get(want)
		link := `href="/auth/login?next=` + url.QueryEscape("/applications?status=granted") + `"`
		// html/template writes percent escapes in lower case.
		if !strings.Contains(strings.ToLower(r.body), strings.ToLower(link)) {
			t.Errorf("the sign-in page does not carry next into the sign-in: %s", link)
		}
		loc := c.get("/auth/login?next=" + url.QueryEscape("/applications?status=granted")).header.Get("Location")
		m.QueueUser(anna())
		resp, err := http.DefaultTransport.RoundTrip(mustRequest(t, loc))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if r := c.callback(resp.Header.Get("Location")); r.status != http.StatusSeeOther || r.header.Get("Location") != "/applications?status=granted" {
			t.Errorf("after sign-in: %d to %q", r.status, r.header.Get("Location"))
		}

		dev := a.demoUser("applicant", nil)
		for next, want := range map[string]string{
			"/applications/1": "/applications/1", "//evil.example/x": "/", "https://evil.example/": "/",
			"/login": "/", "/auth/login": "/", `/\evil.example`: "/",
		} {
			r := a.client().post("/login/dev", url.Values{"user_id": {itoa(dev.User.ID)}, "next": {next}})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
				t.Errorf("dev sign-in with next %q: %d to %q, want %q", next, r.status, r.header.Get("Location"), want)
			}
		}
	})
}

// TestSignOutReachesProvider checks what lets a browser follow the
// sign-out to the provider: every page's CSP allows forms to go to the
// provider's origin and nowhere else; and that sign-in and sign-out are
// audited and signed-in pages are never stored.
func TestSignOutReachesProvider(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		c := a.client()
		issuer, _ := url.Parse(m.Issuer())
		r := c.get("/")
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://"+issuer.Host+";") {
			t.Errorf("CSP %q does not let the sign-out form reach %s", csp, issuer.Host)
		}
		if cc := r.header.Get("Cache-Control"); cc != "" {
			t.Errorf("an anonymous public page: Cache-Control %q", cc)
		}
		c.ssoLogin(m, anna())
		for _, p := range []string{"/", "/applications", "/tasks", "/followup/export.csv"} {
			if r := c.get(p); r.status != http.StatusOK || !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
				t.Errorf("%s signed in: %d, Cache-Control %q", p, r.status, r.header.Get("Cache-Control"))
			}
		}
		if r := c.post("/logout", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), m.Issuer()+oidctest.EndSessionPath) {
			t.Errorf("logout: %d to %q", r.status, r.header.Get("Location"))
		}
		if got := strings.Join(auditActions(t, s, "session"), ","); got != "sign_in,sign_out" {
			t.Errorf("audit of the session: %s", got)
		}
	})
}

// TestRateLimitSignIn answers the sign-in routes with 429, in the
// reader's language and with Retry-After, once a client has used up
// AUTH_RATE_LIMIT; a made-up X-Forwarded-For does not make a new client
// when no proxy is trusted.
func TestRateLimitSignIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, map[string]string{"AUTH_RATE_LIMIT": "3"}, true)
		c := a.client()
		for i := range 3 {
			if r := c.get("/auth/login"); r.status != http.StatusFound {
				t.Fatalf("request %d: %d", i+1, r.status)
			}
		}
		req := mustRequest(t, a.srv.URL+"/auth/login")
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		r := c.do(req)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, c.t("auth.too_many_text")) {
			t.Errorf("over the limit: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		en := a.client()
		en.lang = "en"
		if r := en.post("/login/dev", url.Values{"user_id": {"1"}}); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, en.t("auth.too_many")) {
			t.Errorf("development sign-in over the limit: %d", r.status)
		}
		if r := c.get("/login"); r.status != http.StatusOK {
			t.Errorf("the sign-in page itself is not limited: %d", r.status)
		}
	})
}
