package models_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// genApplications inserts n applications with random states, amounts,
// activity links, reports and returned money directly through gorm, on
// top of the demo data, in the 2026 call. It returns the call.
func genApplications(t testing.TB, s *models.Store, n int, seed uint64) *models.Call {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	calls, err := s.Calls(ctx)
	if err != nil || len(calls) == 0 {
		t.Fatalf("calls: %v", err)
	}
	call := calls[0]
	plan, err := s.PlanByID(ctx, call.PlanID)
	if err != nil {
		t.Fatal(err)
	}
	acts := plan.Activities()
	chart, err := s.OrgChart(ctx)
	if err != nil {
		t.Fatal(err)
	}
	author := mustActor(t, s, "erik").User.ID
	rng := rand.New(rand.NewPCG(seed, 42))
	states := workflow.States()
	neolaia := []models.Neolaia{models.NeolaiaYes, models.NeolaiaPartly, models.NeolaiaNone, models.NeolaiaNo}
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	db := s.DB()
	var (
		apps    []models.Application
		lines   []models.BudgetLine
		links   []models.ApplicationActivity
		reports []models.Report
		events  []models.AuditEvent
	)
	for range n {
		st := states[rng.IntN(len(states))]
		created := base.AddDate(0, 0, rng.IntN(300))
		app := models.Application{CallID: call.ID, UnitID: chart.Units[rng.IntN(len(chart.Units))].ID, CreatedBy: author,
			Title: "Generated", State: st, Neolaia: neolaia[rng.IntN(len(neolaia))], Version: 1,
			ExpectedStudentsFirst: rng.IntN(30), ExpectedStudentsSecond: rng.IntN(10), ExpectedStudentsThird: rng.IntN(3),
			ExpectedMobilityWindows: rng.IntN(3), ExpectedPartnerAgreements: rng.IntN(4), CreatedAt: created, UpdatedAt: created}
		apps = append(apps, app)
	}
	if err := db.CreateInBatches(&apps, 500).Error; err != nil {
		t.Fatal(err)
	}
	// Updates after the insert: money needs the requested sum, and the
	// CHECK constraints hold at every step.
	for i := range apps {
		app := &apps[i]
		var requested int64
		for p := range 1 + rng.IntN(3) {
			amount := 1 + rng.Int64N(10_000_000)
			requested += amount
			lines = append(lines, models.BudgetLine{ApplicationID: app.ID, Position: p + 1, Category: "travel", Description: "x", AmountOre: amount})
		}
		for _, j := range rng.Perm(len(acts))[:1+rng.IntN(3)] {
			links = append(links, models.ApplicationActivity{ApplicationID: app.ID, ActivityID: acts[j].ID})
		}
		app.RequestedOre = requested
		if !workflow.HoldsMoney(app.State) {
			if err := db.Model(&models.Application{}).Where("id = ?", app.ID).Update("requested_ore", requested).Error; err != nil {
				t.Fatal(err)
			}
			continue
		}
		decided := app.CreatedAt.AddDate(0, 0, rng.IntN(60))
		app.GrantedOre, app.DecidedAt = 1+rng.Int64N(requested), &decided
		switch app.State {
		case workflow.StateReported, workflow.StateReportRevision, workflow.StateClosed:
			app.SpentOre = rng.Int64N(app.GrantedOre + 1)
			submitted := decided.AddDate(0, rng.IntN(6), 1)
			reports = append(reports, models.Report{ApplicationID: app.ID, Done: "x", StudentsFirst: rng.IntN(30),
				StudentsSecond: rng.IntN(10), StudentsThird: rng.IntN(3), WindowsIdentified: rng.IntN(3), WindowsCreated: rng.IntN(2),
				PartnerAgreements: rng.IntN(4), Participants: rng.IntN(50), SpentOre: app.SpentOre, UpdatedBy: author,
				SubmittedAt: &submitted, CreatedAt: submitted, UpdatedAt: submitted})
		}
		if app.State == workflow.StateClosed || app.State == workflow.StateRevoked {
			app.ReturnedOre = app.GrantedOre - app.SpentOre
			id, when := app.ID, decided.AddDate(0, 7, 0)
			action := workflow.ActionAcceptReport
			if app.State == workflow.StateRevoked {
				action = workflow.ActionRevoke
			}
			events = append(events, models.AuditEvent{Entity: "application", EntityID: id, ApplicationID: &id,
				Action: string(action), AmountOre: app.ReturnedOre, CreatedAt: when})
		}
		err := db.Model(&models.Application{}).Where("id = ?", app.ID).Updates(map[string]any{"requested_ore": app.RequestedOre, "granted_ore": app.GrantedOre,
			"spent_ore": app.SpentOre, "returned_ore": app.ReturnedOre, "decided_at": app.DecidedAt}).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, batch := range []struct {
		rows any
		n    int
	}{{&lines, len(lines)}, {&links, len(links)}, {&reports, len(reports)}, {&events, len(events)}} {
		if batch.n == 0 {
			continue
		}
		if err := db.CreateInBatches(batch.rows, 500).Error; err != nil {
			t.Fatal(err)
		}
	}
	return &call
}

// goSums computes the follow-up from the stored rows in Go, with the
// rules the page states: each application once per key, counted only
// when it left draft and was not withdrawn.
func goSums(t *testing.T, s *models.Store, call *models.Call, unitIDs []int64) map[models.FollowupKey]map[any]models.FollowupSums {
	t.Helper()
	db := s.DB()
	var (
		apps    []models.Application
		lines   []models.BudgetLine
		links   []models.ApplicationActivity
		reports []models.Report
		acts    []models.PlanActivity
		goals   []models.PlanGoal
	)
	for _, q := range []any{&apps, &lines, &links, &reports, &acts, &goals} {
		if err := db.Find(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	requested := map[int64]int64{}
	for _, l := range lines {
		requested[l.ApplicationID] += l.AmountOre
	}
	report := map[int64]models.Report{}
	for _, r := range reports {
		if r.SubmittedAt != nil {
			report[r.ApplicationID] = r
		}
	}
	goalOf, areaOf := map[int64]int64{}, map[int64]int64{}
	for _, a := range acts {
		goalOf[a.ID] = a.GoalID
	}
	for _, g := range goals {
		areaOf[g.ID] = g.AreaID
	}
	keysOf := map[models.FollowupKey]map[int64][]any{models.ByActivity: {}, models.ByGoal: {}, models.ByArea: {}}
	for _, l := range links {
		for k, key := range map[models.FollowupKey]any{models.ByActivity: l.ActivityID, models.ByGoal: goalOf[l.ActivityID],
			models.ByArea: areaOf[goalOf[l.ActivityID]]} {
			if !slices.Contains(keysOf[k][l.ApplicationID], key) {
				keysOf[k][l.ApplicationID] = append(keysOf[k][l.ApplicationID], key)
			}
		}
	}
	out := map[models.FollowupKey]map[any]models.FollowupSums{}
	for _, a := range apps {
		if a.CallID != call.ID || a.State == workflow.StateDraft || a.State == workflow.StateWithdrawn {
			continue
		}
		if unitIDs != nil && !slices.Contains(unitIDs, a.UnitID) {
			continue
		}
		row := models.FollowupSums{Applications: 1, RequestedOre: requested[a.ID], GrantedOre: a.GrantedOre,
			ReturnedOre: a.ReturnedOre, SpentOre: a.SpentOre}
		if workflow.HoldsMoney(a.State) {
			row.Funded = 1
			row.ExpFirst, row.ExpSecond, row.ExpThird = int64(a.ExpectedStudentsFirst), int64(a.ExpectedStudentsSecond), int64(a.ExpectedStudentsThird)
			row.ExpWindows, row.ExpAgreements = int64(a.ExpectedMobilityWindows), int64(a.ExpectedPartnerAgreements)
		}
		if r, ok := report[a.ID]; ok {
			row.Reported = 1
			row.ActFirst, row.ActSecond, row.ActThird = int64(r.StudentsFirst), int64(r.StudentsSecond), int64(r.StudentsThird)
			row.ActWindowsIdentified, row.ActWindowsMade = int64(r.WindowsIdentified), int64(r.WindowsCreated)
			row.ActAgreements, row.ActParticipants = int64(r.PartnerAgreements), int64(r.Participants)
		}
		neo := string(a.Neolaia)
		if a.Neolaia == models.NeolaiaNo {
			neo = ""
		}
		keys := map[models.FollowupKey][]any{models.ByTotal: {int64(0)}, models.ByUnit: {a.UnitID}, models.ByCall: {a.CallID},
			models.ByNeolaia: {neo}}
		for k, m := range keysOf {
			keys[k] = m[a.ID]
		}
		for k, ks := range keys {
			if out[k] == nil {
				out[k] = map[any]models.FollowupSums{}
			}
			for _, key := range ks {
				sum := out[k][key]
				sum.Add(row)
				out[k][key] = sum
			}
		}
	}
	return out
}

func checkSums(t *testing.T, s *models.Store, f models.FollowupFilter, want map[models.FollowupKey]map[any]models.FollowupSums) {
	t.Helper()
	for _, key := range []models.FollowupKey{models.ByTotal, models.ByActivity, models.ByGoal, models.ByArea, models.ByUnit, models.ByCall, models.ByNeolaia} {
		rows, err := s.FollowupSumsBy(context.Background(), f, key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if len(rows) != len(want[key]) && !(key == models.ByTotal && len(want[key]) == 0) {
			t.Errorf("%s: %d rows, want %d", key, len(rows), len(want[key]))
		}
		for _, r := range rows {
			var k any = r.KeyID
			if key == models.ByNeolaia {
				k = r.KeyText
			}
			got := r
			got.KeyID, got.KeyText = 0, ""
			if w := want[key][k]; got != w {
				t.Errorf("%s %v:\n got %+v\nwant %+v", key, k, got, w)
			}
		}
	}
}

func TestFollowupSumsMatchRows(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		call := genApplications(t, s, 200, 7)
		plan := call.PlanID
		all := goSums(t, s, call, nil)
		if n := all[models.ByTotal][int64(0)]; n.Applications < 100 || n.Reported == 0 || n.ReturnedOre == 0 || len(all[models.ByActivity]) < 3 {
			t.Fatalf("generated data too thin: %+v", n)
		}
		checkSums(t, s, models.FollowupFilter{PlanID: plan, Scope: workflow.Scope{All: true}}, all)

		// A unit member's scope: their unit and the units below only.
		anna := mustActor(t, s, "anna")
		chart, err := s.OrgChart(ctx)
		if err != nil {
			t.Fatal(err)
		}
		scope := workflow.FollowupScopeOf(anna.Workflow, chart)
		if scope.All || len(scope.UnitIDs) == 0 {
			t.Fatalf("anna's scope = %+v", scope)
		}
		checkSums(t, s, models.FollowupFilter{PlanID: plan, CallID: call.ID, Scope: scope}, goSums(t, s, call, scope.UnitIDs))

		// Another unit inside her scope's filter yields nothing.
		nt := mustActor(t, s, "erik").User.UnitID
		rows, err := s.FollowupSumsBy(ctx, models.FollowupFilter{PlanID: plan, UnitID: *nt, Scope: scope}, models.ByUnit)
		if err != nil || len(rows) != 0 {
			t.Errorf("anna filtering on NT: %+v %v", rows, err)
		}
		// A year without calls is empty.
		rows, err = s.FollowupSumsBy(ctx, models.FollowupFilter{PlanID: plan, Year: 1999, Scope: workflow.Scope{All: true}}, models.ByTotal)
		if err != nil || len(rows) > 1 || (len(rows) == 1 && rows[0].Applications != 0) {
			t.Errorf("1999: %+v %v", rows, err)
		}
	})
}

func TestFollowupMonths(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		call := genApplications(t, s, 150, 11)
		months, err := s.FollowupMonths(ctx, models.FollowupFilter{PlanID: call.PlanID, Scope: workflow.Scope{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		var apps []models.Application
		var reports []models.Report
		var events []models.AuditEvent
		db := s.DB()
		if err := db.Where("state NOT IN ?", []string{"draft", "withdrawn"}).Find(&apps).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Where("submitted_at IS NOT NULL").Find(&reports).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Where("action IN ?", []string{"accept_report", "revoke"}).Find(&events).Error; err != nil {
			t.Fatal(err)
		}
		byID := map[int64]models.Application{}
		want := map[string]models.MonthSums{}
		add := func(at time.Time, f func(*models.MonthSums)) {
			m := want[at.UTC().Format("2006-01")]
			m.Month = at.UTC().Format("2006-01")
			f(&m)
			want[m.Month] = m
		}
		for _, a := range apps {
			byID[a.ID] = a
			if a.GrantedOre > 0 && a.DecidedAt != nil {
				add(*a.DecidedAt, func(m *models.MonthSums) { m.GrantedOre += a.GrantedOre })
			}
		}
		for _, r := range reports {
			if a, ok := byID[r.ApplicationID]; ok {
				add(*r.SubmittedAt, func(m *models.MonthSums) { m.SpentOre += a.SpentOre })
			}
		}
		for _, e := range events {
			if _, ok := byID[*e.ApplicationID]; ok {
				add(e.CreatedAt, func(m *models.MonthSums) { m.ReturnedOre += e.AmountOre })
			}
		}
		if len(months) != len(want) {
			t.Errorf("%d months, want %d", len(months), len(want))
		}
		for i, m := range months {
			if m != want[m.Month] || (i > 0 && months[i-1].Month >= m.Month) {
				t.Errorf("month %s: got %+v want %+v", m.Month, m, want[m.Month])
			}
		}
		_, budget, err := s.FollowupCalls(ctx, models.FollowupFilter{PlanID: call.PlanID})
		if err != nil || budget != call.BudgetOre {
			t.Errorf("budget %d, want %d (%v)", budget, call.BudgetOre, err)
		}
	})
}

func TestOperationalRows(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		call := genApplications(t, s, 60, 3)
		rows, err := s.OperationalRows(ctx, models.FollowupFilter{PlanID: call.PlanID, Scope: workflow.Scope{All: true}})
		if err != nil {
			t.Fatal(err)
		}
		var want int64
		err = s.DB().Table("application_activities aa").Joins("JOIN applications a ON a.id = aa.application_id").
			Where("a.state IN ?", []string{"granted", "booked", "reported", "report_revision", "closed", "revoked"}).Count(&want).Error
		if err != nil || int64(len(rows)) != want || want == 0 {
			t.Fatalf("%d rows, want %d (%v)", len(rows), want, err)
		}
		for _, r := range rows {
			if !workflow.HoldsMoney(r.State) || r.GoalSV == "" || r.ActivitySV == "" || r.AreaSV == "" {
				t.Fatalf("row %+v", r)
			}
		}
	})
}

// BenchmarkFollowup measures the queries of one follow-up page (six
// groupings and the months) over 10 000 generated applications on top of
// the demo data, on SQLite and, when reachable, PostgreSQL.
func BenchmarkFollowup(b *testing.B) {
	for _, be := range dbtest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			s := dbtest.New(b, be)
			call := genApplications(b, s, 10_000, 1)
			f := models.FollowupFilter{PlanID: call.PlanID, Scope: workflow.Scope{All: true}}
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				for _, key := range []models.FollowupKey{models.ByActivity, models.ByGoal, models.ByArea, models.ByUnit, models.ByCall, models.ByNeolaia} {
					if _, err := s.FollowupSumsBy(ctx, f, key); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.FollowupMonths(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
