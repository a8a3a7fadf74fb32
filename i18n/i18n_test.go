package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestEveryMessageInEveryLanguage fails when a message id exists in one
// language and not in the other.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.IDs("sv")) < 50 {
		t.Fatalf("only %d Swedish messages loaded", len(b.IDs("sv")))
	}
	for _, lang := range Languages {
		for _, other := range Languages {
			for _, id := range b.IDs(lang) {
				if !b.Has(other, id) {
					t.Errorf("message %q exists in %s but not in %s", id, lang, other)
				}
			}
		}
	}
}

// TestTemplatesUseKnownMessages scans the templates for literal message
// ids and checks that each exists in both languages.
func TestTemplatesUseKnownMessages(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	root := filepath.Join("..", "templates")
	found := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".html" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			found++
			for _, lang := range Languages {
				if !b.Has(lang, m[1]) {
					t.Errorf("%s uses %q, missing in %s", path, m[1], lang)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatal("no message ids found in templates")
	}
}

func TestLocalizer(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sv, en := b.For("sv"), b.For("en")
	if got := sv.Money(300_000_000); got != "3\u00a0000\u00a0000\u00a0kr" {
		t.Errorf("sv money = %q", got)
	}
	if got := en.Money(300_000_000); got != "SEK\u00a03,000,000" {
		t.Errorf("en money = %q", got)
	}
	if got := en.T("call.deadline", "Date", "2026-12-31"); got != "Deadline: 2026-12-31" {
		t.Errorf("template data: %q", got)
	}
	if got := sv.T("no.such.id"); got != "[no.such.id]" {
		t.Errorf("missing id shows as %q", got)
	}
	if got := b.For("de").Lang; got != "sv" {
		t.Errorf("unsupported language falls back to %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct{ saved, accept, want string }{
		{"en", "sv-SE,sv;q=0.9", "en"},
		{"", "sv-SE,sv;q=0.9,en;q=0.8", "sv"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE", "en"},
		{"", "", "sv"},
		{"xx", "nonsense;;", "sv"},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.saved, tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.saved, tt.accept, got, tt.want)
		}
	}
}
