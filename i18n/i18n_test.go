package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mobilityfund/models"
	"mobilityfund/workflow"
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
	re := regexp.MustCompile(`\.[TN] "([a-z0-9_.]+)"`)
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

// messageID is what a complete message id looks like.
var messageID = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// TestGoCodeUsesKnownMessages checks the ids the Go code hands to the
// pages: every string literal in handlers that looks like a message id of
// a known area (its first part is the first part of some defined id:
// "error.", "auth.", …), and every "error." literal in models and
// workflow (validation messages), must exist in both languages.
// Literals ending in "." or "_" are prefixes completed at run time; the
// ones completed from the workflow's and the models' lists are checked in
// TestEnumeratedMessages.
func TestGoCodeUsesKnownMessages(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for _, id := range b.IDs("sv") {
		areas[strings.SplitN(id, ".", 2)[0]] = true
	}
	found := 0
	for _, dir := range []string{"handlers", "models", "workflow"} {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				id, err := strconv.Unquote(lit.Value)
				area := strings.SplitN(id, ".", 2)[0]
				// models and workflow hand only validation messages to the
				// pages; their other dotted strings are SQL ("applications.id").
				if err != nil || !messageID.MatchString(id) || !areas[area] || dir != "handlers" && area != "error" {
					return true
				}
				found++
				for _, lang := range Languages {
					if !b.Has(lang, id) {
						t.Errorf("%s uses %q, missing in %s", path, id, lang)
					}
				}
				return true
			})
		}
	}
	if found < 20 {
		t.Fatalf("only %d message ids found in the Go code", found)
	}
}

// TestEnumeratedMessages checks the ids the code and the templates build
// from a prefix and a value: "action." + every workflow action, "state." +
// every state, and so on for roles, audit events, budget categories,
// study levels, sort keys, NEOLAiA answers and the plan's considerations.
func TestEnumeratedMessages(t *testing.T) {
	t.Parallel()
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	// Audit events of an application that are not workflow actions
	// (models/draft.go, models/attachment.go).
	events := []string{"create", "edit", "attach", "detach"}
	for _, a := range workflow.Actions() {
		want = append(want, "action."+string(a), "event."+string(a), "done."+string(a))
	}
	for _, e := range events {
		want = append(want, "event."+e)
	}
	// The redirects after saving a draft or a file (handlers/application_edit.go).
	for _, d := range []string{"create", "save", "attach", "detach"} {
		want = append(want, "done."+d)
	}
	for _, s := range workflow.States() {
		want = append(want, "state."+string(s))
	}
	for _, r := range workflow.Roles() {
		want = append(want, "role."+string(r))
	}
	for _, c := range models.BudgetCategories {
		want = append(want, "category."+c)
	}
	for _, l := range models.StudyLevels {
		want = append(want, "level."+l)
	}
	for _, k := range models.SortKeys {
		want = append(want, "sort."+k)
	}
	for _, n := range []models.Neolaia{models.NeolaiaYes, models.NeolaiaPartly, models.NeolaiaNo} {
		want = append(want, "neolaia."+string(n))
	}
	for _, c := range workflow.ConsiderationFields {
		want = append(want, "field.consideration_"+c)
	}
	for _, id := range want {
		for _, lang := range Languages {
			if !b.Has(lang, id) {
				t.Errorf("%q is missing in %s", id, lang)
			}
		}
	}
}
