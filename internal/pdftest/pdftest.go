// Package pdftest reads back the PDFs the application writes: it
// validates a PDF with pdfcpu and returns the text its pages show, so
// that tests can look for a reference number, an amount or a name.
package pdftest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

func init() {
	// pdfcpu would otherwise write its configuration to the user's
	// configuration folder.
	model.ConfigPath = "disable"
}

// Text validates pdf and returns the text of its pages, one shown string
// per line, pages in order. The documents' UTF-8 font shows strings as
// UTF-16BE, which is how they are decoded. It fails the test when pdfcpu
// cannot read or validate the file.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		t.Fatalf("pdfcpu cannot read the PDF: %v", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		t.Fatalf("pdfcpu finds the PDF invalid: %v", err)
	}
	var out []string
	for n := 1; n <= ctx.PageCount; n++ {
		r, err := pdfcpu.ExtractPageContent(ctx, n)
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		if r == nil {
			continue
		}
		content, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("page %d: %v", n, err)
		}
		out = append(out, shownStrings(content)...)
	}
	return strings.Join(out, "\n")
}

// Flat is Text with every run of white space, the no-break spaces
// included, made one plain space: for finding a sentence that the PDF
// broke over lines.
func Flat(t testing.TB, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.FieldsFunc(Text(t, pdf), func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\u00a0'
	}), " ")
}

// PageCount is the number of pages of pdf.
func PageCount(t testing.TB, pdf []byte) int {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader(pdf), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	return ctx.PageCount
}

// shownStrings returns the string operands of a content stream, literal
// "(…)" and hex "<…>", decoded.
func shownStrings(content []byte) []string {
	var out []string
	for i := 0; i < len(content); i++ {
		switch content[i] {
		case '(':
			raw, end := literal(content, i+1)
			out = append(out, decode(raw))
			i = end
		case '<':
			if i+1 < len(content) && content[i+1] == '<' {
				i++
				continue
			}
			end := bytes.IndexByte(content[i:], '>')
			if end < 0 {
				return out
			}
			out = append(out, decode(unhex(content[i+1:i+end])))
			i += end
		case '%':
			for i < len(content) && content[i] != '\n' && content[i] != '\r' {
				i++
			}
		}
	}
	return out
}

// literal reads a literal string starting after its "(" and returns its
// bytes and the index of its closing ")".
func literal(b []byte, i int) ([]byte, int) {
	var out []byte
	depth := 0
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\n':
			case '\r':
				if i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; k++ {
						v = v*8 + int(b[i]-'0')
						i++
					}
					i--
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		case c == '(':
			depth++
			out = append(out, c)
		case c == ')':
			if depth == 0 {
				return out, i
			}
			depth--
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out, i
}

func unhex(h []byte) []byte {
	var digits []byte
	for _, c := range h {
		if (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') {
			digits = append(digits, c)
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		out[i] = nibble(digits[2*i])<<4 | nibble(digits[2*i+1])
	}
	return out
}

func nibble(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// decode reads a shown string as UTF-16BE when it has an even length
// (the UTF-8 font's encoding), else as Latin-1.
func decode(b []byte) string {
	if len(b)%2 == 0 {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
