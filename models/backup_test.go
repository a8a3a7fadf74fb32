package models_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestBackupRestore does what the README tells an operator to do: dump
// the database with pg_dump, restore it with pg_restore into a new,
// empty database, and open the application on it. The restored database
// holds the same applications, amounts and audit rows, and still refuses
// to change its audit trail.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	pg := dbtest.Postgres(t)
	base, err := dbtest.PostgresURL()
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for the backup test: %v", tool, err)
		}
	}
	ctx := context.Background()
	s := dbtest.New(t, pg)
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	var schema string
	if err := s.DB().Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatal(err)
	}

	dump := filepath.Join(t.TempDir(), "mobilityfund.dump")
	src := libpqURL(t, base, "")
	if out, err := exec.Command("pg_dump", "--format=custom", "--no-owner", "--schema="+schema, "--file="+dump, src).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	target := "mf_restore_" + schema
	if _, err := admin.Exec("CREATE DATABASE " + target); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + target + " WITH (FORCE)") })
	dst := libpqURL(t, base, target)
	// A dump of the whole database carries the pg_trgm extension (it
	// lives in public); this one holds the test's schema only, so the
	// fresh database gets the extension first, as the README says.
	ext, err := sql.Open("pgx", dst)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ext.Exec("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
	ext.Close()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+dst, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	restoredURL := libpqURL(t, base, target) + "&search_path=" + schema
	r, err := models.Open(restoredURL)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Migrate(ctx); err != nil {
		t.Fatalf("migrating the restored database: %v", err)
	}
	for _, q := range []string{
		"SELECT COUNT(*), COALESCE(SUM(requested_ore), 0), COALESCE(SUM(granted_ore - returned_ore), 0), COALESCE(MAX(version), 0) FROM applications",
		"SELECT COUNT(*), COALESCE(SUM(amount_ore), 0), COALESCE(MAX(id), 0), 0 FROM audit_events",
		"SELECT COUNT(*), COALESCE(SUM(amount_ore), 0), 0, 0 FROM budget_lines",
		"SELECT COUNT(*), 0, 0, 0 FROM role_grants",
	} {
		var a, b [4]int64
		if err := s.DB().Raw(q).Row().Scan(&a[0], &a[1], &a[2], &a[3]); err != nil {
			t.Fatal(err)
		}
		if err := r.DB().Raw(q).Row().Scan(&b[0], &b[1], &b[2], &b[3]); err != nil {
			t.Fatal(err)
		}
		if a != b || a[0] == 0 {
			t.Errorf("%s\n original %v, restored %v", q, a, b)
		}
	}
	rows, err := r.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{})
	if err != nil || len(rows) == 0 {
		t.Fatalf("the application cannot list the restored applications: %d, %v", len(rows), err)
	}
	if err := r.DB().Exec("DELETE FROM audit_events").Error; err == nil {
		t.Error("the restored audit trail can be emptied")
	}
}

// libpqURL is the server's URL as pg_dump and pg_restore take it: only
// the parameters libpq knows, and the database db when given.
func libpqURL(t *testing.T, raw, db string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"sslmode": {u.Query().Get("sslmode")}}
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "prefer")
	}
	if db != "" {
		u.Path = "/" + db
	}
	u.RawQuery = q.Encode()
	return fmt.Sprint(u)
}
