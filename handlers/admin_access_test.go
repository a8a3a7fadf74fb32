package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestAdminAccess has an administrator disable a person signed in by
// single sign-on (after a confirmation page), which ends their session at
// once and refuses their next sign-in with a clear message; enable them
// again; and end all their sessions. Each change is audited; doing it
// twice is a conflict, and administrators cannot lock themselves out.
// Relies on the demo administrator Eva Strand.
func TestAdminAccess(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, nil, true)
		person := a.client()
		person.ssoLogin(m, anna())
		annaRow := ssoUserRow(t, a, m.Issuer(), "u-100")
		path := "/admin/people/" + itoa(annaRow.ID)
		admin := a.client()
		eva := a.demoUser(workflow.RoleAdmin, nil)
		admin.login(eva)

		r := admin.post(path+"/disable", nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, `name="confirm" value="yes"`) || !strings.Contains(r.body, "Anna Lindqvist") {
			t.Fatalf("disable without confirmation: %d\n%s", r.status, r.body)
		}
		if n, _ := s.CountSessions(ctx, annaRow.ID); n != 1 {
			t.Fatalf("the question changed something: %d sessions", n)
		}
		r = admin.post(path+"/disable", url.Values{"confirm": {"yes"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != path+"?done=disabled" {
			t.Fatalf("disable: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
		}
		if n, _ := s.CountSessions(ctx, annaRow.ID); n != 0 {
			t.Errorf("a disabled person keeps %d sessions", n)
		}
		if r := person.get("/applications"); r.status != http.StatusSeeOther {
			t.Errorf("a disabled person's next page: %d", r.status)
		}
		if r := person.callback(person.authorize(m, anna())); r.status != http.StatusForbidden || !strings.Contains(r.body, person.t("auth.err.disabled")) {
			t.Errorf("a disabled person signing in: %d", r.status)
		}
		var refused int64
		s.DB().Model(&models.AuditEvent{}).Where("action = ? AND actor_id = ?", models.AuditSignInRefused, annaRow.ID).Count(&refused)
		if refused != 1 {
			t.Errorf("%d audit rows of the refused sign-in", refused)
		}
		if r := admin.post(path+"/disable", url.Values{"confirm": {"yes"}}); r.status != http.StatusConflict {
			t.Errorf("disable twice: %d", r.status)
		}
		if r := admin.get(path + "?done=disabled"); !strings.Contains(r.body, admin.t("access.done_disabled")) || !strings.Contains(r.body, `action="`+path+`/enable"`) {
			t.Errorf("the person page does not show the disabled person with an enable button")
		}
		r = admin.post("/admin/people/"+itoa(eva.User.ID)+"/disable", url.Values{"confirm": {"yes"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, admin.t("access.err.own")) {
			t.Errorf("disable oneself: %d", r.status)
		}

		if r := admin.post(path+"/enable", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther {
			t.Fatalf("enable: %d\n%s", r.status, r.body)
		}
		person.ssoLogin(m, anna())
		other := a.client()
		other.ssoLogin(m, anna())
		if r := admin.post(path+"/end-sessions", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther || r.header.Get("Location") != path+"?done=sessions_ended" {
			t.Fatalf("end sessions: %d", r.status)
		}
		for _, c := range []*client{person, other} {
			if r := c.get("/applications"); r.status != http.StatusSeeOther {
				t.Errorf("after the sessions ended: %d", r.status)
			}
		}
		if got := strings.Join(auditActions(t, s, "user"), ","); got != "disable,enable,end_sessions" {
			t.Errorf("audit of the person: %s", got)
		}
		var ended models.AuditEvent
		s.DB().Where("entity = ? AND action = ?", "user", models.AuditEndSessions).First(&ended)
		if ended.Comment != "2 sessions ended" || ended.ActorID == nil || *ended.ActorID != eva.User.ID || ended.EntityID != annaRow.ID {
			t.Errorf("end-sessions audit row: %+v", ended)
		}
	})
}
