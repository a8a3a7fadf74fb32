// Package sietest reads SIE 4 files back for tests: it decodes code page
// 437, checks the record syntax the export package writes (quoted fields
// with \" escapes, object lists in braces, vouchers in { }), and returns
// the records, declared accounts and objects, and the vouchers with their
// transactions in öre.
package sietest

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// File is a SIE file as read back.
type File struct {
	Records  []string            // labels in file order, #TRANS and braces excluded
	Fields   map[string][]string // the fields of the first record of each label
	Objects  map[string]string   // "dim number" → name
	Accounts map[string]string   // declared #KONTO → name
	Vers     []Ver
}

// Ver is one voucher.
type Ver struct {
	Series, Number, Date, Text, RegDate string
	Trans                               []Trans
}

// Trans is one transaction row of a voucher.
type Trans struct {
	Account string
	Objects []string // dim, number, dim, number, …
	Ore     int64
	Date    string
	Text    string
}

// Sum is the voucher's transactions added up: zero when it balances.
func (v Ver) Sum() int64 {
	var s int64
	for _, t := range v.Trans {
		s += t.Ore
	}
	return s
}

// Object returns the transaction's object number in dim, or "".
func (t Trans) Object(dim string) string {
	for i := 0; i+1 < len(t.Objects); i += 2 {
		if t.Objects[i] == dim {
			return t.Objects[i+1]
		}
	}
	return ""
}

// Parse decodes raw from code page 437 and parses it, failing t at the
// first syntax error: a record outside its place, an unterminated quote
// or object list, a line end other than CRLF, a malformed amount.
func Parse(t testing.TB, raw []byte) *File {
	t.Helper()
	text, err := charmap.CodePage437.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(text, []byte("\r\n")) {
		t.Fatal("file does not end with CRLF")
	}
	f := &File{Objects: map[string]string{}, Accounts: map[string]string{}, Fields: map[string][]string{}}
	var cur *Ver
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
		toks := Tokens(t, line)
		label := toks[0]
		if inBody != (label == "#TRANS") {
			t.Fatalf("record %q in the wrong place", line)
		}
		switch label {
		case "#TRANS":
			if len(toks) < 4 {
				t.Fatalf("short #TRANS %q", line)
			}
			objs := toks[2]
			if !strings.HasPrefix(objs, "{") || !strings.HasSuffix(objs, "}") {
				t.Fatalf("object list %q", objs)
			}
			tr := Trans{Account: toks[1], Objects: Tokens(t, "x "+strings.Trim(objs, "{}"))[1:], Ore: ParseOre(t, toks[3], ".")}
			if len(toks) > 4 {
				tr.Date = toks[4]
			}
			if len(toks) > 5 {
				tr.Text = toks[5]
			}
			cur.Trans = append(cur.Trans, tr)
			continue
		case "#VER":
			v := Ver{}
			for i, p := range []*string{&v.Series, &v.Number, &v.Date, &v.Text, &v.RegDate} {
				if i+1 < len(toks) {
					*p = toks[i+1]
				}
			}
			f.Vers = append(f.Vers, v)
			cur = &f.Vers[len(f.Vers)-1]
		case "#OBJEKT":
			f.Objects[toks[1]+" "+toks[2]] = toks[3]
		case "#KONTO":
			f.Accounts[toks[1]] = toks[2]
		}
		if _, ok := f.Fields[label]; !ok {
			f.Fields[label] = toks[1:]
		}
		f.Records = append(f.Records, label)
	}
	if inBody {
		t.Fatal("voucher not closed")
	}
	return f
}

// Tokens splits a record into fields: bare words, quoted strings with \"
// escapes (unquoted in the result), and {…} object lists kept whole.
func Tokens(t testing.TB, line string) []string {
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

// ParseOre reads "1234,50" or "-1234.50" back into öre, failing t unless
// the amount has sep and exactly two decimals.
func ParseOre(t testing.TB, s string, sep string) int64 {
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
