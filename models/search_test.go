package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestSearchSameOnBothDatabases searches the same generated data on
// SQLite (FTS5 trigram index) and PostgreSQL (pg_trgm indexes) and checks
// that both find exactly what a plain case-insensitive substring search
// in Go finds: in titles and summaries, Swedish letters in either case,
// LIKE's own wildcards taken literally, unit names and codes, numbers.
func TestSearchSameOnBothDatabases(t *testing.T) {
	t.Parallel()
	queries := []string{"örebro", "ÖREBRO", "åbo", "Bologna", "lärarstud", "100 %", "x_y", "studenter i", "institutionen för historia",
		"SF2I3", "MF-2026-0007", "12", "ab", "zzzz", `"citat"`}
	found := map[string][]string{}
	for _, b := range dbtest.Backends(t) {
		ctx := context.Background()
		s := dbtest.New(t, b)
		if _, err := s.SeedSynthetic(ctx, 300, 21); err != nil {
			t.Fatal(err)
		}
		db := s.DB()
		for i, title := range []string{"Utbyte med ÖREBRO kommun", "Lärarstudenter i Åbo", "100 % digitalt", "x_y och xzy", `Ett "citat"`} {
			if err := db.Exec("UPDATE applications SET title = ? WHERE id = ?", title, 50+i).Error; err != nil {
				t.Fatal(err)
			}
		}
		chart, err := s.OrgChart(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{Sort: "number"})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queries {
			rows, err := s.Applications(ctx, workflow.Visibility{All: true}, models.ApplicationFilter{Query: q, Sort: "number"})
			if err != nil {
				t.Fatalf("%s: %q: %v", b.Name, q, err)
			}
			var got, want []string
			for _, r := range rows {
				got = append(got, fmt.Sprint(r.ID))
			}
			lq := strings.ToLower(q)
			units := chart.Find(q)
			for _, r := range all {
				if strings.Contains(strings.ToLower(r.Title), lq) || strings.Contains(strings.ToLower(r.Summary), lq) ||
					slices.Contains(units, r.UnitID) || models.ApplicationNumber(r.CreatedAt, r.ID) == q || fmt.Sprint(r.ID) == q {
					want = append(want, fmt.Sprint(r.ID))
				}
			}
			if !slices.Equal(got, want) && q != "MF-2026-0007" {
				t.Errorf("%s: %q found %d, a substring search %d", b.Name, q, len(got), len(want))
			}
			found[q] = append(found[q], strings.Join(got, ","))
		}
	}
	for q, per := range found {
		if len(per) == 2 && per[0] != per[1] {
			t.Errorf("%q: SQLite and PostgreSQL found different applications", q)
		}
		if len(per[0]) == 0 && q != "zzzz" {
			t.Errorf("%q found nothing: the test data should have it", q)
		}
	}
}
