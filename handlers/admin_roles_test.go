package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestAdminRoles walks the role administration as the demo admin eva:
// search, a refused form that keeps its input, a dated grant that takes
// effect for the person at their next request, revocation, a second
// revocation (409) and the audit trail. Relies on the demo people eva
// (admin) and sara (coordinator).
func TestAdminRoles(t *testing.T) {
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
		admin := a.client()
		admin.login(eva)
		person := "/admin/people/" + itoa(sara.User.ID)

		r := admin.get("/admin/people?q=EKBERG")
		if r.status != http.StatusOK || !strings.Contains(r.body, person) || strings.Contains(r.body, "/admin/people/"+itoa(eva.User.ID)+`"`) {
			t.Errorf("search: %d, sara listed: %v", r.status, strings.Contains(r.body, person))
		}
		if r := admin.get(person); r.status != http.StatusOK || !strings.Contains(r.body, admin.t("role.coordinator")) {
			t.Errorf("person page: %d", r.status)
		}

		// A refused form shows the input again with the message beside
		// the field.
		r = admin.post(person+"/grants", url.Values{"role": {"admin"}, "valid_from": {"2026-08-10"}, "valid_to": {"2026-08-01"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="2026-08-10"`) ||
			!strings.Contains(r.body, `id="valid_to-error"`) || !strings.Contains(r.body, admin.t("roles.err.dates")) {
			t.Errorf("refused grant: %d\n%s", r.status, r.body)
		}
		if r := admin.post(person+"/grants", url.Values{"role": {"admin"}, "valid_from": {"10/8"}}); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, admin.t("error.date_invalid")) {
			t.Errorf("malformed date: %d", r.status)
		}

		// Extra fields are ignored (mass assignment).
		r = admin.post(person+"/grants", url.Values{"role": {"admin"}, "granted_by": {itoa(sara.User.ID)},
			"from_group": {"x"}, "user_id": {itoa(eva.User.ID)}, "revoked_at": {"2020-01-01"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("grant: %d\n%s", r.status, r.body)
		}
		grants, err := s.GrantsOf(ctx, sara.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		g := grants[0]
		if g.Role != workflow.RoleAdmin || g.FromGroup != "" || g.RevokedAt != nil || g.GrantedBy == nil || *g.GrantedBy != eva.User.ID {
			t.Errorf("granted %+v", g)
		}

		// The grant works at sara's next request, and its revocation too.
		other := a.client()
		other.login(sara)
		if r := other.get("/admin/people"); r.status != http.StatusOK {
			t.Errorf("sara as admin: %d", r.status)
		}
		revoke := person + "/grants/" + itoa(g.ID) + "/revoke"
		if r := admin.post(revoke, nil); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.status)
		}
		if r := other.get("/admin/people"); r.status != http.StatusForbidden {
			t.Errorf("sara after revocation: %d", r.status)
		}
		if r := admin.post(revoke, nil); r.status != http.StatusConflict {
			t.Errorf("revoking twice: %d, want 409", r.status)
		}
		if r := admin.post("/admin/people/"+itoa(eva.User.ID)+"/grants/"+itoa(g.ID)+"/revoke", nil); r.status != http.StatusNotFound {
			t.Errorf("revoking a grant through another person: %d, want 404", r.status)
		}
		if r := admin.post("/admin/people/"+itoa(eva.User.ID)+"/grants/"+itoa(eva.Grants[0].ID)+"/revoke", nil); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.body, admin.t("roles.err.own_roles")) {
			t.Errorf("revoking one's own admin role: %d", r.status)
		}
		if r := admin.get(person); !regexp.MustCompile(`(?s)grants-ended.*` + regexp.QuoteMeta(admin.t("role.admin"))).MatchString(r.body) {
			t.Error("the revoked grant is not listed as ended")
		}

		var audit []models.AuditEvent
		if err := s.DB().Where("entity = 'role_grant' AND entity_id = ?", g.ID).Order("id").Find(&audit).Error; err != nil {
			t.Fatal(err)
		}
		if len(audit) != 2 || audit[0].Action != "grant" || audit[1].Action != "revoke" || *audit[0].ActorID != eva.User.ID {
			t.Errorf("audit = %+v", audit)
		}
	})
}

// TestAuditPage: the administrator reads the trail of a grant just made,
// filters it, and gets a clear message for a filter that cannot be read.
func TestAuditPage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		admin := a.client()
		eva := a.demoUser(workflow.RoleAdmin, nil)
		admin.login(eva)
		person := a.demoUser(workflow.RoleApplicant, nil)
		if r := admin.post("/admin/people/"+itoa(person.User.ID)+"/grants", url.Values{"role": {"finance"}}); r.status != http.StatusSeeOther {
			t.Fatalf("grant: %d", r.status)
		}
		r := admin.get("/admin/audit?entity=role_grant&actor=" + itoa(eva.User.ID))
		if r.status != http.StatusOK || !strings.Contains(r.body, eva.User.Name) || !strings.Contains(r.body, "<td>grant</td>") {
			t.Errorf("audit of the grant: %d\n%s", r.status, r.body)
		}
		r = admin.get("/admin/audit?entity=application")
		if r.status != http.StatusOK || strings.Contains(r.body, "<td>Roll ") || !strings.Contains(r.body, "<td>Ansökan ") {
			t.Errorf("filtered to applications: %d, and the role grant shows", r.status)
		}
		r = admin.get("/admin/audit?from=26-13-01&entity=nonsense")
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="26-13-01"`) || !strings.Contains(r.body, `id="audit-from"`) {
			t.Errorf("unreadable filter: %d", r.status)
		}
	})
}

// TestAuditCSV: the administrator downloads the filtered trail as CSV.
func TestAuditCSV(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		admin := a.client()
		admin.login(a.demoUser(workflow.RoleAdmin, nil))
		r := admin.get("/admin/audit.csv?entity=application")
		if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\uFEFFId;Tid;Vem") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("audit CSV: %d %q", r.status, r.header)
		}
		lines := strings.Count(r.body, "\r\n")
		var n int64
		if err := s.DB().Model(&models.AuditEvent{}).Where("entity = ?", "application").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if int64(lines) != n+1 {
			t.Errorf("%d lines for %d application events", lines, n)
		}
		if r := admin.get("/admin/audit.csv?from=nonsense"); r.status != http.StatusBadRequest {
			t.Errorf("unreadable filter: %d", r.status)
		}
	})
}
