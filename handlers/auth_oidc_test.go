package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"mobilityfund/config"
	"mobilityfund/handlers"
	"mobilityfund/i18n"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// groupRoles is the mapping every SSO test app uses; the unit codes are
// demo units.
const groupRoles = "mf-staff-humus=applicant@HUMUS,mf-intl=coordinator"

// newSSOApp runs the application with single sign-on against m, on s with
// the demo data. env overrides settings; discover=false leaves the client
// without its provider, as when the provider was down at start-up.
func newSSOApp(t *testing.T, s *models.Store, m *oidctest.Provider, env map[string]string, discover bool) (*app, *handlers.OIDC, *logBuffer) {
	t.Helper()
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	vars := map[string]string{
		"BASE_URL": srv.URL, "OIDC_ISSUER": m.Issuer(), "DEV_LOGIN": "true", "OIDC_CLIENT_ID": m.ClientID,
		"OIDC_CLIENT_SECRET": m.ClientSecret, "OIDC_SCOPES": "openid profile email groups",
		"OIDC_CLAIM_GROUPS": "groups", "OIDC_GROUP_ROLES": groupRoles, "OIDC_CLAIM_UNIT": "ou",
		// The matrix signs in as someone for every row and visitor.
		"AUTH_RATE_LIMIT": "100000",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	sso, err := handlers.NewOIDC(cfg.OIDC)
	if err != nil {
		t.Fatal(err)
	}
	if discover {
		if err := sso.Discover(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	h, err = handlers.New(handlers.Deps{Config: cfg, Store: s, I18n: bundle, OIDC: sso,
		Log: slog.New(slog.NewTextHandler(logs, nil)), SessionKey: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	return &app{t: t, srv: srv, store: s}, sso, logs
}

// authorize starts a sign-in and lets the provider answer it; it returns
// the callback URL the browser would be sent to.
func (c *client) authorize(m *oidctest.Provider, u *oidctest.User) string {
	c.a.t.Helper()
	r := c.get("/auth/login")
	if r.status != http.StatusFound || !strings.HasPrefix(r.header.Get("Location"), m.AuthorizationEndpoint()) {
		c.a.t.Fatalf("/auth/login: %d to %q", r.status, r.header.Get("Location"))
	}
	auth, _ := url.Parse(r.header.Get("Location"))
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || len(q.Get("state")) < 32 {
		c.a.t.Fatalf("authorization request lacks PKCE, nonce or state: %v", q)
	}
	m.QueueUser(u)
	req, _ := http.NewRequest(http.MethodGet, auth.String(), nil)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		c.a.t.Fatalf("provider authorize: %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// callback follows the provider's redirect back to the application.
func (c *client) callback(rawURL string) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	return c.do(req)
}

// ssoLogin signs the client in through the provider and fails the test
// unless it worked.
func (c *client) ssoLogin(m *oidctest.Provider, u *oidctest.User) {
	c.a.t.Helper()
	if r := c.callback(c.authorize(m, u)); r.status != http.StatusSeeOther {
		c.a.t.Fatalf("callback: %d\n%s", r.status, r.body)
	}
}

func anna() *oidctest.User {
	return &oidctest.User{Subject: "u-100", Email: "anna.lindqvist@example.org", Name: "Anna Lindqvist",
		Unit: "HUMUS", Groups: []string{"mf-staff-humus", "unrelated"}}
}

// ssoUserRow returns the person the provider's subject maps to, or nil.
func ssoUserRow(t *testing.T, a *app, iss, sub string) *models.User {
	t.Helper()
	var users []models.User
	if err := a.store.DB().Where("issuer = ? AND subject = ?", iss, sub).Find(&users).Error; err != nil {
		t.Fatal(err)
	}
	if len(users) == 0 {
		return nil
	}
	return &users[0]
}

func countRows(t *testing.T, a *app, model any) int64 {
	t.Helper()
	var n int64
	if err := a.store.DB().Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSSOLogin runs the whole sign-in against the provider: the person is
// created from the ID token, gets the grant their group maps to and the
// unit their claim names, and a session that holds the raw ID token.
// Relies on the demo unit HUMUS.
func TestSSOLogin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		c := a.client()
		if r := c.get("/login"); r.status != http.StatusOK || !strings.Contains(r.body, `href="/auth/login"`) {
			t.Fatalf("/login: %d, no SSO button", r.status)
		}
		r := c.callback(c.authorize(m, anna()))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("callback: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		u := ssoUserRow(t, a, m.Issuer(), "u-100")
		if u == nil {
			t.Fatal("no user created")
		}
		me, err := s.ActorFor(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		chart, _ := s.OrgChart(context.Background())
		var humus int64
		for _, unit := range chart.Units {
			if unit.Code == "HUMUS" {
				humus = unit.ID
			}
		}
		if u.Name != "Anna Lindqvist" || u.Email != "anna.lindqvist@example.org" || u.UnitID == nil || *u.UnitID != humus {
			t.Errorf("user = %+v", u)
		}
		if len(me.Grants) != 1 || me.Grants[0].Role != workflow.RoleApplicant || *me.Grants[0].UnitID != humus || me.Grants[0].FromGroup != "mf-staff-humus" {
			t.Errorf("grants = %+v", me.Grants)
		}
		var sess models.Session
		if err := s.DB().Where("user_id = ?", u.ID).First(&sess).Error; err != nil || strings.Count(sess.IDToken, ".") != 2 {
			t.Errorf("session %+v (%v) does not hold the raw ID token", sess, err)
		}
		if r := c.get("/applications"); r.status != http.StatusOK {
			t.Errorf("/applications after sign-in: %d", r.status)
		}

		// A second sign-in, in a browser with a development session,
		// finds the same person by (issuer, subject) even with another
		// email, and replaces the browser's session with a new id.
		again := anna()
		again.Email = "anna@new.example.org"
		c2 := a.client()
		dev := a.demoUser(workflow.RoleDecider, nil)
		old := cookieNamed(t, c2.post("/login/dev", url.Values{"user_id": {itoa(dev.User.ID)}}), "mf_session")
		r = c2.callback(c2.authorize(m, again))
		if r.status != http.StatusSeeOther || cookieNamed(t, r, "mf_session").Value == old.Value {
			t.Errorf("second sign-in: %d, session id kept", r.status)
		}
		if n, _ := s.CountSessions(context.Background(), dev.User.ID); n != 0 {
			t.Errorf("the browser's previous session survived the sign-in")
		}
		if n := countRows(t, a, &models.User{}); ssoUserRow(t, a, m.Issuer(), "u-100").Email != again.Email || n != 12 {
			t.Errorf("second sign-in: %d users", n)
		}
	})
}

// TestSSOLoginRefused checks every way a callback must fail: the page says
// so without details, the log says why, and neither a person nor a session
// is created. The cases share one application per database and run in
// order; the provider goes down in the last one.
func TestSSOLoginRefused(t *testing.T) {
	t.Parallel()
	past := func(c *mockoidc.IDTokenClaims) {
		c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
		c.IssuedAt = jwt.NewNumericDate(time.Now().Add(-2 * time.Hour))
		c.NotBefore = c.IssuedAt
	}
	cases := []struct {
		name   string
		tamper func(*mockoidc.IDTokenClaims)
		// broken turns the provider's redirect into what the browser
		// brings back (nil: unchanged).
		broken func(t *testing.T, c *client, m *oidctest.Provider, callback string) (*client, string)
		status int
		reason string
		// logged is what the log must say about the cause.
		logged string
	}{
		{name: "WrongNonce", tamper: func(c *mockoidc.IDTokenClaims) { c.Nonce = "attacker-nonce" },
			status: 400, reason: "auth.err.failed", logged: "nonce does not match"},
		{name: "Expired", tamper: past, status: 400, reason: "auth.err.failed", logged: "token is expired"},
		{name: "WrongAudience", tamper: func(c *mockoidc.IDTokenClaims) { c.Audience = jwt.ClaimStrings{"another-client"} },
			status: 400, reason: "auth.err.failed", logged: "audience"},
		{name: "WrongIssuer", tamper: func(c *mockoidc.IDTokenClaims) { c.Issuer = "https://idp.attacker.example" },
			status: 400, reason: "auth.err.failed", logged: "issued by a different provider"},
		{name: "WrongState", status: 400, reason: "auth.err.failed", logged: "state does not match",
			broken: func(t *testing.T, c *client, _ *oidctest.Provider, cb string) (*client, string) {
				return c, withQuery(t, cb, "state", "forged-state-forged-state-forged-state")
			}},
		{name: "MissingState", status: 400, reason: "auth.err.failed", logged: "state does not match",
			broken: func(t *testing.T, c *client, _ *oidctest.Provider, cb string) (*client, string) {
				return c, withQuery(t, cb, "state", "")
			}},
		{name: "OtherBrowser", status: 400, reason: "auth.err.expired", logged: "no valid sign-in cookie",
			broken: func(t *testing.T, c *client, _ *oidctest.Provider, cb string) (*client, string) {
				return c.a.client(), cb
			}},
		{name: "ProviderError", status: 400, reason: "auth.err.refused", logged: "access_denied",
			broken: func(t *testing.T, c *client, _ *oidctest.Provider, cb string) (*client, string) {
				u, _ := url.Parse(cb)
				return c, c.a.srv.URL + "/auth/callback?error=access_denied&state=" + url.QueryEscape(u.Query().Get("state"))
			}},
		{name: "ReusedCode", status: 400, reason: "auth.err.failed", logged: "invalid_grant",
			broken: func(t *testing.T, c *client, m *oidctest.Provider, cb string) (*client, string) {
				// Someone else redeemed the code first.
				used := withQuery(t, cb, "state", "")
				u, _ := url.Parse(used)
				form := url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")},
					"client_id": {m.ClientID}, "client_secret": {m.ClientSecret}, "redirect_uri": {c.a.srv.URL + "/auth/callback"}}
				resp, err := http.PostForm(m.TokenEndpoint(), form)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return c, cb
			}},
		{name: "ProviderDown", status: 503, reason: "auth.unavailable", logged: "connection refused",
			broken: func(t *testing.T, c *client, m *oidctest.Provider, cb string) (*client, string) {
				_ = m.Shutdown()
				return c, cb
			}},
	}
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, logs := newSSOApp(t, s, m, nil, true)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				users, sessions := countRows(t, a, &models.User{}), countRows(t, a, &models.Session{})
				c := a.client()
				u := anna()
				u.Tamper = tc.tamper
				cb := c.authorize(m, u)
				if tc.broken != nil {
					c, cb = tc.broken(t, c, m, cb)
				}
				logs.Reset()
				r := c.callback(cb)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d\n%s", r.status, tc.status, r.body)
				}
				if want := c.t(tc.reason); !strings.Contains(r.body, want) {
					t.Errorf("page does not say %q", want)
				}
				for _, leak := range []string{"goroutine", ".go:", "oidc:", "token"} {
					if strings.Contains(r.body, leak) {
						t.Errorf("page shows details (%q)", leak)
					}
				}
				if !strings.Contains(logs.String(), tc.logged) {
					t.Errorf("log does not say %q:\n%s", tc.logged, logs.String())
				}
				if ssoUserRow(t, a, m.Issuer(), "u-100") != nil || countRows(t, a, &models.User{}) != users || countRows(t, a, &models.Session{}) != sessions {
					t.Error("a refused sign-in created a person or a session")
				}
			})
		}
	})
}

// logBuffer collects an application's log for a test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// t translates a message id in the client's language, to find it on a page.
func (c *client) t(id string) string {
	c.a.t.Helper()
	b, err := i18n.New()
	if err != nil {
		c.a.t.Fatal(err)
	}
	var buf bytes.Buffer
	_ = htmlEscape(&buf, b.For(c.lang).T(id))
	return buf.String()
}

// htmlEscape writes s as html/template would escape it in text.
func htmlEscape(w io.Writer, s string) error {
	_, err := io.WriteString(w, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s))
	return err
}

func withQuery(t *testing.T, raw, key, value string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// TestSSOProviderDownAtStart starts the application while the provider is
// down: it serves, says sign-in is unavailable, and signs people in once
// discovery, retrying in the background, reaches the provider.
func TestSSOProviderDownAtStart(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		m := oidctest.Unstarted(t)
		a, sso, _ := newSSOApp(t, s, m, map[string]string{"OIDC_ISSUER": "http://" + addr + mockoidc.IssuerBase}, false)
		c := a.client()
		unavailable := c.t("auth.unavailable")
		if r := c.get("/login"); r.status != http.StatusOK || !strings.Contains(r.body, unavailable) || strings.Contains(r.body, `href="/auth/login"`) {
			t.Errorf("/login while the provider is down: %d", r.status)
		}
		if r := c.get("/auth/login"); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, unavailable) {
			t.Errorf("/auth/login while the provider is down: %d", r.status)
		}

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- sso.DiscoverWithRetry(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("port %s taken by someone else meanwhile: %v", addr, err)
		}
		oidctest.Start(t, m, ln)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		c.ssoLogin(m, anna())
		if r := c.get("/applications"); r.status != http.StatusOK {
			t.Errorf("/applications after sign-in: %d", r.status)
		}
	})
}

// TestSSOLogout signs out: the session row goes, and the browser goes to
// the provider's end_session_endpoint with the raw ID token as
// id_token_hint and our address to come back to.
func TestSSOLogout(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		c := a.client()
		c.ssoLogin(m, anna())
		u := ssoUserRow(t, a, m.Issuer(), "u-100")
		var sess models.Session
		if err := s.DB().Where("user_id = ?", u.ID).First(&sess).Error; err != nil {
			t.Fatal(err)
		}
		r := c.post("/logout", nil)
		loc, _ := url.Parse(r.header.Get("Location"))
		if r.status != http.StatusSeeOther || !strings.HasPrefix(loc.String(), m.Issuer()+oidctest.EndSessionPath+"?") {
			t.Fatalf("logout: %d to %q", r.status, loc)
		}
		if q := loc.Query(); q.Get("id_token_hint") != sess.IDToken || q.Get("post_logout_redirect_uri") != a.srv.URL+"/" || q.Get("client_id") != m.ClientID {
			t.Errorf("end-session parameters: %v", q)
		}
		if n, _ := s.CountSessions(context.Background(), u.ID); n != 0 {
			t.Errorf("%d sessions left after logout", n)
		}
		if r := c.get("/applications"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("/applications after logout: %d", r.status)
		}

		// The development sign-in has no ID token: logout stays here.
		dev := a.client()
		dev.login(a.demoUser(workflow.RoleApplicant, nil))
		if r := dev.post("/logout", nil); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Errorf("dev logout: %d to %q", r.status, r.header.Get("Location"))
		}
	})
}

// TestSSODisabledPerson refuses a disabled person at sign-in, and ends the
// session of a person disabled while signed in at their next request.
func TestSSODisabledPerson(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		c := a.client()
		c.ssoLogin(m, anna())
		u := ssoUserRow(t, a, m.Issuer(), "u-100")
		if err := s.DB().Model(&models.User{}).Where("id = ?", u.ID).Update("disabled", true).Error; err != nil {
			t.Fatal(err)
		}
		if r := c.get("/applications"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("disabled person's next request: %d", r.status)
		}
		if n, _ := s.CountSessions(context.Background(), u.ID); n != 0 {
			t.Errorf("disabled person keeps %d sessions", n)
		}
		r := c.callback(c.authorize(m, anna()))
		if r.status != http.StatusForbidden || !strings.Contains(r.body, c.t("auth.err.disabled")) {
			t.Errorf("disabled person signing in: %d", r.status)
		}
		if n, _ := s.CountSessions(context.Background(), u.ID); n != 0 {
			t.Errorf("disabled person got %d sessions", n)
		}
	})
}

// cookieNamed returns the Set-Cookie of name in r, or fails.
func cookieNamed(t *testing.T, r response, name string) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	t.Fatalf("no %s cookie set; headers %v", name, r.header)
	return nil
}
