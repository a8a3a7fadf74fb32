package workflow

import (
	"strings"
	"unicode/utf8"
)

// Message ids of validation errors; the handlers translate them.
const (
	MsgRequired       = "error.required"
	MsgAmountPositive = "error.amount_positive"
	MsgAmountAboveAsk = "error.amount_above_requested"
	MsgSpentAbove     = "error.spent_above_granted"
	MsgPeriodOrder    = "error.period_order"
	MsgBudgetEmpty    = "error.budget_empty"
	MsgActivityNone   = "error.activity_none"
	MsgLevelNone      = "error.level_none"
	MsgExtendPast     = "error.extend_past"    // not after both now and the call's deadline
	MsgAboveCallMax   = "error.above_call_max" // more than the call allows one application
)

// The longest texts the rules accept, in characters. Forms say so with
// maxlength; the rules refuse more whoever sends it.
const (
	MaxTitle     = 200  // an application's title
	MaxText      = 5000 // a text of an application or a report: summary, purpose, a consideration
	MaxLineText  = 300  // a budget line's description
	MaxMessage   = 5000 // a comment, motivation or assessment with an action
	MaxReference = 60   // a decision's reference number (diarienummer)
	MsgTooLong   = "error.too_long"
)

// TooLong reports whether s has more than max characters.
func TooLong(s string, max int) bool { return utf8.RuneCountInString(s) > max }

// checkLengths refuses input texts longer than the rules accept.
func checkLengths(in Input) error {
	v := &ValidationError{}
	if TooLong(in.Comment, MaxMessage) {
		v.add("comment", MsgTooLong)
	}
	if TooLong(in.Assessment, MaxMessage) {
		v.add("assessment", MsgTooLong)
	}
	if TooLong(in.DecisionRef, MaxReference) {
		v.add("decision_ref", MsgTooLong)
	}
	return v.err()
}

// ConsiderationFields name the plan's five considerations, in the order
// of Application.Considerations.
var ConsiderationFields = [5]string{"quality", "responsibility", "inclusion", "sustainability", "equality"}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// late reports whether a first submission now is after the deadline that
// applies to the application.
func late(app Application, call Call, in Input) bool {
	deadline := call.Deadline
	if app.DeadlineExtendedTo.After(deadline) {
		deadline = app.DeadlineExtendedTo
	}
	return !deadline.IsZero() && in.Now.After(deadline)
}

// Incomplete checks that an application has everything a submission
// needs and returns a *ValidationError naming what is missing, or nil.
func Incomplete(app Application) error {
	v := &ValidationError{}
	for field, s := range map[string]string{"title": app.Title, "summary": app.Summary, "purpose": app.Purpose} {
		if blank(s) {
			v.add(field, MsgRequired)
		}
	}
	switch {
	case app.PeriodStart.IsZero():
		v.add("period_start", MsgRequired)
	case app.PeriodEnd.IsZero():
		v.add("period_end", MsgRequired)
	case app.PeriodEnd.Before(app.PeriodStart):
		v.add("period_end", MsgPeriodOrder)
	}
	if app.BudgetLines <= 0 || app.RequestedOre <= 0 {
		v.add("budget", MsgBudgetEmpty)
	}
	if app.Activities <= 0 {
		v.add("activities", MsgActivityNone)
	}
	if len(app.TargetLevels) == 0 {
		v.add("target_levels", MsgLevelNone)
	}
	for i, c := range app.Considerations {
		if blank(c) {
			v.add("consideration_"+ConsiderationFields[i], MsgRequired)
		}
	}
	return v.err()
}

// checkSubmit refuses a first submission after the deadline; a returned
// application may always be resubmitted, since the university asked for
// the completion.
func checkSubmit(app Application, call Call, in Input) error {
	if app.State == StateDraft && late(app, call, in) {
		return ErrDeadlinePassed
	}
	if err := Incomplete(app); err != nil {
		return err
	}
	if call.MaxAmountOre > 0 && app.RequestedOre > call.MaxAmountOre {
		return &ValidationError{Fields: map[string]string{"budget": MsgAboveCallMax}}
	}
	return nil
}

func needComment(_ Application, _ Call, in Input) error {
	if blank(in.Comment) {
		return &ValidationError{Fields: map[string]string{"comment": MsgRequired}}
	}
	return nil
}

// checkAssess accepts an assessment saved in steps: text, amount or both.
func checkAssess(app Application, _ Call, in Input) error {
	v := &ValidationError{}
	if blank(in.Assessment) && in.AmountOre == 0 {
		v.add("assessment", MsgRequired)
	}
	checkRecommended(v, app, in.AmountOre, false)
	return v.err()
}

// checkMarkReady needs an assessment and a recommended amount, typed now
// or saved before.
func checkMarkReady(app Application, _ Call, in Input) error {
	v := &ValidationError{}
	if blank(in.Assessment) && blank(app.Assessment) {
		v.add("assessment", MsgRequired)
	}
	amount := in.AmountOre
	if amount == 0 {
		amount = app.RecommendedOre
	}
	checkRecommended(v, app, amount, true)
	return v.err()
}

// checkRecommended accepts zero, a recommendation to reject, only when
// the amount is optional.
func checkRecommended(v *ValidationError, app Application, amount int64, required bool) {
	switch {
	case amount < 0:
		v.add("amount", MsgAmountPositive)
	case amount == 0 && required:
		v.add("amount", MsgRequired)
	case amount > app.RequestedOre:
		v.add("amount", MsgAmountAboveAsk)
	}
}

func applyAssess(a *Application, in Input) int64 {
	if !blank(in.Assessment) {
		a.Assessment = strings.TrimSpace(in.Assessment)
	}
	if in.AmountOre > 0 {
		a.RecommendedOre = in.AmountOre
	}
	return 0
}

// checkDecision needs the motivation and the decision's reference.
func checkDecision(_ Application, _ Call, in Input) error {
	v := &ValidationError{}
	if blank(in.Comment) {
		v.add("comment", MsgRequired)
	}
	if blank(in.DecisionRef) {
		v.add("decision_ref", MsgRequired)
	}
	return v.err()
}

// checkGrant holds the money rules: a grant is positive, at most what was
// requested, and at most what remains of the call's budget.
func checkGrant(app Application, call Call, in Input) error {
	v := &ValidationError{}
	if err := checkDecision(app, call, in); err != nil {
		v = err.(*ValidationError)
	}
	switch {
	case in.AmountOre <= 0:
		v.add("amount", MsgAmountPositive)
	case in.AmountOre > app.RequestedOre:
		v.add("amount", MsgAmountAboveAsk)
	}
	if err := v.err(); err != nil {
		return err
	}
	if in.AmountOre > call.RemainingOre() {
		return &OverBudgetError{AmountOre: in.AmountOre, RemainingOre: call.RemainingOre()}
	}
	return nil
}

func applyDecision(a *Application, in Input) int64 {
	a.Motivation = strings.TrimSpace(in.Comment)
	a.DecisionRef = strings.TrimSpace(in.DecisionRef)
	return 0
}

func applyGrant(a *Application, in Input) int64 {
	applyDecision(a, in)
	a.GrantedOre = in.AmountOre
	a.ReturnedOre = 0
	return in.AmountOre
}

// applyRevoke gives back everything not reported as spent. The
// revocation has its own reference: the grant's reference and motivation
// stay as they were, and the revocation's motivation is in the audit
// trail beside the grant's.
func applyRevoke(a *Application, in Input) int64 {
	a.RevocationRef = strings.TrimSpace(in.DecisionRef)
	return giveBack(a, a.GrantedOre-a.SpentOre)
}

// giveBack sets the returned amount and returns the change in the call's
// committed sum, negative when money flows back to the pot.
func giveBack(a *Application, returned int64) int64 {
	returned = max(returned, 0)
	delta := a.ReturnedOre - returned
	a.ReturnedOre = returned
	return delta
}

func checkReport(app Application, _ Call, in Input) error {
	v := &ValidationError{}
	if blank(in.Comment) {
		v.add("comment", MsgRequired)
	}
	switch {
	case in.AmountOre < 0:
		v.add("amount", MsgAmountPositive)
	case in.AmountOre > app.GrantedOre:
		v.add("amount", MsgSpentAbove)
	}
	return v.err()
}

func checkExtend(_ Application, call Call, in Input) error {
	if in.ExtendTo.IsZero() {
		return &ValidationError{Fields: map[string]string{"extend_to": MsgRequired}}
	}
	if !in.ExtendTo.After(in.Now) || !in.ExtendTo.After(call.Deadline) {
		return &ValidationError{Fields: map[string]string{"extend_to": MsgExtendPast}}
	}
	return nil
}
