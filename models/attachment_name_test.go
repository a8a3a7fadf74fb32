package models

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 119) + "ööööö.pdf"
	tests := []struct{ in, want string }{
		{"Budget 2026.pdf", "Budget 2026.pdf"},
		{`C:\Users\anna\Ansökan.pdf`, "Ansökan.pdf"},
		{"../../etc/passwd", "passwd.pdf"},
		{"a\r\nb.pdf", "a__b.pdf"},
		{"", "bilaga.pdf"},
		{"bad\xffname.pdf", "bad\uFFFDname.pdf"},
		{long, strings.Repeat("a", 119) + ".pdf"},
		{strings.Repeat("ö", 100) + ".pdf", strings.Repeat("ö", 60) + ".pdf"},
	}
	for _, tt := range tests {
		got := cleanFileName(tt.in, ".pdf")
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("cleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
