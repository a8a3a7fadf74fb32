// Package dbtest gives each test its own freshly migrated database: a
// SQLite file always, and a PostgreSQL schema when a server is reachable
// (TEST_DATABASE_URL, else 127.0.0.1:5432). REQUIRE_POSTGRES=1 turns a
// missing PostgreSQL into a failure instead of a skip.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for schema set-up

	"mobilityfund/models"
)

// DefaultPostgresURL is tried when TEST_DATABASE_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	pgOnce sync.Once
	pgURL  string
	pgErr  error
)

// PostgresURL returns the PostgreSQL server tests use, or an error saying
// why there is none. It probes once per process.
func PostgresURL() (string, error) {
	pgOnce.Do(func() {
		u := os.Getenv("TEST_DATABASE_URL")
		if u == "" {
			u = DefaultPostgresURL
		}
		db, err := sql.Open("pgx", u)
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			pgErr = fmt.Errorf("no PostgreSQL at %s: %w", redacted(u), err)
			return
		}
		pgURL = u
	})
	return pgURL, pgErr
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Backend is one database kind tests run on.
type Backend struct {
	Name string // "sqlite" or "postgres"
	url  string
}

// Backends returns SQLite and, when reachable, PostgreSQL. Without
// PostgreSQL it logs the skip, or fails the test under REQUIRE_POSTGRES=1.
func Backends(t testing.TB) []Backend {
	t.Helper()
	out := []Backend{{Name: "sqlite"}}
	u, err := PostgresURL()
	switch {
	case err == nil:
		out = append(out, Backend{Name: "postgres", url: u})
	case os.Getenv("REQUIRE_POSTGRES") == "1":
		t.Fatalf("REQUIRE_POSTGRES=1 but %v", err)
	default:
		t.Logf("SKIPPING PostgreSQL: %v", err)
	}
	return out
}

// Each runs fn as a parallel subtest on every backend, each with its own
// fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, b))
		})
	}
}

// New returns a migrated store of its own on backend b, removed when the
// test ends.
func New(t testing.TB, b Backend) *models.Store {
	t.Helper()
	dsn := Empty(t, b)
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatalf("open %s: %v", b.Name, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", b.Name, err)
	}
	return s
}

// Empty returns the URL of an empty database of its own on backend b,
// removed when the test ends, for tests that migrate step by step.
func Empty(t testing.TB, b Backend) string {
	t.Helper()
	if b.Name == "sqlite" {
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	return newSchema(t, b.url)
}

// newSchema creates a schema of its own for one test in the server's
// database and returns a URL whose search_path points at it.
func newSchema(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "mf_test_" + hex.EncodeToString(b[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns the PostgreSQL backend for a test that only makes
// sense there; without a server the test is skipped, or fails under
// REQUIRE_POSTGRES=1.
func Postgres(t testing.TB) Backend {
	t.Helper()
	for _, b := range Backends(t) {
		if b.Name == "postgres" {
			return b
		}
	}
	t.Skip("SKIPPING: no PostgreSQL")
	return Backend{}
}

// PostgresSchema returns the URL of a new, empty PostgreSQL schema of the
// test's own, removed when the test ends, for a test that runs the whole
// application on it. Without a server the test is skipped, or fails under
// REQUIRE_POSTGRES=1.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	return newSchema(t, Postgres(t).url)
}
