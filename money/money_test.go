package money

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"1 234,50", 123450, nil},
		{"1234.50", 123450, nil},
		{"1234", 123400, nil},
		{"1 234 kr", 123400, nil},
		{"1\u00a0234\u00a0567 kr", 123456700, nil},
		{"SEK 1,234.50", 123450, nil},
		{"1.234,5", 123450, nil},
		{"1,234,567", 123456700, nil},
		{"0,05", 5, nil},
		{",5", 50, nil},
		{"3 000 000 kronor", 300000000, nil},
		{"0", 0, nil},
		{"", 0, ErrEmpty},
		{"kr", 0, ErrEmpty},
		{"-100", 0, ErrNegative},
		{"\u2212100", 0, ErrNegative},
		{"12,345,67", 0, ErrInvalid},
		{"1,2345", 0, ErrInvalid},
		{"12.3.4", 0, ErrInvalid},
		{"abc", 0, ErrInvalid},
		{"1e6", 0, ErrInvalid},
		{"1,,000", 0, ErrInvalid},
		{"12 345", 1234500, nil},
		{"12 345,50", 1234550, nil},
		{"12345,5", 1234550, nil},
		{"12345.50", 1234550, nil},
		{"12.345", 1234500, nil},
		{"1.234.567,89", 123456789, nil},
		{"1,234.50", 123450, nil},
		{"0,500", 0, ErrAmbiguous},
		{"12,345", 0, ErrAmbiguous},
		{"12,345 kr", 0, ErrAmbiguous},
		{"0.500", 0, ErrInvalid},
		{"1234,567", 0, ErrAmbiguous},
		{"1234.567", 0, ErrInvalid},
		{"12,3456", 0, ErrInvalid},
		{"1,234.567", 0, ErrInvalid},
		{"1.234,567", 0, ErrInvalid},
		{"012,345,678", 0, ErrInvalid},
		{"99999999999999", 0, ErrTooLarge},
		{"1 000 000 001", 0, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Fatalf("Parse(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseForEnglish(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"12,345": 1234500, "SEK 1,234": 123400, "1,234.50": 123450, "12,5": 1250, "12.345": 1234500} {
		if got, err := ParseFor(in, "en"); err != nil || got != want {
			t.Errorf("ParseFor(%q, en) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseFor("12,345", "sv"); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("ParseFor(12,345, sv) = %v, want ErrAmbiguous", err)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ore     int64
		sv, en  string
		plainSv string
		plainEn string
	}{
		{300000000, "3\u00a0000\u00a0000\u00a0kr", "SEK\u00a03,000,000", "3000000", "3000000"},
		{123456750, "1\u00a0234\u00a0567,50\u00a0kr", "SEK\u00a01,234,567.50", "1234567,50", "1234567.50"},
		{5, "0,05\u00a0kr", "SEK\u00a00.05", "0,05", "0.05"},
		{0, "0\u00a0kr", "SEK\u00a00", "0", "0"},
		{-100000, "\u22121\u00a0000\u00a0kr", "SEK\u00a0\u22121,000", "-1000", "-1000"},
	}
	for _, tt := range tests {
		if got := Format(tt.ore, "sv"); got != tt.sv {
			t.Errorf("Format(%d, sv) = %q, want %q", tt.ore, got, tt.sv)
		}
		if got := Format(tt.ore, "en"); got != tt.en {
			t.Errorf("Format(%d, en) = %q, want %q", tt.ore, got, tt.en)
		}
		if tt.ore < 0 {
			continue
		}
		for lang, want := range map[string]string{"sv": tt.plainSv, "en": tt.plainEn} {
			got := FormatPlain(tt.ore, lang)
			if got != want {
				t.Errorf("FormatPlain(%d, %s) = %q, want %q", tt.ore, lang, got, want)
			}
			if back, err := Parse(got); err != nil || back != tt.ore {
				t.Errorf("Parse(FormatPlain(%d)) = %d, %v", tt.ore, back, err)
			}
		}
	}
}

func FuzzParseFormatRoundTrip(f *testing.F) {
	f.Add(int64(123450))
	f.Fuzz(func(t *testing.T, ore int64) {
		if ore < 0 || ore > MaxOre {
			return
		}
		for _, lang := range []string{"sv", "en"} {
			back, err := ParseFor(Format(ore, lang), lang)
			if err != nil || back != ore {
				t.Fatalf("Parse(Format(%d, %s)) = %d, %v", ore, lang, back, err)
			}
		}
	})
}

// FuzzParse feeds Parse whatever people might type: it never panics,
// never returns more than MaxOre or a negative amount, and what it reads
// it reads again the same from its own plain form.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1 234,50", "12,345", "0,500", "SEK 1,234.50", "1.234.567,89", "-5", "9999999999999", ",5", "kr"} {
		f.Add(s, "sv")
	}
	f.Add("12,345", "en")
	f.Fuzz(func(t *testing.T, s, lang string) {
		ore, err := ParseFor(s, lang)
		if err != nil {
			return
		}
		if ore < 0 || ore > MaxOre {
			t.Fatalf("ParseFor(%q, %q) = %d, outside 0…MaxOre", s, lang, ore)
		}
		for _, l := range []string{"sv", "en"} {
			if back, err := ParseFor(FormatPlain(ore, l), l); err != nil || back != ore {
				t.Fatalf("ParseFor(FormatPlain(%d, %s)) = %d, %v", ore, l, back, err)
			}
		}
	})
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	for ore, want := range map[int64]string{0: "0.00", 5: "0.05", 123450: "1234.50", -5000050: "-50000.50",
		-9223372036854775808: "-92233720368547758.08", 300000000: "3000000.00"} {
		if got := Decimal(ore, '.'); got != want {
			t.Errorf("Decimal(%d) = %q, want %q", ore, got, want)
		}
	}
	if got := Decimal(-123456, ','); got != "-1234,56" {
		t.Errorf("Decimal with a comma = %q", got)
	}
	if got := FormatPlain(-123450, "sv"); got != "-1234,50" {
		t.Errorf("FormatPlain of a negative amount with öre = %q", got)
	}
}
