package export_test

import (
	"fmt"
	"io"
	"iter"
	"runtime"
	"testing"
	"time"

	"mobilityfund/export"
)

// generated yields n lines without holding them, as a database cursor
// feeds the writers, and records in peak the largest heap it sees
// (sampled every 10 000 lines), so that a benchmark can show that memory
// stays flat while the bytes allocated over the run grow with n.
func generated(n int, peak *uint64) iter.Seq2[export.Line, error] {
	return func(yield func(export.Line, error) bool) {
		d := time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC)
		for i := range n {
			if i%10_000 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				*peak = max(*peak, m.HeapAlloc)
			}
			l := export.Line{Batch: 1, Application: fmt.Sprintf("MF-2026-%06d", i), Title: "Utbytesvecka för lärarstudenter",
				DecisionRef: "ORU 2026/01234", DecisionDate: d, Unit: "Institutionen för naturvetenskap och teknik",
				CostCentre: "3120", Project: "P3120-MOB", Activities: "2.1.1; 2.1.3", AmountOre: int64(i)*100 + 50,
				Text: "Mobilitetsfonden MF-2026 Åtgärd"}
			if !yield(l, nil) {
				return
			}
		}
	}
}

const benchLines = 100_000

var benchObjects = []export.Object{{Dim: 1, Number: "3120", Name: "NT"}, {Dim: 6, Number: "P3120-MOB", Name: "NT"}}

func BenchmarkCSV100k(b *testing.B) {
	var peak uint64
	for b.Loop() {
		if err := export.WriteCSV(io.Discard, generated(benchLines, &peak)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

func BenchmarkXLSX100k(b *testing.B) {
	var peak uint64
	for b.Loop() {
		if err := export.WriteXLSX(io.Discard, batch, generated(benchLines, &peak)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

func BenchmarkSIE100k(b *testing.B) {
	var peak uint64
	for b.Loop() {
		if _, err := export.WriteSIE(io.Discard, batch, benchObjects, generated(benchLines, &peak)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}
