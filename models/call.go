package models

import (
	"context"
	"time"

	"mobilityfund/workflow"
)

// Call is a call for applications with a budget, within one plan.
type Call struct {
	ID            int64
	PlanID        int64
	Code          string
	TitleSV       string `gorm:"column:title_sv"`
	TitleEN       string `gorm:"column:title_en"`
	DescriptionSV string `gorm:"column:description_sv"`
	DescriptionEN string `gorm:"column:description_en"`
	BudgetOre     int64
	OpensAt       time.Time
	DeadlineAt    time.Time
	ReportDueOn   time.Time
	// DecisionOn is the day decisions are planned for, when set.
	DecisionOn          *time.Time
	EndorsementRequired bool
	// MaxAmountOre is the most one application may ask for; 0: no
	// maximum.
	MaxAmountOre int64
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// CallActivity names a plan activity a call funds. A call without rows
// funds every activity of its plan that is not retired.
type CallActivity struct {
	CallID     int64 `gorm:"primaryKey;autoIncrement:false"`
	ActivityID int64 `gorm:"primaryKey;autoIncrement:false"`
}

// OpenAt reports whether applications may be submitted at t.
func (c Call) OpenAt(t time.Time) bool {
	return !t.Before(c.OpensAt) && t.Before(c.DeadlineAt)
}

// Budget summarises a call's money. Committed follows the design's
// invariant: the sum of granted minus returned over every application
// that holds money; Remaining = Budget − Committed never goes below zero.
type Budget struct {
	BudgetOre    int64
	RequestedOre int64 // asked for by applications that have left draft and are still live
	CommittedOre int64
	SpentOre     int64
}

// RemainingOre is what can still be granted.
func (b Budget) RemainingOre() int64 { return b.BudgetOre - b.CommittedOre }

// CallByID returns the call with id, or a NotFoundError.
func (s *Store) CallByID(ctx context.Context, id int64) (*Call, error) {
	var c Call
	if err := s.conn(ctx).First(&c, id).Error; err != nil {
		return nil, notFound(err, "call", id)
	}
	return &c, nil
}

// Calls returns every call, newest deadline first.
func (s *Store) Calls(ctx context.Context) ([]Call, error) {
	var calls []Call
	err := s.conn(ctx).Order("deadline_at DESC").Find(&calls).Error
	return calls, err
}

// moneyStates are the states whose granted money counts against the pot.
func moneyStates() []string {
	var out []string
	for _, st := range workflow.States() {
		if workflow.HoldsMoney(st) {
			out = append(out, string(st))
		}
	}
	return out
}

// requestedStates are the states in which a request is live: submitted
// and not yet decided, or decided in its favour.
func requestedStates() []string {
	var out []string
	for _, st := range workflow.States() {
		if st != workflow.StateDraft && st != workflow.StateWithdrawn && st != workflow.StateRejected {
			out = append(out, string(st))
		}
	}
	return out
}

// BudgetOf sums a call's money from the kept totals, in one statement
// that reads a few rows per unit and state of the call.
func (s *Store) BudgetOf(ctx context.Context, call *Call) (Budget, error) {
	b := Budget{BudgetOre: call.BudgetOre}
	err := s.conn(ctx).Table("application_totals").Select(budgetSelect, moneyStates(), moneyStates(), requestedStates()).
		Where("call_id = ?", call.ID).Scan(&b).Error
	b.BudgetOre = call.BudgetOre
	return b, err
}

// committedOre is what call id has committed: granted less returned over
// the applications that hold money. Read it under the call's lock when
// the answer decides a grant.
func (s *Store) committedOre(ctx context.Context, callID int64) (int64, error) {
	var sum int64
	err := s.conn(ctx).Table("application_totals").Select("CAST(COALESCE(SUM(granted_ore - returned_ore), 0) AS BIGINT)").
		Where("call_id = ? AND state IN ?", callID, moneyStates()).Scan(&sum).Error
	return sum, err
}
