package workflow

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

var (
	// ErrForbidden means the actor holds no role that allows the action
	// on this application.
	ErrForbidden = errors.New("workflow: not allowed for your roles")
	// ErrConflictOfInterest means the actor belongs to the application's
	// unit or a unit above it. It is an ErrForbidden.
	ErrConflictOfInterest error = conflictError{}
	// ErrInvalidTransition means the action does not apply in the
	// application's current state.
	ErrInvalidTransition = errors.New("workflow: not possible in this state")
	// ErrOverBudget is what every *OverBudgetError is.
	ErrOverBudget = errors.New("workflow: over budget")
	// ErrDeadlinePassed means the call's deadline, or the application's
	// extended one, has passed.
	ErrDeadlinePassed = errors.New("workflow: the deadline has passed")
)

type conflictError struct{}

func (conflictError) Error() string {
	return "workflow: conflict of interest: you belong to the applying unit"
}
func (conflictError) Is(target error) bool { return target == ErrForbidden }

// OverBudgetError says that an amount exceeds what may be granted.
type OverBudgetError struct {
	AmountOre    int64
	RemainingOre int64
}

func (e *OverBudgetError) Error() string {
	return fmt.Sprintf("workflow: %d öre asked, %d öre remain in the call", e.AmountOre, e.RemainingOre)
}

// Is makes errors.Is(err, ErrOverBudget) true.
func (e *OverBudgetError) Is(target error) bool { return target == ErrOverBudget }

// ValidationError maps field names to message ids that say what is wrong.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k+": "+e.Fields[k])
	}
	sort.Strings(keys)
	return "workflow: invalid input: " + strings.Join(keys, ", ")
}

func (e *ValidationError) add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}
