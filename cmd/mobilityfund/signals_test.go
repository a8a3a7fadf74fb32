package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify/notifytest"
)

// drillServeEnv marks the test binary started as the application itself:
// TestMain then runs `serve` with the environment it was given, as the
// real binary would, and exits with its result.
const drillServeEnv = "MOBILITYFUND_DRILL_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(drillServeEnv) == "1" {
		ctx, stop := signalContext()
		defer stop()
		if err := run(ctx, []string{"serve"}, os.Getenv, os.Stdout, nil); err != nil {
			fmt.Fprintln(os.Stderr, "mobilityfund:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is the application running in a process of its own.
type child struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startChild starts the application as a separate process on env and
// waits until it listens.
func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), drillServeEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, done: make(chan error, 1)}
	listening := make(chan string, 1)
	var log strings.Builder
	var logMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			logMu.Lock()
			log.WriteString(line + "\n")
			logMu.Unlock()
			if i := strings.Index(line, "url=http://"); i >= 0 && strings.Contains(line, "msg=listening") {
				listening <- strings.Fields(line[i+len("url="):])[0]
			}
		}
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-c.done
		}
		if t.Failed() {
			logMu.Lock()
			t.Logf("application log:\n%s", log.String())
			logMu.Unlock()
		}
	})
	select {
	case c.base = <-listening:
	case err := <-c.done:
		t.Fatalf("the application stopped before listening: %v\n%s", err, log.String())
	}
	return c
}

// draftLoad is signed-in people writing drafts in a call that is open.
type draftLoad struct {
	clients []*drillClient
	form    url.Values
}

// newDraftLoad signs n clients in at base as anna, who writes drafts for
// HUMUS in a call of the drill's own.
func newDraftLoad(t *testing.T, base string, s *models.Store, n int) *draftLoad {
	t.Helper()
	call := openCall(t, s)
	anna, err := s.DemoActor(context.Background(), "anna")
	if err != nil {
		t.Fatal(err)
	}
	var unit models.OrgUnit
	if err := s.DB().Where("code = ?", "HUMUS").First(&unit).Error; err != nil {
		t.Fatal(err)
	}
	l := &draftLoad{form: url.Values{"call": {strconv.FormatInt(call.ID, 10)}, "unit": {strconv.FormatInt(unit.ID, 10)},
		"neolaia": {"ja"}, "line_category": {"travel", "staff"}, "line_description": {"Resor", "Planering"},
		"line_amount": {"1 000", "2 000,50"}, "op": {"save"}}}
	for range n {
		c := newDrillClient(t, base)
		if status, _, err := c.post("/login/dev", url.Values{"user_id": {strconv.FormatInt(anna.User.ID, 10)}}); err != nil || status != http.StatusSeeOther {
			t.Fatalf("sign-in: %d, %v", status, err)
		}
		l.clients = append(l.clients, c)
	}
	return l
}

// run has every client write drafts until stop is closed or the server
// goes away, telling acks of each acknowledged one, and returns the ids
// and titles of every draft the server acknowledged.
func (l *draftLoad) run(t *testing.T, stop <-chan struct{}, acks chan<- struct{}) map[string]string {
	var (
		mu    sync.Mutex
		acked = map[string]string{}
		wg    sync.WaitGroup
	)
	for i, c := range l.clients {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				form := url.Values{"title": {fmt.Sprintf("Övning %d-%d", i, n)}}
				for k, v := range l.form {
					form[k] = v
				}
				status, loc, err := c.post("/applications", form)
				if err != nil {
					return // the server went away
				}
				if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/applications/") {
					t.Errorf("a draft answered %d %s", status, loc)
					return
				}
				id := strings.TrimPrefix(loc, "/applications/")
				mu.Lock()
				acked[id[:strings.IndexByte(id, '?')]] = form.Get("title")
				mu.Unlock()
				select {
				case acks <- struct{}{}:
				default:
				}
			}
		})
	}
	wg.Wait()
	return acked
}

// checkDrafts fails t unless every acknowledged draft is in s whole and
// no draft of the drill's call is there half-written.
func checkDrafts(t *testing.T, s *models.Store, acked map[string]string) {
	t.Helper()
	for id, title := range acked {
		var app models.Application
		if err := s.DB().First(&app, id).Error; err != nil || app.Title != title || app.RequestedOre != 300050 {
			t.Errorf("acknowledged draft %s: %q, %v", id, app.Title, err)
		}
	}
	var broken []int64
	if err := s.DB().Raw("SELECT a.id FROM applications a JOIN calls c ON c.id = a.call_id WHERE c.code = 'drill' AND (" +
		"a.requested_ore <> (SELECT COALESCE(SUM(amount_ore), 0) FROM budget_lines b WHERE b.application_id = a.id) OR " +
		"(SELECT COUNT(*) FROM budget_lines b WHERE b.application_id = a.id) <> 2 OR " +
		"NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.application_id = a.id AND e.action = 'create'))").
		Scan(&broken).Error; err != nil {
		t.Fatal(err)
	}
	if len(broken) > 0 {
		t.Errorf("half-written drafts: %v", broken)
	}
}

// TestKilledMidAction kills the application with SIGKILL while people
// write drafts, on both databases: nothing is half-written, everything
// acknowledged is there, and the application started again serves the
// same people without their signing in again.
func TestKilledMidAction(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			dsn := "sqlite://" + filepath.Join(t.TempDir(), "app.db")
			if b.Name == "postgres" {
				dsn = dbtest.PostgresSchema(t)
			}
			env := map[string]string{"DATABASE_URL": dsn, "LISTEN_ADDR": "127.0.0.1:0",
				"SESSION_SECRET": strings.Repeat("k", 32)}
			app := startChild(t, env)
			s, err := models.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			load := newDraftLoad(t, app.base, s, 4)
			stop, acks := make(chan struct{}), make(chan struct{}, 1000)
			result := make(chan map[string]string, 1)
			go func() { result <- load.run(t, stop, acks) }()
			for range 20 {
				<-acks
			}
			if err := app.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-app.done
			close(stop)
			acked := <-result
			checkDrafts(t, s, acked)

			again := startChild(t, env)
			resp, err := http.Get(again.base + "/readyz")
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("after the restart: %v %v", resp, err)
			}
			resp.Body.Close()
			// Sessions are rows in the database: the same browser is still
			// signed in.
			c := load.clients[0]
			c.base = again.base
			if status, loc, err := c.get("/tasks"); err != nil || status != http.StatusOK {
				t.Errorf("a signed-in browser after the restart: %d %s %v", status, loc, err)
			}
			t.Logf("%d drafts acknowledged before the kill", len(acked))
		})
	}
}

// TestTerminateDrains sends SIGTERM while people write drafts and mail
// waits to be sent: every request the server took is answered, the
// process ends cleanly, and the mail worker leaves no claim behind.
func TestTerminateDrains(t *testing.T) {
	t.Parallel()
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "app.db")
	smtp := notifytest.Start(t)
	sc := smtp.Config()
	env := map[string]string{"DATABASE_URL": dsn, "LISTEN_ADDR": "127.0.0.1:0", "SMTP_HOST": sc.Host,
		"SMTP_PORT": strconv.Itoa(sc.Port), "SMTP_TLS": "none", "SMTP_FROM": sc.From}
	app := startChild(t, env)
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Mail waiting for the worker.
	for i := range 30 {
		key := fmt.Sprintf("drill:%d", i)
		if err := s.DB().Create(&models.OutboxMessage{Event: "submitted", RecipientEmail: fmt.Sprintf("p%d@example.org", i),
			Language: "sv", Payload: "{}", DedupeKey: &key, Status: models.OutboxPending,
			NextAttemptAt: s.Now(), CreatedAt: s.Now()}).Error; err != nil {
			t.Fatal(err)
		}
	}
	load := newDraftLoad(t, app.base, s, 4)
	stop, acks := make(chan struct{}), make(chan struct{}, 1000)
	result := make(chan map[string]string, 1)
	go func() { result <- load.run(t, stop, acks) }()
	for range 10 {
		<-acks
	}
	if err := app.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-app.done; err != nil {
		t.Errorf("after SIGTERM the application ended with %v, want a clean exit", err)
	}
	close(stop)
	acked := <-result
	checkDrafts(t, s, acked)
	var claimed int64
	if err := s.DB().Model(&models.OutboxMessage{}).Where("claim_token <> ''").Count(&claimed).Error; err != nil {
		t.Fatal(err)
	}
	if claimed != 0 {
		t.Errorf("%d outbox rows are still claimed by the stopped worker", claimed)
	}
	if _, err := http.Get(app.base + "/healthz"); err == nil {
		t.Error("the stopped application still answers")
	}
}
