package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"mobilityfund/export"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/sietest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// missingMessage matches a message id the localizer could not find.
var missingMessage = regexp.MustCompile(`\[[a-z_]+\.[a-z_.]+\]`)

var financeSettingsForm = url.Values{
	"organisation": {"Örebro universitet"}, "pot_cost_centre": {"9100"}, "pot_project": {"MOBPOT"},
	"pot_name": {"Mobilitetsfonden"}, "unit_account": {"4010"}, "unit_account_name": {"Interna bidrag"},
	"pot_account": {"4010"}, "pot_account_name": {"Interna bidrag"},
	"voucher_text": {"Mobilitetsfonden {application} {decision}"},
}

// TestFinanceFlow walks finance through a batch: settings, export,
// downloads in every format (each twice, byte for byte the same), a
// refused second export, booking with its validation, a refused second
// booking, and the JSON view. The demo data's one granted application
// (NT, 180 000 kr) is what gets exported.
func TestFinanceFlow(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		ctx := context.Background()
		const payload = `=HYPERLINK("http://evil.example","klick")`
		var granted models.Application
		if err := s.DB().Where("state = ?", workflow.StateGranted).First(&granted).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Model(&granted).Update("title", payload).Error; err != nil {
			t.Fatal(err)
		}
		c := a.client()
		c.login(a.demoUser(workflow.RoleFinance, nil))

		if r := c.get("/finance"); r.status != http.StatusOK || !strings.Contains(r.body, granted.Number()) ||
			!strings.Contains(r.body, "180\u00a0000\u00a0kr") {
			t.Fatalf("overview: %d\n%s", r.status, r.body)
		}
		if r := c.post("/finance/batches", nil); r.status != http.StatusConflict || !strings.Contains(r.body, "inte kompletta") {
			t.Fatalf("batch before settings: %d", r.status)
		}

		bad := url.Values{}
		for k, v := range financeSettingsForm {
			bad[k] = v
		}
		bad.Set("unit_account", "40 10")
		bad.Set("organisation", "")
		r := c.post("/finance/settings", bad)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="40 10"`) ||
			!strings.Contains(r.body, "Får inte innehålla mellanslag") || !strings.Contains(r.body, `value="MOBPOT"`) {
			t.Fatalf("invalid settings: %d\n%s", r.status, r.body)
		}
		if r := c.post("/finance/settings", financeSettingsForm); r.status != http.StatusSeeOther {
			t.Fatalf("settings: %d\n%s", r.status, r.body)
		}

		r = c.post("/finance/batches", nil)
		loc := r.header.Get("Location")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/finance/batches/") {
			t.Fatalf("create batch: %d %q", r.status, loc)
		}
		if r := c.get(loc); r.status != http.StatusOK || !strings.Contains(r.body, granted.Number()) {
			t.Fatalf("batch page: %d", r.status)
		}
		if r := c.post("/finance/batches", nil); r.status != http.StatusConflict || !strings.Contains(r.body, "inget nytt") {
			t.Fatalf("second batch: %d", r.status)
		}

		files := map[string][]byte{}
		for _, f := range []string{"csv", "xlsx", "si"} {
			first, second := c.get(loc+"/download/"+f), c.get(loc+"/download/"+f)
			if first.status != http.StatusOK || first.body != second.body || first.body == "" {
				t.Fatalf("%s: %d, two downloads the same: %v", f, first.status, first.body == second.body)
			}
			if !strings.Contains(first.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: Content-Disposition %q", f, first.header.Get("Content-Disposition"))
			}
			files[f] = []byte(first.body)
		}
		checkCSV(t, files["csv"], granted.GrantedOre, payload)
		checkXLSX(t, files["xlsx"], granted.GrantedOre, payload)
		sie, err := charmap.CodePage437.NewDecoder().Bytes(files["si"])
		if err != nil || !strings.Contains(string(sie), "#FNAMN \"Örebro universitet\"\r\n") ||
			strings.Count(string(sie), "#VER ") != 1 || !strings.Contains(string(sie), " 180000.00 ") ||
			!strings.Contains(string(sie), " -180000.00 ") {
			t.Errorf("SIE file:\n%s", sie)
		}
		// The pot is debited and the unit (NT, 3120) credited.
		if v := sietest.Parse(t, files["si"]).Vers[0]; len(v.Trans) != 2 || v.Sum() != 0 ||
			v.Trans[0].Object("1") != "9100" || v.Trans[0].Ore != 180_000_00 || v.Trans[1].Object("1") != "3120" {
			t.Errorf("voucher %+v: want the pot debited and NT credited", v)
		}

		// Booking: validation keeps what was typed.
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/finance/batches/"), 10, 64)
		r = c.post(loc+"/book", url.Values{"version": {"1"}, "voucher_number": {""}, "voucher_date": {"den femte"}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="den femte"`) ||
			!strings.Contains(r.body, "ÅÅÅÅ-MM-DD") {
			t.Fatalf("invalid booking: %d\n%s", r.status, r.body)
		}
		if r := c.post(loc+"/book", url.Values{"version": {"7"}, "voucher_number": {"RD-1"}, "voucher_date": {"2026-03-05"}}); r.status != http.StatusConflict {
			t.Fatalf("stale booking: %d", r.status)
		}
		if r := c.post(loc+"/book", url.Values{"version": {"1"}, "voucher_number": {"RD-4711"}, "voucher_date": {"2026-03-05"}}); r.status != http.StatusSeeOther {
			t.Fatalf("booking: %d\n%s", r.status, r.body)
		}
		var after models.Application
		if err := s.DB().First(&after, granted.ID).Error; err != nil || after.State != workflow.StateBooked {
			t.Fatalf("application after booking: %s %v", after.State, err)
		}
		if r := c.get(loc + "?booked=1"); r.status != http.StatusOK || !strings.Contains(r.body, "registrerat som bokfört") ||
			!strings.Contains(r.body, "RD-4711") || strings.Contains(r.body, `action="`+loc+`/book"`) {
			t.Errorf("batch page after booking: %d\n%s", r.status, r.body)
		}
		for lang, marker := range map[string]string{"sv": ">Ekonomi<", "en": ">Finance<"} {
			c.post("/language", url.Values{"lang": {lang}, "next": {"/"}})
			for _, page := range []string{"/finance", loc, "/finance/settings"} {
				if r := c.get(page); r.status != http.StatusOK || missingMessage.MatchString(r.body) || !strings.Contains(r.body, marker) {
					t.Errorf("%s in %s: %d, untranslated %q", page, lang, r.status, missingMessage.FindString(r.body))
				}
			}
		}
		c.post("/language", url.Values{"lang": {"sv"}, "next": {"/"}})
		r = c.post(loc+"/book", url.Values{"version": {"1"}, "voucher_number": {"RD-4712"}, "voucher_date": {"2026-03-06"}})
		if r.status != http.StatusConflict || !strings.Contains(r.body, "redan bokfört") || !strings.Contains(r.body, "RD-4711") {
			t.Fatalf("second booking: %d\n%s", r.status, r.body)
		}
		if b, err := s.FinanceBatchByID(ctx, id); err != nil || b.VoucherNumber != "RD-4711" {
			t.Fatalf("batch after a refused second booking: %+v %v", b, err)
		}

		var list struct {
			Batches []struct {
				ID       int64 `json:"id"`
				Booked   bool  `json:"booked"`
				TotalOre int64 `json:"total_ore"`
			} `json:"batches"`
		}
		if r := c.get("/api/finance/batches"); r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &list) != nil ||
			len(list.Batches) != 1 || !list.Batches[0].Booked || list.Batches[0].TotalOre != granted.GrantedOre {
			t.Fatalf("JSON list: %d %s", r.status, r.body)
		}
		var one struct {
			Batch struct {
				VoucherNumber string `json:"voucher_number"`
			} `json:"batch"`
			Lines []struct {
				Title     string `json:"title"`
				AmountOre int64  `json:"amount_ore"`
			} `json:"lines"`
		}
		if r := c.get("/api/finance/batches/" + itoa(id)); r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &one) != nil ||
			one.Batch.VoucherNumber != "RD-4711" || len(one.Lines) != 1 || one.Lines[0].Title != payload {
			t.Fatalf("JSON batch: %d %s", r.status, r.body)
		}
		if r := c.get("/api/finance/batches/999999"); r.status != http.StatusNotFound {
			t.Errorf("JSON unknown batch: %d", r.status)
		}
	})
}

func checkCSV(t *testing.T, raw []byte, want int64, payload string) {
	t.Helper()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) || !bytes.Contains(raw, []byte("\r\n")) {
		t.Fatal("CSV lacks the byte order mark or CRLF")
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV rows %q, %v", rows, err)
	}
	amount := strings.Replace(rows[1][9], ",", "", 1)
	if got, err := strconv.ParseInt(amount, 10, 64); err != nil || got != want || !strings.Contains(rows[1][9], ",") {
		t.Errorf("CSV amount %q, want %d öre with a decimal comma", rows[1][9], want)
	}
	if rows[1][2] != "'"+payload {
		t.Errorf("CSV title %q is not inert", rows[1][2])
	}
}

func checkXLSX(t *testing.T, raw []byte, want int64, payload string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue(export.SheetName, "J2", excelize.Options{RawCellValue: true})
	if kr, err := strconv.ParseFloat(v, 64); err != nil || int64(kr*100+0.5) != want {
		t.Errorf("XLSX amount %q, want %d öre", v, want)
	}
	if formula, _ := f.GetCellFormula(export.SheetName, "J3"); formula != "SUM(J2:J2)" {
		t.Errorf("XLSX sum formula %q", formula)
	}
	title, _ := f.GetCellValue(export.SheetName, "C2")
	if formula, _ := f.GetCellFormula(export.SheetName, "C2"); title != payload || formula != "" {
		t.Errorf("XLSX title %q has formula %q", title, formula)
	}
}

// TestFinanceForbidden checks that only finance reaches the finance
// routes (administrators reach the settings too), and that a cross-origin
// POST is refused before any handler runs.
func TestFinanceForbidden(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		routes := []struct{ method, path string }{
			{"GET", "/finance"}, {"POST", "/finance/batches"}, {"GET", "/finance/batches/1"},
			{"GET", "/finance/batches/1/download/csv"}, {"GET", "/finance/batches/1/download/si"},
			{"POST", "/finance/batches/1/book"}, {"GET", "/finance/settings"}, {"POST", "/finance/settings"},
			{"GET", "/api/finance/batches"}, {"GET", "/api/finance/batches/1"},
		}
		for _, role := range []workflow.Role{workflow.RoleApplicant, workflow.RoleCoordinator, workflow.RoleDecider} {
			c := a.client()
			c.login(a.demoUser(role, nil))
			for _, rt := range routes {
				var r response
				if rt.method == "GET" {
					r = c.get(rt.path)
				} else {
					r = c.post(rt.path, financeSettingsForm)
				}
				if r.status != http.StatusForbidden {
					t.Errorf("%s: %s %s = %d, want 403", role, rt.method, rt.path, r.status)
				}
			}
		}
		admin := a.client()
		admin.login(a.demoUser(workflow.RoleAdmin, nil))
		if r := admin.get("/finance/settings"); r.status != http.StatusOK {
			t.Errorf("admin settings page: %d", r.status)
		}
		if r := admin.get("/finance"); r.status != http.StatusForbidden {
			t.Errorf("admin finance overview: %d, want 403", r.status)
		}
		if r := a.client().get("/api/finance/batches"); r.status == http.StatusOK {
			t.Errorf("anonymous JSON: %d", r.status)
		}

		c := a.client()
		c.login(a.demoUser(workflow.RoleFinance, nil))
		for _, path := range []string{"/finance/batches", "/finance/settings"} {
			req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(financeSettingsForm.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			req.Header.Set("Origin", "https://evil.example")
			if r := c.do(req); r.status != http.StatusForbidden {
				t.Errorf("cross-origin POST %s = %d, want 403", path, r.status)
			}
		}
		if set, err := s.FinanceSettings(context.Background()); err != nil || set.PotCostCentre != "" {
			t.Errorf("a refused POST changed the settings: %+v %v", set, err)
		}
	})
}
