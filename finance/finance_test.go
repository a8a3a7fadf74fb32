package finance_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"mobilityfund/finance"
)

var batch = finance.Batch{
	ID: 7, Date: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), CreatedBy: "Peter Lund (ekonomi)",
	Organisation: "Örebro universitet", DebitAccount: "4010", DebitAccountName: "Interna bidrag – mottagna",
	CreditAccount: "4010", CreditAccountName: "Interna bidrag", PotCostCentre: "9100", PotProject: "MOBPOT",
	PotName: "Mobilitetsfonden",
}

// sample has the awkward cases: a formula in a title, Swedish letters,
// characters outside code page 437, quotes, a unit without project and a
// reversal.
func sample() []finance.Line {
	d := time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC)
	return []finance.Line{
		{Batch: 7, Application: "MF-2026-0005", Title: `=HYPERLINK("http://evil.example","klick")`, DecisionRef: "ORU 2026/01234",
			DecisionDate: d, Unit: "Institutionen för naturvetenskap och teknik", CostCentre: "3120", Project: "P3120-MOB",
			Activities: "2.1.1; 2.1.3", AmountOre: 180_000_00, Text: "MF-2026-0005 ÅÄÖåäö \"citat\" – 5 €"},
		{Batch: 7, Application: "MF-2026-0006", Title: "@SUM(1+1) och Ångström", DecisionRef: "-ORU 2026/7", DecisionDate: d,
			Unit: "Handelshögskolan", CostCentre: "3110", Activities: "1.2.1", AmountOre: 12_345_67,
			Text: "Győr och Łódź\tflik\r\nrad é"},
		{Batch: 7, Application: "MF-2026-0002", Title: "+46 Återkallad", DecisionRef: "ORU 2026/00001",
			Unit: "Institutionen för humaniora, utbildnings- och samhällsvetenskap", CostCentre: "1110", Project: "P1110-MOB",
			AmountOre: -50_000_50, Text: "Återföring MF-2026-0002 中"},
	}
}

func objectsOf(lines []finance.Line) []finance.Object {
	var out []finance.Object
	for _, l := range lines {
		out = append(out, finance.Object{Dim: finance.DimCostCentre, Number: l.CostCentre, Name: l.Unit})
		if l.Project != "" {
			out = append(out, finance.Object{Dim: finance.DimProject, Number: l.Project, Name: l.Unit})
		}
	}
	return out
}

func total(lines []finance.Line) int64 {
	var t int64
	for _, l := range lines {
		t += l.AmountOre
	}
	return t
}

// parseOre reads "1234,50" or "-1234.50" back into öre.
func parseOre(t *testing.T, s string, sep string) int64 {
	t.Helper()
	whole, frac, ok := strings.Cut(s, sep)
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q lacks %q and two decimals", s, sep)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return n
}

func TestCSV(t *testing.T) {
	t.Parallel()
	lines := sample()
	var buf bytes.Buffer
	if err := finance.WriteCSV(&buf, finance.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	if bytes.Count(raw, []byte("\r\n")) != len(lines)+1 {
		t.Errorf("want %d CRLF line ends, file:\n%s", len(lines)+1, raw)
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+1 || strings.Join(rows[0], "|") != strings.Join(finance.Columns, "|") {
		t.Fatalf("rows = %q", rows)
	}
	var sum int64
	for i, row := range rows[1:] {
		l := lines[i]
		sum += parseOre(t, row[9], ",")
		if row[1] != l.Application || row[5] != l.Unit || row[6] != l.CostCentre || row[7] != l.Project {
			t.Errorf("row %d = %q", i, row)
		}
		for _, cell := range row[1:9] {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d: cell %q would run as a formula", i, cell)
			}
		}
	}
	if rows[1][2] != `'=HYPERLINK("http://evil.example","klick")` || rows[2][2] != "'@SUM(1+1) och Ångström" ||
		rows[3][2] != "'+46 Återkallad" || rows[2][3] != "'-ORU 2026/7" {
		t.Errorf("formula payloads not neutralised: %q %q %q %q", rows[1][2], rows[2][2], rows[3][2], rows[2][3])
	}
	if rows[3][9] != "-50000,50" || rows[1][4] != "2026-02-14" || rows[3][4] != "" {
		t.Errorf("amount or date cells: %q %q %q", rows[3][9], rows[1][4], rows[3][4])
	}
	if sum != total(lines) {
		t.Errorf("sum %d, want %d", sum, total(lines))
	}
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	lines := sample()
	var buf bytes.Buffer
	if err := finance.WriteXLSX(&buf, batch, finance.Lines(lines)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(finance.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(lines)+2 || rows[0][9] != "Belopp" {
		t.Fatalf("rows = %q", rows)
	}
	raw := excelize.Options{RawCellValue: true}
	var sum int64
	for i, l := range lines {
		r := strconv.Itoa(i + 2)
		if typ, _ := f.GetCellType(finance.SheetName, "J"+r); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("J%s has type %v, want a number", r, typ)
		}
		v, _ := f.GetCellValue(finance.SheetName, "J"+r, raw)
		kr, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("J%s = %q, not a number", r, v)
		}
		ore := int64(kr*100 + copysign(0.5, kr))
		if ore != l.AmountOre {
			t.Errorf("J%s = %s kr, want %d öre", r, v, l.AmountOre)
		}
		sum += ore
		title, _ := f.GetCellValue(finance.SheetName, "C"+r)
		formula, _ := f.GetCellFormula(finance.SheetName, "C"+r)
		if title != l.Title || formula != "" {
			t.Errorf("C%s = %q (formula %q), want the inert text %q", r, title, formula, l.Title)
		}
		if l.DecisionDate.IsZero() {
			continue
		}
		serial, _ := f.GetCellValue(finance.SheetName, "E"+r, raw)
		n, err := strconv.ParseFloat(serial, 64)
		if err != nil {
			t.Fatalf("E%s = %q is not a date serial", r, serial)
		}
		d, err := excelize.ExcelDateToTime(n, false)
		if err != nil || !d.Equal(l.DecisionDate) {
			t.Errorf("E%s = %v, want %v", r, d, l.DecisionDate)
		}
		if shown, _ := f.GetCellValue(finance.SheetName, "E"+r); shown != "2026-02-14" {
			t.Errorf("E%s shows %q", r, shown)
		}
	}
	last := strconv.Itoa(len(lines) + 2)
	formula, _ := f.GetCellFormula(finance.SheetName, "J"+last)
	if formula != "SUM(J2:J"+strconv.Itoa(len(lines)+1)+")" {
		t.Errorf("sum formula = %q", formula)
	}
	calc, err := f.CalcCellValue(finance.SheetName, "J"+last, raw)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := strconv.ParseFloat(calc, 64); int64(got*100+copysign(0.5, got)) != total(lines) || sum != total(lines) {
		t.Errorf("sum row = %s, lines sum to %d, want %d öre", calc, sum, total(lines))
	}
}

func copysign(x, sign float64) float64 {
	if sign < 0 {
		return -x
	}
	return x
}

// sieFile is a SIE file as the test reads it back.
type sieFile struct {
	records  []string            // labels in file order, #TRANS and braces excluded
	objects  map[string]string   // "dim number" → name
	accounts map[string]bool     // declared #KONTO
	vers     []sieVer            // vouchers
	fields   map[string][]string // first record per label
}

type sieVer struct {
	text  string
	date  string
	trans []sieTrans
}

type sieTrans struct {
	account string
	objects []string // dim, number, dim, number, …
	ore     int64
}

// readSIE decodes a file from code page 437 and parses the records this
// package writes, checking the syntax as it goes.
func readSIE(t *testing.T, raw []byte) *sieFile {
	t.Helper()
	text, err := charmap.CodePage437.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(text, []byte("\r\n")) {
		t.Fatal("file does not end with CRLF")
	}
	f := &sieFile{objects: map[string]string{}, accounts: map[string]bool{}, fields: map[string][]string{}}
	var cur *sieVer
	inBody := false
	for _, line := range strings.Split(strings.TrimSuffix(string(text), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n\t") {
			t.Fatalf("control character inside record %q", line)
		}
		switch line {
		case "{":
			if cur == nil || inBody {
				t.Fatalf("unexpected {")
			}
			inBody = true
			continue
		case "}":
			if !inBody {
				t.Fatalf("unexpected }")
			}
			inBody, cur = false, nil
			continue
		}
		toks := tokens(t, line)
		label := toks[0]
		if inBody != (label == "#TRANS") {
			t.Fatalf("record %q in the wrong place", line)
		}
		switch label {
		case "#TRANS":
			objs := toks[2]
			if !strings.HasPrefix(objs, "{") || !strings.HasSuffix(objs, "}") {
				t.Fatalf("object list %q", objs)
			}
			inner := tokens(t, "x "+strings.Trim(objs, "{}"))[1:]
			amount := toks[3]
			cur.trans = append(cur.trans, sieTrans{account: toks[1], objects: inner, ore: parseOre(t, amount, ".")})
			continue
		case "#VER":
			f.vers = append(f.vers, sieVer{date: toks[3], text: toks[4]})
			cur = &f.vers[len(f.vers)-1]
		case "#OBJEKT":
			f.objects[toks[1]+" "+toks[2]] = toks[3]
		case "#KONTO":
			f.accounts[toks[1]] = true
		}
		if _, ok := f.fields[label]; !ok {
			f.fields[label] = toks[1:]
		}
		f.records = append(f.records, label)
	}
	if inBody {
		t.Fatal("voucher not closed")
	}
	return f
}

// tokens splits a record into fields: bare words, quoted strings with \"
// escapes, and {…} object lists kept whole.
func tokens(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			i++
		case c == '"':
			var b strings.Builder
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && line[i+1] == '"' {
					i++
				}
				b.WriteByte(line[i])
			}
			if i >= len(line) {
				t.Fatalf("unterminated quote in %q", line)
			}
			i++
			out = append(out, b.String())
		case c == '{':
			j := strings.IndexByte(line[i:], '}')
			if j < 0 {
				t.Fatalf("unterminated object list in %q", line)
			}
			out = append(out, line[i:i+j+1])
			i += j + 1
		default:
			j := strings.IndexByte(line[i:], ' ')
			if j < 0 {
				j = len(line) - i
			}
			out = append(out, line[i:i+j])
			i += j
		}
	}
	return out
}

func TestSIE(t *testing.T) {
	t.Parallel()
	lines := sample()
	var buf bytes.Buffer
	st, err := finance.WriteSIE(&buf, batch, objectsOf(lines), finance.Lines(lines))
	if err != nil {
		t.Fatal(err)
	}
	if st.Vouchers != len(lines) || st.Unknown != 1 || st.Transliterated < 5 {
		t.Errorf("stats = %+v, want %d vouchers, one unknown (中) and the rest transliterated", st, len(lines))
	}
	f := readSIE(t, buf.Bytes())
	want := []string{"#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#FNAMN", "#KONTO", "#DIM", "#DIM", "#OBJEKT"}
	for i, w := range want {
		if i >= len(f.records) || f.records[i] != w {
			t.Fatalf("records start %q, want %q", f.records, want)
		}
	}
	for label, v := range map[string]string{"#FLAGGA": "0", "#FORMAT": "PC8", "#SIETYP": "4", "#FNAMN": "Örebro universitet",
		"#GEN": "20260302", "#PROGRAM": finance.ProgramName} {
		if got := f.fields[label]; len(got) == 0 || got[0] != v {
			t.Errorf("%s = %q, want %q", label, got, v)
		}
	}
	if got := f.fields["#DIM"]; got[0] != "1" || got[1] != "Kostnadsställe" {
		t.Errorf("#DIM = %q", got)
	}
	if !strings.Contains(strings.Join(f.records, " "), "#DIM #DIM") || f.objects["6 P3120-MOB"] == "" {
		t.Errorf("dimensions or objects missing: %q %v", f.records, f.objects)
	}
	if len(f.vers) != len(lines) {
		t.Fatalf("%d vouchers, want %d", len(f.vers), len(lines))
	}
	var debited int64
	for i, v := range f.vers {
		var sum int64
		for _, tr := range v.trans {
			sum += tr.ore
			if !f.accounts[tr.account] {
				t.Errorf("voucher %d: account %s not declared", i, tr.account)
			}
			for j := 0; j+1 < len(tr.objects); j += 2 {
				if _, ok := f.objects[tr.objects[j]+" "+tr.objects[j+1]]; !ok {
					t.Errorf("voucher %d: object %v not declared", i, tr.objects[j:j+2])
				}
			}
		}
		if len(v.trans) != 2 || sum != 0 || v.date != "20260302" {
			t.Errorf("voucher %d: %+v does not balance", i, v)
		}
		debited += v.trans[0].ore
		if got := strings.Join(v.trans[0].objects, " "); got != "1 "+lines[i].CostCentre+strings.TrimSuffix(" 6 "+lines[i].Project, " 6 ") {
			t.Errorf("voucher %d debits %q", i, got)
		}
		if got := strings.Join(v.trans[1].objects, " "); got != "1 9100 6 MOBPOT" {
			t.Errorf("voucher %d credits %q", i, got)
		}
	}
	if debited != total(lines) {
		t.Errorf("debited %d, want %d", debited, total(lines))
	}
	for i, want := range []string{
		`MF-2026-0005 ÅÄÖåäö "citat" - 5 EUR`,
		"Gyor och Lódz flik  rad é",
		"Återföring MF-2026-0002 ?",
	} {
		if f.vers[i].text != want {
			t.Errorf("voucher %d text %q, want %q", i, f.vers[i].text, want)
		}
	}
}

func TestSIEUndeclaredObject(t *testing.T) {
	t.Parallel()
	lines := sample()
	_, err := finance.WriteSIE(io.Discard, batch, objectsOf(lines[:1]), finance.Lines(lines))
	var ue *finance.UndeclaredObjectError
	if !errors.As(err, &ue) || ue.Application != "MF-2026-0006" {
		t.Fatalf("err = %v, want an undeclared object in MF-2026-0006", err)
	}
	incomplete := batch
	incomplete.DebitAccount = ""
	if _, err := finance.WriteSIE(io.Discard, incomplete, nil, finance.Lines(lines)); !errors.Is(err, finance.ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
}

// TestSameBytes writes every format twice: a stored batch downloads the
// same file every time.
func TestSameBytes(t *testing.T) {
	t.Parallel()
	lines := sample()
	write := map[string]func(io.Writer) error{
		"csv":  func(w io.Writer) error { return finance.WriteCSV(w, finance.Lines(lines)) },
		"xlsx": func(w io.Writer) error { return finance.WriteXLSX(w, batch, finance.Lines(lines)) },
		"sie": func(w io.Writer) error {
			_, err := finance.WriteSIE(w, batch, objectsOf(lines), finance.Lines(lines))
			return err
		},
	}
	for name, fn := range write {
		var a, b bytes.Buffer
		if err := fn(&a); err != nil {
			t.Fatal(name, err)
		}
		if err := fn(&b); err != nil {
			t.Fatal(name, err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writes of the same batch differ", name)
		}
	}
}

func TestLinesError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	failing := func(yield func(finance.Line, error) bool) {
		if yield(sample()[0], nil) {
			yield(finance.Line{}, boom)
		}
	}
	if err := finance.WriteCSV(io.Discard, failing); !errors.Is(err, boom) {
		t.Errorf("csv: %v", err)
	}
	if err := finance.WriteXLSX(io.Discard, batch, failing); !errors.Is(err, boom) {
		t.Errorf("xlsx: %v", err)
	}
	if _, err := finance.WriteSIE(io.Discard, batch, objectsOf(sample()), failing); !errors.Is(err, boom) {
		t.Errorf("sie: %v", err)
	}
}

// generated yields n lines without holding them: what a database cursor
// feeds the writers.
func generated(n int) iter.Seq2[finance.Line, error] {
	return func(yield func(finance.Line, error) bool) {
		d := time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC)
		for i := range n {
			l := finance.Line{Batch: 1, Application: fmt.Sprintf("MF-2026-%06d", i), Title: "Utbytesvecka för lärarstudenter",
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

var benchObjects = []finance.Object{{Dim: 1, Number: "3120", Name: "NT"}, {Dim: 6, Number: "P3120-MOB", Name: "NT"}}

func BenchmarkCSV100k(b *testing.B) {
	for b.Loop() {
		if err := finance.WriteCSV(io.Discard, generated(benchLines)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkXLSX100k(b *testing.B) {
	for b.Loop() {
		if err := finance.WriteXLSX(io.Discard, batch, generated(benchLines)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSIE100k(b *testing.B) {
	for b.Loop() {
		if _, err := finance.WriteSIE(io.Discard, batch, benchObjects, generated(benchLines)); err != nil {
			b.Fatal(err)
		}
	}
}
