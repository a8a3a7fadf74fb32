package models

import (
	"cmp"
	"context"
	"slices"

	"mobilityfund/workflow"
)

// Reconciliation is what finance checks the ledger against: per call the
// money the app has committed and what the batches have moved, and per
// unit the net amount the booked batches have moved to it.
type Reconciliation struct {
	Calls []CallReconciliation
	Units []UnitReconciliation
}

// CallReconciliation is one call's money. Net is granted less returned:
// what the app says the pot has committed. Exported is what batches hold,
// Booked what booked batches hold (what the ledger has moved), and
// Waiting what the next batch would move.
type CallReconciliation struct {
	Call        Call
	GrantedOre  int64
	ReturnedOre int64
	NetOre      int64
	ExportedOre int64
	BookedOre   int64
	WaitingOre  int64
	// Differences are the applications whose booked money is not what
	// they hold, in id order.
	Differences []AppDifference
}

// DifferenceOre is what the app says less what the ledger has moved.
func (c CallReconciliation) DifferenceOre() int64 { return c.NetOre - c.BookedOre }

// UnexplainedOre is the part of the difference that neither a batch
// waiting to be booked nor the next batch will move: zero unless
// something is wrong.
func (c CallReconciliation) UnexplainedOre() int64 { return c.NetOre - c.ExportedOre - c.WaitingOre }

// AppDifference is an application whose booked money differs from what
// it holds, with where the difference is.
type AppDifference struct {
	ApplicationID int64
	Reference     string
	Title         string
	UnitName      string
	State         workflow.State
	StandingOre   int64 // what it holds of the pot
	BookedOre     int64 // what booked batches moved
	OpenOre       int64 // in batches not yet booked
	WaitingOre    int64 // what the next batch will move
}

// DifferenceOre is what it holds less what the ledger has moved.
func (d AppDifference) DifferenceOre() int64 { return d.StandingOre - d.BookedOre }

// UnexplainedOre is the part no batch explains.
func (d AppDifference) UnexplainedOre() int64 {
	return d.StandingOre - d.BookedOre - d.OpenOre - d.WaitingOre
}

// UnitReconciliation is one unit's money over every call: what its
// applications hold and what the batches moved to it.
type UnitReconciliation struct {
	Unit        OrgUnit
	GrantedOre  int64
	ReturnedOre int64
	NetOre      int64
	ExportedOre int64
	BookedOre   int64 // the net amount the ledger has moved to the unit
	WaitingOre  int64
}

// DifferenceOre is what the unit's applications hold less what the
// ledger has moved to the unit.
func (u UnitReconciliation) DifferenceOre() int64 { return u.NetOre - u.BookedOre }

// Reconcile sums every call's and unit's money as the app and the
// batches see it, reading the applications that ever held money a chunk
// at a time. It returns workflow.ErrForbidden for anyone but finance.
func (s *Store) Reconcile(ctx context.Context, actor *Actor) (*Reconciliation, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	calls, err := s.Calls(ctx)
	if err != nil {
		return nil, err
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	out := &Reconciliation{Calls: make([]CallReconciliation, len(calls))}
	byCall := map[int64]*CallReconciliation{}
	for i, c := range calls {
		out.Calls[i].Call = c
		byCall[c.ID] = &out.Calls[i]
	}
	byUnit := map[int64]*UnitReconciliation{}
	for after := int64(0); ; {
		// Every application that was granted money or whose money a batch moved.
		rows, err := s.moneyRows(ctx, "(applications.granted_ore > 0 OR "+standingSQL+" <> 0 OR "+exportedSQL+" <> 0)", after)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			c := byCall[r.CallID]
			if c == nil {
				continue
			}
			if workflow.HoldsMoney(r.State) {
				c.GrantedOre += r.GrantedOre
				c.ReturnedOre += r.ReturnedOre
			}
			c.NetOre += r.StandingOre
			c.ExportedOre += r.ExportedOre
			c.BookedOre += r.BookedOre
			var waiting int64
			if _, _, _, amount, ok := nextLine(r); ok {
				waiting = amount
			}
			c.WaitingOre += waiting
			u := byUnit[r.UnitID]
			if u == nil {
				unit, _ := chart.Unit(r.UnitID)
				u = &UnitReconciliation{Unit: unit}
				byUnit[r.UnitID] = u
			}
			if workflow.HoldsMoney(r.State) {
				u.GrantedOre += r.GrantedOre
				u.ReturnedOre += r.ReturnedOre
			}
			u.NetOre += r.StandingOre
			u.ExportedOre += r.ExportedOre
			u.BookedOre += r.BookedOre
			u.WaitingOre += waiting
			if r.StandingOre != r.BookedOre {
				unit, _ := chart.Unit(r.UnitID)
				c.Differences = append(c.Differences, AppDifference{ApplicationID: r.ID,
					Reference: ApplicationNumber(r.CreatedAt.Year(), r.ID), Title: r.Title, UnitName: unit.NameSV,
					State: r.State, StandingOre: r.StandingOre, BookedOre: r.BookedOre,
					OpenOre: r.ExportedOre - r.BookedOre, WaitingOre: waiting})
			}
		}
		if len(rows) < exportChunk {
			break
		}
		after = rows[len(rows)-1].ID
	}
	for _, u := range byUnit {
		out.Units = append(out.Units, *u)
	}
	slices.SortFunc(out.Units, func(a, b UnitReconciliation) int {
		return cmp.Or(cmp.Compare(a.Unit.NameSV, b.Unit.NameSV), cmp.Compare(a.Unit.ID, b.Unit.ID))
	})
	return out, nil
}
