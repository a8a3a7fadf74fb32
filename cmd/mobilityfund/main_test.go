package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
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
