package workflow

import "testing"

func TestDiaryPattern(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pattern, want string
		ok            bool
	}{
		{"ORU {year}/{seq:05}", "ORU 2027/00042", true},
		{"MF-{seq}-{year}", "MF-42-2027", true},
		{"Dnr {seq:3}", "", false}, // a width without a leading zero
		{"ORU {year}", "", false},
		{"ORU {year}/{seq}/{seq}", "", false},
		{"ORU {år}/{seq}", "", false},
		{"ORU {year:04}/{seq}", "", false},
	} {
		msg := CheckDiaryPattern(tt.pattern)
		if (msg == "") != tt.ok {
			t.Errorf("CheckDiaryPattern(%q) = %q, want ok=%v", tt.pattern, msg, tt.ok)
			continue
		}
		if tt.ok {
			if got := FormatDiary(tt.pattern, 2027, 42); got != tt.want {
				t.Errorf("FormatDiary(%q) = %q, want %q", tt.pattern, got, tt.want)
			}
		}
	}
}
