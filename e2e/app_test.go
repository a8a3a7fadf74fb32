package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"mobilityfund/config"
	"mobilityfund/handlers"
	"mobilityfund/i18n"
	"mobilityfund/models"
)

// inCallWindow is a moment when the demo's 2026 call is open, so that the
// journey does not depend on today's date.
var inCallWindow = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// app is the real application, as main builds it in development mode,
// on a test database with the demo data.
type app struct {
	srv   *httptest.Server
	store *models.Store
}

func newApp(t *testing.T, s *models.Store) *app {
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
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		SessionKey: []byte("0123456789abcdef0123456789abcdef"),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &app{srv: srv, store: s}
}
