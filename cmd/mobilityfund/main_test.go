package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mobilityfund/models"
	"mobilityfund/notify/notifytest"
	"mobilityfund/workflow"
)

func TestProductionWithoutSSORefusesToStart(t *testing.T) {
	t.Parallel()
	env := map[string]string{"APP_ENV": "production", "DEV_LOGIN": "true"}
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, io.Discard, nil)
	if err == nil {
		t.Fatal("production without single sign-on started")
	}
	for _, want := range []string{"DEV_LOGIN is a development-only setting", "OIDC_ISSUER", "SESSION_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestHelpListsCommandsAndVariables(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"help", "--help", "-h"} {
		var out strings.Builder
		// Help works even with a configuration that would not start.
		env := map[string]string{"APP_ENV": "production"}
		if err := run(context.Background(), []string{arg}, func(k string) string { return env[k] }, &out, nil); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		for _, want := range []string{"serve", "worker", "migrate", "seed", "DATABASE_URL", "TIME_ZONE", "CONTACT_EMAIL", "SMTP_HOST"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s does not mention %s:\n%s", arg, want, out.String())
			}
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("err = %v", err)
	}
}

// TestServeAndShutDown starts the real server on SQLite with demo data,
// checks that it answers, and that cancelling stops it cleanly.
func TestServeAndShutDown(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "app.db"),
		"LISTEN_ADDR":  "127.0.0.1:0",
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, func(k string) string { return env[k] }, io.Discard, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	}
	for _, path := range []string{"/healthz", "/readyz", "/"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
		if path == "/" && !strings.Contains(string(body), "3\u00a0000\u00a0000\u00a0kr") {
			t.Errorf("start page does not show the 3 000 000 kr budget")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	// seed --demo and migrate on the same database are idempotent.
	for _, args := range [][]string{{"migrate"}, {"seed", "--demo"}} {
		if err := run(context.Background(), args, func(k string) string { return env[k] }, io.Discard, nil); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestWorkerCommand runs `worker` against a real SMTP server: the mail of
// a submission arrives, and cancelling stops the worker cleanly.
func TestWorkerCommand(t *testing.T) {
	t.Parallel()
	smtp := notifytest.Start(t)
	sc := smtp.Config()
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "app.db")
	env := map[string]string{
		"DATABASE_URL": dsn, "SMTP_HOST": sc.Host, "SMTP_PORT": strconv.Itoa(sc.Port),
		"SMTP_TLS": "none", "SMTP_FROM": sc.From, "BASE_URL": "https://mobility.example.org",
	}
	getenv := func(k string) string { return env[k] }
	if err := run(context.Background(), []string{"seed", "--demo"}, getenv, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	store, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	anna, err := store.DemoActor(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	var app models.Application
	if err := store.DB().Where("title LIKE ?", "Utbytesvecka i Bologna%").First(&app).Error; err != nil {
		t.Fatal(err)
	}
	calls, _ := store.Calls(ctx)
	if _, err := store.Apply(ctx, app.ID, app.Version, anna, workflow.ActionSubmit,
		workflow.Input{Now: calls[0].OpensAt.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}

	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(wctx, []string{"worker"}, getenv, io.Discard, nil) }()
	got := smtp.Wait(3)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
	link := "https://mobility.example.org/applications/" + strconv.FormatInt(app.ID, 10)
	for _, m := range got {
		if !strings.Contains(m.Text, link) {
			t.Errorf("mail to %v lacks %s", m.To, link)
		}
	}
	var pending int64
	store.DB().Model(&models.OutboxMessage{}).Where("status <> ?", models.OutboxSent).Count(&pending)
	if pending != 0 {
		t.Errorf("%d outbox rows not sent", pending)
	}
}
