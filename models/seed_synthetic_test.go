package models_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// syntheticDigest hashes what the generator chose for every application,
// leaving out the times (they follow the store's clock).
func syntheticDigest(t *testing.T, s *models.Store) string {
	t.Helper()
	var rows []struct {
		ID                       int64
		Title, State, UnitCode   string
		RequestedOre, GrantedOre int64
	}
	err := s.DB().Table("applications a").Select("a.id, a.title, a.state, u.code AS unit_code, a.requested_ore, a.granted_ore").
		Joins("JOIN org_units u ON u.id = a.unit_id").Order("a.id").Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(fmt.Appendf(nil, "%v", rows)))
}

// TestSeedSynthetic generates a small data set on each database: the
// counts it promises, every call within its budget, the same rows for the
// same seed on both databases and a different set for another seed, and
// a refusal to load a second set.
func TestSeedSynthetic(t *testing.T) {
	t.Parallel()
	const n = 400
	digests := map[string]string{}
	for _, b := range dbtest.Backends(t) {
		ctx := context.Background()
		s := dbtest.New(t, b)
		stats, err := s.SeedSynthetic(ctx, n, 7)
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		if stats.Applications != n || stats.Calls != 10 || stats.BudgetLines < n || stats.AuditEvents < n || stats.Batches == 0 {
			t.Errorf("%s: stats = %+v", b.Name, stats)
		}
		calls, err := s.Calls(ctx)
		if err != nil {
			t.Fatal(err)
		}
		synthetic := 0
		for _, c := range calls {
			budget, err := s.BudgetOf(ctx, &c)
			if err != nil {
				t.Fatal(err)
			}
			if budget.CommittedOre > budget.BudgetOre {
				t.Errorf("%s: call %s commits %d of %d", b.Name, c.Code, budget.CommittedOre, budget.BudgetOre)
			}
			if len(c.Code) > 4 && c.Code[:4] == models.SyntheticCallPrefix {
				synthetic++
			}
		}
		if synthetic != 10 {
			t.Errorf("%s: %d synthetic calls, want 10", b.Name, synthetic)
		}
		if _, err := s.SeedSynthetic(ctx, n, 7); !errors.Is(err, models.ErrSyntheticLoaded) {
			t.Errorf("%s: second load = %v, want ErrSyntheticLoaded", b.Name, err)
		}
		digests[b.Name] = syntheticDigest(t, s)
		if b.Name == "sqlite" {
			other := dbtest.New(t, b)
			if _, err := other.SeedSynthetic(ctx, n, 8); err != nil {
				t.Fatal(err)
			}
			if syntheticDigest(t, other) == digests[b.Name] {
				t.Error("seeds 7 and 8 gave the same data")
			}
		}
	}
	if pg, ok := digests["postgres"]; ok && pg != digests["sqlite"] {
		t.Error("the same seed gave different data on PostgreSQL and SQLite")
	}
}
