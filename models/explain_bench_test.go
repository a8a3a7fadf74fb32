package models_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// largeTables grow with the number of applications: a page that reads
// one of them from end to end does not stay fast at 100 000. A search for
// a word that one application in ten holds may still read the table
// until it has a page and the capped count: that scan is bounded.
var largeTables = map[string]bool{"applications": true, "budget_lines": true, "application_activities": true,
	"audit_events": true, "application_reports": true, "finance_batch_lines": true, "outbox": true, "decisions": true,
	"comments": true, "attachments": true, "application_money": true, "application_plan_keys": true}

// capture records the SQL a store sends, with its arguments inlined.
type capture struct {
	mu   sync.Mutex
	sqls []string
}

func (c *capture) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sqls
	c.sqls = nil
	return out
}

// seqScans walks an EXPLAIN (FORMAT JSON) plan for sequential scans of
// the large tables.
func seqScans(node map[string]any, large map[string]bool, out *[]string) {
	if node["Node Type"] == "Seq Scan" {
		if rel, _ := node["Relation Name"].(string); large[rel] {
			*out = append(*out, rel)
		}
	}
	plans, _ := node["Plans"].([]any)
	for _, p := range plans {
		if m, ok := p.(map[string]any); ok {
			seqScans(m, large, out)
		}
	}
}

// BenchmarkExplainPages runs EXPLAIN on every query the list, search,
// application, My tasks, start, follow-up, finance and register pages send, on PostgreSQL
// with 100 000 generated applications, and fails on a sequential scan of
// a large table. EXPLAIN_DATABASE_URL names a database that holds them
// already (seed --synthetic 100000); without it the benchmark generates
// them in a schema of its own first (a few minutes). It is skipped
// without PostgreSQL.
//
//	go test -run '^$' -bench ExplainPages -benchtime 1x ./models
func BenchmarkExplainPages(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("EXPLAIN_DATABASE_URL")
	var s *models.Store
	if url != "" {
		var err error
		if s, err = models.Open(url); err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	} else {
		if _, err := dbtest.PostgresURL(); err != nil {
			b.Skip(err)
		}
		s = dbtest.New(b, dbtest.Postgres(b))
		if _, err := s.SeedSynthetic(ctx, 100_000, 1); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.DB().Exec("ANALYZE").Error; err != nil {
		b.Fatal(err)
	}
	// A table that the data set leaves small (attachments, comments) is
	// read whole by any sensible plan; only the large ones count.
	large := map[string]bool{}
	for t := range largeTables {
		var n float64
		if err := s.DB().Raw("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)", t).Row().Scan(&n); err != nil {
			b.Fatal(err)
		}
		large[t] = n > 10_000
	}
	c := &capture{}
	record := func(db *gorm.DB) {
		if db.Statement.SQL.Len() == 0 {
			return
		}
		sql := db.Dialector.Explain(db.Statement.SQL.String(), db.Statement.Vars...)
		if strings.HasPrefix(strings.TrimSpace(strings.ToUpper(sql)), "SELECT") {
			c.mu.Lock()
			c.sqls = append(c.sqls, sql)
			c.mu.Unlock()
		}
	}
	cb := s.DB().Callback()
	_ = cb.Query().After("gorm:query").Register("explain:capture", record)
	_ = cb.Row().After("gorm:row").Register("explain:capture", record)

	people := map[string]*models.Actor{}
	for _, subject := range []string{"syn-coordinator", "syn-applicant", "syn-dean", "syn-decider", "syn-finance"} {
		var u models.User
		if err := s.DB().Where("issuer = ? AND subject = ?", models.DevIssuer, subject).First(&u).Error; err != nil {
			b.Fatal(err)
		}
		a, err := s.ActorFor(ctx, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		people[subject] = a
	}
	chart, err := s.OrgChart(ctx)
	if err != nil {
		b.Fatal(err)
	}
	all := workflow.VisibilityOf(people["syn-coordinator"].Workflow, chart)
	mine := workflow.VisibilityOf(people["syn-applicant"].Workflow, chart)
	first, err := s.ApplicationList(ctx, all, models.ApplicationFilter{})
	if err != nil || len(first.Rows) == 0 {
		b.Fatal(err)
	}
	calls, err := s.Calls(ctx)
	if err != nil {
		b.Fatal(err)
	}
	pages := []struct {
		name string
		run  func() error
	}{
		{"list", func() error { _, err := s.ApplicationList(ctx, all, models.ApplicationFilter{}); return err }},
		{"list next page", func() error {
			_, err := s.ApplicationList(ctx, all, models.ApplicationFilter{After: first.Next})
			return err
		}},
		{"list of an applicant", func() error { _, err := s.ApplicationList(ctx, mine, models.ApplicationFilter{}); return err }},
		{"list by call and state", func() error {
			_, err := s.ApplicationList(ctx, all, models.ApplicationFilter{CallID: calls[0].ID, State: workflow.StateSubmitted})
			return err
		}},
		{"list by title", func() error {
			_, err := s.ApplicationList(ctx, all, models.ApplicationFilter{Sort: "title"})
			return err
		}},
		{"search", func() error {
			_, err := s.ApplicationList(ctx, all, models.ApplicationFilter{Query: "studieresa till debrecen"})
			return err
		}},
		{"application", func() error {
			_, err := s.ApplicationPage(ctx, people["syn-coordinator"], first.Rows[0].ID)
			return err
		}},
		{"tasks of the coordinator", func() error {
			_, err := s.TaskGroups(ctx, people["syn-coordinator"], "", "")
			return err
		}},
		{"tasks of a dean", func() error { _, err := s.TaskGroups(ctx, people["syn-dean"], "", ""); return err }},
		{"start", func() error { _, err := s.Budgets(ctx, calls); return err }},
		{"follow-up", func() error {
			_, err := s.Followup(ctx, people["syn-coordinator"], models.FollowupQuery{})
			return err
		}},
		{"finance", func() error { _, err := s.PendingFinance(ctx, people["syn-finance"], 500); return err }},
		{"reconciliation", func() error { _, err := s.Reconcile(ctx, people["syn-finance"]); return err }},
		{"register", func() error {
			_, err := s.DecisionRegister(ctx, people["syn-coordinator"], false, "")
			return err
		}},
		{"register, registered", func() error {
			_, err := s.DecisionRegister(ctx, people["syn-coordinator"], true, "")
			return err
		}},
	}
	for range b.N {
		for _, p := range pages {
			c.take()
			if err := p.run(); err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			sqls := c.take()
			var scans []string
			for _, sql := range sqls {
				var plan []struct{ Plan map[string]any }
				var raw string
				if err := s.DB().Raw("EXPLAIN (FORMAT JSON) " + sql).Row().Scan(&raw); err != nil {
					b.Fatalf("%s: EXPLAIN %s: %v", p.name, sql, err)
				}
				if err := json.Unmarshal([]byte(raw), &plan); err != nil {
					b.Fatal(err)
				}
				var found []string
				seqScans(plan[0].Plan, large, &found)
				if len(found) > 0 {
					scans = append(scans, strings.Join(found, ", "))
					b.Logf("%s: sequential scan of %s in\n%s", p.name, strings.Join(found, ", "), sql)
				}
			}
			if len(scans) > 0 {
				b.Errorf("%s: %d of %d statements scan a large table from end to end", p.name, len(scans), len(sqls))
			} else {
				b.Logf("%s: %d statements, no sequential scan of a large table", p.name, len(sqls))
			}
		}
	}
}
