package handlers

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"mobilityfund/models"
	"mobilityfund/money"
	"mobilityfund/workflow"
)

// domainErrors has one example of every error the packages below the
// handlers export, with the status it must get. TestEveryDomainErrorHasAStatus
// reads the packages' source, so a new error type or sentinel without a
// row here fails it.
var domainErrors = map[string]struct {
	err  error
	want int
}{
	"models.ErrNotFound":                  {models.ErrNotFound, http.StatusNotFound},
	"models.ErrBadCursor":                 {models.ErrBadCursor, http.StatusBadRequest},
	"models.NotFoundError":                {&models.NotFoundError{What: "application", ID: 1}, http.StatusNotFound},
	"models.ErrStale":                     {models.ErrStale, http.StatusConflict},
	"models.StaleError":                   {&models.StaleError{Have: 1, Current: 2}, http.StatusConflict},
	"models.ErrGrantEnded":                {models.ErrGrantEnded, http.StatusConflict},
	"models.ErrAccessUnchanged":           {models.ErrAccessUnchanged, http.StatusConflict},
	"models.ErrAlreadyRegistered":         {models.ErrAlreadyRegistered, http.StatusConflict},
	"models.ErrNotPseudonymisable":        {models.ErrNotPseudonymisable, http.StatusConflict},
	"models.ErrLeaseLost":                 {models.ErrLeaseLost, http.StatusInternalServerError},
	"models.ErrNothingToExport":           {models.ErrNothingToExport, http.StatusConflict},
	"models.ErrFinanceSettingsIncomplete": {models.ErrFinanceSettingsIncomplete, http.StatusConflict},
	"models.ErrExportConflict":            {models.ErrExportConflict, http.StatusConflict},
	"models.BatchBookedError":             {&models.BatchBookedError{Batch: 1}, http.StatusConflict},
	"models.MissingCostCentreError":       {&models.MissingCostCentreError{Units: []string{"HUMUS"}}, http.StatusConflict},
	"models.CallChangeWarning":            {&models.CallChangeWarning{Applications: 2, Fields: []string{"deadline_at"}}, http.StatusConflict},
	"models.ImportError":                  {&models.ImportError{Problems: []models.ImportProblem{{Row: 2, Field: "parent", Msg: models.MsgUnitParent}}}, http.StatusUnprocessableEntity},
	"models.ErrSyntheticLoaded":           {models.ErrSyntheticLoaded, http.StatusConflict},
	"workflow.ErrForbidden":               {workflow.ErrForbidden, http.StatusForbidden},
	"workflow.ErrConflictOfInterest":      {workflow.ErrConflictOfInterest, http.StatusForbidden},
	"workflow.ErrInvalidTransition":       {workflow.ErrInvalidTransition, http.StatusConflict},
	"workflow.ErrOverBudget":              {workflow.ErrOverBudget, http.StatusConflict},
	"workflow.OverBudgetError":            {&workflow.OverBudgetError{AmountOre: 2, RemainingOre: 1}, http.StatusConflict},
	"workflow.ErrDeadlinePassed":          {workflow.ErrDeadlinePassed, http.StatusConflict},
	"workflow.ValidationError":            {&workflow.ValidationError{Fields: map[string]string{"title": "error.required"}}, http.StatusUnprocessableEntity},
	"money.ErrEmpty":                      {money.ErrEmpty, http.StatusUnprocessableEntity},
	"money.ErrInvalid":                    {money.ErrInvalid, http.StatusUnprocessableEntity},
	"money.ErrNegative":                   {money.ErrNegative, http.StatusUnprocessableEntity},
	"money.ErrTooLarge":                   {money.ErrTooLarge, http.StatusUnprocessableEntity},
	"money.ErrAmbiguous":                  {money.ErrAmbiguous, http.StatusUnprocessableEntity},
}

// exportedErrors lists the exported error sentinels (package-level vars
// named Err…) and error types (with an Error method) declared in the
// non-test Go files of dir.
func exportedErrors(t *testing.T, dir string) []string {
	t.Helper()
	pkg := filepath.Base(dir)
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					for _, id := range spec.(*ast.ValueSpec).Names {
						if strings.HasPrefix(id.Name, "Err") {
							out = append(out, pkg+"."+id.Name)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || d.Name.Name != "Error" || len(d.Recv.List) != 1 {
					continue
				}
				typ := d.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok && ast.IsExported(id.Name) {
					out = append(out, pkg+"."+id.Name)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestEveryDomainErrorHasAStatus(t *testing.T) {
	t.Parallel()
	var found []string
	for _, dir := range []string{"../models", "../workflow", "../money"} {
		if _, err := os.Stat(dir); err != nil {
			t.Fatal(err)
		}
		found = append(found, exportedErrors(t, dir)...)
	}
	if len(found) < 15 {
		t.Fatalf("found only %d errors: %v", len(found), found)
	}
	for _, name := range found {
		row, ok := domainErrors[name]
		if !ok {
			t.Errorf("%s has no row in domainErrors (and perhaps none in answers)", name)
			continue
		}
		if got := statusOf(row.err); got != row.want {
			t.Errorf("statusOf(%s) = %d, want %d", name, got, row.want)
		}
		// Wrapped on the way up, it must keep its status.
		if got := statusOf(fmt.Errorf("saving: %w", row.err)); got != row.want {
			t.Errorf("statusOf(wrapped %s) = %d, want %d", name, got, row.want)
		}
	}
	if got := statusOf(fmt.Errorf("boom")); got != http.StatusInternalServerError {
		t.Errorf("statusOf(unknown) = %d, want 500", got)
	}
}
