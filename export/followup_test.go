package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mobilityfund/export"
)

func followupUnits() []export.FollowupUnit {
	return []export.FollowupUnit{
		{Code: "NT", Unit: `=HYPERLINK("x")`, Faculty: "Fakulteten för naturvetenskap och teknik", Applications: 3, Funded: 2,
			Reported: 1, RequestedOre: 250_000_50, GrantedOre: 180_000_00, ReturnedOre: 12_345_67, SpentOre: 167_654_33,
			Outcomes: export.Outcomes{ExpFirst: 10, ActFirst: 8, ExpSecond: 4, ActSecond: 5, ExpThird: 1, ActThird: 0,
				ExpWindows: 2, ActWindowsIdentified: 1, ActWindowsCreated: 1, ExpAgreements: 3, ActAgreements: 2, ActParticipants: 40}},
		{Code: "HUMUS", Unit: "Institutionen för humaniora", Faculty: "-Fakulteten", Applications: 1},
	}
}

// label stands for the caller's translation: it names the column id.
func label(id string) string { return "[" + id + "]" }

func TestFollowupCSV(t *testing.T) {
	t.Parallel()
	units := followupUnits()
	var buf bytes.Buffer
	if err := export.WriteFollowupCSV(&buf, label, units); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) || bytes.Count(raw, []byte("\r\n")) != len(units)+1 {
		t.Fatalf("no byte order mark or CRLF rows:\n%s", raw)
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := export.FollowupColumns()
	if len(rows) != 3 || len(rows[0]) != len(cols) || rows[0][0] != "[code]" || rows[0][len(cols)-1] != "[reported]" {
		t.Fatalf("rows = %q", rows)
	}
	col := func(id string) int {
		for i, c := range cols {
			if c == id {
				return i
			}
		}
		t.Fatalf("no column %s", id)
		return -1
	}
	nt := rows[1]
	for id, want := range map[string]string{"code": "NT", "unit": `'=HYPERLINK("x")`, "applications": "3", "requested": "250000,50",
		"granted": "180000,00", "returned": "12345,67", "spent": "167654,33", "exp_first": "10", "act_participants": "40",
		"act_windows_created": "1", "reported": "1"} {
		if got := nt[col(id)]; got != want {
			t.Errorf("NT %s = %q, want %q", id, got, want)
		}
	}
	if rows[2][col("faculty")] != "'-Fakulteten" || rows[2][col("granted")] != "0,00" {
		t.Errorf("HUMUS row = %q", rows[2])
	}
}

func TestFollowupXLSX(t *testing.T) {
	t.Parallel()
	units := followupUnits()
	acts := []export.FollowupActivity{{Unit: "+NT", Number: "MF-2026-0005", Title: "Partnerbesök", Area: "Utbildning",
		Goal: "Mål 2", Activity: "2.1.1", Neolaia: "Ja", Category: "Internationalisering", GrantedOre: 180_000_00,
		ReturnedOre: 50, SpentOre: 179_999_50, Outcomes: export.Outcomes{ExpFirst: 6, ActParticipants: 12}}}
	var buf bytes.Buffer
	err := export.WriteFollowupXLSX(&buf, export.FollowupWorkbook{PlanSheet: "Verksamhetsplan", UnitSheet: "Per enhet",
		Label: label, Units: units}, export.Lines(acts))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	plan, err := f.GetRows("Verksamhetsplan")
	if err != nil || len(plan) != 2 || len(plan[0]) != len(export.ActivityColumns()) {
		t.Fatalf("plan sheet %q, %v", plan, err)
	}
	if plan[1][0] != "'+NT" || plan[1][1] != "MF-2026-0005" || plan[1][7] != "Internationalisering" {
		t.Errorf("plan row = %q", plan[1])
	}
	raw := excelize.Options{RawCellValue: true}
	for cell, want := range map[string]string{"I2": "180000", "J2": "0.5", "K2": "179999.5", "L2": "6", "W2": "12"} {
		typ, _ := f.GetCellType("Verksamhetsplan", cell)
		v, _ := f.GetCellValue("Verksamhetsplan", cell, raw)
		if v != want || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Errorf("plan %s = %q (type %v), want the number %s", cell, v, typ, want)
		}
	}
	sheet, err := f.GetRows("Per enhet")
	if err != nil || len(sheet) != 3 || sheet[0][0] != "[code]" {
		t.Fatalf("unit sheet %q, %v", sheet, err)
	}
	for i, want := range []string{"3", "1"} {
		if v, _ := f.GetCellValue("Per enhet", "D"+strconv.Itoa(i+2), raw); v != want {
			t.Errorf("applications in row %d = %q, want %s", i+2, v, want)
		}
	}
	if g, _ := f.GetCellValue("Per enhet", "G2", raw); g != "180000" {
		t.Errorf("granted = %q", g)
	}
	if u, _ := f.GetCellValue("Per enhet", "B2"); !strings.HasPrefix(u, "'=") {
		t.Errorf("unit name %q is not inert", u)
	}
}

// failingWriter refuses every write.
type failingWriter struct{}

var errRefused = errors.New("refused")

func (failingWriter) Write([]byte) (int, error) { return 0, errRefused }

func TestFollowupWriteErrors(t *testing.T) {
	t.Parallel()
	if err := export.WriteFollowupCSV(failingWriter{}, label, followupUnits()); !errors.Is(err, errRefused) {
		t.Errorf("csv: %v", err)
	}
	err := export.WriteFollowupXLSX(failingWriter{}, export.FollowupWorkbook{PlanSheet: "A", UnitSheet: "B", Label: label,
		Units: followupUnits()}, export.Lines[export.FollowupActivity](nil))
	if !errors.Is(err, errRefused) {
		t.Errorf("xlsx: %v", err)
	}
	err = export.WriteFollowupXLSX(&bytes.Buffer{}, export.FollowupWorkbook{PlanSheet: "A", UnitSheet: "A", Label: label}, nil)
	if !errors.Is(err, export.ErrSheetNames) {
		t.Error("two sheets with one name were accepted")
	}
}
