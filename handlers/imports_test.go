package handlers_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// csvAllowed are the files of handlers that may still import
// encoding/csv, until their writer moves to export/ (none now).
var csvAllowed = []string{}

// TestHandlersImports keeps handlers thin: cryptography and the single
// sign-on protocol live in auth/, file formats in export/. It parses the
// package's non-test files and fails on an import of crypto/*, go-oidc,
// oauth2 or excelize, or of encoding/csv outside csvAllowed.
func TestHandlersImports(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case path == "crypto" || strings.HasPrefix(path, "crypto/"),
				strings.HasPrefix(path, "github.com/coreos/go-oidc"),
				strings.HasPrefix(path, "golang.org/x/oauth2"),
				strings.HasPrefix(path, "github.com/xuri/excelize"):
				t.Errorf("%s imports %s: that belongs in auth/ or export/", name, path)
			case path == "encoding/csv" && !slices.Contains(csvAllowed, name):
				t.Errorf("%s imports %s: CSV writers belong in export/", name, path)
			}
		}
	}
}
