package export_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"mobilityfund/export"
	"mobilityfund/internal/sietest"
)

func TestSIE(t *testing.T) {
	t.Parallel()
	lines := sample()
	var buf bytes.Buffer
	st, err := export.WriteSIE(&buf, batch, objectsOf(lines), export.Lines(lines))
	if err != nil {
		t.Fatal(err)
	}
	// 中 is written as "?" in both rows of its line.
	if st.Vouchers != 1 || st.Transactions != 2*len(lines) || st.Unknown != 2 || st.Transliterated < 5 {
		t.Errorf("stats = %+v, want one voucher of %d rows, 中 twice unknown and the rest transliterated", st, 2*len(lines))
	}
	f := sietest.Parse(t, buf.Bytes())
	want := []string{"#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#ORGNR", "#FNAMN", "#RAR", "#KPTYP",
		"#KONTO", "#KONTO", "#DIM", "#DIM", "#OBJEKT"}
	for i, w := range want {
		if i >= len(f.Records) || f.Records[i] != w {
			t.Fatalf("records start %q, want %q", f.Records, want)
		}
	}
	for label, v := range map[string]string{"#FLAGGA": "0", "#FORMAT": "PC8", "#SIETYP": "4", "#FNAMN": "Örebro universitet",
		"#GEN": "20260227", "#PROGRAM": export.ProgramName, "#ORGNR": "202100-1231", "#KPTYP": "EUBAS97"} {
		if got := f.Fields[label]; len(got) == 0 || got[0] != v {
			t.Errorf("%s = %q, want %q", label, got, v)
		}
	}
	if got := strings.Join(f.Fields["#RAR"], " "); got != "0 20260101 20261231" {
		t.Errorf("#RAR = %q, want the fiscal year of the accounting date", got)
	}
	if got := f.Fields["#DIM"]; got[0] != "1" || got[1] != "Kostnadsställe" {
		t.Errorf("#DIM = %q", got)
	}
	if !strings.Contains(strings.Join(f.Records, " "), "#DIM #DIM") || f.Objects["6 P3120-MOB"] == "" {
		t.Errorf("dimensions or objects missing: %q %v", f.Records, f.Objects)
	}
	if len(f.Vers) != 1 {
		t.Fatalf("%d vouchers, want one for the batch", len(f.Vers))
	}
	v := f.Vers[0]
	if v.Series != "M" || v.Number != "" || v.Date != "20260302" || v.Text != "Mobilitetsfonden batch 7" || v.RegDate != "20260227" {
		t.Errorf("voucher %+v: want series M, no number, the accounting date and the batch", v)
	}
	if len(v.Trans) != 2*len(lines) || v.Sum() != 0 {
		t.Fatalf("voucher has %d rows summing to %d, want %d balanced rows", len(v.Trans), v.Sum(), 2*len(lines))
	}
	var potDebited int64
	for i, l := range lines {
		pot, unit := v.Trans[2*i], v.Trans[2*i+1]
		for _, tr := range []sietest.Trans{pot, unit} {
			if _, ok := f.Accounts[tr.Account]; !ok {
				t.Errorf("line %d: account %s not declared", i, tr.Account)
			}
			for j := 0; j+1 < len(tr.Objects); j += 2 {
				if _, ok := f.Objects[tr.Objects[j]+" "+tr.Objects[j+1]]; !ok {
					t.Errorf("line %d: object %v not declared", i, tr.Objects[j:j+2])
				}
			}
			if tr.Date != "20260302" {
				t.Errorf("line %d: row dated %q", i, tr.Date)
			}
		}
		// Interna bidrag: an award debits the pot and credits the unit;
		// a reversal mirrors it.
		if l.AmountOre > 0 {
			pot, unit = v.Trans[2*i], v.Trans[2*i+1]
		} else {
			unit, pot = v.Trans[2*i], v.Trans[2*i+1]
		}
		if pot.Account != "97100" || pot.Ore != l.AmountOre || strings.Join(pot.Objects, " ") != "1 9100 6 MOBPOT" {
			t.Errorf("line %d: pot's row %+v, want %d on 97100 and the pot's objects", i, pot, l.AmountOre)
		}
		wantObjs := "1 " + l.CostCentre + strings.TrimSuffix(" 6 "+l.Project, " 6 ")
		if unit.Account != "93100" || unit.Ore != -l.AmountOre || strings.Join(unit.Objects, " ") != wantObjs {
			t.Errorf("line %d: unit's row %+v, want %d on 93100 and %s", i, unit, -l.AmountOre, wantObjs)
		}
		potDebited += pot.Ore
	}
	if potDebited != total(lines) {
		t.Errorf("pot debited %d, want %d", potDebited, total(lines))
	}
	for i, want := range []string{
		`MF-2026-0005 ÅÄÖåäö "citat" - 5 EUR`,
		"Gyor och Lódz flik  rad é",
		"Återföring MF-2026-0002 ?",
	} {
		if v.Trans[2*i].Text != want || v.Trans[2*i+1].Text != want {
			t.Errorf("line %d texts %q and %q, want %q", i, v.Trans[2*i].Text, v.Trans[2*i+1].Text, want)
		}
	}
}

// TestSIEUnitDebit: the other direction, a setting for ledgers that move
// the unit's costs, swaps the sides and still balances.
func TestSIEUnitDebit(t *testing.T) {
	t.Parallel()
	b := batch
	b.Direction = export.UnitDebit
	b.OrgNumber, b.ChartType, b.VoucherSeries = "", "", ""
	lines := sample()
	var buf bytes.Buffer
	if _, err := export.WriteSIE(&buf, b, objectsOf(lines), export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	f := sietest.Parse(t, buf.Bytes())
	if _, ok := f.Fields["#ORGNR"]; ok {
		t.Error("#ORGNR written without an organisation number")
	}
	if _, ok := f.Fields["#KPTYP"]; ok {
		t.Error("#KPTYP written without a chart type")
	}
	v := f.Vers[0]
	if v.Series != "" || v.Sum() != 0 {
		t.Errorf("voucher %+v", v)
	}
	if first := v.Trans[0]; first.Account != "93100" || first.Ore != lines[0].AmountOre || first.Object("1") != "3120" {
		t.Errorf("first row %+v, want the unit debited", first)
	}
}

// TestSIETextCut: voucher texts longer than SIE readers keep are cut on
// a character boundary, never inside a quote escape.
func TestSIETextCut(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Å", export.TextMax-1) + `"` + strings.Repeat("x", 20)
	lines := []export.Line{{Batch: 7, Kind: export.KindAward, Application: "MF-2026-0001", CostCentre: "3120",
		AmountOre: 100, Text: long}}
	var buf bytes.Buffer
	if _, err := export.WriteSIE(&buf, batch, objectsOf(lines), export.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	f := sietest.Parse(t, buf.Bytes())
	want := strings.Repeat("Å", export.TextMax-1) + `"`
	if got := f.Vers[0].Trans[0].Text; got != want {
		t.Errorf("text %q (%d characters), want %q", got, len([]rune(got)), want)
	}
}

func TestSIEChanges(t *testing.T) {
	t.Parallel()
	got := export.SIEChanges("Győr – 中 och åäö ÅÄÖ é, Győr")
	want := []export.Change{{From: 'ő', To: "o"}, {From: '–', To: "-"}, {From: '中', To: "?"}}
	if len(got) != len(want) {
		t.Fatalf("changes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d = %q, want %q", i, got[i], want[i])
		}
	}
	if c := export.SIEChanges("Örebro universitet, Ångström"); len(c) != 0 {
		t.Errorf("Swedish text changes: %q", c)
	}
}

func TestSIEUndeclaredObject(t *testing.T) {
	t.Parallel()
	lines := sample()
	_, err := export.WriteSIE(io.Discard, batch, objectsOf(lines[:1]), export.Lines(lines))
	var ue *export.UndeclaredObjectError
	if !errors.As(err, &ue) || ue.Application != "MF-2026-0006" {
		t.Fatalf("err = %v, want an undeclared object in MF-2026-0006", err)
	}
	incomplete := batch
	incomplete.UnitAccount = ""
	if _, err := export.WriteSIE(io.Discard, incomplete, nil, export.Lines(lines)); !errors.Is(err, export.ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
}
