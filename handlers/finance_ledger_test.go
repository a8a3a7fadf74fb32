package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mobilityfund/export"
	"mobilityfund/internal/dbtest"
	"mobilityfund/internal/sietest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// ledgerSettings are finance settings as a university would fill them in.
var ledgerSettings = url.Values{
	"organisation": {"Örebro universitet"}, "org_number": {"2021001231"}, "chart_type": {"EUBAS97"},
	"fiscal_year_start": {"1"}, "closed_through": {""},
	"pot_cost_centre": {"9100"}, "pot_project": {"MOBPOT"}, "pot_name": {"Mobilitetsfonden"},
	"pot_account": {"97110"}, "pot_account_name": {"Lämnade interna bidrag"},
	"unit_account": {"93110"}, "unit_account_name": {"Erhållna interna bidrag"},
	"direction": {"pot_debit"}, "voucher_series": {"IB"}, "voucher_text": {"Mobilitetsfonden {application} {decision}"},
}

// csvRows reads a CSV file for Swedish Excel back.
func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestFinanceLedgerJourney walks finance through the ledger's side of a
// year: settings with the direction in plain words, a preview that warns
// of characters SIE cannot hold, a batch dated by finance and booked with
// series and number, money coming back (a revocation after booking and
// a return after an accepted report) in the next batch booked the other
// way, and a reconciliation that shows the difference until the second
// batch is booked and none after.
func TestFinanceLedgerJourney(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, s *models.Store) {
		a := newApp(t, s)
		ctx := context.Background()
		peter := a.demo("peter")
		today := s.Now().In(stockholmTZ).Format(time.DateOnly)

		bad := url.Values{}
		for k, v := range ledgerSettings {
			bad[k] = v
		}
		bad.Set("unit_account", "931")
		bad.Set("org_number", "202100-1232")
		expect(t, "invalid settings", peter.post("/finance/settings", bad), http.StatusUnprocessableEntity,
			`value="931"`, "fyra till sex siffror", "kontrollsiffran", `value="202100-1232"`)
		if r := peter.post("/finance/settings", ledgerSettings); r.status != http.StatusSeeOther {
			t.Fatalf("settings: %d\n%s", r.status, r.body)
		}
		expect(t, "settings page", peter.get("/finance/settings"), http.StatusOK,
			"Debet: potten 9100 / MOBPOT, konto 97110", "Kredit: enheten (dess kostnadsställe och projekt), konto 93110",
			`value="202100-1231"`, `id="direction-pot_debit" name="direction" value="pot_debit" checked`)

		var nt, humus models.Application
		s.DB().Where("state = ?", workflow.StateGranted).First(&nt)
		s.DB().Where("state = ?", workflow.StateReadyForDecision).First(&humus)
		karin, _ := s.DemoActor(ctx, "karin")
		if _, err := s.Apply(ctx, humus.ID, humus.Version, karin, workflow.ActionGrant,
			workflow.Input{AmountOre: 90_000_00, DecisionRef: "ORU 2026/02000", Comment: "Beviljas delvis."}); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Model(&nt).Update("decision_ref", "ORU 2026/01234 – Győr").Error; err != nil {
			t.Fatal(err)
		}
		expect(t, "preview", peter.get("/finance"), http.StatusOK, `id="cp437-warning"`, nt.Number()+"</a>: – → -, ő → o",
			"Debet: potten 9100 / MOBPOT, konto 97110 · Kredit: NT 3120 / P3120-MOB, konto 93110",
			"Debet: potten 9100 / MOBPOT, konto 97110 · Kredit: HUMUS 1110 / P1110-MOB, konto 93110",
			`name="accounting_date" type="date" value="`+today+`"`)
		expect(t, "a date that is not one", peter.post("/finance/batches", url.Values{"accounting_date": {"2026-13-40"}}),
			http.StatusUnprocessableEntity, `value="2026-13-40"`, "Ange ett datum")
		expect(t, "a date far ahead", peter.post("/finance/batches", url.Values{"accounting_date": {"2099-01-01"}}),
			http.StatusUnprocessableEntity, "för långt fram")

		r := peter.post("/finance/batches", url.Values{"accounting_date": {today}})
		loc := r.header.Get("Location")
		if r.status != http.StatusSeeOther {
			t.Fatalf("batch 1: %d\n%s", r.status, r.body)
		}
		expect(t, "batch 1", peter.get(loc), http.StatusOK, "Serie IB", "Potten debiteras, enheten krediteras",
			`name="voucher_series" value="IB"`, `name="voucher_date" type="date" value="`+today+`"`)
		expect(t, "booking with a bad series", peter.post(loc+"/book", url.Values{"version": {"1"}, "voucher_series": {"I B"},
			"voucher_number": {"4711"}, "voucher_date": {today}}), http.StatusUnprocessableEntity, `value="I B"`)
		if r := peter.post(loc+"/book", url.Values{"version": {"1"}, "voucher_series": {"IB"}, "voucher_number": {"4711"},
			"voucher_date": {today}}); r.status != http.StatusSeeOther {
			t.Fatalf("booking: %d\n%s", r.status, r.body)
		}
		expect(t, "booked", peter.get(loc), http.StatusOK, "verifikation IB 4711")

		// Money comes back: NT's grant is revoked after booking, HUMUS
		// reports 70 000 spent and the report is accepted.
		anna, sara := mustDemo(t, s, "anna"), mustDemo(t, s, "sara")
		nt = reload(t, s, nt.ID)
		if _, err := s.Apply(ctx, nt.ID, nt.Version, karin, workflow.ActionRevoke,
			workflow.Input{DecisionRef: "ORU 2026/03000", Comment: "Återkallas."}); err != nil {
			t.Fatal(err)
		}
		humus = reload(t, s, humus.ID)
		report := models.ReportInput{Done: "Kursen gavs.", SpentOre: 70_000_00, Considerations: [5]string{"k", "a", "i", "h", "j"}}
		if err := s.SaveReport(ctx, anna, humus.ID, humus.Version, report, true); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptReport(ctx, sara, humus.ID, humus.Version+1); err != nil {
			t.Fatal(err)
		}
		expect(t, "preview of money coming back", peter.get("/finance"), http.StatusOK, "Återföring", "Återbetalning",
			"ORU 2026/03000", "Återrapport "+humus.Number(),
			"Debet: NT 3120 / P3120-MOB, konto 93110 · Kredit: potten 9100 / MOBPOT, konto 97110")
		expect(t, "reconciliation before the second batch", peter.get("/finance/reconciliation"), http.StatusOK,
			`<span class="diff">`, nt.Number(), humus.Number())

		r = peter.post("/finance/batches", url.Values{"accounting_date": {today}})
		loc2 := r.header.Get("Location")
		if r.status != http.StatusSeeOther || loc2 == loc {
			t.Fatalf("batch 2: %d %q", r.status, loc2)
		}
		sie := sietest.Parse(t, []byte(peter.get(loc2+"/download/si").body))
		v := sie.Vers[0]
		if len(sie.Vers) != 1 || v.Series != "IB" || v.Date != strings.ReplaceAll(today, "-", "") || v.Sum() != 0 || len(v.Trans) != 4 {
			t.Fatalf("batch 2 voucher %+v", v)
		}
		for _, tr := range v.Trans {
			// Money coming back debits the unit and credits the pot.
			if (tr.Account == "93110") != (tr.Ore > 0) || (tr.Account == "97110") != (tr.Object("1") == "9100") {
				t.Errorf("row %+v goes the wrong way", tr)
			}
		}
		if sie.Fields["#ORGNR"][0] != "202100-1231" || sie.Fields["#KPTYP"][0] != "EUBAS97" || sie.Objects["6 P3120-MOB"] != "Utlandsmobilitet NT" {
			t.Errorf("records %v, objects %v", sie.Fields, sie.Objects)
		}
		rows := csvRows(t, peter.get(loc2+"/download/csv").body)
		kinds := map[string]string{}
		for _, row := range rows[1:] {
			kinds[row[1]] = row[10]
			if !strings.HasPrefix(row[6], `="`) {
				t.Errorf("cost centre %q is not kept as text", row[6])
			}
		}
		if kinds[nt.Number()] != "Återföring" || kinds[humus.Number()] != "Återbetalning" {
			t.Errorf("CSV kinds %v", kinds)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(peter.get(loc2 + "/download/xlsx").body)))
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := x.GetCellValue(export.SheetName, "K2"); k != "Återföring" && k != "Återbetalning" {
			t.Errorf("XLSX kind %q", k)
		}
		x.Close()

		if r := peter.post(loc2+"/book", url.Values{"version": {"1"}, "voucher_series": {"IB"}, "voucher_number": {"4712"},
			"voucher_date": {today}}); r.status != http.StatusSeeOther {
			t.Fatalf("booking 2: %d\n%s", r.status, r.body)
		}
		page := peter.get("/finance/reconciliation")
		expect(t, "reconciliation after booking", page, http.StatusOK, "Medel för utresande studentmobilitet 2026", "Institutionen för naturvetenskap och teknik")
		if strings.Contains(page.body, `class="diff"`) {
			t.Errorf("the reconciliation shows a difference after everything is booked:\n%s", page.body)
		}
		rec := peter.get("/finance/reconciliation.csv")
		rows = csvRows(t, rec.body)
		if rec.status != http.StatusOK || rows[0][9] != "Skillnad" || len(rows) < 3 {
			t.Fatalf("reconciliation CSV %d %q", rec.status, rows)
		}
		for _, row := range rows[1:] {
			if row[9] != "0,00" {
				t.Errorf("reconciliation row %q has a difference", row)
			}
		}
		for lang, marker := range map[string]string{"sv": ">Ekonomi<", "en": ">Finance<"} {
			peter.post("/language", url.Values{"lang": {lang}, "next": {"/"}})
			for _, p := range []string{"/finance", loc2, "/finance/settings", "/finance/reconciliation"} {
				if r := peter.get(p); r.status != http.StatusOK || missingMessage.MatchString(r.body) || !strings.Contains(r.body, marker) {
					t.Errorf("%s in %s: %d, untranslated %q", p, lang, r.status, missingMessage.FindString(r.body))
				}
			}
		}
	})
}

var stockholmTZ, _ = time.LoadLocation("Europe/Stockholm")

func mustDemo(t *testing.T, s *models.Store, subject string) *models.Actor {
	t.Helper()
	a, err := s.DemoActor(context.Background(), subject)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func reload(t *testing.T, s *models.Store, id int64) models.Application {
	t.Helper()
	var a models.Application
	if err := s.DB().First(&a, id).Error; err != nil {
		t.Fatal(err)
	}
	return a
}
