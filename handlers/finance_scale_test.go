package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestFinancePagesAreBounded: with more pending lines, text warnings and
// applications behind a difference than a page lists, the preview and
// the reconciliation list the first of each with their count, and the
// rest a page at a time; the reconciliation file stays one row per call
// and unit.
func TestFinancePagesAreBounded(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		peter := a.demo("peter")
		if r := peter.post("/finance/settings", ledgerSettings); r.status != http.StatusSeeOther {
			t.Fatalf("settings: %d\n%s", r.status, r.body)
		}
		var nt models.Application
		if err := s.DB().Where("state = ?", workflow.StateGranted).First(&nt).Error; err != nil {
			t.Fatal(err)
		}
		// 600 more granted applications, copies of the demo's, each with
		// a decision reference a SIE file cannot hold as it is.
		const copies = 600
		for range copies / 100 {
			var batch []models.Application
			for range 100 {
				c := nt
				c.ID = 0
				c.DecisionRef = "ORU 2026/1 – Győr"
				batch = append(batch, c)
			}
			if err := s.DB().Create(&batch).Error; err != nil {
				t.Fatal(err)
			}
		}
		r := peter.get("/finance")
		expect(t, "overview", r, http.StatusOK, "600 rader sammanlagt", `href="/finance?warnings_after=`, `href="/finance?after=`)
		if n := strings.Count(r.body, "ő → o"); n != models.WarningsShown {
			t.Errorf("the overview lists %d warnings, want %d", n, models.WarningsShown)
		}
		next := regexp.MustCompile(`href="/finance\?after=(\d+)"`).FindStringSubmatch(r.body)
		r2 := peter.get("/finance?after=" + next[1])
		expect(t, "second page", r2, http.StatusOK, `href="/finance"`)
		if strings.Contains(r2.body, `href="/finance?after=`) {
			t.Error("the second page of 601 lines offers a third")
		}
		if got := strings.Count(r.body, `<td><a href="/applications/`) + strings.Count(r2.body, `<td><a href="/applications/`); got != 601 {
			t.Errorf("the two pages list %d lines, want 601", got)
		}
		w := regexp.MustCompile(`href="/finance\?warnings_after=(\d+)#cp437-warning"`).FindStringSubmatch(r.body)
		w2 := peter.get("/finance?warnings_after=" + w[1])
		if n := strings.Count(w2.body, "ő → o"); n != models.WarningsShown {
			t.Errorf("the second page of warnings lists %d, want %d", n, models.WarningsShown)
		}

		// Every one of them differs from what the ledger moved.
		rec := peter.get("/finance/reconciliation")
		expect(t, "reconciliation", rec, http.StatusOK, "601 ansökningar sammanlagt", "&amp;after=")
		links := regexp.MustCompile(`href="(/finance/reconciliation\?call=\d+&amp;after=\d+)#diff-\d+" rel="next"`)
		seen := strings.Count(rec.body, `<td><a href="/applications/`)
		for page := rec; ; {
			m := links.FindStringSubmatch(page.body)
			if m == nil {
				break
			}
			page = peter.get(strings.ReplaceAll(m[1], "&amp;", "&"))
			expect(t, "a page of differences", page, http.StatusOK)
			seen += strings.Count(page.body, `<td><a href="/applications/`)
		}
		if seen != 601 {
			t.Errorf("the pages of differences list %d applications, want 601", seen)
		}
		csvBody := peter.get("/finance/reconciliation.csv")
		if rows := csvRows(t, csvBody.body); len(rows) > 20 {
			t.Errorf("the reconciliation file has %d rows", len(rows))
		}
	})
}
