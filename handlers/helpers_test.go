package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mobilityfund/internal/apptest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// app is a running application on a test database with the demo data.
type app struct {
	t     *testing.T
	srv   *httptest.Server
	store *models.Store
}

func newApp(t *testing.T, s *models.Store) *app {
	t.Helper()
	srv := apptest.Server(t, s)
	return &app{t: t, srv: srv, store: s}
}

// client is one browser: its own cookies, never following redirects so
// that tests see them.
type client struct {
	a    *app
	http *http.Client
	lang string
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, lang: "sv", http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	status int
	body   string
	header http.Header
}

func (c *client) do(req *http.Request) response {
	c.a.t.Helper()
	req.Header.Set("Accept-Language", c.lang)
	resp, err := c.http.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(body), header: resp.Header}
}

func (c *client) get(path string) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.a.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form as a browser would from the same site.
func (c *client) post(path string, form url.Values) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// demoUser returns the first demo user who holds role (university-wide
// or for some unit) and passes keep (nil keeps all).
func (a *app) demoUser(role workflow.Role, keep func(*models.Actor) bool) *models.Actor {
	a.t.Helper()
	ctx := context.Background()
	users, err := a.store.DevUsers(ctx)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, u := range users {
		actor, err := a.store.ActorFor(ctx, u.ID)
		if err != nil {
			a.t.Fatal(err)
		}
		if actor.Has(role) && (keep == nil || keep(actor)) {
			return actor
		}
	}
	a.t.Fatalf("no demo user with role %s", role)
	return nil
}

// login signs the client in as a demo user.
func (c *client) login(u *models.Actor) {
	c.a.t.Helper()
	r := c.post("/login/dev", url.Values{"user_id": {itoa(u.User.ID)}})
	if r.status != http.StatusSeeOther {
		c.a.t.Fatalf("login as %s: %d", u.User.Email, r.status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
