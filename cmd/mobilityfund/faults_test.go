package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/faulttest"
	"mobilityfund/models"
)

// drillClient is one signed-in browser of a fault drill.
type drillClient struct {
	http *http.Client
	base string
}

func newDrillClient(t *testing.T, base string) *drillClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &drillClient{base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// post sends a form as a browser of the same site would, and returns the
// status and the Location header.
func (c *drillClient) post(path string, form url.Values) (int, string, error) {
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

func (c *drillClient) get(path string) (int, string, error) {
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

// startServer runs `serve` with env until the test ends and returns its
// address.
func startServer(t *testing.T, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, io.Discard, ready)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	}
	return ""
}

// openCall adds a call that is open now to the database behind s, so that
// the drill's applicants can write drafts whatever the day.
func openCall(t *testing.T, s *models.Store) *models.Call {
	t.Helper()
	var base models.Call
	if err := s.DB().Where("code = ?", models.CallCode2026).First(&base).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	call := base
	call.ID, call.Code = 0, "drill"
	call.OpensAt, call.DeadlineAt = now.AddDate(0, -1, 0), now.AddDate(0, 1, 0)
	if err := s.DB().Create(&call).Error; err != nil {
		t.Fatal(err)
	}
	return &call
}

// TestDatabaseOutageUnderLoad cuts the connection to PostgreSQL, as a
// restart or a network failure would, while signed-in people write
// drafts, and lets it through again. While the database is away every
// request answers 503 ("try again in a moment") and /readyz reports it;
// nobody is signed out. Afterwards the application recovers by itself,
// every draft it acknowledged is there whole, and nothing half-written
// is.
func TestDatabaseOutageUnderLoad(t *testing.T) {
	t.Parallel()
	dsn := dbtest.PostgresSchema(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := faulttest.Start(t, u.Host)
	proxied := *u
	proxied.Host = proxy.Addr()
	base := startServer(t, map[string]string{"DATABASE_URL": proxied.String(), "LISTEN_ADDR": "127.0.0.1:0"})

	direct, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	ctx := context.Background()
	call := openCall(t, direct)
	anna, err := direct.DemoActor(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	var unit models.OrgUnit
	if err := direct.DB().Where("code = ?", "HUMUS").First(&unit).Error; err != nil {
		t.Fatal(err)
	}

	const clients = 4
	var (
		phase      atomic.Int32 // 0 before the cut, 1 during it, 2 after it
		acked      sync.Map     // application id → title
		okBefore   atomic.Int64
		failedCut  [clients]atomic.Int64
		okAfter    [clients]atomic.Int64
		stop       = make(chan struct{})
		wg         sync.WaitGroup
		unexpected = make(chan string, 100)
	)
	for i := range clients {
		c := newDrillClient(t, base)
		if status, _, err := c.post("/login/dev", url.Values{"user_id": {strconv.FormatInt(anna.User.ID, 10)}}); err != nil || status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d, %v", status, err)
		}
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				title := fmt.Sprintf("Övning %d-%d", i, n)
				status, loc, err := c.post("/applications", url.Values{"call": {strconv.FormatInt(call.ID, 10)},
					"unit": {strconv.FormatInt(unit.ID, 10)}, "title": {title}, "neolaia": {"ja"},
					"line_category": {"travel", "staff"}, "line_description": {"Resor", "Planering"},
					"line_amount": {"1 000", "2 000,50"}, "op": {"save"}})
				// The phase when the answer came: a request sent before the
				// cut may be answered after it.
				p := phase.Load()
				switch {
				case err == nil && status == http.StatusSeeOther && strings.HasPrefix(loc, "/applications/"):
					id := strings.TrimPrefix(loc, "/applications/")
					id = id[:strings.IndexByte(id, '?')]
					acked.Store(id, title)
					switch p {
					case 0:
						okBefore.Add(1)
					case 2:
						okAfter[i].Add(1)
					}
				case err == nil && status == http.StatusServiceUnavailable && p != 0:
					if p == 1 {
						failedCut[i].Add(1)
					}
				case err == nil && status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"):
					unexpected <- "a client was signed out: " + loc
					return
				default:
					if p == 0 {
						unexpected <- fmt.Sprintf("before the cut: status %d, %v", status, err)
						return
					}
					// Between the cut and the pool's recovery a request may
					// also lose its connection mid-way; what matters is what
					// was acknowledged and what was written.
				}
				// A page read through the session, too.
				if status, loc, err := c.get("/tasks"); err == nil && status == http.StatusSeeOther {
					unexpected <- "a signed-in page sent a client to " + loc
					return
				}
			}
		})
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			select {
			case msg := <-unexpected:
				close(stop)
				wg.Wait()
				t.Fatalf("%s: %s", what, msg)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	ready := func() int {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	waitFor("writes before the cut", func() bool { return okBefore.Load() >= 3*clients })
	phase.Store(1)
	proxy.Cut()
	waitFor("every client told to try again", func() bool {
		for i := range clients {
			if failedCut[i].Load() == 0 {
				return false
			}
		}
		return true
	})
	if status := ready(); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage: %d, want 503", status)
	}
	proxy.Restore()
	phase.Store(2)
	waitFor("readiness after the outage", func() bool { return ready() == http.StatusOK })
	waitFor("every client writing again, still signed in", func() bool {
		for i := range clients {
			if okAfter[i].Load() < 2 {
				return false
			}
		}
		return true
	})
	close(stop)
	wg.Wait()
	select {
	case msg := <-unexpected:
		t.Fatal(msg)
	default:
	}

	// Every acknowledged draft is there with what was typed; no draft is
	// there without its budget lines and its audit row.
	n := 0
	acked.Range(func(k, v any) bool {
		n++
		var app models.Application
		if err := direct.DB().First(&app, k).Error; err != nil || app.Title != v.(string) || app.RequestedOre != 300050 {
			t.Errorf("acknowledged draft %v: %+v, %v", k, app.Title, err)
		}
		return true
	})
	var broken []int64
	if err := direct.DB().Raw("SELECT a.id FROM applications a WHERE a.call_id = ? AND ("+
		"a.requested_ore <> (SELECT COALESCE(SUM(amount_ore), 0) FROM budget_lines b WHERE b.application_id = a.id) OR "+
		"(SELECT COUNT(*) FROM budget_lines b WHERE b.application_id = a.id) <> 2 OR "+
		"NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.application_id = a.id AND e.action = 'create'))", call.ID).
		Scan(&broken).Error; err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Errorf("half-written drafts: %v", broken)
	}
	t.Logf("%d drafts acknowledged across the outage; the proxy served %d connections", n, proxy.Served())
}
