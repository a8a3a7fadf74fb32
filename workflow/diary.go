package workflow

import (
	"regexp"
	"strconv"
	"strings"
)

// DefaultDiaryPattern is the reference number pattern used when
// DIARY_PATTERN is not set: Örebro universitet's form.
const DefaultDiaryPattern = "ORU {year}/{seq:05}"

var diaryPlaceholder = regexp.MustCompile(`\{(year|seq)(?::(0\d+))?\}|\{[^}]*\}`)

// CheckDiaryPattern returns what is wrong with a reference number
// pattern, or "" when it is usable: it must name {seq} once, may name
// {year}, and knows no other placeholder.
func CheckDiaryPattern(pattern string) string {
	seqs := 0
	for _, m := range diaryPlaceholder.FindAllStringSubmatch(pattern, -1) {
		switch m[1] {
		case "seq":
			seqs++
		case "year":
			if m[2] != "" {
				return "allows no width on {year}"
			}
		default:
			return "knows {year} and {seq} (or {seq:05}), not " + m[0]
		}
	}
	if seqs != 1 {
		return "must contain {seq} exactly once, as in " + DefaultDiaryPattern
	}
	return ""
}

// FormatDiary fills pattern with year and the number seq of the year's
// series. The pattern must have passed CheckDiaryPattern.
func FormatDiary(pattern string, year, seq int) string {
	return diaryPlaceholder.ReplaceAllStringFunc(pattern, func(p string) string {
		m := diaryPlaceholder.FindStringSubmatch(p)
		switch m[1] {
		case "year":
			return strconv.Itoa(year)
		case "seq":
			s := strconv.Itoa(seq)
			if w, err := strconv.Atoi(m[2]); err == nil && len(s) < w {
				s = strings.Repeat("0", w-len(s)) + s
			}
			return s
		}
		return p
	})
}
