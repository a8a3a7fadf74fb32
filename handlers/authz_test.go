package handlers_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"mobilityfund/config"
	"mobilityfund/export"
	"mobilityfund/handlers"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
)

// The route × role matrix: every route the application registers must
// have a row here saying which status each kind of visitor gets. A NEW
// ROUTE NEEDS A ROW; the test fails for a route without one and prints
// the row it observed, to be checked and pasted.
//
// Columns: anonymous; the demo people anna (applicant, HUMUS), maria
// (unit head, HUMUS), sara (coordinator), karin (decider), peter
// (finance), eva (admin); and erik, an applicant of another unit (NT).
// Paths use the fixtures of matrixFixtures: {app} is a HUMUS application
// ready for decision with an attachment {att}, {call} the demo call,
// {person} and {grant} johan and his grant, {plan}, {goal}, {activity} the
// plan in force, {mail} a notification, {batch} a finance export batch,
// {unit} the demo's HR office (no applications; eva closes it).
//
// All rows run on one application per database: GET rows first (a GET
// never changes anything), then POST rows in table order, each visitor
// in column order from a browser of their own with an empty form (or the
// one in matrixForms). A status such as 409 or 422 means "let through by
// authorization, refused by the rules". The fixtures are chosen so that
// no POST changes what a later row sees: {grant} belongs to johan, who is
// not a visitor, and the attachment anna deletes is not used afterwards.

const (
	ok       = http.StatusOK
	found    = http.StatusFound
	see      = http.StatusSeeOther
	bad      = http.StatusBadRequest
	unauth   = http.StatusUnauthorized
	deny     = http.StatusForbidden
	hide     = http.StatusNotFound
	conflict = http.StatusConflict
	invalid  = http.StatusUnprocessableEntity
)

type visitors [8]int

var visitorNames = [8]string{"anonymous", "applicant", "unit_head", "coordinator", "decider", "finance", "admin", "other_unit"}

// matrixSubjects are the demo subjects behind the columns ("" anonymous).
var matrixSubjects = [8]string{"", "anna", "maria", "sara", "karin", "peter", "eva", "erik"}

// matrixRow is one route and what each visitor gets.
type matrixRow struct {
	method, route, path string
	want                visitors
}

var matrix = []matrixRow{
	// Public pages.
	{"GET", "/healthz", "/healthz", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/readyz", "/readyz", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/static/*filepath", "/static/app.css", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"HEAD", "/static/*filepath", "/static/app.css", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/", "/", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/plan", "/plan", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/calls/:id", "/calls/{call}", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/tillganglighet", "/tillganglighet", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"POST", "/language", "/language", visitors{see, see, see, see, see, see, see, see}},

	// Sign-in and sign-out.
	{"GET", "/login", "/login", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/auth/login", "/auth/login", visitors{found, found, found, found, found, found, found, found}},
	{"GET", "/auth/callback", "/auth/callback", visitors{bad, bad, bad, bad, bad, bad, bad, bad}},
	{"POST", "/logout", "/logout", visitors{see, see, see, see, see, see, see, see}},
	{"POST", "/login/dev", "/login/dev", visitors{hide, hide, hide, hide, hide, hide, hide, hide}},

	// Role administration.
	{"GET", "/admin/people", "/admin/people", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"GET", "/admin/people/:id", "/admin/people/{person}", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/people/:id/grants", "/admin/people/{person}/grants", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"POST", "/admin/people/:id/grants/:grant/revoke", "/admin/people/{person}/grants/{grant}/revoke", visitors{unauth, deny, deny, deny, deny, deny, see, deny}},
	// Access: without confirm=yes the page asks first (200), so the
	// matrix changes nothing.
	{"POST", "/admin/people/:id/disable", "/admin/people/{person}/disable", visitors{unauth, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/people/:id/enable", "/admin/people/{person}/enable", visitors{unauth, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/people/:id/end-sessions", "/admin/people/{person}/end-sessions", visitors{unauth, deny, deny, deny, deny, deny, ok, deny}},
	{"GET", "/admin/audit", "/admin/audit", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"GET", "/admin/audit.csv", "/admin/audit.csv", visitors{see, deny, deny, deny, deny, deny, ok, deny}},

	// Applications: visibility by unit and role; erik (NT) sees no HUMUS
	// application, whatever its id.
	{"GET", "/tasks", "/tasks", visitors{see, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/me/data", "/me/data", visitors{see, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/me/data.json", "/me/data.json", visitors{see, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/applications", "/applications", visitors{see, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/applications.csv", "/applications.csv", visitors{see, ok, ok, ok, ok, ok, ok, ok}},
	{"GET", "/applications/new", "/applications/new", visitors{see, ok, deny, deny, deny, deny, deny, ok}},
	{"POST", "/applications", "/applications", visitors{unauth, invalid, deny, deny, deny, deny, deny, invalid}},
	{"GET", "/applications/:id", "/applications/{app}", visitors{see, ok, ok, ok, ok, ok, ok, hide}},
	{"GET", "/applications/:id/edit", "/applications/{draft}/edit", visitors{see, ok, deny, deny, deny, deny, deny, hide}},
	{"POST", "/applications/:id/edit", "/applications/{draft}/edit", visitors{unauth, invalid, deny, deny, deny, deny, deny, hide}},
	// Only its applicants delete a draft; the empty form's version is
	// stale, so the draft survives for the rows below.
	{"POST", "/applications/:id/delete", "/applications/{draft}/delete", visitors{unauth, conflict, deny, deny, deny, deny, deny, hide}},
	{"GET", "/applications/:id/decide", "/applications/{app}/decide", visitors{see, deny, deny, deny, ok, deny, deny, hide}},
	{"POST", "/applications/:id/actions/:action", "/applications/{app}/actions/grant", visitors{unauth, deny, deny, deny, invalid, deny, deny, hide}},
	// The upload checks the (here missing) file before the right to edit:
	// 422 for everyone who may see the draft, and nothing is stored.
	{"POST", "/applications/:id/attachments", "/applications/{draft}/attachments", visitors{unauth, invalid, invalid, invalid, invalid, invalid, invalid, hide}},
	{"GET", "/applications/:id/attachments/:aid", "/applications/{draft}/attachments/{att}", visitors{see, ok, ok, ok, ok, ok, ok, hide}},
	{"POST", "/applications/:id/attachments/:aid/delete", "/applications/{draft}/attachments/{att}/delete", visitors{unauth, see, deny, deny, deny, deny, deny, hide}},

	// The record: the application as PDF, the conversation (comments
	// between applicants and coordinators; {comment} is anna's, {note} an
	// internal note of sara's that only coordinators, deciders and the
	// unit head see), the contact person, decision documents ({decision}
	// is the demo's rejection of a HUMUS application), the register for
	// coordinators and the documents' settings for administrators.
	{"GET", "/applications/:id/pdf", "/applications/{app}/pdf", visitors{see, ok, ok, ok, ok, ok, ok, hide}},
	{"POST", "/applications/:id/comments", "/applications/{app}/comments", visitors{unauth, see, deny, see, deny, deny, deny, hide}},
	{"POST", "/applications/:id/comments/:cid/edit", "/applications/{app}/comments/{comment}/edit", visitors{unauth, see, deny, deny, deny, deny, deny, hide}},
	{"POST", "/applications/:id/comments/:cid/strike", "/applications/{app}/comments/{note}/strike", visitors{unauth, hide, deny, see, deny, hide, hide, hide}},
	{"POST", "/applications/:id/contact", "/applications/{app}/contact", visitors{unauth, see, deny, see, deny, deny, deny, hide}},
	{"GET", "/decisions/:id/document", "/decisions/{decision}/document", visitors{see, ok, ok, ok, ok, ok, ok, hide}},
	{"GET", "/register", "/register", visitors{see, deny, deny, ok, deny, deny, deny, deny}},
	{"GET", "/register/export.csv", "/register/export.csv", visitors{see, deny, deny, ok, deny, deny, deny, deny}},
	{"POST", "/register/:id/registered", "/register/{decision}/registered", visitors{unauth, deny, deny, see, deny, deny, deny, deny}},
	{"GET", "/admin/records", "/admin/records", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/records", "/admin/records", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},

	// Reports and follow-up.
	{"GET", "/applications/:id/report", "/applications/{app}/report", visitors{see, ok, ok, ok, ok, ok, ok, hide}},
	{"POST", "/applications/:id/report", "/applications/{app}/report", visitors{unauth, conflict, conflict, conflict, conflict, conflict, conflict, hide}},
	{"POST", "/applications/:id/report/accept", "/applications/{app}/report/accept", visitors{unauth, conflict, conflict, conflict, conflict, conflict, conflict, hide}},
	{"POST", "/applications/:id/report/revision", "/applications/{app}/report/revision", visitors{unauth, conflict, conflict, conflict, conflict, conflict, conflict, hide}},
	{"GET", "/followup", "/followup", visitors{see, ok, ok, ok, ok, deny, ok, ok}},
	{"GET", "/followup/yearly", "/followup/yearly", visitors{see, ok, ok, ok, ok, deny, ok, ok}},
	{"GET", "/followup/export.csv", "/followup/export.csv", visitors{see, ok, ok, ok, ok, deny, ok, ok}},
	{"GET", "/followup/export.xlsx", "/followup/export.xlsx", visitors{see, ok, ok, ok, ok, deny, ok, ok}},

	// Plan administration.
	{"GET", "/admin/plans", "/admin/plans", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/plans", "/admin/plans", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"GET", "/admin/plans/:id", "/admin/plans/{plan}", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/plans/:id/texts/:kind/:item", "/admin/plans/{plan}/texts/goal/{goal}", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"POST", "/admin/plans/:id/activities/:item", "/admin/plans/{plan}/activities/{activity}", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"POST", "/admin/plans/:id/activities/:item/retire", "/admin/plans/{plan}/activities/{activity}/retire", visitors{unauth, deny, deny, deny, deny, deny, see, deny}},
	{"POST", "/admin/plans/:id/goals/:item/activities", "/admin/plans/{plan}/goals/{goal}/activities", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},

	// Calls and reference numbers: coordinators and administrators. The
	// empty forms carry no version, so nothing changes the demo call.
	{"GET", "/admin/calls", "/admin/calls", visitors{see, deny, deny, ok, deny, deny, ok, deny}},
	{"GET", "/admin/calls/new", "/admin/calls/new", visitors{see, deny, deny, ok, deny, deny, ok, deny}},
	{"POST", "/admin/calls", "/admin/calls", visitors{unauth, deny, deny, invalid, deny, deny, invalid, deny}},
	{"POST", "/admin/calls/reference", "/admin/calls/reference", visitors{unauth, deny, deny, invalid, deny, deny, invalid, deny}},
	{"GET", "/admin/calls/:id", "/admin/calls/{call}", visitors{see, deny, deny, ok, deny, deny, ok, deny}},
	{"POST", "/admin/calls/:id", "/admin/calls/{call}", visitors{unauth, deny, deny, conflict, deny, deny, conflict, deny}},
	{"POST", "/admin/calls/:id/open", "/admin/calls/{call}/open", visitors{unauth, deny, deny, conflict, deny, deny, conflict, deny}},
	{"POST", "/admin/calls/:id/close", "/admin/calls/{call}/close", visitors{unauth, deny, deny, conflict, deny, deny, conflict, deny}},

	// People from CSV: administrators; an empty import shows its problem.
	{"GET", "/admin/people-import", "/admin/people-import", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/people-import", "/admin/people-import", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"POST", "/admin/people-import/apply", "/admin/people-import/apply", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},

	// The org chart: administrators. The empty import shows its
	// problem; the unit's empty form names its missing fields.
	{"GET", "/admin/units", "/admin/units", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/units", "/admin/units", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"GET", "/admin/units/export.csv", "/admin/units/export.csv", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/units/import", "/admin/units/import", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"POST", "/admin/units/import/apply", "/admin/units/import/apply", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"GET", "/admin/units/:id", "/admin/units/{unit}", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/units/:id", "/admin/units/{unit}", visitors{unauth, deny, deny, deny, deny, deny, invalid, deny}},
	{"POST", "/admin/units/:id/close", "/admin/units/{unit}/close", visitors{unauth, deny, deny, deny, deny, deny, see, deny}},

	// Mail.
	{"GET", "/admin/mail", "/admin/mail", visitors{see, deny, deny, deny, deny, deny, ok, deny}},
	{"POST", "/admin/mail/:id/retry", "/admin/mail/{mail}/retry", visitors{unauth, deny, deny, deny, deny, deny, see, deny}},
	// The development mailbox exists only outside production.
	{"GET", "/dev/mailbox", "/dev/mailbox", visitors{ok, ok, ok, ok, ok, ok, ok, ok}},

	// Finance.
	{"GET", "/finance", "/finance", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
	{"POST", "/finance/batches", "/finance/batches", visitors{unauth, deny, deny, deny, deny, conflict, deny, deny}},
	{"GET", "/finance/batches/:id", "/finance/batches/{batch}", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
	{"GET", "/finance/batches/:id/download/:format", "/finance/batches/{batch}/download/csv", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
	{"POST", "/finance/batches/:id/book", "/finance/batches/{batch}/book", visitors{unauth, deny, deny, deny, deny, invalid, deny, deny}},
	{"GET", "/finance/reconciliation", "/finance/reconciliation", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
	{"GET", "/finance/reconciliation.csv", "/finance/reconciliation.csv", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
	{"GET", "/finance/settings", "/finance/settings", visitors{see, deny, deny, deny, deny, ok, ok, deny}},
	{"POST", "/finance/settings", "/finance/settings", visitors{unauth, deny, deny, deny, deny, invalid, invalid, deny}},
	{"GET", "/api/finance/batches", "/api/finance/batches", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
	{"GET", "/api/finance/batches/:id", "/api/finance/batches/{batch}", visitors{see, deny, deny, deny, deny, ok, deny, deny}},
}

// matrixForms are the forms some POST rows send instead of an empty one,
// so that the request gets past the version check to the role check.
var matrixForms = map[string]string{
	"POST /applications/:id/actions/:action":      "version={appver}",
	"POST /applications/:id/comments":             "body=Fråga",
	"POST /applications/:id/comments/:cid/edit":   "version=1&body=Rättad fråga",
	"POST /applications/:id/comments/:cid/strike": "version=1&reason=Fel ansökan",
	"POST /applications/:id/contact":              "contact={anna}",
}

// routeKey names a route as gin does.
func routeKey(method, route string) string { return method + " " + route }

// TestRouteMatrix checks the matrix against the routes the application
// registers (with single sign-on and the development sign-in on, so that
// every route exists), then asks every route as every visitor.
func TestRouteMatrix(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"OIDC_ISSUER": "http://127.0.0.1:1/oidc", "OIDC_CLIENT_ID": "x"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int{}
	for i, row := range matrix {
		if _, dup := rows[routeKey(row.method, row.route)]; dup {
			t.Errorf("matrix: %s %s twice", row.method, row.route)
		}
		rows[routeKey(row.method, row.route)] = i
	}
	registered := map[string]bool{}
	var missing []string
	for _, r := range handlers.RoutesFor(cfg) {
		registered[routeKey(r.Method, r.Path)] = true
		if _, ok := rows[routeKey(r.Method, r.Path)]; !ok {
			missing = append(missing, routeKey(r.Method, r.Path))
		}
	}
	for _, row := range matrix {
		if !registered[routeKey(row.method, row.route)] {
			t.Errorf("matrix row %s %s: no such route any more; remove the row", row.method, row.route)
		}
	}
	sort.Strings(missing)

	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			m := oidctest.New(t)
			a, _, _ := newSSOApp(t, dbtest.New(t, b), m, nil, true)
			fx := matrixFixtures(t, a.store)
			// GET rows first: they change nothing; then POST rows in
			// table order, each visitor from a browser of their own.
			ordered := slices.Clone(matrix)
			slices.SortStableFunc(ordered, func(x, y matrixRow) int {
				return cmp.Compare(boolInt(x.method == http.MethodPost), boolInt(y.method == http.MethodPost))
			})
			for _, row := range ordered {
				if !registered[routeKey(row.method, row.route)] {
					continue
				}
				t.Run(row.method+" "+row.route, func(t *testing.T) {
					got := askAll(t, a, fx, row.method, fillPath(row.path, fx), fillPath(matrixForms[routeKey(row.method, row.route)], fx))
					if got != row.want {
						t.Errorf("%s %s:\n got  %s\n want %s", row.method, row.path, got, row.want)
					}
				})
			}
			for _, key := range missing {
				method, route, _ := strings.Cut(key, " ")
				got := askAll(t, a, fx, method, fillPath(route, fx), "")
				t.Errorf("route %s has no row in the matrix in handlers/authz_test.go; add (after checking it):\n\t{%q, %q, %q, %s},",
					key, method, route, fillPath(route, fx), got)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// String prints a row as Go, with the visitors named in a comment.
func (v visitors) String() string {
	parts := make([]string, len(v))
	for i, s := range v {
		parts[i] = statusName(s)
	}
	return "visitors{" + strings.Join(parts, ", ") + "}"
}

func statusName(s int) string {
	names := map[int]string{ok: "ok", found: "found", see: "see", bad: "bad", unauth: "unauth", deny: "deny",
		hide: "hide", conflict: "conflict", invalid: "invalid"}
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprint(s)
}

// askAll sends the request as every visitor, each from a browser of their
// own, and returns the statuses. An anonymous GET that answers 303 must go
// to /login.
func askAll(t *testing.T, a *app, fx map[string]string, method, path, form string) visitors {
	t.Helper()
	var got visitors
	for i, subject := range matrixSubjects {
		c := a.client()
		if subject != "" {
			actor, err := a.store.DemoActor(context.Background(), subject)
			if err != nil {
				t.Fatal(err)
			}
			c.login(actor)
		}
		var r response
		switch method {
		case http.MethodPost:
			values, err := url.ParseQuery(form)
			if err != nil {
				t.Fatal(err)
			}
			r = c.post(path, values)
		default:
			req, _ := http.NewRequest(method, a.srv.URL+path, nil)
			r = c.do(req)
		}
		got[i] = r.status
		if subject == "" && r.status == see && method == http.MethodGet && !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous %s %s: redirected to %q, not /login", method, path, r.header.Get("Location"))
		}
		if r.status == http.StatusInternalServerError {
			t.Errorf("%s %s as %s: 500\n%s", method, path, visitorNames[i], r.body)
		}
	}
	return got
}

// fillPath puts the fixtures into a path: {app} and so on, or gin's
// :name parameters for a route that has no row yet.
func fillPath(path string, fx map[string]string) string {
	for k, v := range fx {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "/")
}

// matrixFixtures finds or makes the records the matrix's paths name.
// Relies on the demo data: the HUMUS applications "Språkstöd inför
// utlandsstudier" (ready for decision) and "Utbytesvecka i Bologna för
// lärarstudenter" (anna's draft), the granted NT application that finance
// exports, the plan in force, johan (future decider) and peter.
func matrixFixtures(t *testing.T, s *models.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	if err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	db := s.DB()
	first := func(table, where string, args ...any) int64 {
		var ids []int64
		if err := db.Table(table).Where(where, args...).Order("id").Limit(1).Pluck("id", &ids).Error; err != nil || len(ids) == 0 {
			t.Fatalf("fixture from %s (%s): %v", table, where, err)
		}
		return ids[0]
	}
	actor := func(subject string) *models.Actor {
		a, err := s.DemoActor(ctx, subject)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	johan, anna, peter := actor("johan"), actor("anna"), actor("peter")
	app := first("applications", "title = ?", "Språkstöd inför utlandsstudier")
	draft := first("applications", "title = ?", "Utbytesvecka i Bologna för lärarstudenter")
	att, err := s.AddAttachment(ctx, draft, anna, "plan.pdf", []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveFinanceSettings(ctx, peter, models.FinanceSettingsInput{
		Ledger: export.Ledger{Organisation: "Örebro universitet", PotCostCentre: "9100", PotProject: "MOBPOT", PotName: "Mobilitetsfonden",
			UnitAccount: "4010", UnitAccountName: "Interna bidrag", PotAccount: "4010", PotAccountName: "Interna bidrag"},
		VoucherText: "MF {application} {decision} batch {batch}",
	}); err != nil {
		t.Fatal(err)
	}
	batch, err := s.CreateFinanceBatch(ctx, peter, models.BatchInput{})
	if err != nil {
		t.Fatal(err)
	}
	mail := models.OutboxMessage{Event: "submitted", ApplicationID: &app, RecipientEmail: "maria.berg@example.org",
		Language: "sv", Payload: "{}", Status: "failed", Attempts: 5, LastError: "550 mailbox unavailable",
		NextAttemptAt: s.Now(), CreatedAt: s.Now()}
	if err := db.Create(&mail).Error; err != nil {
		t.Fatal(err)
	}
	var version []int
	if err := db.Table("applications").Where("id = ?", app).Pluck("version", &version).Error; err != nil || len(version) != 1 {
		t.Fatalf("version of the application: %v", err)
	}
	plan := first("plans", "1 = 1")
	sara := actor("sara")
	comment, err := s.AddComment(ctx, anna, app, false, "Räcker budgeten för tolk?")
	if err != nil {
		t.Fatal(err)
	}
	note, err := s.AddComment(ctx, sara, app, true, "Intern: kontrollera kostnaden.")
	if err != nil {
		t.Fatal(err)
	}
	decision := first("decisions", "application_id IN (SELECT id FROM applications WHERE title = ?)", "Studieresa till London för masterstudenter")
	return map[string]string{
		"comment":  itoa(comment.ID),
		"note":     itoa(note.ID),
		"anna":     itoa(anna.User.ID),
		"decision": itoa(decision),
		"app":      itoa(app),
		"appver":   fmt.Sprint(version[0]),
		"draft":    itoa(draft),
		"att":      itoa(att.ID),
		"call":     itoa(first("calls", "1 = 1")),
		"person":   itoa(johan.User.ID),
		"grant":    itoa(first("role_grants", "user_id = ?", johan.User.ID)),
		"plan":     itoa(plan),
		"unit":     itoa(first("org_units", "code = ?", "HR")),
		"goal":     itoa(first("plan_goals", "area_id IN (SELECT id FROM plan_areas WHERE plan_id = ?)", plan)),
		"activity": itoa(first("plan_activities", "1 = 1")),
		"batch":    itoa(batch.ID),
		"mail":     itoa(mail.ID),
	}
}

// TestCrossOriginRefused sends state-changing requests as a browser on
// another site would (Sec-Fetch-Site: cross-site, or only a foreign
// Origin): http.CrossOriginProtection refuses them before any handler, so
// nothing changes and the session survives. Development responses carry
// the security headers but no HSTS (production's is checked in
// TestProductionCookiesAndHeaders). Relies on the demo people eva and sara.
func TestCrossOriginRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := newApp(t, s)
		eva, err := s.DemoActor(ctx, "eva")
		if err != nil {
			t.Fatal(err)
		}
		sara, err := s.DemoActor(ctx, "sara")
		if err != nil {
			t.Fatal(err)
		}
		c := a.client()
		c.login(eva)
		before, err := s.GrantsOf(ctx, sara.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/admin/people/" + itoa(sara.User.ID) + "/grants", "/logout"} {
			for name, header := range map[string][2]string{
				"Sec-Fetch-Site": {"Sec-Fetch-Site", "cross-site"},
				"Origin":         {"Origin", "https://evil.example"},
			} {
				req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader("role=admin"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set(header[0], header[1])
				if r := c.do(req); r.status != http.StatusForbidden {
					t.Errorf("cross-origin POST %s (%s): %d, want 403", path, name, r.status)
				}
			}
		}
		after, err := s.GrantsOf(ctx, sara.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Error("a cross-origin POST granted a role")
		}
		r := c.get("/admin/people")
		if r.status != http.StatusOK {
			t.Errorf("session lost to a cross-origin logout: %d", r.status)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin", "Strict-Transport-Security": ""} {
			if got := r.header.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "form-action 'self'") {
			t.Errorf("CSP = %q", csp)
		}
	})
}
