package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// mustDecide runs Decide as a university-wide holder of role and fails t
// on any error.
func mustDecide(t *testing.T, app Application, call Call, role Role, action Action, in Input) Outcome {
	t.Helper()
	out, err := Decide(app, call, wide(role), action, in)
	if err != nil {
		t.Fatalf("%s as %s from %s: %v", action, role, app.State, err)
	}
	return out
}

// wantField fails t unless err is a *ValidationError whose Fields map
// field to msg.
func wantField(t *testing.T, err error, field, msg string) {
	t.Helper()
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	if got, ok := v.Fields[field]; !ok || got != msg {
		t.Fatalf("Fields = %v, want %s: %s", v.Fields, field, msg)
	}
}

func TestGrantMoney(t *testing.T) {
	t.Parallel()
	app := completeApp(StateReadyForDecision)
	app.GrantedOre = 0
	call := testCall(true) // 600 000 öre remain; 100 000 requested
	in := validInput()
	for _, amount := range []int64{0, -1} {
		in.AmountOre = amount
		_, err := Decide(app, call, wide(RoleDecider), ActionGrant, in)
		wantField(t, err, "amount", MsgAmountPositive)
	}
	in.AmountOre = app.RequestedOre + 1
	_, err := Decide(app, call, wide(RoleDecider), ActionGrant, in)
	wantField(t, err, "amount", MsgAmountAboveAsk)
	if errors.Is(err, ErrOverBudget) {
		t.Error("above the request is a validation error, not over budget")
	}

	call.CommittedOre = call.BudgetOre - 40_000
	in.AmountOre = 40_001
	_, err = Decide(app, call, wide(RoleDecider), ActionGrant, in)
	var over *OverBudgetError
	if !errors.As(err, &over) || !errors.Is(err, ErrOverBudget) {
		t.Fatalf("err = %v, want an *OverBudgetError", err)
	}
	if over.AmountOre != 40_001 || over.RemainingOre != 40_000 {
		t.Errorf("OverBudgetError = %+v, want 40001 of 40000", over)
	}

	in.AmountOre = 40_000 // exactly what remains
	out := mustDecide(t, app, call, RoleDecider, ActionGrant, in)
	if out.CommittedDelta != 40_000 || out.App.GrantedOre != 40_000 || out.App.ReturnedOre != 0 {
		t.Errorf("delta %d, granted %d, returned %d; want 40000, 40000, 0",
			out.CommittedDelta, out.App.GrantedOre, out.App.ReturnedOre)
	}
	if out.App.StandingOre() != 40_000 || out.App.DecisionRef != in.DecisionRef || out.App.Motivation != in.Comment {
		t.Errorf("standing %d, ref %q, motivation %q", out.App.StandingOre(), out.App.DecisionRef, out.App.Motivation)
	}
}

func TestMoneyFlowsBack(t *testing.T) {
	t.Parallel()
	cases := []struct {
		action       Action
		role         Role
		from         State
		spent        int64
		wantReturn   int64
		wantStanding int64
	}{
		{ActionRevoke, RoleDecider, StateGranted, 0, 80_000, 0},
		{ActionRevoke, RoleDecider, StateBooked, 0, 80_000, 0},
		{ActionRevoke, RoleDecider, StateReported, 30_000, 50_000, 30_000},
		{ActionRevoke, RoleDecider, StateReportRevision, 30_000, 50_000, 30_000},
		{ActionAcceptReport, RoleCoordinator, StateReported, 30_000, 50_000, 30_000},
		{ActionAcceptReport, RoleCoordinator, StateReported, 80_000, 0, 80_000},
	}
	for _, c := range cases {
		app := completeApp(c.from) // granted 80 000
		app.SpentOre = c.spent
		out := mustDecide(t, app, testCall(true), c.role, c.action, validInput())
		if out.CommittedDelta != -c.wantReturn || out.App.ReturnedOre != c.wantReturn {
			t.Errorf("%s from %s: delta %d, returned %d; want %d, %d", c.action, c.from,
				out.CommittedDelta, out.App.ReturnedOre, -c.wantReturn, c.wantReturn)
		}
		if got := out.App.StandingOre(); got != c.wantStanding {
			t.Errorf("%s from %s: standing %d, want %d", c.action, c.from, got, c.wantStanding)
		}
	}
}

func TestReportMoney(t *testing.T) {
	t.Parallel()
	app := completeApp(StateBooked) // granted 80 000
	in := validInput()
	in.AmountOre = 80_001
	_, err := Decide(app, testCall(true), wide(RoleApplicant), ActionReport, in)
	wantField(t, err, "amount", MsgSpentAbove)
	in.AmountOre = -1
	_, err = Decide(app, testCall(true), wide(RoleApplicant), ActionReport, in)
	wantField(t, err, "amount", MsgAmountPositive)
	in.AmountOre, in.Comment = 80_000, ""
	_, err = Decide(app, testCall(true), wide(RoleApplicant), ActionReport, in)
	wantField(t, err, "comment", MsgRequired)
	in.Comment = "done"
	out := mustDecide(t, app, testCall(true), RoleApplicant, ActionReport, in)
	if out.App.SpentOre != 80_000 || out.CommittedDelta != 0 {
		t.Errorf("spent %d, delta %d; want 80000, 0", out.App.SpentOre, out.CommittedDelta)
	}
}

func TestHoldsMoneyAndStanding(t *testing.T) {
	t.Parallel()
	holds := []State{StateGranted, StateBooked, StateReported, StateReportRevision, StateClosed, StateRevoked}
	for _, s := range States() {
		want := slices.Contains(holds, s)
		if HoldsMoney(s) != want {
			t.Errorf("HoldsMoney(%s) = %v, want %v", s, !want, want)
		}
		if got, wantDecided := Decided(s), want || s == StateRejected; got != wantDecided {
			t.Errorf("Decided(%s) = %v, want %v", s, got, wantDecided)
		}
		app := Application{State: s, GrantedOre: 80_000, ReturnedOre: 30_000}
		wantStanding := int64(0)
		if want {
			wantStanding = 50_000
		}
		if got := app.StandingOre(); got != wantStanding {
			t.Errorf("StandingOre in %s = %d, want %d", s, got, wantStanding)
		}
	}
}

func TestDecisionInputRequired(t *testing.T) {
	t.Parallel()
	steps := []struct {
		role   Role
		action Action
		from   State
		fields []string
	}{
		{RoleUnitHead, ActionReturn, StateSubmitted, []string{"comment"}},
		{RoleCoordinator, ActionReturn, StateInReview, []string{"comment"}},
		{RoleDecider, ActionSendBack, StateReadyForDecision, []string{"comment"}},
		{RoleCoordinator, ActionRequestRevision, StateReported, []string{"comment"}},
		{RoleDecider, ActionReject, StateReadyForDecision, []string{"comment", "decision_ref"}},
		{RoleDecider, ActionGrant, StateReadyForDecision, []string{"comment", "decision_ref"}},
		{RoleDecider, ActionRevoke, StateBooked, []string{"comment", "decision_ref"}},
	}
	for _, st := range steps {
		for _, field := range st.fields {
			in := validInput()
			switch field {
			case "comment":
				in.Comment = " \t"
			case "decision_ref":
				in.DecisionRef = " "
			}
			_, err := Decide(completeApp(st.from), testCall(true), wide(st.role), st.action, in)
			wantField(t, err, field, MsgRequired)
		}
	}
}

func TestIncomplete(t *testing.T) {
	t.Parallel()
	if err := Incomplete(completeApp(StateDraft)); err != nil {
		t.Fatalf("complete application: %v", err)
	}
	cases := []struct {
		field, msg string
		spoil      func(*Application)
	}{
		{"title", MsgRequired, func(a *Application) { a.Title = " " }},
		{"summary", MsgRequired, func(a *Application) { a.Summary = "" }},
		{"purpose", MsgRequired, func(a *Application) { a.Purpose = "\n" }},
		{"period_start", MsgRequired, func(a *Application) { a.PeriodStart = time.Time{} }},
		{"period_end", MsgRequired, func(a *Application) { a.PeriodEnd = time.Time{} }},
		{"period_end", MsgPeriodOrder, func(a *Application) { a.PeriodEnd = a.PeriodStart.Add(-time.Hour) }},
		{"budget", MsgBudgetEmpty, func(a *Application) { a.BudgetLines = 0 }},
		{"budget", MsgBudgetEmpty, func(a *Application) { a.RequestedOre = 0 }},
		{"activities", MsgActivityNone, func(a *Application) { a.Activities = 0 }},
		{"target_levels", MsgLevelNone, func(a *Application) { a.TargetLevels = nil }},
	}
	for i, name := range ConsiderationFields {
		cases = append(cases, struct {
			field, msg string
			spoil      func(*Application)
		}{"consideration_" + name, MsgRequired, func(a *Application) { a.Considerations[i] = " " }})
	}
	for _, c := range cases {
		app := completeApp(StateDraft)
		c.spoil(&app)
		err := Incomplete(app)
		wantField(t, err, c.field, c.msg)
		if n := len(err.(*ValidationError).Fields); n != 1 {
			t.Errorf("%s: %d fields named, want 1: %v", c.field, n, err)
		}
		_, err = Decide(app, testCall(true), wide(RoleApplicant), ActionSubmit, validInput())
		wantField(t, err, c.field, c.msg)
	}
	same := completeApp(StateDraft)
	same.PeriodEnd = same.PeriodStart
	if err := Incomplete(same); err != nil {
		t.Errorf("a one-day period: %v", err)
	}
}

func TestAssessAndMarkReady(t *testing.T) {
	t.Parallel()
	app := completeApp(StateInReview)
	_, err := Decide(app, testCall(true), wide(RoleCoordinator), ActionMarkReady, Input{Now: testNow})
	wantField(t, err, "assessment", MsgRequired)
	wantField(t, err, "amount", MsgRequired)
	_, err = Decide(app, testCall(true), wide(RoleCoordinator), ActionMarkReady,
		Input{Assessment: "ok", AmountOre: app.RequestedOre + 1})
	wantField(t, err, "amount", MsgAmountAboveAsk)

	_, err = Decide(app, testCall(true), wide(RoleCoordinator), ActionAssess, Input{})
	wantField(t, err, "assessment", MsgRequired)
	_, err = Decide(app, testCall(true), wide(RoleCoordinator), ActionAssess, Input{Assessment: "x", AmountOre: -5})
	wantField(t, err, "amount", MsgAmountPositive)
	// Saved in steps: the amount first, the text afterwards.
	out := mustDecide(t, app, testCall(true), RoleCoordinator, ActionAssess, Input{AmountOre: 60_000})
	out = mustDecide(t, out.App, testCall(true), RoleCoordinator, ActionAssess, Input{Assessment: "  fine  "})
	if out.App.RecommendedOre != 60_000 || out.App.Assessment != "fine" || out.App.State != StateInReview {
		t.Fatalf("after assess: %d, %q, %s", out.App.RecommendedOre, out.App.Assessment, out.App.State)
	}
	// What was saved before is enough to mark ready.
	out = mustDecide(t, out.App, testCall(true), RoleCoordinator, ActionMarkReady, Input{})
	if out.App.State != StateReadyForDecision || out.App.RecommendedOre != 60_000 {
		t.Errorf("after mark_ready: %s, %d", out.App.State, out.App.RecommendedOre)
	}
}

func TestExtendDeadline(t *testing.T) {
	t.Parallel()
	app := completeApp(StateDraft)
	for _, c := range []struct {
		to  time.Time
		msg string
	}{{time.Time{}, MsgRequired}, {testNow.Add(-time.Hour), MsgExtendPast}, {testNow, MsgExtendPast},
		{testNow.AddDate(0, 0, 7), MsgExtendPast}} { // before the call's own deadline
		_, err := Decide(app, testCall(true), wide(RoleCoordinator), ActionExtendDeadline, Input{ExtendTo: c.to, Now: testNow})
		wantField(t, err, "extend_to", c.msg)
	}
	to := testNow.AddDate(0, 0, 30)
	out := mustDecide(t, app, testCall(true), RoleCoordinator, ActionExtendDeadline, Input{ExtendTo: to, Now: testNow})
	if !out.App.DeadlineExtendedTo.Equal(to) || out.CommittedDelta != 0 {
		t.Errorf("extended to %v, delta %d", out.App.DeadlineExtendedTo, out.CommittedDelta)
	}
}

func TestSubmitDeadline(t *testing.T) {
	t.Parallel()
	call := testCall(true)
	after := Input{Now: call.Deadline.Add(time.Minute)}
	cases := []struct {
		name     string
		state    State
		extended time.Time
		in       Input
		late     bool
	}{
		{"draft_before", StateDraft, time.Time{}, Input{Now: call.Deadline.Add(-time.Minute)}, false},
		{"draft_at_deadline", StateDraft, time.Time{}, Input{Now: call.Deadline}, false},
		{"draft_after", StateDraft, time.Time{}, after, true},
		{"draft_extended", StateDraft, call.Deadline.Add(time.Hour), after, false},
		{"draft_extension_over", StateDraft, call.Deadline.Add(time.Second), after, true},
		{"draft_extension_earlier", StateDraft, call.Deadline.Add(-time.Hour), after, true},
		{"returned_after", StateReturned, time.Time{}, after, false},
	}
	for _, c := range cases {
		app := completeApp(c.state)
		app.DeadlineExtendedTo = c.extended
		_, err := Decide(app, call, wide(RoleApplicant), ActionSubmit, c.in)
		if got := errors.Is(err, ErrDeadlinePassed); got != c.late || (!c.late && err != nil) {
			t.Errorf("%s: err = %v, late %v", c.name, err, c.late)
		}
	}
	call.Deadline = time.Time{} // no deadline: never late
	if _, err := Decide(completeApp(StateDraft), call, wide(RoleApplicant), ActionSubmit, after); err != nil {
		t.Errorf("no deadline: %v", err)
	}
}

// sortedNotices returns the notices ordered by event and recipient, so
// that tests do not depend on the order they are listed in.
func sortedNotices(ns []Notice) []Notice {
	ns = slices.Clone(ns)
	slices.SortFunc(ns, func(a, b Notice) int {
		return strings.Compare(string(a.Event)+"/"+string(a.To.Kind), string(b.Event)+"/"+string(b.To.Kind))
	})
	return ns
}

func TestNotices(t *testing.T) {
	t.Parallel()
	n := func(event Event, to RecipientKind) Notice { return Notice{Event: event, To: Recipient{Kind: to}} }
	cases := []struct {
		name   string
		role   Role
		action Action
		from   State
		call   Call
		want   []Notice
	}{
		{"submit_endorsement", RoleApplicant, ActionSubmit, StateDraft, testCall(true),
			[]Notice{n("awaiting_endorsement", RecipientUnitHeads), n("submitted", RecipientApplicants)}},
		{"submit_direct", RoleApplicant, ActionSubmit, StateReturned, testCall(false),
			[]Notice{n("awaiting_review", RecipientCoordinators), n("submitted", RecipientApplicants)}},
		{"grant", RoleDecider, ActionGrant, StateReadyForDecision, testCall(true),
			[]Notice{n("granted", RecipientApplicants), n("decided", RecipientUnitHeads), n("decided", RecipientCoordinators),
				n("awaiting_booking", RecipientFinance)}},
		{"reject", RoleDecider, ActionReject, StateReadyForDecision, testCall(true),
			[]Notice{n("rejected", RecipientApplicants), n("decided", RecipientUnitHeads), n("decided", RecipientCoordinators)}},
		{"mark_ready", RoleCoordinator, ActionMarkReady, StateInReview, testCall(true),
			[]Notice{n("awaiting_decision", RecipientDeciders)}},
		{"endorse", RoleUnitHead, ActionEndorse, StateSubmitted, testCall(true),
			[]Notice{n("awaiting_review", RecipientCoordinators), n("endorsed", RecipientApplicants)}},
		{"assess", RoleCoordinator, ActionAssess, StateInReview, testCall(true), nil},
	}
	for _, c := range cases {
		out := mustDecide(t, completeApp(c.from), c.call, c.role, c.action, validInput())
		if got := sortedNotices(out.Notices); !slices.Equal(got, sortedNotices(c.want)) {
			t.Errorf("%s: notices = %v, want %v", c.name, out.Notices, c.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	if !errors.Is(ErrConflictOfInterest, ErrForbidden) || errors.Is(ErrForbidden, ErrConflictOfInterest) {
		t.Error("a conflict must be an ErrForbidden, and not the other way round")
	}
	v := &ValidationError{Fields: map[string]string{"title": MsgRequired, "budget": MsgBudgetEmpty}}
	if want := "workflow: invalid input: budget: " + MsgBudgetEmpty + ", title: " + MsgRequired; v.Error() != want {
		t.Errorf("Error() = %q, want %q", v.Error(), want)
	}
	over := &OverBudgetError{AmountOre: 5, RemainingOre: 3}
	if !strings.Contains(over.Error(), "5") || !strings.Contains(over.Error(), "3") {
		t.Errorf("Error() = %q names neither amount", over.Error())
	}
}

// TestEditable checks who may change an application's content, and when.
func TestEditable(t *testing.T) {
	t.Parallel()
	for _, s := range States() {
		app := completeApp(s)
		want := error(ErrInvalidTransition)
		if s == StateDraft || s == StateReturned {
			want = nil
		}
		if err := Editable(app, wide(RoleApplicant)); err != want {
			t.Errorf("%s: applicant: %v, want %v", s, err, want)
		}
		for _, r := range []Role{RoleUnitHead, RoleCoordinator, RoleDecider, RoleFinance, RoleAdmin} {
			if err := Editable(app, wide(r)); err != ErrForbidden {
				t.Errorf("%s: %s: %v, want ErrForbidden", s, r, err)
			}
		}
	}
	sibling := Actor{UserID: 3, Grants: []Grant{{Role: RoleApplicant, UnitID: unitSiblingInst}}}
	if err := Editable(completeApp(StateDraft), sibling); err != ErrForbidden {
		t.Errorf("applicant of a sibling unit: %v, want ErrForbidden", err)
	}
	if !MayApplyFor(Actor{Grants: []Grant{{Role: RoleApplicant, UnitID: unitFaculty}}}, []int64{unitInst, unitFaculty}) {
		t.Error("an applicant of the faculty may not apply for its institution")
	}
	if MayApplyFor(sibling, []int64{unitInst, unitFaculty}) || MayApplyFor(sibling, nil) {
		t.Error("an applicant of a sibling unit may apply")
	}
}

func TestInputLengths(t *testing.T) {
	t.Parallel()
	in := validInput()
	in.Comment = strings.Repeat("ö", MaxMessage)
	if _, err := Decide(completeApp(StateSubmitted), testCall(true), wide(RoleUnitHead), ActionReturn, in); err != nil {
		t.Fatalf("a message at the limit: %v", err)
	}
	in.Comment += "ö"
	in.DecisionRef = strings.Repeat("1", MaxReference+1)
	_, err := Decide(completeApp(StateReadyForDecision), testCall(true), wide(RoleDecider), ActionGrant, in)
	wantField(t, err, "comment", MsgTooLong)
	wantField(t, err, "decision_ref", MsgTooLong)
}
