package handlers_test

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"testing"
	"time"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// addApplications inserts n submitted applications of the HUMUS unit in
// the demo call, each with a budget line and a plan activity, in bulk.
func addApplications(t *testing.T, s *models.Store, n int) {
	t.Helper()
	db := s.DB()
	var call models.Call
	if err := db.Where("code = ?", models.CallCode2026).First(&call).Error; err != nil {
		t.Fatal(err)
	}
	var unit models.OrgUnit
	if err := db.Where("code = ?", "HUMUS").First(&unit).Error; err != nil {
		t.Fatal(err)
	}
	var act models.PlanActivity
	if err := db.Order("id").First(&act).Error; err != nil {
		t.Fatal(err)
	}
	var author models.User
	if err := db.Order("id").First(&author).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	apps := make([]models.Application, n)
	for i := range apps {
		apps[i] = models.Application{CallID: call.ID, UnitID: unit.ID, CreatedBy: author.ID,
			Title: fmt.Sprintf("Generated %d", i), State: workflow.StateInReview, RequestedOre: 10_000_00,
			Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	if err := db.CreateInBatches(&apps, 200).Error; err != nil {
		t.Fatal(err)
	}
	lines := make([]models.BudgetLine, n)
	links := make([]models.ApplicationActivity, n)
	for i, a := range apps {
		lines[i] = models.BudgetLine{ApplicationID: a.ID, Position: 1, Category: "travel", Description: "Resor", AmountOre: 10_000_00}
		links[i] = models.ApplicationActivity{ApplicationID: a.ID, ActivityID: act.ID}
	}
	if err := db.CreateInBatches(&lines, 200).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.CreateInBatches(&links, 200).Error; err != nil {
		t.Fatal(err)
	}
}

// TestStatementsPerPageConstant checks that the application page and the
// list take the same number of statements with the demo's handful of
// applications and with a thousand more: nothing is read once per row.
func TestStatementsPerPageConstant(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		c := a.client()
		c.login(a.demoUser(workflow.RoleCoordinator, nil))
		rows, err := s.Applications(t.Context(), workflow.Visibility{All: true}, models.ApplicationFilter{})
		if err != nil || len(rows) == 0 {
			t.Fatalf("demo applications: %v", err)
		}
		// "next page" is the list's next page, found by the cursor of
		// the first page's Next link.
		pages := []string{"/applications/" + itoa(rows[0].ID), "/applications", "next page", "/applications?q=Generated",
			"/tasks", "/"}
		stmts := dbtest.CountStatements(t, s)
		measure := func() map[string]int64 {
			out := map[string]int64{}
			for _, p := range pages {
				path := p
				if p == "next page" {
					path = nextLink(t, c.get("/applications?sort=title").body)
				}
				stmts.Reset()
				if r := c.get(path); r.status != http.StatusOK {
					t.Fatalf("GET %s: %d", path, r.status)
				}
				out[p] = stmts.N()
			}
			return out
		}
		addApplications(t, s, 30) // enough for a second page
		measure()                 // the first reading keeps the plan's tree
		few := measure()
		addApplications(t, s, 1000)
		many := measure()
		for _, p := range pages {
			if few[p] != many[p] {
				t.Errorf("GET %s: %d statements with the demo data, %d with 1 000 more applications", p, few[p], many[p])
			}
			if many[p] > 25 {
				t.Errorf("GET %s: %d statements, want at most 25", p, many[p])
			}
			t.Logf("GET %s: %d statements on %s", p, many[p], s.Dialect())
		}
	})
}

var nextRel = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)

// nextLink is the href of the page's rel="next" link.
func nextLink(t *testing.T, body string) string {
	t.Helper()
	m := nextRel.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the list has no next page link")
	}
	return html.UnescapeString(m[1])
}
