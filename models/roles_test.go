package models_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

func TestParseGroupRoles(t *testing.T) {
	t.Parallel()
	got, err := models.ParseGroupRoles(" staff-humus=applicant@HUMUS, vr=decider ,,")
	if err != nil {
		t.Fatal(err)
	}
	want := []models.GroupRole{{"staff-humus", workflow.RoleApplicant, "HUMUS"}, {"vr", workflow.RoleDecider, ""}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{"nogroup", "=admin", "g=", "g=superuser", "g=admin@"} {
		_, err := models.ParseGroupRoles(bad)
		if bad == "g=admin@" {
			// An empty unit code after @ means university-wide.
			if err != nil {
				t.Errorf("%q: %v", bad, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// openGrants returns the person's grants not revoked, keyed
// "role@unitID" ("role" when university-wide).
func openGrants(t *testing.T, s *models.Store, userID int64) map[string]models.RoleGrant {
	t.Helper()
	all, err := s.GrantsOf(context.Background(), userID)
	mustOK(t, err)
	out := map[string]models.RoleGrant{}
	for _, g := range all {
		if g.RevokedAt == nil {
			k := string(g.Role)
			if g.UnitID != nil {
				k += "@" + fmtID(*g.UnitID)
			}
			out[k] = g
		}
	}
	return out
}

func fmtID(n int64) string { return strconv.FormatInt(n, 10) }

func auditCount(t *testing.T, s *models.Store, action string) int64 {
	t.Helper()
	var n int64
	mustOK(t, s.DB().Model(&models.AuditEvent{}).Where("entity = 'role_grant' AND action = ?", action).Count(&n).Error)
	return n
}

// TestSignInSyncsGroups signs the same person in three times with changing
// groups and checks the person, their unit, their grants from groups (and
// that an administrator's grant is left alone), the audit trail and the
// sessions. Relies on the demo units HUMUS and NT and the admin "eva".
func TestSignInSyncsGroups(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		chart, err := s.OrgChart(ctx)
		mustOK(t, err)
		unit := map[string]int64{}
		for _, u := range chart.Units {
			unit[u.Code] = u.ID
		}
		rules, err := models.ParseGroupRoles("staff=applicant@HUMUS,heads=unit_head@NT,intl=coordinator,intl2=coordinator,x=finance@NOPE")
		mustOK(t, err)
		id := models.Identity{Issuer: "https://idp.example.org", Subject: "s-1", Email: "a@example.org", Name: "A",
			Language: "en", Groups: []string{"staff", "heads", "x"}, UnitClaim: true, UnitCode: "HUMUS"}

		res, err := s.SignIn(ctx, id, rules, sessHash(1), nil, "tok1")
		mustOK(t, err)
		u := res.User
		if !res.Created || u.UnitID == nil || *u.UnitID != unit["HUMUS"] || u.Language != "en" {
			t.Fatalf("first sign-in: %+v created=%v", u, res.Created)
		}
		if len(res.UnknownUnits) != 1 || res.UnknownUnits[0] != "NOPE" {
			t.Errorf("unknown units = %v", res.UnknownUnits)
		}
		g := openGrants(t, s, u.ID)
		if len(g) != 2 || g["applicant@"+fmtID(unit["HUMUS"])].FromGroup != "staff" || g["unit_head@"+fmtID(unit["NT"])].FromGroup != "heads" {
			t.Fatalf("grants after first sign-in: %+v", g)
		}

		eva, err := s.DemoActor(ctx, "eva")
		mustOK(t, err)
		_, err = s.GrantRole(ctx, eva, u.ID, models.GrantInput{Role: workflow.RoleFinance})
		mustOK(t, err)

		id.Groups, id.UnitCode, id.Name = []string{"staff", "intl"}, "NT", "A B"
		res, err = s.SignIn(ctx, id, rules, sessHash(2), sessHash(1), "tok2")
		mustOK(t, err)
		if res.Created || res.User.ID != u.ID || res.User.Name != "A B" || *res.User.UnitID != unit["NT"] {
			t.Fatalf("second sign-in: %+v", res.User)
		}
		g = openGrants(t, s, u.ID)
		if len(g) != 3 || g["coordinator"].FromGroup != "intl" || g["finance"].FromGroup != "" {
			t.Fatalf("grants after second sign-in: %+v", g)
		}

		// Same role from another group: the grant stays and records it.
		id.Groups, id.UnitCode = []string{"staff", "intl2"}, ""
		res, err = s.SignIn(ctx, id, rules, sessHash(3), sessHash(2), "tok3")
		mustOK(t, err)
		g2 := openGrants(t, s, u.ID)
		if g2["coordinator"].ID != g["coordinator"].ID || g2["coordinator"].FromGroup != "intl2" || res.User.UnitID != nil {
			t.Errorf("third sign-in: grants %+v, unit %v", g2, res.User.UnitID)
		}
		// The demo people's grants went in through the people import,
		// audited like these.
		demo := int64(len(models.DemoPeople(s.Now())))
		if grants, revokes, updates := auditCount(t, s, "grant"), auditCount(t, s, "revoke"), auditCount(t, s, "update"); grants != 4+demo || revokes != 1 || updates != 1 {
			t.Errorf("audit: %d grants, %d revokes, %d updates; want %d, 1, 1", grants, revokes, updates, 4+demo)
		}
		if n, err := s.CountSessions(ctx, u.ID); err != nil || n != 1 {
			t.Errorf("sessions = %d (%v), want 1: each sign-in replaces the last", n, err)
		}
	})
}

// TestSignInDisabled checks that a disabled person gets no session and no
// changes.
func TestSignInDisabled(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		id := models.Identity{Issuer: "https://idp.example.org", Subject: "s-2", Name: "B"}
		res, err := s.SignIn(ctx, id, nil, sessHash(1), nil, "")
		mustOK(t, err)
		mustOK(t, s.DB().Model(&models.User{}).Where("id = ?", res.User.ID).Update("disabled", true).Error)
		id.Name = "Changed"
		if _, err := s.SignIn(ctx, id, nil, sessHash(2), nil, ""); !errors.Is(err, workflow.ErrForbidden) {
			t.Fatalf("err = %v, want ErrForbidden", err)
		}
		u, err := s.UserByID(ctx, res.User.ID)
		mustOK(t, err)
		if u.Name != "B" {
			t.Errorf("disabled person was changed: %+v", u)
		}
		if _, err := s.SessionByHash(ctx, sessHash(2)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("disabled person got a session: %v", err)
		}
	})
}

func grantDay(t *testing.T, s string) *time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	mustOK(t, err)
	return &d
}

// TestGrantAndRevoke covers the administration rules: who may, what the
// form must hold, overlaps, a dated substitute grant, revocation twice
// (ErrStale, a 409 on the page), and one's own admin role. Relies on the
// demo people eva (admin), sara (coordinator) and johan (future decider).
func TestGrantAndRevoke(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		clk := newClock(s)
		clk.now = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
		eva, err := s.DemoActor(ctx, "eva")
		mustOK(t, err)
		sara, err := s.DemoActor(ctx, "sara")
		mustOK(t, err)
		johan, err := s.DemoActor(ctx, "johan")
		mustOK(t, err)

		if _, err := s.GrantRole(ctx, sara, johan.User.ID, models.GrantInput{Role: workflow.RoleAdmin}); !errors.Is(err, workflow.ErrForbidden) {
			t.Errorf("coordinator granting: err = %v, want ErrForbidden", err)
		}
		cases := []struct {
			name  string
			in    models.GrantInput
			field string
		}{
			{"UnknownRole", models.GrantInput{Role: "king"}, "role"},
			{"UnitHeadWithoutUnit", models.GrantInput{Role: workflow.RoleUnitHead}, "unit_id"},
			{"UnknownUnit", models.GrantInput{Role: workflow.RoleApplicant, UnitID: new(int64(999999))}, "unit_id"},
			{"DatesReversed", models.GrantInput{Role: workflow.RoleFinance, ValidFrom: grantDay(t, "2026-07-10"), ValidTo: grantDay(t, "2026-07-01")}, "valid_to"},
			{"Past", models.GrantInput{Role: workflow.RoleFinance, ValidTo: grantDay(t, "2026-05-31")}, "valid_to"},
			{"Overlap", models.GrantInput{Role: workflow.RoleCoordinator, ValidFrom: grantDay(t, "2026-07-01")}, "role"},
		}
		for _, c := range cases {
			_, err := s.GrantRole(ctx, eva, sara.User.ID, c.in)
			var v *workflow.ValidationError
			if !errors.As(err, &v) || v.Fields[c.field] == "" {
				t.Errorf("%s: err = %v, want a message for %s", c.name, err, c.field)
			}
		}

		// A holiday substitute: decider for two weeks in July.
		sub, err := s.GrantRole(ctx, eva, sara.User.ID, models.GrantInput{Role: workflow.RoleDecider,
			ValidFrom: grantDay(t, "2026-07-06"), ValidTo: grantDay(t, "2026-07-19")})
		mustOK(t, err)
		for _, c := range []struct {
			at   time.Time
			want bool
		}{
			{time.Date(2026, 7, 5, 23, 0, 0, 0, time.UTC), false},
			{time.Date(2026, 7, 6, 0, 0, 0, 0, time.UTC), true},
			{time.Date(2026, 7, 19, 23, 59, 0, 0, time.UTC), true},
			{time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC), false},
		} {
			clk.now = c.at
			a, err := s.ActorFor(ctx, sara.User.ID)
			mustOK(t, err)
			if a.Has(workflow.RoleDecider) != c.want {
				t.Errorf("decider at %v = %v, want %v", c.at, !c.want, c.want)
			}
		}
		clk.now = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
		active, future, ended := models.GrantsByTime(mustGrants(t, s, sara.User.ID), s.Now())
		if len(active) != 1 || len(future) != 1 || future[0].ID != sub.ID || len(ended) != 0 {
			t.Errorf("by time: %d active, %d future, %d ended", len(active), len(future), len(ended))
		}

		if _, err := s.RevokeGrant(ctx, eva, johan.User.ID, sub.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("revoking another person's grant: err = %v, want ErrNotFound", err)
		}
		_, err = s.RevokeGrant(ctx, eva, sara.User.ID, sub.ID)
		mustOK(t, err)
		if _, err := s.RevokeGrant(ctx, eva, sara.User.ID, sub.ID); !errors.Is(err, models.ErrStale) {
			t.Errorf("revoking twice: err = %v, want ErrStale", err)
		}
		var v *workflow.ValidationError
		if _, err := s.RevokeGrant(ctx, eva, eva.User.ID, eva.Grants[0].ID); !errors.As(err, &v) || v.Fields["grant"] != models.MsgGrantOwnRoles {
			t.Errorf("revoking own admin role: err = %v, want a validation error", err)
		}
		// Separation of duties: no administrator gives themselves the
		// power to decide or pay out, or revokes a role of their own.
		for _, role := range []workflow.Role{workflow.RoleDecider, workflow.RoleFinance, workflow.RoleCoordinator} {
			if _, err := s.GrantRole(ctx, eva, eva.User.ID, models.GrantInput{Role: role}); !errors.As(err, &v) || v.Fields["role"] != models.MsgGrantOwnRoles {
				t.Errorf("an administrator granting herself %s: err = %v", role, err)
			}
		}
		var audit []models.AuditEvent
		mustOK(t, s.DB().Where("entity = 'role_grant' AND entity_id = ?", sub.ID).Order("id").Find(&audit).Error)
		if len(audit) != 2 || audit[0].Action != "grant" || audit[1].Action != "revoke" || *audit[1].ActorID != eva.User.ID {
			t.Errorf("audit of the substitute grant: %+v", audit)
		}
	})
}

func mustGrants(t *testing.T, s *models.Store, userID int64) []models.RoleGrant {
	t.Helper()
	g, err := s.GrantsOf(context.Background(), userID)
	mustOK(t, err)
	return g
}

// TestSearchPeople checks the search on name and email, case and LIKE
// wildcards included. Relies on the demo people.
func TestSearchPeople(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		for q, want := range map[string]int{"": 11, "KARIN": 1, "example.org": 11, "%": 0, "_": 0, "berg": 3} {
			got, err := s.SearchPeople(ctx, q, 100)
			mustOK(t, err)
			if len(got) != want {
				t.Errorf("search %q: %d people, want %d", q, len(got), want)
			}
		}
		got, err := s.SearchPeople(ctx, "sara", 10)
		mustOK(t, err)
		if len(got) != 1 || len(got[0].Grants) != 1 || got[0].Unit == nil || got[0].Unit.Code != "IK" {
			t.Errorf("sara: %+v", got)
		}
	})
}
