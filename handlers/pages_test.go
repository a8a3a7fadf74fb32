package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

func TestPublicPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()

		r := c.get("/")
		if r.status != http.StatusOK || !strings.Contains(r.body, "Medel för utresande studentmobilitet 2026") ||
			!strings.Contains(r.body, "3\u00a0000\u00a0000\u00a0kr") {
			t.Fatalf("start page: %d\n%s", r.status, r.body)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if r.header.Get(h) == "" {
				t.Errorf("start page lacks %s", h)
			}
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("CSP = %q", r.header.Get("Content-Security-Policy"))
		}

		r = c.get("/plan")
		plan, err := s.CurrentPlan(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if r.status != http.StatusOK {
			t.Fatalf("plan page: %d", r.status)
		}
		for _, act := range plan.Activities() {
			if !strings.Contains(r.body, templateEscape(act.TextSV)) {
				t.Errorf("plan page lacks activity %q", act.TextSV)
			}
		}

		calls, _ := s.Calls(context.Background())
		if r := c.get("/calls/" + itoa(calls[0].ID)); r.status != http.StatusOK || !strings.Contains(r.body, "Sista ansökningsdag") {
			t.Errorf("call page: %d", r.status)
		}
		for _, path := range []string{"/calls/999999", "/calls/abc", "/no/such/page"} {
			if r := c.get(path); r.status != http.StatusNotFound || !strings.Contains(r.body, "Sidan finns inte") {
				t.Errorf("GET %s = %d, want the 404 page", path, r.status)
			}
		}
		if r := c.get("/healthz"); r.status != http.StatusOK {
			t.Errorf("healthz = %d", r.status)
		}
		if r := c.get("/readyz"); r.status != http.StatusOK {
			t.Errorf("readyz = %d", r.status)
		}
		if r := c.get("/applications"); r.status != http.StatusSeeOther {
			t.Errorf("anonymous /applications = %d, want a redirect to sign in", r.status)
		}
	})
}

// templateEscape mirrors html/template's escaping of the characters the
// plan's texts contain.
func templateEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "\"", "&#34;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()
		if r := c.get("/"); !strings.Contains(r.body, `lang="sv"`) {
			t.Fatal("default language is not Swedish")
		}
		r := c.post("/language", url.Values{"lang": {"en"}, "next": {"/plan"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/plan" {
			t.Fatalf("switch: %d %s", r.status, r.header.Get("Location"))
		}
		r = c.get("/")
		if !strings.Contains(r.body, `lang="en"`) || !strings.Contains(r.body, "SEK\u00a03,000,000") {
			t.Fatalf("English start page does not show SEK 3,000,000")
		}
		// An off-site "next" never redirects away.
		if r := c.post("/language", url.Values{"lang": {"sv"}, "next": {"//evil.example"}}); r.header.Get("Location") != "/" {
			t.Errorf("open redirect to %q", r.header.Get("Location"))
		}

		// A signed-in person's choice is saved on their profile.
		u := a.demoUser(workflow.RoleCoordinator, nil)
		c2 := a.client()
		c2.login(u)
		c2.post("/language", url.Values{"lang": {"en"}, "next": {"/"}})
		saved, err := s.UserByID(context.Background(), u.User.ID)
		if err != nil || saved.Language != "en" {
			t.Fatalf("language not saved: %+v %v", saved, err)
		}
	})
}

func TestDevLoginEveryRole(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		r := a.client().get("/login")
		if r.status != http.StatusOK || !strings.Contains(r.body, "Endast i utvecklingsläge") {
			t.Fatalf("login page: %d", r.status)
		}
		for _, role := range workflow.Roles() {
			u := a.demoUser(role, nil)
			c := a.client()
			c.login(u)
			home := c.get("/")
			if !strings.Contains(home.body, templateEscape(u.User.Name)) || !strings.Contains(home.body, "Logga ut") {
				t.Errorf("%s: start page does not show the signed-in %s", role, u.User.Name)
			}
			if r := c.get("/applications"); r.status != http.StatusOK {
				t.Errorf("%s: applications = %d", role, r.status)
			}
			c.post("/logout", nil)
			if r := c.get("/applications"); r.status != http.StatusSeeOther {
				t.Errorf("%s: still signed in after logout (%d)", role, r.status)
			}
		}
		// Someone who is not a demo user cannot be signed in this way.
		if r := a.client().post("/login/dev", url.Values{"user_id": {"999999"}}); r.status != http.StatusNotFound {
			t.Errorf("unknown user id: %d", r.status)
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()
		u := a.demoUser(workflow.RoleDecider, nil)
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/login/dev", strings.NewReader(url.Values{"user_id": {itoa(u.User.ID)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := c.do(req); r.status != http.StatusForbidden {
			t.Fatalf("cross-site POST = %d, want 403", r.status)
		}
		req, _ = http.NewRequest(http.MethodPost, a.srv.URL+"/language", strings.NewReader("lang=en"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if r := c.do(req); r.status != http.StatusForbidden {
			t.Fatalf("foreign-origin POST = %d, want 403", r.status)
		}
	})
}

// TestApplicationVisibility: a person sees their own unit's applications
// and not another unit's, even by URL; university-wide roles see all.
func TestApplicationVisibility(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := newApp(t, s)
		rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
		if err != nil || len(rows) < 2 {
			t.Fatalf("demo applications: %d, %v", len(rows), err)
		}
		chart, err := s.OrgChart(ctx)
		if err != nil {
			t.Fatal(err)
		}
		target := rows[0]
		outsider := a.demoUser(workflow.RoleApplicant, func(x *models.Actor) bool {
			return !workflow.VisibilityOf(x.Workflow, chart).Allows(target.UnitID, target.CreatedBy)
		})
		insider := a.demoUser(workflow.RoleApplicant, func(x *models.Actor) bool {
			return workflow.VisibilityOf(x.Workflow, chart).Allows(target.UnitID, target.CreatedBy)
		})
		path := "/applications/" + itoa(target.ID)

		c := a.client()
		c.login(outsider)
		if r := c.get(path); r.status != http.StatusNotFound {
			t.Errorf("outsider opened %s: %d", path, r.status)
		}
		if r := c.get("/applications"); strings.Contains(r.body, path+`"`) {
			t.Errorf("outsider's list links %s", path)
		}

		c = a.client()
		c.login(insider)
		if r := c.get(path); r.status != http.StatusOK || !strings.Contains(r.body, templateEscape(target.Title)) {
			t.Errorf("insider cannot open %s: %d", path, r.status)
		}
		c = a.client()
		c.login(a.demoUser(workflow.RoleDecider, nil))
		if r := c.get(path); r.status != http.StatusOK {
			t.Errorf("decider cannot open %s: %d", path, r.status)
		}
	})
}
