package models_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// BenchmarkGrant measures one grant decision: the whole transaction with
// row locks, budget sum, audit row and notifications.
func BenchmarkGrant(b *testing.B) {
	for _, backend := range dbtest.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			s := dbtest.New(b, backend)
			ctx := context.Background()
			s.SetClock(func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) })
			if err := s.SeedDemo(ctx); err != nil {
				b.Fatal(err)
			}
			_, ids := readyApplications(b, s, b.N, 1_000_00, int64(b.N)*1_000_00)
			karin, err := s.DemoActor(ctx, "karin")
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if _, err := s.Apply(ctx, ids[i], 1, karin, workflow.ActionGrant,
					workflow.Input{AmountOre: 1_000_00, DecisionRef: "ORU 2026/9", Comment: "Beviljas."}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkApplicationList measures one page of the filtered, sorted
// list over 2 000 applications, with its count.
func BenchmarkApplicationList(b *testing.B) {
	for _, backend := range dbtest.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			s := dbtest.New(b, backend)
			ctx := context.Background()
			if err := s.SeedDemo(ctx); err != nil {
				b.Fatal(err)
			}
			readyApplications(b, s, 2000, 5_000_00, 3_000_000_00)
			f := models.ApplicationFilter{Query: "kapp", Sort: "requested", Desc: true, Limit: 25}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				page, err := s.ApplicationList(ctx, workflow.Visibility{All: true}, f)
				if err != nil || len(page.Rows) != 25 {
					b.Fatal(fmt.Sprint(len(page.Rows)), err)
				}
			}
		})
	}
}
