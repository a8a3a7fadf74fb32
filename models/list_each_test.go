package models

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"mobilityfund/workflow"
)

// TestEachApplicationPages: reading the list page by page gives every
// row of the whole list, once, in its order, for each sort.
func TestEachApplicationPages(t *testing.T) {
	ctx := context.Background()
	s, err := Open("sqlite://" + filepath.Join(t.TempDir(), "each.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { eachPage = n }(eachPage)
	eachPage = 3
	all := workflow.Visibility{All: true}
	for _, sort := range append([]string{""}, SortKeys...) {
		for _, desc := range []bool{false, true} {
			f := ApplicationFilter{Sort: sort, Desc: desc}
			want, err := s.Applications(ctx, all, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			if err := s.EachApplication(ctx, all, f, func(r *ApplicationRow) error {
				got = append(got, r.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(want))
			for i, r := range want {
				ids[i] = r.ID
			}
			if len(ids) <= eachPage || !slices.Equal(got, ids) {
				t.Errorf("sort %q desc %v: pages give %v, the whole list %v", sort, desc, got, ids)
			}
		}
	}
}
