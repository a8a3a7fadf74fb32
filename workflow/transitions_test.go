package workflow

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// The unit tree of the tests: the university holds two faculties, and
// each faculty holds institutions. Applications come from unitInst.
const (
	unitUniversity  int64 = 1
	unitFaculty     int64 = 10  // the faculty above unitInst
	unitInst        int64 = 100 // the applying institution
	unitSiblingInst int64 = 101 // another institution of unitFaculty
	unitOtherFac    int64 = 20  // an unrelated faculty
	unitOtherInst   int64 = 200 // an institution of unitOtherFac
)

// testNow is the moment every decision of the tests is taken.
var testNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// allowed is the intended lifecycle, written by hand from the design and
// not from the package's transitions table: which role may take which
// action from which states. A role absent from an action's map may never
// take it; admin takes no action on applications.
var allowed = map[Action]map[Role][]State{
	ActionSubmit: {RoleApplicant: {StateDraft, StateReturned}},
	ActionWithdraw: {RoleApplicant: {StateSubmitted, StateEndorsed, StateInReview,
		StateReturned, StateReadyForDecision}},
	ActionEndorse: {RoleUnitHead: {StateSubmitted}},
	ActionReturn: {
		RoleUnitHead:    {StateSubmitted},
		RoleCoordinator: {StateSubmitted, StateEndorsed, StateInReview, StateReadyForDecision},
	},
	ActionAssess:          {RoleCoordinator: {StateEndorsed, StateInReview}},
	ActionMarkReady:       {RoleCoordinator: {StateEndorsed, StateInReview}},
	ActionSendBack:        {RoleDecider: {StateReadyForDecision}},
	ActionGrant:           {RoleDecider: {StateReadyForDecision}},
	ActionReject:          {RoleDecider: {StateReadyForDecision}},
	ActionRevoke:          {RoleDecider: {StateGranted, StateBooked, StateReported, StateReportRevision}},
	ActionBook:            {RoleFinance: {StateGranted}},
	ActionReport:          {RoleApplicant: {StateBooked, StateReportRevision}},
	ActionAcceptReport:    {RoleCoordinator: {StateReported}},
	ActionRequestRevision: {RoleCoordinator: {StateReported}},
	ActionExtendDeadline:  {RoleCoordinator: {StateDraft}},
}

// impartialRoles are the roles refused to members of the applying unit
// or of a unit above it.
var impartialRoles = map[Role]bool{RoleCoordinator: true, RoleDecider: true}

// nextState is the state action leads to from s, written by hand. Submit
// depends on whether the call requires endorsement; extend_deadline keeps
// the state.
func nextState(action Action, s State, endorsement bool) State {
	switch action {
	case ActionSubmit:
		if endorsement {
			return StateSubmitted
		}
		return StateInReview
	case ActionExtendDeadline:
		return s
	}
	return map[Action]State{
		ActionWithdraw: StateWithdrawn, ActionEndorse: StateEndorsed, ActionReturn: StateReturned,
		ActionAssess: StateInReview, ActionMarkReady: StateReadyForDecision, ActionSendBack: StateInReview,
		ActionGrant: StateGranted, ActionReject: StateRejected, ActionRevoke: StateRevoked,
		ActionBook: StateBooked, ActionReport: StateReported, ActionAcceptReport: StateClosed,
		ActionRequestRevision: StateReportRevision,
	}[action]
}

// expectedErr derives from allowed what Decide must return for a
// university-wide, impartial holder of role: ErrForbidden when the role
// may never take the action, ErrInvalidTransition when not from s, nil
// otherwise.
func expectedErr(s State, action Action, role Role) error {
	states, ok := allowed[action][role]
	switch {
	case !ok:
		return ErrForbidden
	case !slices.Contains(states, s):
		return ErrInvalidTransition
	}
	return nil
}

// completeApp is a complete application of unitInst in state s. It holds
// a grant of 80 000 öre, so that a report of the valid input fits.
func completeApp(s State) Application {
	return Application{
		ID: 7, State: s, UnitID: unitInst, UnitPath: []int64{unitInst, unitFaculty, unitUniversity},
		CreatedBy: 42, RequestedOre: 100_000, GrantedOre: 80_000,
		Title: "Exchange in Lund", Summary: "A week of teaching", Purpose: "Learn",
		PeriodStart: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		PeriodEnd:   time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC),
		BudgetLines: 2, Activities: 1,
		Considerations: [5]string{"q", "r", "i", "s", "e"},
		TargetLevels:   []string{"bachelor", "master"},
	}
}

// testCall is a call with 600 000 öre left and a deadline two weeks after
// testNow.
func testCall(endorsement bool) Call {
	return Call{ID: 3, BudgetOre: 1_000_000, CommittedOre: 400_000,
		Deadline: testNow.AddDate(0, 0, 14), EndorsementRequired: endorsement}
}

// validInput is input that every action accepts on completeApp.
func validInput() Input {
	return Input{Comment: "motivation", AmountOre: 50_000, DecisionRef: "UFV 2026/17",
		Assessment: "sound plan", ExtendTo: testNow.AddDate(0, 1, 0), Now: testNow}
}

// wide is an actor holding role university-wide and belonging to units.
func wide(role Role, units ...int64) Actor {
	return Actor{UserID: 9, Grants: []Grant{{Role: role}}, Units: units}
}

// checkDecide fails t unless Decide's result matches want: the same
// error (a plain ErrForbidden must not be a conflict), or success with the
// expected next state and audit entry.
func checkDecide(t *testing.T, app Application, action Action, out Outcome, err, want error, next State) {
	t.Helper()
	if want != nil {
		if !errors.Is(err, want) {
			t.Fatalf("err = %v, want %v", err, want)
		}
		if want == ErrForbidden && errors.Is(err, ErrConflictOfInterest) {
			t.Fatalf("err = %v, want a plain ErrForbidden", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("err = %v, want success", err)
	}
	if out.App.State != next {
		t.Errorf("state = %s, want %s", out.App.State, next)
	}
	wantAudit := AuditEntry{Action: action, From: app.State, To: next, Comment: validInput().Comment}
	if out.Audit != wantAudit {
		t.Errorf("audit = %+v, want %+v", out.Audit, wantAudit)
	}
}

func TestActionsMatchExpectation(t *testing.T) {
	t.Parallel()
	want := []Action{ActionSubmit, ActionWithdraw, ActionEndorse, ActionReturn, ActionAssess,
		ActionMarkReady, ActionSendBack, ActionGrant, ActionReject, ActionRevoke, ActionBook,
		ActionReport, ActionAcceptReport, ActionRequestRevision, ActionExtendDeadline}
	if got := Actions(); !slices.Equal(got, want) {
		t.Fatalf("Actions() = %v, want %v", got, want)
	}
	if len(allowed) != len(want) {
		t.Fatalf("the expectation lists %d actions, want %d", len(allowed), len(want))
	}
	got := Actions()
	got[0] = "mutated"
	if Actions()[0] != ActionSubmit {
		t.Error("Actions() shares its backing array with the caller")
	}
}

func TestDecideEveryTriple(t *testing.T) {
	t.Parallel()
	for _, endorsement := range []bool{true, false} {
		t.Run(map[bool]string{true: "endorsement", false: "no_endorsement"}[endorsement], func(t *testing.T) {
			t.Parallel()
			for _, s := range States() {
				for _, action := range Actions() {
					for _, role := range Roles() {
						t.Run(fmt.Sprintf("%s/%s/%s", s, action, role), func(t *testing.T) {
							t.Parallel()
							app := completeApp(s)
							out, err := Decide(app, testCall(endorsement), wide(role), action, validInput())
							checkDecide(t, app, action, out, err, expectedErr(s, action, role),
								nextState(action, s, endorsement))
						})
					}
				}
			}
		})
	}
}

// memberships are the units an actor may belong to, and whether that
// makes them partial towards an application of unitInst.
var memberships = []struct {
	name    string
	units   []int64
	partial bool
}{
	{"own_unit", []int64{unitInst}, true},
	{"faculty_above", []int64{unitOtherInst, unitFaculty}, true},
	{"university", []int64{unitUniversity}, true},
	{"unrelated", []int64{unitSiblingInst, unitOtherFac, unitOtherInst}, false},
}

func TestDecideConflictOfInterest(t *testing.T) {
	t.Parallel()
	for _, s := range States() {
		for _, action := range Actions() {
			for _, role := range Roles() {
				t.Run(fmt.Sprintf("%s/%s/%s", s, action, role), func(t *testing.T) {
					t.Parallel()
					for _, m := range memberships {
						want := expectedErr(s, action, role)
						if want == nil && m.partial && impartialRoles[role] {
							want = ErrConflictOfInterest
						}
						app := completeApp(s)
						out, err := Decide(app, testCall(true), wide(role, m.units...), action, validInput())
						if want == ErrConflictOfInterest && !errors.Is(err, ErrForbidden) {
							t.Errorf("%s: err = %v, want an ErrForbidden too", m.name, err)
						}
						t.Run(m.name, func(t *testing.T) {
							checkDecide(t, app, action, out, err, want, nextState(action, s, true))
						})
					}
				})
			}
		}
	}
}

func TestUnitScopedGrant(t *testing.T) {
	t.Parallel()
	scopes := []struct {
		name   string
		unit   int64
		covers bool
	}{
		{"institution", unitInst, true},
		{"dean_of_faculty", unitFaculty, true},
		{"university_unit", unitUniversity, true},
		{"sibling_institution", unitSiblingInst, false},
		{"other_faculty", unitOtherFac, false},
		{"other_faculty_institution", unitOtherInst, false},
	}
	steps := []struct {
		role   Role
		action Action
		from   State
	}{
		{RoleApplicant, ActionSubmit, StateDraft},
		{RoleUnitHead, ActionEndorse, StateSubmitted},
		{RoleCoordinator, ActionAssess, StateInReview},
		{RoleDecider, ActionGrant, StateReadyForDecision},
		{RoleFinance, ActionBook, StateGranted},
	}
	for _, sc := range scopes {
		for _, st := range steps {
			t.Run(sc.name+"/"+string(st.role), func(t *testing.T) {
				t.Parallel()
				actor := Actor{UserID: 9, Grants: []Grant{{Role: st.role, UnitID: sc.unit}}}
				app := completeApp(st.from)
				out, err := Decide(app, testCall(true), actor, st.action, validInput())
				var want error
				if !sc.covers {
					want = ErrForbidden
				}
				checkDecide(t, app, st.action, out, err, want, nextState(st.action, st.from, true))
				// Out of scope, the state does not matter: still forbidden.
				_, err = Decide(completeApp(StateClosed), testCall(true), actor, st.action, validInput())
				if want = ErrInvalidTransition; !sc.covers {
					want = ErrForbidden
				}
				if !errors.Is(err, want) {
					t.Errorf("from closed: err = %v, want %v", err, want)
				}
			})
		}
	}
}

func TestPartialActorWithAnotherRole(t *testing.T) {
	t.Parallel()
	// A unit head who also coordinates, and belongs to the unit, may
	// return through the unit head's row but not through the coordinator's.
	actor := Actor{UserID: 9, Units: []int64{unitInst},
		Grants: []Grant{{Role: RoleCoordinator}, {Role: RoleUnitHead, UnitID: unitInst}}}
	app := completeApp(StateSubmitted)
	out, err := Decide(app, testCall(true), actor, ActionReturn, validInput())
	checkDecide(t, app, ActionReturn, out, err, nil, StateReturned)
	_, err = Decide(completeApp(StateInReview), testCall(true), actor, ActionReturn, validInput())
	if !errors.Is(err, ErrConflictOfInterest) {
		t.Errorf("from in_review: err = %v, want ErrConflictOfInterest", err)
	}
}

// wantOptions derives from allowed the options Available must offer to a
// university-wide holder of role in state s; blocked marks every option.
func wantOptions(s State, role Role, blocked error) []Option {
	var out []Option
	for _, action := range Actions() {
		if expectedErr(s, action, role) == nil {
			out = append(out, Option{Action: action, Blocked: blocked})
		}
	}
	return out
}

// equalOptions reports whether two option lists name the same actions,
// in the same order, blocked for the same reasons.
func equalOptions(got, want []Option) bool {
	return slices.EqualFunc(got, want, func(g, w Option) bool {
		return g.Action == w.Action && errors.Is(g.Blocked, w.Blocked) && (g.Blocked == nil) == (w.Blocked == nil)
	})
}

func TestAvailableEveryStateAndRole(t *testing.T) {
	t.Parallel()
	call := testCall(true)
	for _, s := range States() {
		for _, role := range Roles() {
			t.Run(string(s)+"/"+string(role), func(t *testing.T) {
				t.Parallel()
				want := wantOptions(s, role, nil)
				if got := Available(completeApp(s), call, wide(role, unitUniversity+1000), testNow); !equalOptions(got, want) {
					t.Errorf("impartial: Available = %v, want %v", got, want)
				}
				var blocked error
				if impartialRoles[role] {
					blocked = ErrConflictOfInterest
				}
				want = wantOptions(s, role, blocked)
				if got := Available(completeApp(s), call, wide(role, unitFaculty), testNow); !equalOptions(got, want) {
					t.Errorf("partial: Available = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestAvailableDeadline(t *testing.T) {
	t.Parallel()
	call := testCall(true)
	call.Deadline = testNow.Add(-time.Hour)
	lateDraft := []Option{{Action: ActionSubmit, Blocked: ErrDeadlinePassed}}
	if got := Available(completeApp(StateDraft), call, wide(RoleApplicant), testNow); !equalOptions(got, lateDraft) {
		t.Errorf("late draft: Available = %v, want %v", got, lateDraft)
	}
	extended := completeApp(StateDraft)
	extended.DeadlineExtendedTo = testNow.Add(time.Hour)
	if got, want := Available(extended, call, wide(RoleApplicant), testNow), wantOptions(StateDraft, RoleApplicant, nil); !equalOptions(got, want) {
		t.Errorf("extended draft: Available = %v, want %v", got, want)
	}
	if got, want := Available(completeApp(StateReturned), call, wide(RoleApplicant), testNow), wantOptions(StateReturned, RoleApplicant, nil); !equalOptions(got, want) {
		t.Errorf("late returned: Available = %v, want %v", got, want)
	}
	if got := Available(completeApp(StateDraft), call, Actor{UserID: 9}, testNow); len(got) != 0 {
		t.Errorf("no grants: Available = %v, want nothing", got)
	}
}

func TestDecideDoesNotMutateCaller(t *testing.T) {
	t.Parallel()
	for _, action := range Actions() {
		for role, states := range allowed[action] {
			for _, s := range states {
				app := completeApp(s)
				path, levels := slices.Clone(app.UnitPath), slices.Clone(app.TargetLevels)
				out, err := Decide(app, testCall(true), wide(role), action, validInput())
				if err != nil {
					t.Fatalf("%s/%s/%s: %v", s, action, role, err)
				}
				out.App.UnitPath[0], out.App.TargetLevels[0] = -1, "changed"
				if !slices.Equal(app.UnitPath, path) || !slices.Equal(app.TargetLevels, levels) {
					t.Errorf("%s/%s/%s: the caller's slices changed to %v, %v", s, action, role,
						app.UnitPath, app.TargetLevels)
				}
				if app.State != s {
					t.Errorf("%s/%s/%s: the caller's state changed to %s", s, action, role, app.State)
				}
			}
		}
	}
}

// TestConflictWithoutUnitPath checks that the applying unit itself counts
// even when the caller did not fill in the path above it.
func TestConflictWithoutUnitPath(t *testing.T) {
	t.Parallel()
	app := completeApp(StateInReview)
	app.UnitPath = nil
	_, err := Decide(app, testCall(true), wide(RoleCoordinator, unitInst), ActionReturn, validInput())
	if !errors.Is(err, ErrConflictOfInterest) {
		t.Errorf("member of the applying unit returned it: err = %v", err)
	}
	scoped := Actor{UserID: 5, Grants: []Grant{{Role: RoleUnitHead, UnitID: unitInst}}}
	app.State = StateSubmitted
	if _, err := Decide(app, testCall(true), scoped, ActionEndorse, validInput()); err != nil {
		t.Errorf("unit head of the applying unit: %v", err)
	}
}

// TestNoticeEventsListed fails when a notice of the lifecycle uses an
// event that Events does not list: notify checks that every listed event
// has its mail templates.
func TestNoticeEventsListed(t *testing.T) {
	t.Parallel()
	listed := Events()
	seen := 0
	for _, tr := range transitions {
		for _, n := range tr.notices {
			seen++
			if !slices.Contains(listed, n.event) {
				t.Errorf("%s by %s notifies %q, which Events does not list", tr.action, tr.role, n.event)
			}
		}
	}
	if seen < 15 {
		t.Fatalf("found only %d notice rules", seen)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(listed)))) != len(listed) {
		t.Error("Events lists an event twice")
	}
}

func TestTasks(t *testing.T) {
	t.Parallel()
	late := testCall(true)
	late.Deadline = testNow.Add(-time.Hour)
	tests := []struct {
		name  string
		state State
		call  Call
		actor Actor
		want  []Action
	}{
		{"DraftWaitsForApplicant", StateDraft, testCall(true), wide(RoleApplicant), []Action{ActionSubmit}},
		{"LateDraftWaitsForNobody", StateDraft, late, wide(RoleApplicant), nil},
		{"ReturnedWaitsForApplicantAfterDeadline", StateReturned, late, wide(RoleApplicant), []Action{ActionSubmit}},
		{"SubmittedWaitsForUnitHead", StateSubmitted, testCall(true), wide(RoleUnitHead), []Action{ActionEndorse}},
		{"EndorsedWaitsForCoordinator", StateEndorsed, testCall(true), wide(RoleCoordinator), []Action{ActionAssess, ActionMarkReady}},
		{"CoordinatorOfTheUnitHasNoTask", StateEndorsed, testCall(true), wide(RoleCoordinator, unitInst), nil},
		{"ReadyWaitsForDecider", StateReadyForDecision, testCall(true), wide(RoleDecider), []Action{ActionGrant}},
		{"RevokeIsNoTask", StateBooked, testCall(true), wide(RoleDecider), nil},
		{"GrantedWaitsForFinance", StateGranted, testCall(true), wide(RoleFinance), []Action{ActionBook}},
		{"BookedWaitsForReport", StateBooked, testCall(true), wide(RoleApplicant), []Action{ActionReport}},
		{"ReportedWaitsForCoordinator", StateReported, testCall(true), wide(RoleCoordinator), []Action{ActionAcceptReport}},
		{"ClosedWaitsForNobody", StateClosed, testCall(true), wide(RoleCoordinator), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tasks(completeApp(tt.state), tt.call, tt.actor, testNow); !slices.Equal(got, tt.want) {
				t.Errorf("Tasks = %v, want %v", got, tt.want)
			}
		})
	}
	for _, s := range States() {
		if Settled(s) != (s == StateWithdrawn || s == StateRejected || s == StateClosed || s == StateRevoked) {
			t.Errorf("Settled(%s) = %v", s, Settled(s))
		}
	}
}

// TestTaskReach checks TaskReach against Tasks itself: no application
// outside the reach waits for the actor, in any state, for any role and
// grant, before and after the deadline.
func TestTaskReach(t *testing.T) {
	t.Parallel()
	late := testCall(true)
	late.Deadline = testNow.Add(-time.Hour)
	paths := map[int64][]int64{unitUniversity: {unitUniversity}, unitFaculty: {unitFaculty, unitUniversity},
		unitInst: {unitInst, unitFaculty, unitUniversity}}
	for _, role := range Roles() {
		for _, grantUnit := range []int64{0, unitFaculty, unitInst} {
			actor := Actor{UserID: 1, Grants: []Grant{{Role: role, UnitID: grantUnit}}}
			states, reach := TaskReach(actor)
			for _, s := range States() {
				for unit, path := range paths {
					app := completeApp(s)
					app.UnitID, app.UnitPath = unit, path
					for _, call := range []Call{testCall(true), testCall(false), late} {
						if len(Tasks(app, call, actor, testNow)) == 0 {
							continue
						}
						inUnits := slices.Contains(reach, 0) || slices.ContainsFunc(app.UnitPath, func(u int64) bool { return slices.Contains(reach, u) })
						if !slices.Contains(states, s) || !inUnits {
							t.Errorf("%s on %d: a task in %s at unit %d, outside the reach %v %v", role, grantUnit, s, unit, states, reach)
						}
					}
				}
			}
		}
	}
	if states, units := TaskReach(Actor{UserID: 1, Grants: []Grant{{Role: RoleAdmin}}}); states != nil || units != nil {
		t.Errorf("an admin's reach = %v %v, want none: no task action is theirs", states, units)
	}
	states, units := TaskReach(Actor{Grants: []Grant{{Role: RoleCoordinator}, {Role: RoleApplicant, UnitID: unitInst}}})
	if want := []State{StateEndorsed, StateInReview, StateReported, StateDraft, StateReturned, StateBooked, StateReportRevision}; len(states) != len(want) {
		t.Errorf("states = %v, want %v in some order", states, want)
	}
	if !slices.Equal(units, []int64{0, unitInst}) {
		t.Errorf("units = %v, want [0 %d]", units, unitInst)
	}
}
