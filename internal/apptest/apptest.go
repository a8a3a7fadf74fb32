// Package apptest runs the real application for tests: handlers.New as
// main builds it in development mode, on a test store with the demo data.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
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
	return serve(t, s, w, nil)
}

// SSOServer is Server with single sign-on through the provider at issuer
// (discovered before it returns), and env's settings besides (OIDC_* and
// the like); BASE_URL is the server's own address.
func SSOServer(t testing.TB, s *models.Store, env map[string]string) *httptest.Server {
	t.Helper()
	return serve(t, s, io.Discard, env)
}

func serve(t testing.TB, s *models.Store, w io.Writer, env map[string]string) *httptest.Server {
	t.Helper()
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	// Tests sign in as many people in quick succession from one address.
	vars := map[string]string{"AUTH_RATE_LIMIT": "100000"}
	if env != nil {
		vars["BASE_URL"] = srv.URL
		for k, v := range env {
			vars[k] = v
		}
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	var sso *handlers.OIDC
	if cfg.OIDC.Issuer != "" {
		if sso, err = handlers.NewOIDC(cfg.OIDC); err != nil {
			t.Fatal(err)
		}
		if err := sso.Discover(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err = handlers.New(handlers.Deps{
		Config: cfg, Store: s, I18n: bundle, OIDC: sso,
		Log:        slog.New(slog.NewJSONHandler(w, nil)),
		SessionKey: []byte("0123456789abcdef0123456789abcdef"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}
