package models

import (
	"cmp"
	"context"
	"slices"

	"mobilityfund/export"
	"mobilityfund/workflow"
)

// Reconciliation is what finance checks the ledger against: per call the
// money the app has committed and what the batches have moved, and per
// unit the net amount the booked batches have moved to it.
type Reconciliation struct {
	Calls []CallReconciliation
	Units []UnitReconciliation
}

// CallReconciliation is one call's money as the app and the batches see
// it, and the applications behind any difference, in id order.
type CallReconciliation struct {
	Call Call
	export.Sums
	Differences []AppDifference
}

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
// applications hold and what the batches moved to it (Booked is the net
// amount the ledger has moved to the unit).
type UnitReconciliation struct {
	Unit OrgUnit
	export.Sums
}

// add counts application r, of which the next batch would move waiting.
func add(s *export.Sums, r moneyRow, waiting int64) {
	if workflow.HoldsMoney(r.State) {
		s.GrantedOre += r.GrantedOre
		s.ReturnedOre += r.ReturnedOre
	}
	s.NetOre += r.StandingOre
	s.ExportedOre += r.ExportedOre
	s.BookedOre += r.BookedOre
	s.WaitingOre += waiting
}

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
			var waiting int64
			if _, _, _, amount, ok := nextLine(r); ok {
				waiting = amount
			}
			add(&c.Sums, r, waiting)
			u := byUnit[r.UnitID]
			if u == nil {
				unit, _ := chart.Unit(r.UnitID)
				u = &UnitReconciliation{Unit: unit}
				byUnit[r.UnitID] = u
			}
			add(&u.Sums, r, waiting)
			if r.StandingOre != r.BookedOre {
				unit, _ := chart.Unit(r.UnitID)
				c.Differences = append(c.Differences, AppDifference{ApplicationID: r.ID,
					Reference: ApplicationNumber(r.CreatedAt, r.ID), Title: r.Title, UnitName: unit.NameSV,
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
