package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

// TestPrivilegedGrantsListed: the people page lists the decider, finance
// and admin grants with who granted them and when, and the person page
// says when each grant was made.
func TestPrivilegedGrantsListed(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := newApp(t, s)
		eva, _ := s.DemoActor(ctx, "eva")
		sara, _ := s.DemoActor(ctx, "sara")
		admin := a.client()
		admin.login(eva)
		person := "/admin/people/" + itoa(sara.User.ID)
		if r := admin.post(person+"/grants", url.Values{"role": {"finance"}}); r.status != http.StatusSeeOther {
			t.Fatalf("grant: %d", r.status)
		}
		grants, err := s.GrantsOf(ctx, sara.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		when := grants[0].CreatedAt.In(stockholmTZ).Format("2006-01-02 15:04")
		r := admin.get("/admin/people")
		i := strings.Index(r.body, admin.t("privileged.heading"))
		if r.status != http.StatusOK || i < 0 {
			t.Fatalf("people page: %d, no list of privileged grants", r.status)
		}
		section := r.body[i:]
		for _, want := range []string{`href="` + person + `"`, admin.t("role.finance"),
			"Tilldelad av " + eva.User.Name, when, "Karin Sjöberg", admin.t("role.decider")} {
			if !strings.Contains(section, want) {
				t.Errorf("the privileged grants do not show %q", want)
			}
		}
		if strings.Contains(section, "Anna Lindqvist") {
			t.Error("an applicant is listed among the privileged grants")
		}
		if r := admin.get(person); !strings.Contains(r.body, admin.t("admin.granted_at")) || !strings.Contains(r.body, when) {
			t.Errorf("the person page does not say when the grant was made (%s)", when)
		}
	})
}
