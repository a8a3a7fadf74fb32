package e2e

import (
	"net/http/httptest"
	"testing"
	"time"

	"mobilityfund/internal/apptest"
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
	srv := apptest.Server(t, s)
	return &app{srv: srv, store: s}
}
