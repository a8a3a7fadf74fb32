package models

import (
	"context"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// TestMigrateAfterHigherNumbers: a database migrated by an earlier
// release, which had 00070 but not 00020, takes the lower-numbered
// migrations that came later instead of refusing to start.
func TestMigrateAfterHigherNumbers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open("sqlite://" + filepath.Join(t.TempDir(), "earlier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sub, err := fs.Sub(migrationFS, "migrations/sqlite")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		t.Fatal(err)
	}
	// The earlier release: 00001–00011, 00030 and 00070.
	earlier := fstest.MapFS{}
	var newest int64
	for _, e := range entries {
		v, err := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		newest = max(newest, v)
		if v <= 11 || v == 30 || v == 70 {
			raw, err := fs.ReadFile(sub, e.Name())
			if err != nil {
				t.Fatal(err)
			}
			earlier[e.Name()] = &fstest.MapFile{Data: raw}
		}
	}
	db, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, earlier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := s.Migrate(ctx)
	if err != nil {
		t.Fatalf("migrating a database of the earlier release: %v", err)
	}
	if v != newest {
		t.Errorf("version %d after migrating, want %d", v, newest)
	}
}
