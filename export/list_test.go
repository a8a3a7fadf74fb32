package export

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestWriteListCSV checks the list file's dialect: the byte order mark,
// semicolons, CRLF, a decimal comma, and a title that a spreadsheet would
// run as a formula made inert.
func TestWriteListCSV(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	rows := []ListRow{{Number: "MF-2026-0001", Title: "=HYPERLINK(\"x\")", Unit: "HUMUS", State: "Beviljad",
		RequestedOre: 1_234_50, GrantedOre: 1_000_00, Updated: time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)}}
	if err := WriteListCSV(&buf, func(id string) string { return id }, Lines(rows)); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFapplication.number;application.title;application.unit;application.state;application.requested;application.granted;sort.updated\r\n" +
		"MF-2026-0001;\"'=HYPERLINK(\"\"x\"\")\";HUMUS;Beviljad;1234,50;1000,00;2026-03-05\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if !strings.HasPrefix(buf.String(), "\uFEFF") {
		t.Error("no byte order mark")
	}
}
