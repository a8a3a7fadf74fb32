package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/notify"
	"mobilityfund/notify/notifytest"
)

// BenchmarkDeliver measures claiming, rendering, sending over SMTP to an
// in-process server and recording, per mail, on each database.
func BenchmarkDeliver(b *testing.B) {
	for _, backend := range dbtest.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			s := dbtest.New(b, backend)
			srv := notifytest.Start(b)
			tr, err := notify.NewSMTP(srv.Config(), 5*time.Second)
			if err != nil {
				b.Fatal(err)
			}
			w, err := notify.NewWithTransport(s, baseURL, tr, slog.New(slog.NewTextHandler(io.Discard, nil)), notify.DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			now := s.Now()
			for i := range b.N {
				key := fmt.Sprintf("bench:%d", i)
				row := models.OutboxMessage{Event: "granted", RecipientEmail: fmt.Sprintf("p%d@example.org", i), Language: "sv",
					Payload:   `{"number":"MF-2026-0001","title":"Utbytesvecka","amount_ore":12000000,"comment":"Beviljas."}`,
					DedupeKey: &key, Status: models.OutboxPending, NextAttemptAt: now, CreatedAt: now}
				if err := s.DB().Create(&row).Error; err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			n, err := w.DeliverPending(context.Background())
			if err != nil || n != b.N {
				b.Fatalf("sent %d of %d: %v", n, b.N, err)
			}
		})
	}
}

// BenchmarkRender measures rendering one mail (subject, text and HTML).
func BenchmarkRender(b *testing.B) {
	r, err := notify.NewRenderer(baseURL)
	if err != nil {
		b.Fatal(err)
	}
	id := int64(42)
	m := models.ClaimedMessage{RecipientName: "Anna Lindqvist", OutboxMessage: models.OutboxMessage{
		ID: 1, Event: "granted", Language: "sv", ApplicationID: &id, RecipientEmail: "anna@example.org",
		Payload: `{"number":"MF-2026-0042","title":"Utbytesvecka","amount_ore":12000000,"comment":"Beviljas."}`}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(m); err != nil {
			b.Fatal(err)
		}
	}
}
