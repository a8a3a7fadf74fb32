// Package money parses and formats amounts of Swedish kronor. Amounts are
// always int64 öre (1 kr = 100 öre); no float ever holds money.
package money

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// MaxOre is the largest amount Parse accepts: one thousand million kronor,
// far above any call's budget, so a typing slip is caught as absurd.
const MaxOre int64 = 1_000_000_000 * 100

// Errors returned by Parse. Their texts are message IDs the caller
// translates.
var (
	ErrEmpty    = errors.New("amount_required")
	ErrInvalid  = errors.New("amount_invalid")
	ErrNegative = errors.New("amount_negative")
	ErrTooLarge = errors.New("amount_too_large")
	// ErrAmbiguous is a comma followed by three digits and nothing else
	// ("12,345", "0,500"): in Swedish the comma is the decimal sign, so
	// whether it means 12 345 kr or 12,345 kr cannot be told.
	ErrAmbiguous = errors.New("amount_ambiguous")
)

// Parse reads an amount in kronor as people type it: "1 234,50",
// "12345,5", "1234.50", "1234", "1 234 kr", "1.234,50 kr", "SEK 1,234.50".
// A comma or a dot followed by one or two digits at the end marks öre.
// Otherwise separators may only group thousands, in groups of three after
// a first group of one to three digits, all with the same separator; a
// single comma before three digits ("12,345") is refused as ambiguous. It
// returns ErrEmpty, ErrInvalid, ErrAmbiguous, ErrNegative or ErrTooLarge;
// zero is returned as 0 without error, since whether zero is allowed is
// the caller's rule. Parse reads as a Swedish reader writes; ParseFor
// reads as the reader of a language writes.
func Parse(s string) (int64, error) { return ParseFor(s, "sv") }

// ParseFor is Parse for a reader of lang: for English ("en") a comma only
// groups thousands, as "SEK 1,234" is written, so it is never ambiguous.
func ParseFor(s, lang string) (int64, error) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, unit := range []string{"kronor", "kr.", "kr", "sek", ":-"} {
		lower = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(lower, unit), unit))
	}
	var b strings.Builder
	for _, r := range lower {
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\'':
			// grouping spaces of every kind
		case r == '-' || r == '\u2212':
			return 0, ErrNegative
		default:
			b.WriteRune(r)
		}
	}
	t := b.String()
	if t == "" {
		return 0, ErrEmpty
	}
	intPart, frac := t, ""
	if i := strings.LastIndexAny(t, ".,"); i >= 0 {
		if tail := t[i+1:]; len(tail) == 1 || len(tail) == 2 {
			intPart, frac = t[:i], tail
			// The decimal mark cannot also group thousands: "12,345,67".
			if strings.ContainsRune(intPart, rune(t[i])) {
				return 0, ErrInvalid
			}
		}
	}
	digits := "0" // ",5"
	if intPart != "" || frac == "" {
		var err error
		if digits, err = ungroup(intPart, frac != "" || lang == "en"); err != nil {
			return 0, err
		}
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if !allDigits(digits) || !allDigits(frac) {
		return 0, ErrInvalid
	}
	if len(digits) > 13 {
		return 0, ErrTooLarge
	}
	kr, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, ErrInvalid
	}
	ore, _ := strconv.ParseInt(frac, 10, 64)
	total := kr*100 + ore
	if total > MaxOre {
		return 0, ErrTooLarge
	}
	return total, nil
}

// ungroup removes thousands separators from the kronor part of an amount:
// groups of three after a first group of one to three digits (not a lone
// zero), all with the same separator. commaGroups says a single comma
// before three digits groups thousands, as when öre follow ("1,234.50")
// or the reader writes English; otherwise it is ambiguous.
func ungroup(intPart string, commaGroups bool) (string, error) {
	if intPart == "" {
		return "", ErrInvalid
	}
	sep := strings.IndexAny(intPart, ".,")
	if sep < 0 {
		return intPart, nil
	}
	mark := intPart[sep]
	groups := strings.Split(intPart, string(mark))
	if strings.ContainsAny(intPart, map[byte]string{'.': ",", ',': "."}[mark]) {
		return "", ErrInvalid // "1,234.567": two kinds of grouping
	}
	if mark == ',' && len(groups) == 2 && len(groups[1]) == 3 && !commaGroups {
		return "", ErrAmbiguous
	}
	first := groups[0]
	if len(first) == 0 || len(first) > 3 || first == "0" || (len(first) > 1 && first[0] == '0') {
		return "", ErrInvalid
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", ErrInvalid
		}
	}
	return strings.Join(groups, ""), nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Format writes an amount for a reader of lang: Swedish "1 234 567 kr"
// with no-break spaces (öre only when there are any: "1 234,50 kr"),
// English "SEK 1,234,567" ("SEK 1,234.50").
func Format(ore int64, lang string) string {
	sep, dec := "\u00a0", ","
	if lang == "en" {
		sep, dec = ",", "."
	}
	s := digits(ore, "\u2212", sep, dec, false)
	if lang == "en" {
		return "SEK\u00a0" + s
	}
	return s + "\u00a0kr"
}

// FormatPlain writes an amount for a form field, without grouping or
// currency, in a form Parse reads back: "1234,50" (Swedish) or "1234.50".
func FormatPlain(ore int64, lang string) string {
	dec := ","
	if lang == "en" {
		dec = "."
	}
	return digits(ore, "-", "", dec, false)
}

// Decimal writes an amount in kronor with exactly two decimals after sep
// and no grouping: "-1234.50" or "1234,00". Files use it (CSV for Swedish
// Excel with a comma, SIE with a point) because every program reads it.
func Decimal(ore int64, sep byte) string {
	return digits(ore, "-", "", string(sep), true)
}

// digits is the one place where öre become text: the kronor grouped by
// group (none when empty), then dec and two öre digits when there are öre
// or always is set, with minus in front of a negative amount.
func digits(ore int64, minus, group, dec string, always bool) string {
	neg := ore < 0
	u := uint64(ore)
	if neg {
		u = -u
	}
	kr, rest := u/100, u%100
	var b strings.Builder
	if neg {
		b.WriteString(minus)
	}
	s := strconv.FormatUint(kr, 10)
	if group == "" {
		b.WriteString(s)
	} else {
		lead := len(s) % 3
		if lead == 0 {
			lead = 3
		}
		b.WriteString(s[:lead])
		for i := lead; i < len(s); i += 3 {
			b.WriteString(group)
			b.WriteString(s[i : i+3])
		}
	}
	if rest != 0 || always {
		b.WriteString(dec)
		b.WriteByte(byte('0' + rest/10))
		b.WriteByte(byte('0' + rest%10))
	}
	return b.String()
}
