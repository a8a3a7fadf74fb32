package models_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestListKeysetPages walks every sort key forwards to the end and back
// to the start, page by page with the cursors, and checks that the pages
// together are the whole sorted list in order, with ties on the key
// broken by id.
func TestListKeysetPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SeedSynthetic(ctx, 120, 5); err != nil {
			t.Fatal(err)
		}
		all := workflow.Visibility{All: true}
		for _, key := range models.SortKeys {
			for _, desc := range []bool{false, true} {
				f := models.ApplicationFilter{Sort: key, Desc: desc}
				want, err := s.Applications(ctx, all, f)
				if err != nil {
					t.Fatal(err)
				}
				var wantIDs, got []int64
				for _, r := range want {
					wantIDs = append(wantIDs, r.ID)
				}
				f.Limit = 7
				var pages []models.ListPage
				for {
					p, err := s.ApplicationList(ctx, all, f)
					if err != nil {
						t.Fatal(err)
					}
					pages = append(pages, p)
					for _, r := range p.Rows {
						got = append(got, r.ID)
					}
					if p.Next == "" {
						break
					}
					f.After, f.Before = p.Next, ""
				}
				if !slices.Equal(got, wantIDs) {
					t.Fatalf("sort %s desc=%v: forward pages %v, want %v", key, desc, got, wantIDs)
				}
				// Back from the last page, each page is the one before.
				for i := len(pages) - 1; i > 0; i-- {
					f.After, f.Before = "", pages[i].Prev
					p, err := s.ApplicationList(ctx, all, f)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.EqualFunc(p.Rows, pages[i-1].Rows, func(a, b models.ApplicationRow) bool { return a.ID == b.ID }) {
						t.Fatalf("sort %s desc=%v: page %d backwards differs", key, desc, i-1)
					}
				}
				if pages[0].Prev != "" || !pages[0].Exact || pages[0].Total != int64(len(wantIDs)) {
					t.Errorf("sort %s: first page prev %q, total %d exact %v", key, pages[0].Prev, pages[0].Total, pages[0].Exact)
				}
			}
		}
		if _, err := s.ApplicationList(ctx, all, models.ApplicationFilter{After: "!!"}); !errors.Is(err, models.ErrBadCursor) {
			t.Errorf("bad cursor: %v", err)
		}
		// Counts beyond the cap stop counting.
		p, err := s.ApplicationList(ctx, workflow.Visibility{UserID: 1, UnitIDs: []int64{1}}, models.ApplicationFilter{Query: "a"})
		if err != nil || p.Total > models.CountCap+1 {
			t.Errorf("capped count %d, %v", p.Total, err)
		}
	})
}
