// Package workflow holds the life of an application: who may do what in
// which state, the money rules, and what each decision records and tells
// whom. It is pure Go and imports only the standard library; the models
// package persists what Decide returns.
package workflow

import "time"

// Role is what a person may do, university-wide or for one unit.
type Role string

// The roles of the design.
const (
	RoleApplicant   Role = "applicant"
	RoleUnitHead    Role = "unit_head"
	RoleCoordinator Role = "coordinator"
	RoleDecider     Role = "decider"
	RoleFinance     Role = "finance"
	RoleAdmin       Role = "admin"
)

// Roles returns every role, in the order pages list them.
func Roles() []Role {
	return []Role{RoleApplicant, RoleUnitHead, RoleCoordinator, RoleDecider, RoleFinance, RoleAdmin}
}

// State is where an application is in its life.
type State string

// The states of an application.
const (
	StateDraft            State = "draft"
	StateSubmitted        State = "submitted" // waits for the unit head's endorsement
	StateEndorsed         State = "endorsed"  // endorsed, waits for the coordinator
	StateInReview         State = "in_review"
	StateReturned         State = "returned" // back with the applicants for completion
	StateReadyForDecision State = "ready_for_decision"
	StateGranted          State = "granted"
	StateRejected         State = "rejected"
	StateWithdrawn        State = "withdrawn"
	StateRevoked          State = "revoked"
	StateBooked           State = "booked" // paid out by finance; the outcome report is due
	StateReported         State = "reported"
	StateReportRevision   State = "report_revision"
	StateClosed           State = "closed"
)

// States returns every state in lifecycle order.
func States() []State {
	return []State{StateDraft, StateSubmitted, StateEndorsed, StateInReview, StateReturned,
		StateReadyForDecision, StateGranted, StateRejected, StateWithdrawn, StateRevoked,
		StateBooked, StateReported, StateReportRevision, StateClosed}
}

// HoldsMoney reports whether an application in s has money counted
// against its call: what was granted, less what was returned, stands in
// every state after a grant, including revoked (money already spent) and
// closed (money used).
func HoldsMoney(s State) bool {
	switch s {
	case StateGranted, StateBooked, StateReported, StateReportRevision, StateClosed, StateRevoked:
		return true
	}
	return false
}

// Decided reports whether s comes after the decision.
func Decided(s State) bool {
	return HoldsMoney(s) || s == StateRejected
}

// Action is something a person does to an application.
type Action string

// The actions on an application.
const (
	ActionSubmit          Action = "submit"
	ActionWithdraw        Action = "withdraw"
	ActionEndorse         Action = "endorse"
	ActionReturn          Action = "return"
	ActionAssess          Action = "assess"
	ActionMarkReady       Action = "mark_ready"
	ActionSendBack        Action = "send_back"
	ActionGrant           Action = "grant"
	ActionReject          Action = "reject"
	ActionRevoke          Action = "revoke"
	ActionBook            Action = "book"
	ActionReport          Action = "report"
	ActionAcceptReport    Action = "accept_report"
	ActionRequestRevision Action = "request_revision"
	ActionExtendDeadline  Action = "extend_deadline"
)

// Actions returns every action in lifecycle order.
func Actions() []Action { return append([]Action(nil), actionOrder...) }

// Grant is one role a person holds; UnitID 0 means university-wide.
type Grant struct {
	Role   Role
	UnitID int64
}

// Actor is the person acting: their grants in force and the units they
// belong to, which decide conflicts of interest.
type Actor struct {
	UserID int64
	Grants []Grant
	Units  []int64
}

// Application is what the rules need to know about an application.
// UnitPath is the application's unit followed by every unit above it.
type Application struct {
	ID                 int64
	State              State
	UnitID             int64
	UnitPath           []int64
	CreatedBy          int64
	RequestedOre       int64 // the sum of the budget lines
	GrantedOre         int64
	ReturnedOre        int64 // given back to the pot after a grant
	RecommendedOre     int64
	SpentOre           int64 // as reported
	Assessment         string
	DecisionRef        string // the reference of the grant or rejection
	RevocationRef      string // the reference of a revocation
	Motivation         string
	DeadlineExtendedTo time.Time

	Title, Summary, Purpose string
	PeriodStart, PeriodEnd  time.Time
	BudgetLines             int
	Activities              int
	// Considerations are the plan's five: quality, responsibility,
	// inclusion, sustainability, equality.
	Considerations [5]string
	TargetLevels   []string
}

// StandingOre is the money the application holds against its call.
func (a Application) StandingOre() int64 {
	if !HoldsMoney(a.State) {
		return 0
	}
	return a.GrantedOre - a.ReturnedOre
}

// Call is what the rules need to know about the application's call.
type Call struct {
	ID                  int64
	BudgetOre           int64
	CommittedOre        int64 // Σ (granted − returned) over applications holding money
	Deadline            time.Time
	EndorsementRequired bool
	MaxAmountOre        int64 // the most one application may ask for; 0: no maximum
}

// RemainingOre is what may still be granted.
func (c Call) RemainingOre() int64 { return c.BudgetOre - c.CommittedOre }

// Input is what the person typed with the action.
type Input struct {
	Comment     string    // message, motivation or report text
	AmountOre   int64     // granted, recommended or spent amount
	DecisionRef string    // diarienummer of a decision
	Assessment  string    // the coordinator's assessment
	ExtendTo    time.Time // new personal deadline
	Now         time.Time // when the action happens: the caller's clock, never read here
}

// RecipientKind names a group of people to notify.
type RecipientKind string

// The groups a notice can go to. Unit-scoped groups are resolved from
// the application's unit.
const (
	RecipientApplicants   RecipientKind = "applicants"
	RecipientUnitHeads    RecipientKind = "unit_heads"
	RecipientCoordinators RecipientKind = "coordinators"
	RecipientDeciders     RecipientKind = "deciders"
	RecipientFinance      RecipientKind = "finance"
)

// Recipient is a group to notify; UnitID 0 means the application's unit.
type Recipient struct {
	Kind   RecipientKind
	UnitID int64
}

// Notice says that Event must be told to To.
type Notice struct {
	Event Event
	To    Recipient
}

// AuditEntry is the audit entry of a decision.
type AuditEntry struct {
	Action  Action
	From    State
	To      State
	Comment string
}

// Outcome is what the caller must persist: the changed application, the
// audit entry, the notices, and how much the call's committed sum moved.
type Outcome struct {
	App            Application
	Audit          AuditEntry
	Notices        []Notice
	CommittedDelta int64
}
