package models

import (
	"context"
	"fmt"
	"time"

	"mobilityfund/document"
	"mobilityfund/workflow"
)

// stateShare is how many in a hundred applications of a call end in a
// state.
type stateShare struct {
	state workflow.State
	share int
}

// Ten years of calls leave the old ones settled, last year's waiting for
// reports and this year's on its way through the lifecycle.
var (
	oldCallStates = []stateShare{{workflow.StateClosed, 55}, {workflow.StateRejected, 20}, {workflow.StateWithdrawn, 6},
		{workflow.StateRevoked, 2}, {workflow.StateDraft, 8}, {workflow.StateBooked, 4}, {workflow.StateReportRevision, 2},
		{workflow.StateReported, 3}}
	lastCallStates = []stateShare{{workflow.StateClosed, 20}, {workflow.StateReported, 15}, {workflow.StateBooked, 20},
		{workflow.StateReportRevision, 3}, {workflow.StateGranted, 5}, {workflow.StateRejected, 20}, {workflow.StateWithdrawn, 6},
		{workflow.StateRevoked, 2}, {workflow.StateDraft, 9}}
	openCallStates = []stateShare{{workflow.StateDraft, 30}, {workflow.StateSubmitted, 15}, {workflow.StateEndorsed, 12},
		{workflow.StateInReview, 15}, {workflow.StateReturned, 6}, {workflow.StateReadyForDecision, 10},
		{workflow.StateGranted, 5}, {workflow.StateRejected, 3}, {workflow.StateWithdrawn, 4}}
)

// synPaths are the actions that bring a new draft to each state.
var synPaths = map[workflow.State][]workflow.Action{
	workflow.StateDraft:            nil,
	workflow.StateSubmitted:        {workflow.ActionSubmit},
	workflow.StateEndorsed:         {workflow.ActionSubmit, workflow.ActionEndorse},
	workflow.StateInReview:         {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess},
	workflow.StateReturned:         {workflow.ActionSubmit, workflow.ActionReturn},
	workflow.StateReadyForDecision: {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady},
	workflow.StateWithdrawn:        {workflow.ActionSubmit, workflow.ActionWithdraw},
	workflow.StateRejected:         {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady, workflow.ActionReject},
	workflow.StateGranted:          {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady, workflow.ActionGrant},
	workflow.StateRevoked: {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady, workflow.ActionGrant,
		workflow.ActionRevoke},
	workflow.StateBooked: {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady, workflow.ActionGrant,
		workflow.ActionBook},
	workflow.StateReported: {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady, workflow.ActionGrant,
		workflow.ActionBook, workflow.ActionReport},
	workflow.StateReportRevision: {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady,
		workflow.ActionGrant, workflow.ActionBook, workflow.ActionReport, workflow.ActionRequestRevision},
	workflow.StateClosed: {workflow.ActionSubmit, workflow.ActionEndorse, workflow.ActionAssess, workflow.ActionMarkReady, workflow.ActionGrant,
		workflow.ActionBook, workflow.ActionReport, workflow.ActionAcceptReport},
}

var appCols = []string{"id", "call_id", "unit_id", "created_by", "title", "summary", "purpose", "period_start", "period_end", "neolaia",
	"consideration_quality", "consideration_responsibility", "consideration_inclusion", "consideration_sustainability",
	"consideration_equality", "target_levels", "expected_students_first", "expected_students_second", "expected_students_third",
	"expected_mobility_windows", "expected_partner_agreements", "expected_other", "state", "requested_ore", "granted_ore", "returned_ore",
	"recommended_ore", "spent_ore", "assessment", "decision_ref", "motivation", "decided_at", "submitted_at", "version",
	"created_at", "updated_at"}

var (
	lineCols     = []string{"application_id", "position", "category", "description", "amount_ore"}
	auditCols    = []string{"id", "entity", "entity_id", "application_id", "actor_id", "action", "from_state", "to_state", "comment", "amount_ore", "created_at"}
	decisionCols = []string{"application_id", "audit_event_id", "kind", "decision_ref", "decided_at", "decided_by", "decider_name",
		"title", "unit_id", "unit_name", "amount_ore", "file_name", "registered_at", "registered_by"}
	reportCols = []string{"application_id", "done", "students_first", "students_second", "students_third", "windows_identified",
		"windows_created", "partner_agreements", "participants", "spent_ore", "updated_by", "submitted_at", "submitted_by",
		"accepted_at", "accepted_by", "created_at", "updated_at"}
	batchCols = []string{"id", "batch_date", "accounting_date", "created_by", "created_by_name", "organisation", "pot_cost_centre",
		"pot_project", "pot_name", "unit_account", "unit_account_name", "pot_account", "pot_account_name", "direction",
		"line_count", "total_ore", "voucher_number", "voucher_date", "booked_by", "booked_at", "booked_series", "version", "created_at"}
	batchLineCols = []string{"batch_id", "position", "application_id", "kind", "reference", "title", "decision_ref", "decision_date",
		"unit_id", "unit_name", "unit_code", "cost_centre", "project_code", "project_name", "activities", "amount_ore", "voucher_text"}
)

// callRows collects one call's rows before they are written, so that the
// call's budget can cover what its applications were granted.
type callRows struct {
	apps, lines, links, audit, reports, batchLines, decisions [][]any
	committed, batchTotal                                     int64
}

// writeCalls writes ten yearly calls, the newest open now, and n
// applications spread evenly over them.
func (g *synthetic) writeCalls(ctx context.Context, n int) error {
	callID, err := g.w.nextID(ctx, "calls")
	if err != nil {
		return err
	}
	appID, err := g.w.nextID(ctx, "applications")
	if err != nil {
		return err
	}
	if g.batchID, err = g.w.nextID(ctx, "finance_batches"); err != nil {
		return err
	}
	if g.auditID, err = g.w.nextID(ctx, "audit_events"); err != nil {
		return err
	}
	year := g.now.Year()
	callCols := []string{"id", "plan_id", "code", "title_sv", "title_en", "description_sv", "description_en", "budget_ore",
		"opens_at", "deadline_at", "report_due_on", "endorsement_required", "created_at", "updated_at"}
	for k := 9; k >= 0; k-- {
		y := year - k
		opens := time.Date(y, 2, 1, 8, 0, 0, 0, time.UTC)
		deadline := time.Date(y, 4, 15, 22, 0, 0, 0, time.UTC)
		shares := oldCallStates
		switch k {
		case 1:
			shares = lastCallStates
		case 0:
			// This year's call is open now: the deadline rush.
			opens, deadline = g.now.AddDate(0, -2, 0).Truncate(time.Hour), g.now.AddDate(0, 0, 14).Truncate(time.Hour)
			shares = openCallStates
		}
		count := n / 10
		if k == 0 {
			count = n - 9*(n/10)
		}
		rows := &callRows{}
		for i := 0; i < count; i++ {
			g.application(rows, appID, callID, y, opens, deadline, shares)
			appID++
		}
		budget := max(int64(300_000_000), (rows.committed*11/10)/100_000_00*100_000_00+100_000_00)
		call := []any{callID, g.plan.ID, fmt.Sprintf("%s%d", SyntheticCallPrefix, y), fmt.Sprintf("Mobilitetsfonden %d", y),
			fmt.Sprintf("Mobility Fund %d", y), "Utlysning av medel för utgående studentmobilitet.",
			"Call for funds for outgoing student mobility.", budget, opens, deadline,
			time.Date(y+1, 12, 31, 0, 0, 0, 0, time.UTC), true, opens, opens}
		if err := g.w.insert(ctx, "calls", callCols, [][]any{call}); err != nil {
			return fmt.Errorf("call %d: %w", y, err)
		}
		if err := g.flush(ctx, rows, y); err != nil {
			return fmt.Errorf("call %d: %w", y, err)
		}
		g.stats.Calls++
		callID++
	}
	return nil
}

// flush writes one call's rows, and a booked batch for what it paid.
func (g *synthetic) flush(ctx context.Context, r *callRows, year int) error {
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"applications", appCols, r.apps}, {"budget_lines", lineCols, r.lines},
		{"application_activities", []string{"application_id", "activity_id"}, r.links},
		{"audit_events", auditCols, r.audit}, {"application_reports", reportCols, r.reports},
		{"decisions", decisionCols, r.decisions},
	} {
		if err := g.w.insert(ctx, t.table, t.cols, t.rows); err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	g.stats.Applications += len(r.apps)
	g.stats.BudgetLines += len(r.lines)
	g.stats.Activities += len(r.links)
	g.stats.AuditEvents += len(r.audit)
	g.stats.Reports += len(r.reports)
	g.stats.Decisions += len(r.decisions)
	if len(r.batchLines) == 0 {
		return nil
	}
	day := time.Date(year, 6, 15, 0, 0, 0, 0, time.UTC)
	booked := day.Add(36 * time.Hour)
	finance := g.staff[2]
	batch := []any{g.batchID, day, day, finance, "Ekonomi", "", "9310", "", "Mobilitetsfonden", "4110", "Interna bidrag",
		"7610", "Lämnade interna bidrag", "pot_debit", len(r.batchLines), r.batchTotal, fmt.Sprintf("%d", 1000+year),
		day, finance, booked, "IB", 2, day}
	if err := g.w.insert(ctx, "finance_batches", batchCols, [][]any{batch}); err != nil {
		return fmt.Errorf("finance_batches: %w", err)
	}
	for i := range r.batchLines {
		r.batchLines[i][0] = g.batchID
	}
	g.batchID++
	g.stats.Batches++
	g.stats.BatchLines += len(r.batchLines)
	return g.w.insert(ctx, "finance_batch_lines", batchLineCols, r.batchLines)
}

// application generates one application with id in a call and appends
// its rows.
func (g *synthetic) application(r *callRows, id, callID int64, year int, opens, deadline time.Time, shares []stateShare) {
	rng := g.rng
	state := shares[len(shares)-1].state
	roll := rng.IntN(100)
	for _, s := range shares {
		if roll < s.share {
			state = s.state
			break
		}
		roll -= s.share
	}
	unit := pick(rng, g.units)
	author := pick(rng, g.byUnit[unit.ID])
	// Whole seconds, as the application stores them (microseconds at most).
	created := opens.Add(time.Duration(rng.Int64N(int64(deadline.Sub(opens))))).Truncate(time.Second)
	if created.After(g.now) {
		created = g.now.Add(-time.Hour)
	}
	var requested int64
	nLines := 1 + rng.IntN(4)
	for i := 0; i < nLines; i++ {
		amount := int64(50+rng.IntN(750)) * 100 * 100
		requested += amount
		cat := pick(rng, BudgetCategories)
		r.lines = append(r.lines, []any{id, i + 1, cat, synLineText[cat], amount})
	}
	links := map[int64]bool{}
	for i := 0; i < 1+rng.IntN(3); i++ {
		a := pick(rng, g.acts).ID
		if !links[a] {
			links[a] = true
			r.links = append(r.links, []any{id, a})
		}
	}
	var granted, returned, spent, recommended int64
	path := synPaths[state]
	decided := false
	for _, a := range path {
		decided = decided || a == workflow.ActionGrant || a == workflow.ActionReject
	}
	if workflow.HoldsMoney(state) {
		granted = requested
		if rng.IntN(10) < 3 {
			granted = requested * int64(50+rng.IntN(46)) / 100 / 10000 * 10000
		}
		recommended = granted
		switch state {
		case workflow.StateRevoked:
			returned = granted
		case workflow.StateClosed:
			spent = granted * int64(80+rng.IntN(21)) / 100
			returned = granted - spent
		}
		r.committed += granted - returned
	}
	// Steps follow each other a few days apart from the draft on.
	at, from := created, workflow.StateDraft
	actor := author
	event := func(actor int64, action string, from, to workflow.State, amount int64, at time.Time) int64 {
		ev := g.auditID
		g.auditID++
		r.audit = append(r.audit, []any{ev, "application", id, id, actor, action, string(from), string(to), "", amount, at})
		return ev
	}
	event(author, "create", "", workflow.StateDraft, 0, at)
	title := fmt.Sprintf(pick(rng, synTitles), pick(rng, synPlaces))
	ref := ""
	if decided {
		ref = fmt.Sprintf("ORU %d/%05d", year, id%100000)
	}
	number := ApplicationNumber(created, id)
	var submitted, decidedAt, bookedAt any
	for _, a := range path {
		at = at.Add(time.Duration(1+rng.IntN(10)) * 24 * time.Hour)
		if at.After(g.now) {
			at = g.now.Add(-time.Minute)
		}
		to := synNext(path, a, state)
		var amount int64
		switch a {
		case workflow.ActionSubmit, workflow.ActionWithdraw, workflow.ActionReport:
			actor = author
			if a == workflow.ActionSubmit {
				submitted = at
			}
		case workflow.ActionGrant:
			actor, amount, decidedAt = g.staff[1], granted, at
		case workflow.ActionReject, workflow.ActionRevoke:
			actor, decidedAt = g.staff[1], at
		case workflow.ActionBook:
			actor, bookedAt = g.staff[2], at
		default:
			actor = g.staff[0]
		}
		ev := event(actor, string(a), from, to, amount, at)
		if kind, ok := synDecisionKind(a, granted, requested); ok {
			// Decisions are in the registry two days after they are
			// made; the last month's wait for the registrar.
			var registered, registrar any
			if at.Before(g.now.AddDate(0, 0, -30)) {
				registered, registrar = at.Add(48*time.Hour), g.staff[0]
			}
			money := map[workflow.Action]int64{workflow.ActionGrant: granted, workflow.ActionRevoke: granted}[a]
			r.decisions = append(r.decisions, []any{id, ev, string(kind), ref, at, actor, g.names[actor], title, unit.ID,
				unit.NameSV, money, document.DecisionFileName(ref, number, "sv"), registered, registrar})
		}
		from = to
	}
	start, end := time.Date(year, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 6, 30, 0, 0, 0, 0, time.UTC)
	r.apps = append(r.apps, []any{id, callID, unit.ID, author, title, synSummary(rng, title), pick(rng, synPurposes), start, end,
		pick(rng, []string{"ja", "delvis", "nej", ""}), demoConsiderations[0], demoConsiderations[1], demoConsiderations[2],
		demoConsiderations[3], demoConsiderations[4], pick(rng, []string{"first", "first,second", "second", "second,third"}),
		rng.IntN(30), rng.IntN(12), rng.IntN(3), rng.IntN(3), rng.IntN(2), "", string(state), requested, granted, returned,
		recommended, spent, "", ref, "", decidedAt, submitted, 1 + len(path), created, at})
	if state == workflow.StateReported || state == workflow.StateReportRevision || state == workflow.StateClosed {
		var accepted, acceptedBy any
		if state == workflow.StateClosed {
			accepted, acceptedBy = at, g.staff[0]
		}
		r.reports = append(r.reports, []any{id, "Genomfört enligt plan.", rng.IntN(30), rng.IntN(10), rng.IntN(2), rng.IntN(3),
			rng.IntN(2), rng.IntN(2), rng.IntN(60), spent, author, at, author, accepted, acceptedBy, at, at})
	}
	if bookedAt != nil {
		r.batchTotal += granted
		r.batchLines = append(r.batchLines, []any{int64(0), len(r.batchLines) + 1, id, LineAward, number,
			title, ref, decidedAt, unit.ID, unit.Code, unit.Code, "", "", "", "", granted, "Mobilitetsfonden " + ref})
	}
}

// synDecisionKind is the kind of decision action a records, if it is one:
// a grant of less than was asked for is a partial one.
func synDecisionKind(a workflow.Action, granted, requested int64) (document.Kind, bool) {
	switch a {
	case workflow.ActionGrant:
		if granted < requested {
			return document.KindPartial, true
		}
		return document.KindGrant, true
	case workflow.ActionReject:
		return document.KindReject, true
	case workflow.ActionRevoke:
		return document.KindRevoke, true
	}
	return "", false
}

// synNext is the state action a on path leads to: the final state for
// the last action, and the lifecycle's next one before it.
func synNext(path []workflow.Action, a workflow.Action, final workflow.State) workflow.State {
	if path[len(path)-1] == a {
		return final
	}
	switch a {
	case workflow.ActionSubmit:
		return workflow.StateSubmitted
	case workflow.ActionEndorse:
		return workflow.StateEndorsed
	case workflow.ActionAssess:
		return workflow.StateInReview
	case workflow.ActionMarkReady:
		return workflow.StateReadyForDecision
	case workflow.ActionGrant:
		return workflow.StateGranted
	case workflow.ActionBook:
		return workflow.StateBooked
	case workflow.ActionReport:
		return workflow.StateReported
	}
	return final
}
