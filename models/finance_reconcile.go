package models

import (
	"cmp"
	"context"
	"slices"
	"time"

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
// it, and the first applications behind any difference, in id order (at
// most DifferencesShown; ReconciliationDifferences pages on), with their
// count.
type CallReconciliation struct {
	Call Call
	export.Sums
	Differences     []AppDifference
	DifferenceCount int
}

// DifferencesShown is how many applications behind a call's difference
// a page shows.
const DifferencesShown = 50

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

// moneySums are the kept sums of one call and unit.
type moneySums struct {
	CallID, UnitID int64
	export.Sums
	AnyGranted  int64
	Differences int
}

func (a *moneySums) add(b moneySums) {
	a.GrantedOre += b.GrantedOre
	a.ReturnedOre += b.ReturnedOre
	a.NetOre += b.NetOre
	a.ExportedOre += b.ExportedOre
	a.BookedOre += b.BookedOre
	a.WaitingOre += b.WaitingOre
	a.AnyGranted += b.AnyGranted
	a.Differences += b.Differences
}

// reconciliationSums sums the money of every call and unit from the kept
// totals: what was granted and returned from application_totals, what
// the applications hold and the batches moved from application_money.
func (s *Store) reconciliationSums(ctx context.Context) (map[[2]int64]*moneySums, error) {
	var granted, moved []moneySums
	err := s.conn(ctx).Table("application_totals").Select("call_id, unit_id, "+
		"CAST(SUM(CASE WHEN state IN @holding THEN granted_ore ELSE 0 END) AS BIGINT) AS granted_ore, "+
		"CAST(SUM(CASE WHEN state IN @holding THEN returned_ore ELSE 0 END) AS BIGINT) AS returned_ore, "+
		"CAST(SUM(granted_ore) AS BIGINT) AS any_granted", map[string]any{"holding": moneyStates()}).
		Group("call_id, unit_id").Scan(&granted).Error
	if err != nil {
		return nil, err
	}
	err = s.conn(ctx).Table("application_money m").Select("m.call_id, m.unit_id, " +
		"CAST(SUM(m.standing_ore) AS BIGINT) AS net_ore, CAST(SUM(m.exported_ore) AS BIGINT) AS exported_ore, " +
		"CAST(SUM(m.booked_ore) AS BIGINT) AS booked_ore, CAST(SUM(" + waitingSQL + ") AS BIGINT) AS waiting_ore, " +
		"SUM(CASE WHEN m.standing_ore <> m.booked_ore THEN 1 ELSE 0 END) AS differences").
		Where("m.standing_ore <> 0 OR m.exported_ore <> 0 OR m.booked_ore <> 0").
		Group("m.call_id, m.unit_id").Scan(&moved).Error
	if err != nil {
		return nil, err
	}
	out := map[[2]int64]*moneySums{}
	for _, r := range append(granted, moved...) {
		key := [2]int64{r.CallID, r.UnitID}
		if out[key] == nil {
			out[key] = &moneySums{CallID: r.CallID, UnitID: r.UnitID}
		}
		out[key].add(r)
	}
	return out, nil
}

// Reconcile sums every call's and unit's money as the app and the
// batches see it from the kept totals, with the first applications
// behind each call's difference. It returns workflow.ErrForbidden for
// anyone but finance.
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
	sums, err := s.reconciliationSums(ctx)
	if err != nil {
		return nil, err
	}
	out := &Reconciliation{Calls: make([]CallReconciliation, len(calls))}
	byCall := map[int64]*CallReconciliation{}
	for i, c := range calls {
		out.Calls[i].Call = c
		byCall[c.ID] = &out.Calls[i]
	}
	byUnit := map[int64]*moneySums{}
	for _, r := range sums {
		c := byCall[r.CallID]
		if c == nil || (r.AnyGranted == 0 && r.NetOre == 0 && r.ExportedOre == 0 && r.BookedOre == 0) {
			continue
		}
		cs := moneySums{Sums: c.Sums, Differences: c.DifferenceCount}
		cs.add(*r)
		c.Sums, c.DifferenceCount = cs.Sums, cs.Differences
		if byUnit[r.UnitID] == nil {
			byUnit[r.UnitID] = &moneySums{UnitID: r.UnitID}
		}
		byUnit[r.UnitID].add(*r)
	}
	for i := range out.Calls {
		if c := &out.Calls[i]; c.DifferenceCount > 0 {
			if c.Differences, err = s.reconciliationDifferences(ctx, chart, c.Call.ID, 0, DifferencesShown); err != nil {
				return nil, err
			}
		}
	}
	for id, u := range byUnit {
		unit, _ := chart.Unit(id)
		out.Units = append(out.Units, UnitReconciliation{Unit: unit, Sums: u.Sums})
	}
	slices.SortFunc(out.Units, func(a, b UnitReconciliation) int {
		return cmp.Or(cmp.Compare(a.Unit.NameSV, b.Unit.NameSV), cmp.Compare(a.Unit.ID, b.Unit.ID))
	})
	return out, nil
}

// ReconciliationDifferences returns up to limit applications of call
// whose booked money differs from what they hold, with id above after,
// in id order: a page of those behind the call's difference. It returns
// workflow.ErrForbidden for anyone but finance.
func (s *Store) ReconciliationDifferences(ctx context.Context, actor *Actor, call, after int64, limit int) ([]AppDifference, error) {
	if !canFinance(actor) {
		return nil, workflow.ErrForbidden
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		return nil, err
	}
	return s.reconciliationDifferences(ctx, chart, call, after, limit)
}

func (s *Store) reconciliationDifferences(ctx context.Context, chart *OrgChart, call, after int64, limit int) ([]AppDifference, error) {
	var rows []struct {
		ID          int64
		CreatedAt   time.Time
		Title       string
		UnitID      int64
		State       workflow.State
		StandingOre int64
		ExportedOre int64
		BookedOre   int64
		WaitingOre  int64
	}
	// The partial index application_money_difference_idx (00066) holds
	// exactly these rows, by call and id; the page is taken there before
	// the applications are joined.
	page := s.conn(ctx).Table("application_money m").Select("m.*").
		Where("m.call_id = ? AND m.standing_ore <> m.booked_ore AND m.application_id > ?", call, after).
		Order("m.application_id").Limit(limit)
	err := s.conn(ctx).Table("(?) m", page).Select("a.id, a.created_at, a.title, a.unit_id, a.state, " +
		"m.standing_ore, m.exported_ore, m.booked_ore, " + waitingSQL + " AS waiting_ore").
		Joins("JOIN applications a ON a.id = m.application_id").Order("m.application_id").Scan(&rows).Error
	out := make([]AppDifference, len(rows))
	for i, r := range rows {
		unit, _ := chart.Unit(r.UnitID)
		out[i] = AppDifference{ApplicationID: r.ID, Reference: ApplicationNumber(r.CreatedAt, r.ID), Title: r.Title,
			UnitName: unit.NameSV, State: r.State, StandingOre: r.StandingOre, BookedOre: r.BookedOre,
			OpenOre: r.ExportedOre - r.BookedOre, WaitingOre: r.WaitingOre}
	}
	return out, err
}
