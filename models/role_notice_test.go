package models_test

import (
	"context"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestGroupPrivilegedRoleNotice: a privileged role that sign-in grants or
// revokes from the person's groups is queued for every administrator
// (there is no grantor to leave out); an ordinary role is not. Relies on
// the demo admin "eva", the only one.
func TestGroupPrivilegedRoleNotice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		mustSeedDemo(t, s)
		eva := mustActor(t, s, "eva")
		rules, err := models.ParseGroupRoles("vr=decider,staff=coordinator")
		mustOK(t, err)
		id := models.Identity{Issuer: "https://idp.example.org", Subject: "s-9", Email: "v@example.org", Name: "Vera Vice",
			Groups: []string{"vr", "staff"}}
		notices := func() []models.OutboxMessage {
			var rows []models.OutboxMessage
			mustOK(t, s.DB().Where("event IN ?", workflow.RoleEvents()).Order("id").Find(&rows).Error)
			return rows
		}
		_, err = s.SignIn(ctx, id, rules, sessHash(1), nil, "")
		mustOK(t, err)
		got := notices()
		if len(got) != 1 || got[0].Event != workflow.EventRoleGranted || *got[0].RecipientID != eva.User.ID {
			t.Fatalf("after a sign-in with the decider's group: %+v", got)
		}
		p, err := got[0].Notice()
		mustOK(t, err)
		if p.Person != "Vera Vice" || p.Role != "decider" || p.Comment != "vr" || p.ActorName != "" {
			t.Errorf("payload %+v", p)
		}
		id.Groups = []string{"staff"}
		_, err = s.SignIn(ctx, id, rules, sessHash(2), sessHash(1), "")
		mustOK(t, err)
		if got := notices(); len(got) != 2 || got[1].Event != workflow.EventRoleRevoked {
			t.Errorf("after leaving the group: %+v", got)
		}
	})
}
