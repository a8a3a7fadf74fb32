package export

import (
	"slices"
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// translit spells characters that code page 437 lacks with ones it has.
var translit = map[rune]string{
	'–': "-", '—': "-", '‐': "-", '‑': "-", '−': "-",
	'‘': "'", '’': "'", '‚': "'", '′': "'",
	'“': `"`, '”': `"`, '„': `"`, '″': `"`,
	'…': "...", '•': "*", '€': "EUR", '™': "TM", '©': "(c)", '®': "(R)",
	'\u00a0': " ", '\u202f': " ", '\u2009': " ", '\u2007': " ",
	'Ø': "O", 'ø': "o", 'Æ': "AE", 'Þ': "Th", 'þ': "th", 'Ð': "D", 'ð': "d",
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Œ': "OE", 'œ': "oe", 'ß': "ss",
	'ı': "i", '×': "x", '\\': "/",
}

// encoder turns text into code page 437 bytes for a SIE file and counts
// what it had to change.
type encoder struct {
	// Transliterated counts characters written as look-alikes ("ő" as
	// "o", "€" as "EUR"); Unknown counts those written as "?" because
	// nothing like them exists in code page 437.
	Transliterated, Unknown int
}

// Change is a character that code page 437 cannot hold, and what a SIE
// file holds instead.
type Change struct {
	From rune
	To   string
}

// SIEChanges lists the characters of s that a SIE file cannot hold as
// they are, each once, in order of first appearance, with what is written
// instead; empty when s goes into the file unchanged. Control characters
// are not listed: a one-line text has none.
func SIEChanges(s string) []Change {
	var out []Change
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			continue
		}
		if to, changed := cp437Rune(r); changed && !slices.ContainsFunc(out, func(c Change) bool { return c.From == r }) {
			out = append(out, Change{From: r, To: to})
		}
	}
	return out
}

// cp437Rune returns r as code page 437 text, and whether that is another
// character than r: a look-alike, or "?" when there is none.
func cp437Rune(r rune) (string, bool) {
	if c, ok := charmap.CodePage437.EncodeRune(r); ok && r != '\\' {
		return string([]byte{c}), false
	}
	if t, ok := translit[r]; ok {
		return t, true
	}
	if base, ok := stripMarks(r); ok {
		return string(base), true
	}
	return "?", true
}

// appendText appends s in code page 437 to b, at most max characters of
// it when max > 0 (in code page 437 a byte is a character, so the cut
// never splits one), for use inside a quoted field: a double quote is
// escaped, and control characters become spaces because a SIE record ends
// at the line break.
func (e *encoder) appendText(b []byte, s string, max int) []byte {
	n := 0
	for _, r := range s {
		t := " "
		if r >= 0x20 && r != 0x7f {
			var changed bool
			t, changed = cp437Rune(r)
			switch {
			case !changed:
			case t == "?":
				e.Unknown++
			default:
				e.Transliterated++
			}
		}
		for i := 0; i < len(t); i++ {
			if max > 0 && n == max {
				return b
			}
			if t[i] == '"' {
				b = append(b, '\\')
			}
			b = append(b, t[i])
			n++
		}
	}
	return b
}

// stripMarks writes r without its accents ("ő" → "o", "Ś" → "S") when
// what remains is in code page 437.
func stripMarks(r rune) ([]byte, bool) {
	var out []byte
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		c, ok := charmap.CodePage437.EncodeRune(d)
		if !ok || d == r {
			return nil, false
		}
		out = append(out, c)
	}
	return out, len(out) > 0
}

// quote appends s as a quoted SIE field of at most max characters
// (max 0: all of it): in double quotes, with every double quote inside
// escaped by a backslash.
func (e *encoder) quote(b []byte, s string, max int) []byte {
	b = append(b, '"')
	b = e.appendText(b, s, max)
	return append(b, '"')
}
