package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
)

func unitID(t *testing.T, s *models.Store, code string) int64 {
	t.Helper()
	chart, err := s.OrgChart(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range chart.Units {
		if u.Code == code {
			return u.ID
		}
	}
	t.Fatalf("no unit %s", code)
	return 0
}

// TestFollowupPages: the coordinator sees every unit with charts the CSP
// allows; a unit member sees their own units only and gets 404 for
// another's; finance, who does not follow up, gets 403.
func TestFollowupPages(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		bookedDemo(t, s, "Partnerbesök för nya utbytesavtal i Finland och Spanien")
		nt, humus := itoa(unitID(t, s, "NT")), itoa(unitID(t, s, "HUMUS"))

		sara := a.demo("sara")
		r := sara.get("/followup")
		expect(t, "coordinator's follow-up", r, http.StatusOK, `role="img"`, "<title>", "Per fakultet och enhet",
			"Institutionen för naturvetenskap och teknik", "180\u00a0000\u00a0kr", "räknas med hela sitt belopp")
		if regexp.MustCompile(`\sstyle=`).MatchString(r.body) || strings.Contains(r.body, "<script") || strings.Contains(r.body, "https://") {
			t.Error("the follow-up page has inline style, script or a remote resource")
		}
		expect(t, "filtered on NT", sara.get("/followup?unit="+nt), http.StatusOK, "Institutionen för naturvetenskap och teknik")
		expect(t, "yearly report", sara.get("/followup/yearly?year=2026"), http.StatusOK, `href="/static/print.css" media="print"`,
			"Årsrapport om mobilitetsmedlen 2026")
		expect(t, "yearly report without a year", sara.get("/followup/yearly"), http.StatusOK,
			"Årsrapport om mobilitetsmedlen "+strconv.Itoa(s.Now().Year()))
		if r := sara.get("/static/print.css"); r.status != http.StatusOK || !strings.Contains(r.body, "@page") {
			t.Errorf("print.css: %d", r.status)
		}

		anna := a.demo("anna")
		r = anna.get("/followup")
		expect(t, "anna's follow-up", r, http.StatusOK, "Institutionen för humaniora")
		if strings.Contains(r.body, "Institutionen för naturvetenskap och teknik") || strings.Contains(r.body, "180\u00a0000\u00a0kr") {
			t.Error("anna sees NT's follow-up")
		}
		for _, path := range []string{"/followup?unit=" + nt, "/followup/export.csv?unit=" + nt, "/followup/export.xlsx?unit=" + nt, "/followup/yearly?year=2026&unit=" + nt} {
			if r := anna.get(path); r.status != http.StatusNotFound {
				t.Errorf("anna GET %s = %d, want 404", path, r.status)
			}
		}
		expect(t, "anna on her unit", anna.get("/followup?unit="+humus), http.StatusOK)
		for _, page := range []response{r, sara.get("/followup"), sara.get("/followup/yearly?year=2026"), a.demo("james").get("/followup")} {
			if strings.Contains(page.body, "[followup.") || strings.Contains(page.body, "[neolaia.") {
				t.Errorf("a follow-up page shows a message id:\n%s", page.body)
			}
		}
		expect(t, "english follow-up", a.demo("james").get("/followup"), http.StatusOK, "Follow-up", "By faculty and unit")
		if r := a.demo("peter").get("/followup"); r.status != http.StatusForbidden {
			t.Errorf("finance follow-up = %d, want 403", r.status)
		}
		if r := a.client().get("/followup"); r.status != http.StatusSeeOther {
			t.Errorf("anonymous follow-up = %d, want a redirect", r.status)
		}
	})
}

// TestFollowupExports: the CSV is what Swedish Excel opens, with text
// that looks like a formula neutralised; the workbook lists every funded
// activity with its goal and the category "Internationalisering".
func TestFollowupExports(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		app := bookedDemo(t, s, "Partnerbesök för nya utbytesavtal i Finland och Spanien")
		if err := s.DB().Model(&models.OrgUnit{}).Where("code = ?", "NT").Update("name_sv", "=HYPERLINK(\"x\")").Error; err != nil {
			t.Fatal(err)
		}
		sara := a.demo("sara")
		r := sara.get("/followup/export.csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\ufeff") || !strings.Contains(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %q", r.status, r.header.Get("Content-Type"))
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\r\n")
		if !strings.HasPrefix(lines[0], "Enhetskod;Enhet;Fakultet;") || len(lines) < 3 {
			t.Fatalf("csv header/rows: %q", lines)
		}
		var nt string
		for _, l := range lines {
			if strings.HasPrefix(l, "NT;") {
				nt = l
			}
		}
		if !strings.Contains(nt, `"'=HYPERLINK(""x"")"`) || !strings.Contains(nt, ";180000,00;") {
			t.Errorf("NT's row: %q", nt)
		}

		r = sara.get("/followup/export.xlsx")
		if r.status != http.StatusOK {
			t.Fatalf("xlsx: %d", r.status)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Verksamhetsplan")
		if err != nil || len(rows) < 2 {
			t.Fatalf("sheet: %v %v", rows, err)
		}
		found := false
		for _, row := range rows[1:] {
			if row[1] == app.Number() {
				found = row[7] == "Internationalisering" && row[4] != "" && row[5] != "" && row[0] == "'=HYPERLINK(\"x\")"
			}
		}
		if !found {
			t.Errorf("workbook lacks %s with goal and category: %q", app.Number(), rows)
		}
		if units, err := f.GetRows("Per enhet"); err != nil || len(units) < 2 {
			t.Errorf("units sheet: %v %v", units, err)
		}
	})
}
