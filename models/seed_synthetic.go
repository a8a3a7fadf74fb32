package models

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"mobilityfund/workflow"
)

// SyntheticCallPrefix starts the code of every call the synthetic data
// set makes; it marks a database that holds one already.
const SyntheticCallPrefix = "SYN-"

// SyntheticIssuer is the issuer of the synthetic data set's many
// applicants: nobody can sign in as them. The few people a load test
// signs in as (SyntheticPeople) have DevIssuer instead.
const SyntheticIssuer = "synthetic"

// SyntheticPeople are the subjects of the synthetic people the
// development sign-in offers, one per role.
var SyntheticPeople = map[workflow.Role]string{
	workflow.RoleApplicant:   "syn-applicant",
	workflow.RoleUnitHead:    "syn-dean",
	workflow.RoleCoordinator: "syn-coordinator",
	workflow.RoleDecider:     "syn-decider",
	workflow.RoleFinance:     "syn-finance",
	workflow.RoleAdmin:       "syn-admin",
}

// SyntheticStats counts what SeedSynthetic wrote.
type SyntheticStats struct {
	Units, Users, Calls, Applications, BudgetLines, Activities, AuditEvents, Reports, Batches, BatchLines, Decisions int
}

// ErrSyntheticLoaded is returned when the database holds a synthetic data
// set already: a second one would double every figure measured on it.
var ErrSyntheticLoaded = errors.New("the database already holds a synthetic data set")

// synthetic carries the generator's state while it writes.
type synthetic struct {
	w       *bulkWriter
	rng     *rand.Rand
	now     time.Time
	plan    *Plan
	acts    []PlanActivity
	units   []OrgUnit // institutions and divisions that apply
	byUnit  map[int64][]int64
	staff   []int64 // coordinators, deciders, finance: the actors of later steps
	names   map[int64]string
	stats   SyntheticStats
	batchID int64
	auditID int64
}

// SeedSynthetic writes a realistic data set of n applications spread over
// ten yearly calls of the plan in force, generated from seed so that the
// same n and seed give the same rows: faculties and institutions, their
// applicants and unit heads, applications in the states a decade of calls
// leaves them in, their budget lines, activities, audit trail, outcome
// reports and booked finance batches. It writes with multi-row inserts in
// one transaction. It returns ErrSyntheticLoaded on a database that has a
// synthetic data set.
func (s *Store) SeedSynthetic(ctx context.Context, n int, seed uint64) (SyntheticStats, error) {
	g := &synthetic{rng: rand.New(rand.NewPCG(seed, uint64(n))), now: s.now(), byUnit: map[int64][]int64{}}
	var err error
	if g.plan, err = s.CurrentPlan(ctx); err != nil {
		return g.stats, err
	}
	g.acts = g.plan.Activities()
	err = s.withBulkWriter(ctx, func(w *bulkWriter) error {
		g.w = w
		existing, err := w.count(ctx, "SELECT COUNT(*) FROM calls WHERE code LIKE $1", SyntheticCallPrefix+"%")
		if err != nil {
			return err
		}
		if existing > 0 {
			return ErrSyntheticLoaded
		}
		if err := g.writeUnits(ctx); err != nil {
			return fmt.Errorf("units: %w", err)
		}
		if err := g.writePeople(ctx, n); err != nil {
			return fmt.Errorf("people: %w", err)
		}
		rebuild, err := w.deferIndexes(ctx, "applications", "audit_events", "budget_lines", "application_activities")
		if err != nil {
			return err
		}
		// On PostgreSQL the kept totals of the new calls are summed once
		// at the end rather than row by row by the triggers.
		firstCall, err := w.nextID(ctx, "calls")
		if err != nil {
			return err
		}
		if w.dollar {
			for _, t := range bulkTriggers {
				if err := w.exec(ctx, "ALTER TABLE "+t[0]+" DISABLE TRIGGER "+t[1]); err != nil {
					return err
				}
			}
		}
		if err := g.writeCalls(ctx, n); err != nil {
			return err
		}
		if w.dollar {
			for _, t := range bulkTriggers {
				if err := w.exec(ctx, "ALTER TABLE "+t[0]+" ENABLE TRIGGER "+t[1]); err != nil {
					return err
				}
			}
			first := strconv.FormatInt(firstCall, 10)
			sums := append([]string{totalsOfCalls(firstCall)}, planTotalsFill(first)...)
			sums = append(sums, s.monthTotalsFill("a.call_id >= "+first))
			for _, q := range sums {
				if err := w.exec(ctx, q); err != nil {
					return err
				}
			}
		}
		if err := rebuild(); err != nil {
			return fmt.Errorf("indexes: %w", err)
		}
		for _, t := range []string{"users", "role_grants", "applications", "budget_lines", "audit_events"} {
			if err := w.syncSequence(ctx, t); err != nil {
				return err
			}
		}
		return nil
	})
	return g.stats, err
}

// pick returns one of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// writeUnits makes four faculties of seven institutions and four
// divisions; codes start with S so that they never meet real ones.
func (g *synthetic) writeUnits(ctx context.Context) error {
	id, err := g.w.nextID(ctx, "org_units")
	if err != nil {
		return err
	}
	cols := []string{"id", "code", "name_sv", "name_en", "kind", "parent_id", "cost_centre", "project_code", "project_name", "created_at", "updated_at"}
	var rows [][]any
	add := func(code, sv, en string, kind UnitKind, parent *int64, cc string) int64 {
		uid := id
		id++
		var p any
		if parent != nil {
			p = *parent
		}
		rows = append(rows, []any{uid, code, sv, en, string(kind), p, cc, "", "", g.now, g.now})
		if kind != KindFaculty {
			g.units = append(g.units, OrgUnit{ID: uid, Code: code, Kind: kind, ParentID: parent})
		}
		return uid
	}
	for f, fac := range synFaculties {
		fid := add(fmt.Sprintf("SF%d", f+1), "Fakulteten för "+fac[0], "Faculty of "+fac[1], KindFaculty, nil, fmt.Sprintf("7%d00", f+1))
		for i := 0; i < 7; i++ {
			subj := synSubjects[(f*7+i)%len(synSubjects)]
			add(fmt.Sprintf("SF%dI%d", f+1, i+1), "Institutionen för "+subj[0], "School of "+subj[1], KindInstitution, &fid,
				fmt.Sprintf("7%d%d0", f+1, i+1))
		}
	}
	for i, d := range synDivisions {
		add(fmt.Sprintf("SD%d", i+1), d[0], d[1], KindDivision, nil, fmt.Sprintf("8%d00", i+1))
	}
	g.stats.Units = len(rows)
	return g.w.insert(ctx, "org_units", cols, rows)
}

// writePeople makes one applicant for every 25 applications (at least
// two per unit), a unit head per unit, and the university-wide roles.
func (g *synthetic) writePeople(ctx context.Context, n int) error {
	id, err := g.w.nextID(ctx, "users")
	if err != nil {
		return err
	}
	ucols := []string{"id", "issuer", "subject", "email", "name", "language", "unit_id", "disabled", "created_at", "updated_at"}
	gcols := []string{"user_id", "role", "unit_id", "from_group", "created_at"}
	var users, grants [][]any
	g.names = map[int64]string{}
	person := func(issuer, subject string, unit int64, role workflow.Role, roleUnit *int64) int64 {
		uid := id
		id++
		first, last := pick(g.rng, synFirstNames), pick(g.rng, synLastNames)
		lang := "sv"
		if g.rng.IntN(8) == 0 {
			lang = "en"
		}
		users = append(users, []any{uid, issuer, subject, fmt.Sprintf("%s.%s.%d@example.org", first, last, uid),
			first + " " + last, lang, unit, false, g.now, g.now})
		g.names[uid] = first + " " + last
		var ru any
		if roleUnit != nil {
			ru = *roleUnit
		}
		grants = append(grants, []any{uid, string(role), ru, "", g.now})
		return uid
	}
	perUnit := max(2, n/25/len(g.units))
	for _, u := range g.units {
		uid := u.ID
		for i := 0; i < perUnit; i++ {
			issuer, subject := SyntheticIssuer, fmt.Sprintf("syn-applicant-%d-%d", uid, i)
			if len(g.byUnit) == 0 && i == 0 {
				issuer, subject = DevIssuer, SyntheticPeople[workflow.RoleApplicant]
			}
			g.byUnit[uid] = append(g.byUnit[uid], person(issuer, subject, uid, workflow.RoleApplicant, &uid))
		}
		person(SyntheticIssuer, fmt.Sprintf("syn-head-%d", uid), uid, workflow.RoleUnitHead, &uid)
	}
	firstFaculty := *g.units[0].ParentID
	person(DevIssuer, SyntheticPeople[workflow.RoleUnitHead], firstFaculty, workflow.RoleUnitHead, &firstFaculty)
	central := g.units[len(g.units)-1].ID
	for _, r := range []workflow.Role{workflow.RoleCoordinator, workflow.RoleDecider, workflow.RoleFinance, workflow.RoleAdmin} {
		g.staff = append(g.staff, person(DevIssuer, SyntheticPeople[r], central, r, nil))
	}
	g.stats.Users = len(users)
	if err := g.w.insert(ctx, "users", ucols, users); err != nil {
		return err
	}
	return g.w.insert(ctx, "role_grants", gcols, grants)
}

// bulkTriggers are the triggers (table, name) that keep totals which the
// synthetic data set sums once after its load on PostgreSQL instead.
// report_totals' stay: the reports are few and come after their
// applications.
var bulkTriggers = [][2]string{
	{"applications", "application_totals_trigger"},
	{"application_activities", "plan_totals_link_trigger"},
	{"application_reports", "plan_totals_report_trigger"},
	{"applications", "month_totals_application_trigger"},
	{"applications", "month_totals_application_insert_trigger"},
	{"application_reports", "month_totals_report_trigger"},
	{"audit_events", "month_totals_audit_trigger"},
}

// totalsOfCalls sums the kept totals of the calls from id first on from
// their applications, as migration 00060 does for existing data.
func totalsOfCalls(first int64) string {
	return "INSERT INTO application_totals SELECT call_id, unit_id, state, " +
		"CASE WHEN neolaia IN ('ja', 'delvis') THEN neolaia ELSE '' END, COUNT(*), " +
		"SUM(requested_ore), SUM(granted_ore), SUM(returned_ore), SUM(spent_ore), " +
		"SUM(expected_students_first), SUM(expected_students_second), SUM(expected_students_third), " +
		"SUM(expected_mobility_windows), SUM(expected_partner_agreements) " +
		"FROM applications WHERE call_id >= " + strconv.FormatInt(first, 10) + " GROUP BY 1, 2, 3, 4"
}
