package export

import (
	"unicode"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// translit spells characters that code page 437 lacks with ones it has.
var translit = map[rune]string{
	'–': "-", '—': "-", '‐': "-", '‑': "-", '−': "-",
	'‘': "'", '’': "'", '‚': "'", '′': "'",
	'“': `\"`, '”': `\"`, '„': `\"`, '″': `\"`,
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

// appendText appends s in code page 437 to b, for use inside a quoted
// field: a double quote is escaped, and control characters become spaces
// because a SIE record ends at the line break.
func (e *encoder) appendText(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			b = append(b, ' ')
			continue
		case r == '"':
			b = append(b, '\\', '"')
			continue
		}
		if c, ok := charmap.CodePage437.EncodeRune(r); ok && r != '\\' {
			b = append(b, c)
			continue
		}
		e.Transliterated++
		if t, ok := translit[r]; ok {
			b = append(b, t...)
			continue
		}
		if base, ok := stripMarks(r); ok {
			b = append(b, base...)
			continue
		}
		e.Transliterated--
		e.Unknown++
		b = append(b, '?')
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

// quote appends s as a quoted SIE field: in double quotes, with every
// double quote inside escaped by a backslash.
func (e *encoder) quote(b []byte, s string) []byte {
	b = append(b, '"')
	b = e.appendText(b, s)
	return append(b, '"')
}
