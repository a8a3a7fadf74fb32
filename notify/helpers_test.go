package notify_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/notify/notifytest"
	"mobilityfund/workflow"
)

const baseURL = "https://mobility.example.org"

// env is the demo university on a test database, an SMTP server and a
// worker that sends to it.
type env struct {
	t    *testing.T
	ctx  context.Context
	s    *models.Store
	smtp *notifytest.Server
	w    *notify.Worker
	// when is a moment inside the demo call, for the workflow's deadline
	// checks.
	when time.Time
}

func testOptions() notify.Options {
	o := notify.DefaultOptions()
	o.SMTPTimeout = 5 * time.Second
	return o
}

func newEnv(t *testing.T, s *models.Store, opts notify.Options) *env {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, s: s, smtp: notifytest.Start(t)}
	e.w = e.worker(opts)
	calls, err := s.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.when = calls[0].OpensAt.AddDate(0, 1, 0)
	return e
}

// worker returns another worker on the same database and SMTP server.
func (e *env) worker(opts notify.Options) *notify.Worker {
	e.t.Helper()
	return e.workerOn(e.s, opts)
}

// workerOn returns a worker on store s sending to the env's SMTP server.
func (e *env) workerOn(s *models.Store, opts notify.Options) *notify.Worker {
	e.t.Helper()
	tr, err := notify.NewSMTP(e.smtp.Config(), opts.SMTPTimeout)
	if err != nil {
		e.t.Fatal(err)
	}
	w, err := notify.NewWithTransport(s, baseURL, tr, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// app returns the demo application whose title starts with prefix.
func (e *env) app(prefix string) *models.Application {
	e.t.Helper()
	var a models.Application
	if err := e.s.DB().Where("title LIKE ?", prefix+"%").First(&a).Error; err != nil {
		e.t.Fatalf("application %q: %v", prefix, err)
	}
	return &a
}

// apply takes action on the application as the demo person who.
func (e *env) apply(app *models.Application, who string, action workflow.Action, in workflow.Input) {
	e.t.Helper()
	actor, err := e.s.DemoActor(e.ctx, who)
	if err != nil {
		e.t.Fatal(err)
	}
	cur := e.app(app.Title)
	if in.Now.IsZero() {
		in.Now = e.when
	}
	if _, err := e.s.Apply(e.ctx, cur.ID, cur.Version, actor, action, in); err != nil {
		e.t.Fatalf("%s by %s on %q: %v", action, who, app.Title, err)
	}
}

// deliver runs the worker until the outbox is empty and returns the mail
// that arrived meanwhile.
func (e *env) deliver() []notifytest.Message {
	e.t.Helper()
	before := len(e.smtp.Messages())
	if _, err := e.w.DeliverPending(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	return e.smtp.Messages()[before:]
}

// outbox returns every outbox row, in id order.
func (e *env) outbox() []models.OutboxMessage {
	e.t.Helper()
	var rows []models.OutboxMessage
	if err := e.s.DB().Order("id").Find(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// moveClock sets the store's clock d after the real time.
func (e *env) moveClock(d time.Duration) {
	e.s.SetClock(func() time.Time { return time.Now().UTC().Add(d).Truncate(time.Microsecond) })
}

type notifyMessage = notifytest.Message

// replica opens a second store on the env's database, with its own
// connection pool, as another replica of the application would.
func (e *env) replica() *models.Store {
	e.t.Helper()
	var dsn string
	if e.s.Dialect() == models.Postgres {
		var path string
		if err := e.s.DB().Raw("SHOW search_path").Scan(&path).Error; err != nil {
			e.t.Fatal(err)
		}
		base, err := dbtest.PostgresURL()
		if err != nil {
			e.t.Fatal(err)
		}
		u, err := url.Parse(base)
		if err != nil {
			e.t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", path)
		u.RawQuery = q.Encode()
		dsn = u.String()
	} else {
		var files []struct{ Name, File string }
		if err := e.s.DB().Raw("PRAGMA database_list").Scan(&files).Error; err != nil {
			e.t.Fatal(err)
		}
		for _, f := range files {
			if f.Name == "main" {
				dsn = "sqlite://" + f.File
			}
		}
	}
	if dsn == "" {
		e.t.Fatal("no file behind the SQLite store")
	}
	s, err := models.Open(dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = s.Close() })
	return s
}
