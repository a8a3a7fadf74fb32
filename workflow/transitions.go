package workflow

import (
	"slices"
	"time"
)

// transition is one row of the lifecycle: who may take action from
// which states, and what it does. An action may have several rows, one
// per role, when roles may take it from different states.
type transition struct {
	action Action
	role   Role
	from   []State
	// to is the state afterwards; next overrides it when the state
	// depends on the call.
	to   State
	next func(Application, Call) State
	// impartial rows are refused to people who belong to the applying
	// unit or a unit above it.
	impartial bool
	// check validates the input against the application and the call.
	check func(Application, Call, Input) error
	// apply writes the input onto the application and returns how much
	// the call's committed sum moves.
	apply   func(*Application, Input) int64
	notices []noticeRule
	// onReturn are notices sent only when the action gives money back to
	// the pot, so that finance hears of every return it must book.
	onReturn []noticeRule
}

type noticeRule struct {
	event Event
	to    RecipientKind
	when  State // only when the new state is this one; "" for always
}

var (
	preDecision         = []State{StateSubmitted, StateEndorsed, StateInReview, StateReturned, StateReadyForDecision}
	awaitingCoordinator = []State{StateSubmitted, StateEndorsed, StateInReview, StateReadyForDecision}
	afterGrant          = []State{StateGranted, StateBooked, StateReported, StateReportRevision}
)

// transitions is the whole lifecycle. Actions() lists actions in the
// order of their first row here.
var transitions = []transition{
	{action: ActionSubmit, role: RoleApplicant, from: []State{StateDraft, StateReturned},
		next: func(_ Application, c Call) State {
			if c.EndorsementRequired {
				return StateSubmitted
			}
			return StateInReview
		},
		check: checkSubmit,
		notices: []noticeRule{
			{EventAwaitingEndorsement, RecipientUnitHeads, StateSubmitted},
			{EventAwaitingReview, RecipientCoordinators, StateInReview},
			{EventSubmitted, RecipientApplicants, ""},
		}},
	{action: ActionWithdraw, role: RoleApplicant, from: preDecision, to: StateWithdrawn,
		notices: []noticeRule{{EventWithdrawn, RecipientCoordinators, ""}}},
	{action: ActionEndorse, role: RoleUnitHead, from: []State{StateSubmitted}, to: StateEndorsed,
		notices: []noticeRule{{EventAwaitingReview, RecipientCoordinators, ""}, {EventEndorsed, RecipientApplicants, ""}}},
	{action: ActionReturn, role: RoleUnitHead, from: []State{StateSubmitted}, to: StateReturned,
		check: needComment, notices: []noticeRule{{EventReturned, RecipientApplicants, ""}}},
	{action: ActionReturn, role: RoleCoordinator, from: awaitingCoordinator, to: StateReturned, impartial: true,
		check: needComment, notices: []noticeRule{{EventReturned, RecipientApplicants, ""}}},
	{action: ActionAssess, role: RoleCoordinator, from: []State{StateEndorsed, StateInReview}, to: StateInReview, impartial: true,
		check: checkAssess, apply: applyAssess},
	{action: ActionMarkReady, role: RoleCoordinator, from: []State{StateEndorsed, StateInReview}, to: StateReadyForDecision, impartial: true,
		check: checkMarkReady, apply: applyAssess,
		notices: []noticeRule{{EventAwaitingDecision, RecipientDeciders, ""}}},
	{action: ActionSendBack, role: RoleDecider, from: []State{StateReadyForDecision}, to: StateInReview, impartial: true,
		check: needComment, notices: []noticeRule{{EventSentBack, RecipientCoordinators, ""}}},
	{action: ActionGrant, role: RoleDecider, from: []State{StateReadyForDecision}, to: StateGranted, impartial: true,
		check: checkGrant, apply: applyGrant,
		notices: []noticeRule{{EventGranted, RecipientApplicants, ""}, {EventDecided, RecipientUnitHeads, ""}, {EventDecided, RecipientCoordinators, ""},
			{EventAwaitingBooking, RecipientFinance, ""}}},
	{action: ActionReject, role: RoleDecider, from: []State{StateReadyForDecision}, to: StateRejected, impartial: true,
		check: checkDecision, apply: applyDecision,
		notices: []noticeRule{{EventRejected, RecipientApplicants, ""}, {EventDecided, RecipientUnitHeads, ""}, {EventDecided, RecipientCoordinators, ""}}},
	{action: ActionRevoke, role: RoleDecider, from: afterGrant, to: StateRevoked, impartial: true,
		check: checkDecision, apply: applyRevoke,
		notices: []noticeRule{{EventRevoked, RecipientApplicants, ""}, {EventRevoked, RecipientUnitHeads, ""}, {EventRevoked, RecipientCoordinators, ""},
			{EventRevoked, RecipientFinance, ""}}},
	{action: ActionBook, role: RoleFinance, from: []State{StateGranted}, to: StateBooked,
		notices: []noticeRule{{EventBooked, RecipientApplicants, ""}}},
	{action: ActionReport, role: RoleApplicant, from: []State{StateBooked, StateReportRevision}, to: StateReported,
		check: checkReport, apply: func(a *Application, in Input) int64 { a.SpentOre = in.AmountOre; return 0 },
		notices: []noticeRule{{EventReported, RecipientCoordinators, ""}}},
	{action: ActionAcceptReport, role: RoleCoordinator, from: []State{StateReported}, to: StateClosed, impartial: true,
		apply:    func(a *Application, _ Input) int64 { return giveBack(a, a.GrantedOre-a.SpentOre) },
		notices:  []noticeRule{{EventReportAccepted, RecipientApplicants, ""}},
		onReturn: []noticeRule{{EventReturnWaiting, RecipientFinance, ""}}},
	{action: ActionRequestRevision, role: RoleCoordinator, from: []State{StateReported}, to: StateReportRevision, impartial: true,
		check: needComment, notices: []noticeRule{{EventReportRevision, RecipientApplicants, ""}}},
	{action: ActionExtendDeadline, role: RoleCoordinator, from: []State{StateDraft}, impartial: true,
		check: checkExtend, apply: func(a *Application, in Input) int64 { a.DeadlineExtendedTo = in.ExtendTo; return 0 },
		notices: []noticeRule{{EventDeadlineExtended, RecipientApplicants, ""}}},
}

func init() {
	seen := map[Action]bool{}
	for _, t := range transitions {
		if !seen[t.action] {
			seen[t.action] = true
			actionOrder = append(actionOrder, t.action)
		}
	}
}

var actionOrder []Action

// path is the application's unit and the units above it; the unit
// itself even when the caller left UnitPath empty.
func (app Application) path() []int64 {
	if len(app.UnitPath) == 0 || app.UnitPath[0] != app.UnitID {
		return append([]int64{app.UnitID}, app.UnitPath...)
	}
	return app.UnitPath
}

// covers reports whether the actor holds role for the application: a
// university-wide grant, or one for its unit or a unit above it.
func (a Actor) covers(role Role, app Application) bool {
	for _, g := range a.Grants {
		if g.Role == role && (g.UnitID == 0 || slices.Contains(app.path(), g.UnitID)) {
			return true
		}
	}
	return false
}

// partial reports whether the actor belongs to the application's unit or
// to a unit above it.
func (a Actor) partial(app Application) bool {
	for _, u := range a.Units {
		if slices.Contains(app.path(), u) {
			return true
		}
	}
	return false
}

// pick finds the row the actor may use for action in the application's
// state, or says why there is none: ErrForbidden when no role of theirs
// allows the action, ErrInvalidTransition when none allows it in this
// state, ErrConflictOfInterest when every such row needs impartiality.
func pick(app Application, actor Actor, action Action) (*transition, error) {
	err := ErrForbidden
	for i := range transitions {
		t := &transitions[i]
		if t.action != action || !actor.covers(t.role, app) {
			continue
		}
		if !slices.Contains(t.from, app.State) {
			if err == ErrForbidden {
				err = ErrInvalidTransition
			}
			continue
		}
		if t.impartial && actor.partial(app) {
			err = ErrConflictOfInterest
			continue
		}
		return t, nil
	}
	return nil, err
}

// Decide takes action on app as actor and returns what must be persisted.
// It returns ErrForbidden (or ErrConflictOfInterest, which is one) when
// the actor may not, ErrInvalidTransition when the state does not allow
// it, ErrDeadlinePassed for a late submission, an *OverBudgetError when a
// grant exceeds what is requested or remains, and a *ValidationError for
// incomplete input or an incomplete application.
func Decide(app Application, call Call, actor Actor, action Action, in Input) (Outcome, error) {
	t, err := pick(app, actor, action)
	if err != nil {
		return Outcome{}, err
	}
	if err := checkLengths(in); err != nil {
		return Outcome{}, err
	}
	if t.check != nil {
		if err := t.check(app, call, in); err != nil {
			return Outcome{}, err
		}
	}
	out := Outcome{App: app}
	out.App.UnitPath = slices.Clone(app.UnitPath)
	out.App.TargetLevels = slices.Clone(app.TargetLevels)
	if t.apply != nil {
		out.CommittedDelta = t.apply(&out.App, in)
	}
	switch {
	case t.next != nil:
		out.App.State = t.next(app, call)
	case t.to != "":
		out.App.State = t.to
	}
	out.Audit = AuditEntry{Action: action, From: app.State, To: out.App.State, Comment: in.Comment}
	rules := t.notices
	if out.CommittedDelta < 0 {
		rules = append(slices.Clip(rules), t.onReturn...)
	}
	for _, n := range rules {
		if n.when == "" || n.when == out.App.State {
			out.Notices = append(out.Notices, Notice{Event: n.event, To: Recipient{Kind: n.to}})
		}
	}
	return out, nil
}

// Option is an action the actor could take now. Blocked, when not nil,
// says why it is not offered: ErrConflictOfInterest or ErrDeadlinePassed.
type Option struct {
	Action  Action
	Blocked error
}

// Available lists the actions the actor's roles allow in the
// application's state at now, in lifecycle order, with the reason for any
// that is blocked, so that a page can say why a button is missing.
func Available(app Application, call Call, actor Actor, now time.Time) []Option {
	var out []Option
	for _, action := range actionOrder {
		_, err := pick(app, actor, action)
		switch {
		case err == nil:
			if action == ActionSubmit && app.State == StateDraft && late(app, call, Input{Now: now}) {
				out = append(out, Option{Action: action, Blocked: ErrDeadlinePassed})
				continue
			}
			out = append(out, Option{Action: action})
		case err == ErrConflictOfInterest:
			out = append(out, Option{Action: action, Blocked: err})
		}
	}
	return out
}

// taskActions are the actions that make an application wait for someone;
// the others (withdraw, revoke, extend a deadline, return) are possible
// but not expected of anyone.
var taskActions = []Action{ActionSubmit, ActionEndorse, ActionAssess, ActionMarkReady, ActionGrant,
	ActionBook, ActionReport, ActionAcceptReport}

// TaskActions are the actions that make an application wait for someone,
// in lifecycle order.
func TaskActions() []Action { return slices.Clone(taskActions) }

// Tasks lists what the application waits for the actor to do at now: the
// actions expected of someone that the actor may take and that nothing
// blocks. An empty list means it does not wait for them.
func Tasks(app Application, call Call, actor Actor, now time.Time) []Action {
	var out []Action
	for _, o := range Available(app, call, actor, now) {
		if o.Blocked == nil && slices.Contains(taskActions, o.Action) {
			out = append(out, o.Action)
		}
	}
	return out
}

// TaskReach is where anything can wait for the actor at all: the states
// that a task action of one of their roles starts from, and the units
// those roles are granted on (0 for every unit; a unit includes the units
// below it). Tasks returns nothing for an application outside it, so a
// list of tasks need look nowhere else.
func TaskReach(actor Actor) (states []State, units []int64) {
	for _, g := range actor.Grants {
		reaches := false
		for _, t := range transitions {
			if t.role != g.Role || !slices.Contains(taskActions, t.action) {
				continue
			}
			reaches = true
			for _, s := range t.from {
				if !slices.Contains(states, s) {
					states = append(states, s)
				}
			}
		}
		if reaches && !slices.Contains(units, g.UnitID) {
			units = append(units, g.UnitID)
		}
	}
	slices.Sort(states)
	slices.Sort(units)
	return states, units
}

// Settled reports whether an application in s is finished with, so that
// nobody has anything left to do on it.
func Settled(s State) bool {
	return s == StateWithdrawn || s == StateRejected || s == StateClosed || s == StateRevoked
}
