package notify_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestPrivilegedGrantMail: a grant or revocation of the decider, finance
// or admin role is mailed, through the outbox and a real SMTP server, to
// every administrator except the one who made it, in their language and
// naming who did what to whom; other roles are not mailed. eva is the
// demo's administrator; she makes james (who reads English) one too.
func TestPrivilegedGrantMail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		e := newEnv(t, s, testOptions())
		actor := func(who string) *models.Actor {
			a, err := s.DemoActor(e.ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		eva, sara := actor("eva"), actor("sara")
		james := actor("james")
		const evaMail = "eva.strand@example.org"

		if _, err := s.GrantRole(e.ctx, eva, james.User.ID, models.GrantInput{Role: workflow.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		got := e.deliver()
		// The only other administrator is james himself, now one.
		if len(got) != 1 || got[0].To[0] != "james.whitfield@example.org" ||
			got[0].Subject != "Role administrator given to James Whitfield" ||
			!strings.Contains(got[0].Text, "Eva Strand has given James Whitfield the role administrator.") {
			t.Fatalf("admin grant mailed %+v", got)
		}
		james = actor("james")

		// A role without power over money or roles: no mail.
		if _, err := s.GrantRole(e.ctx, james, sara.User.ID, models.GrantInput{Role: workflow.RoleApplicant}); err != nil {
			t.Fatal(err)
		}
		if got := e.deliver(); len(got) != 0 {
			t.Fatalf("applicant grant mailed %d messages", len(got))
		}

		g, err := s.GrantRole(e.ctx, james, sara.User.ID, models.GrantInput{Role: workflow.RoleDecider})
		if err != nil {
			t.Fatal(err)
		}
		got = e.deliver()
		link := baseURL + "/admin/people/" + strconv.FormatInt(sara.User.ID, 10)
		if len(got) != 1 || got[0].To[0] != evaMail ||
			got[0].Subject != "Rollen beslutsfattare har getts till Sara Ekberg" ||
			!strings.Contains(got[0].Text, "James Whitfield har gett Sara Ekberg rollen beslutsfattare.") ||
			!strings.Contains(got[0].Text, link) || !strings.Contains(got[0].HTML, `href="`+link+`"`) ||
			strings.Contains(got[0].Text, "Ansökan") {
			t.Fatalf("decider grant by james mailed %+v", got)
		}

		if _, err := s.RevokeGrant(e.ctx, eva, sara.User.ID, g.ID); err != nil {
			t.Fatal(err)
		}
		got = e.deliver()
		if len(got) != 1 || got[0].To[0] != "james.whitfield@example.org" ||
			got[0].Subject != "Role decider revoked for Sara Ekberg" {
			t.Fatalf("decider revocation by eva mailed %+v", got)
		}
		var to []string
		for _, m := range e.outbox() {
			if m.Event == workflow.EventRoleGranted || m.Event == workflow.EventRoleRevoked {
				to = append(to, m.RecipientEmail)
				if m.ApplicationID != nil || m.Status != models.OutboxSent {
					t.Errorf("outbox row %+v", m)
				}
			}
		}
		if !slices.Equal(to, []string{"james.whitfield@example.org", evaMail, "james.whitfield@example.org"}) {
			t.Errorf("role mail went to %v", to)
		}
	})
}
