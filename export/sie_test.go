package export_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"mobilityfund/export"
)

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
	st, err := export.WriteSIE(&buf, batch, objectsOf(lines), export.Lines(lines))
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
		"#GEN": "20260302", "#PROGRAM": export.ProgramName} {
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
	_, err := export.WriteSIE(io.Discard, batch, objectsOf(lines[:1]), export.Lines(lines))
	var ue *export.UndeclaredObjectError
	if !errors.As(err, &ue) || ue.Application != "MF-2026-0006" {
		t.Fatalf("err = %v, want an undeclared object in MF-2026-0006", err)
	}
	incomplete := batch
	incomplete.DebitAccount = ""
	if _, err := export.WriteSIE(io.Discard, incomplete, nil, export.Lines(lines)); !errors.Is(err, export.ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
}
