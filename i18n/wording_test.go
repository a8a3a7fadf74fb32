package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// The Swedish follows Myndigheternas skrivregler and Språkrådet's advice
// on clear Swedish (klarspråk): one word for one thing on every page and
// in every mail. These tests guard the terms the university settled on.

// retiredPhrases are wordings that were replaced; none may come back in
// the Swedish messages, the page templates or the Swedish mail. Each is
// matched without regard to case.
var retiredPhrases = map[string]string{
	"något behöver rättas":  `"Rätta följande innan du går vidare"`,
	"vad du kan göra":       `"Åtgärder"`,
	"hann före":             `"Ansökan har ändrats av någon annan"`,
	"till hälften":          `"Inget av det du gjorde har sparats"`,
	"orimligt":              `"för stort"`,
	"batch":                 `"omföringsunderlag"`,
	"utbetalning":           `"omföring"`,
	"periodens början":      `"Startdatum"`,
	"periodens slut":        `"Slutdatum"`,
	"vad gjordes":           `"Genomförda aktiviteter"`,
	"redovisning":           `"återrapport" (one word for the outcome report)`,
	"inlämna":               `"inskickad", "skicka in"`,
	"lämna in":              `"skicka in"`,
	"lämnats in":            `"skickats in"`,
	"mobility fund":         `"Mobilitetsfonden" (in Swedish mail)`,
	"beslut upphävt":        `"Beslutet upphävt"`,
	"återkalla ansökan":     `"Ta tillbaka ansökan" (a withdrawn application is "återtagen")`,
	"återkallad av sökande": `"Ansökan återtagen"`,
	"väntar på tillstyrkan": `"Inskickad" (the same word everywhere)`,
}

// settledTerms are messages whose Swedish is fixed.
var settledTerms = map[string]string{
	"app.name":               "Mobilitetsfonden",
	"form.error_summary":     "Rätta följande innan du går vidare",
	"actions.heading":        "Åtgärder",
	"action.mark_ready":      "Lämna till beslut",
	"error.conflict":         "Ansökan har ändrats av någon annan",
	"error.amount_too_large": "Beloppet är för stort.",
	"field.period_start":     "Startdatum",
	"field.period_end":       "Slutdatum",
	"followup.field.done":    "Genomförda aktiviteter",
	"state.submitted":        "Inskickad",
	"state.revoked":          "Beslutet upphävt",
	"state.withdrawn":        "Ansökan återtagen",
	"finance.kind.award":     "Omföring",
}

// swedishTexts returns every Swedish text a reader can meet: the
// messages (by file and id) and the page and Swedish mail templates.
func swedishTexts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := fs.Glob(localeFS, "locales/*.sv.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := localeFS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := toml.Unmarshal(data, &msgs); err != nil {
			t.Fatal(err)
		}
		for id, v := range msgs {
			switch v := v.(type) {
			case string:
				out[f+" "+id] = v
			case map[string]any:
				for form, s := range v {
					out[f+" "+id+"."+form] = s.(string)
				}
			}
		}
	}
	for _, dir := range []string{"pages", "layout", "mail/sv"} {
		root := filepath.Join("..", "templates", dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[path] = string(data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestSwedishTerms fails on a retired wording anywhere in Swedish, and
// on a settled term that changed.
func TestSwedishTerms(t *testing.T) {
	t.Parallel()
	for where, text := range swedishTexts(t) {
		// {batch} and the like are tokens of the voucher text, not words.
		lower := strings.ToLower(voucherToken.ReplaceAllString(text, ""))
		if strings.HasSuffix(where, ".html") {
			// Templates hold markup and message ids, not Swedish; only
			// literal words outside tags and actions count.
			lower = strings.ToLower(templateText(text))
		}
		for old, now := range retiredPhrases {
			if strings.Contains(lower, old) {
				t.Errorf("%s: %q is retired, write %s", where, old, now)
			}
		}
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	sv := b.For("sv")
	for id, want := range settledTerms {
		if got := sv.T(id); got != want {
			t.Errorf("%s is %q, want %q", id, got, want)
		}
	}
}

var (
	voucherToken   = regexp.MustCompile(`\{[a-z]+\}`)
	templateAction = regexp.MustCompile(`\{\{[^}]*\}\}`)
	markupTag      = regexp.MustCompile(`<[^>]*>`)
)

// templateText is what a template writes itself, without its actions and
// tags.
func templateText(s string) string {
	return markupTag.ReplaceAllString(templateAction.ReplaceAllString(s, " "), " ")
}

// pluralNouns are plural forms that must never follow the number 1.
var pluralNouns = []string{
	"ansökningar", "rader", "dagar", "bilagor", "filer", "personer", "roller", "timmar", "veckor", "månader",
	"kommentarer", "anteckningar", "studenter", "uppgifter", "ändringar", "aktiviteter", "enheter",
	"utlysningar", "återrapporter", "tecken",
	"applications", "lines", "days", "attachments", "files", "people", "persons", "roles", "hours", "weeks",
	"months", "comments", "notes", "students", "batches", "tasks", "changes", "activities", "units", "calls",
	"reports", "decisions", "characters",
}

var (
	placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	oneAndNoun  = regexp.MustCompile(`(?i)(?:^|[^\d,.])1 (\p{L}+)`)
	// countedWord is a number printed by a template right before a noun:
	// it needs the plural helper or an {{if eq .N 1}}.
	countedWord = regexp.MustCompile(`\{\{[^}]*\}\} (\p{L}+)`)
)

// TestPlurals renders every message of both languages with each of its
// numbers set to 1 (through the plural helper when the message has plural
// forms) and fails on a plural noun after it: "1 ansökningar", "1 days".
// Templates and mail must not print a number right before a plural noun
// of their own either.
func TestPlurals(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		l := b.For(lang)
		files, _ := fs.Glob(localeFS, "locales/*."+lang+".toml")
		for _, f := range files {
			data, _ := localeFS.ReadFile(f)
			var msgs map[string]any
			if err := toml.Unmarshal(data, &msgs); err != nil {
				t.Fatal(err)
			}
			for id, v := range msgs {
				raw := ""
				switch v := v.(type) {
				case string:
					raw = v
				case map[string]any:
					raw, _ = v["other"].(string)
				}
				var args []any
				for _, m := range placeholder.FindAllStringSubmatch(raw, -1) {
					args = append(args, m[1], 1)
				}
				if len(args) == 0 {
					continue
				}
				got := l.T(id, args...)
				if _, plural := v.(map[string]any); plural {
					got = l.N(id, 1, args...)
				}
				for _, m := range oneAndNoun.FindAllStringSubmatch(got, -1) {
					if isPluralNoun(m[1]) {
						t.Errorf("%s %s with 1: %q — use a message with one and other forms and L.N", lang, id, got)
					}
				}
			}
		}
	}
	for where, text := range templateFiles(t) {
		for _, m := range countedWord.FindAllStringSubmatch(text, -1) {
			if isPluralNoun(m[1]) {
				t.Errorf("%s prints a number before %q: use a plural message or {{if eq .N 1}}", where, m[1])
			}
		}
	}
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{{"sv", 1, "1 ansökan"}, {"sv", 2, "2 ansökningar"}, {"sv", 0, "0 ansökningar"}, {"en", 1, "1 application"}, {"en", 21, "21 applications"}} {
		if got := b.For(tt.lang).N("applications.count", tt.n); got != tt.want {
			t.Errorf("%s N(applications.count, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func isPluralNoun(w string) bool {
	for _, n := range pluralNouns {
		if strings.EqualFold(w, n) {
			return true
		}
	}
	return false
}

// templateFiles reads the page and mail templates of both languages.
func templateFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join("..", "templates")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".html" && filepath.Ext(path) != ".tmpl") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out[path] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
