package export

import (
	"bytes"
	"encoding/csv"
	"iter"
	"strings"
	"testing"
	"time"
)

func TestWriteAuditCSV(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Skip(err)
	}
	rows := []AuditRow{
		{ID: 7, At: time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), Actor: "Karin Sjöberg", Entity: "application", EntityID: 3,
			ApplicationID: 3, Action: "grant", From: "ready_for_decision", To: "granted", AmountOre: 4_000_050, Comment: "=HYPERLINK(\"x\")"},
		{ID: 6, At: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), Actor: "", Entity: "role_grant", EntityID: 9, Action: "grant"},
	}
	seq := iter.Seq2[AuditRow, error](func(yield func(AuditRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	})
	var buf bytes.Buffer
	if err := WriteAuditCSV(&buf, seq, loc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\uFEFF") {
		t.Error("no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "Id" {
		t.Fatalf("records: %q", recs)
	}
	want := []string{"7", "2026-03-29 03:30:00 +02:00", "Karin Sjöberg", "application", "3", "3", "grant", "ready_for_decision", "granted", "40000,50", "'=HYPERLINK(\"x\")"}
	for i, w := range want {
		if recs[1][i] != w {
			t.Errorf("column %s = %q, want %q", AuditColumns[i], recs[1][i], w)
		}
	}
	if recs[2][1] != "2026-01-01 13:00:00 +01:00" || recs[2][5] != "" || recs[2][9] != "" {
		t.Errorf("second row: %q", recs[2])
	}
}
