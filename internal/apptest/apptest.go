// Package apptest runs the real application for tests: handlers.New as
// main builds it in development mode, on a test store with the demo data.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"mobilityfund/config"
	"mobilityfund/handlers"
	"mobilityfund/i18n"
	"mobilityfund/models"
)

// Server loads the demo data into s and serves the application until the
// test ends.
func Server(t testing.TB, s *models.Store) *httptest.Server {
	t.Helper()
	return ServerLogging(t, s, io.Discard)
}

// ServerLogging is Server with the application's log written to w as
// JSON lines (w must be safe for concurrent writes).
func ServerLogging(t testing.TB, s *models.Store, w io.Writer) *httptest.Server {
	t.Helper()
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := handlers.New(handlers.Deps{
		Config: cfg, Store: s, I18n: bundle,
		Log:        slog.New(slog.NewJSONHandler(w, nil)),
		SessionKey: []byte("0123456789abcdef0123456789abcdef"),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
