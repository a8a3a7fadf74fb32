package handlers_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/oidctest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestGroupsFollowProvider keeps the roles from groups fresh while a
// session lives: within OIDC_GROUPS_REFRESH_MINUTES nothing is asked;
// after it the refresh token brings the groups the provider gives now,
// and the grants follow (audited). When the provider refuses the refresh
// token, it has ended the sign-in, and the session ends here too.
func TestGroupsFollowProvider(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		var later atomic.Int64
		s.SetClock(func() time.Time { return time.Now().Add(time.Duration(later.Load())) })
		m := oidctest.New(t)
		a, _, _ := newSSOApp(t, s, m, map[string]string{"OIDC_GROUPS_REFRESH_MINUTES": "15"}, true)
		u := anna()
		c := a.client()
		c.ssoLogin(m, u)
		id := ssoUserRow(t, a, m.Issuer(), u.Subject).ID
		roles := func() []workflow.Role {
			t.Helper()
			me, err := s.ActorFor(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			var out []workflow.Role
			for _, g := range me.Grants {
				out = append(out, g.Role)
			}
			return out
		}
		refreshes := func() int {
			n := 0
			for _, ex := range m.Tokens() {
				if ex.Form.Get("grant_type") == "refresh_token" {
					n++
				}
			}
			return n
		}

		u.Groups = []string{"mf-intl"}
		if r := c.get("/applications"); r.status != http.StatusOK || refreshes() != 0 {
			t.Fatalf("within the interval: %d, %d refreshes", r.status, refreshes())
		}
		later.Store(int64(16 * time.Minute))
		if r := c.get("/applications"); r.status != http.StatusOK || refreshes() != 1 {
			t.Fatalf("after the interval: %d, %d refreshes", r.status, refreshes())
		}
		if got := roles(); len(got) != 1 || got[0] != workflow.RoleCoordinator {
			t.Errorf("roles after the groups changed: %v", got)
		}
		if r := c.get("/tasks"); r.status != http.StatusOK || refreshes() != 1 {
			t.Errorf("the next request asked again: %d refreshes", refreshes())
		}

		m.QueueError(&mockoidc.ServerError{Code: http.StatusBadRequest, Error: "invalid_grant", Description: "signed out at the provider"})
		later.Store(int64(32 * time.Minute))
		if r := c.get("/applications"); r.status != http.StatusSeeOther {
			t.Errorf("after the provider ended the sign-in: %d", r.status)
		}
		if n, _ := s.CountSessions(context.Background(), id); n != 0 {
			t.Errorf("%d sessions after the provider ended the sign-in", n)
		}
	})
}
