package models_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"mobilityfund/export"
	"mobilityfund/internal/dbtest"
	"mobilityfund/models"
	"mobilityfund/workflow"
)

// TestLedgerMigrationKeepsWhatWasBooked migrates a database as it was
// before the ledger changes, with a batch that was booked and a grant
// revoked after it: the old batch keeps the direction it was booked with
// and its accounts by party, its lines get the unit's code, and the
// revoked application gets the grant's reference back from the award
// line, its revocation's own reference and date beside it, and a
// reversal waiting for the next batch.
func TestLedgerMigrationKeepsWhatWasBooked(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := models.Open(dbtest.Empty(t, b))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			sqlDB, err := s.DB().DB()
			if err != nil {
				t.Fatal(err)
			}
			dialect := goose.DialectPostgres
			if s.Dialect() == models.SQLite {
				dialect = goose.DialectSQLite3
			}
			p, err := goose.NewProvider(dialect, sqlDB, os.DirFS("migrations/"+b.Name))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 29); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			db := s.DB()
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"INSERT INTO org_units (id, code, name_sv, name_en, kind, cost_centre, project_code, created_at, updated_at) " +
					"VALUES (1000, 'U1', 'Enheten', 'The unit', 'institution', '1110', 'P1', ?, ?)", []any{now, now}},
				{"INSERT INTO users (id, issuer, subject, email, name, created_at, updated_at) VALUES (1000, 'dev', 'x', 'x@example.org', 'X', ?, ?)", []any{now, now}},
				{"INSERT INTO plans (id, code, title_sv, title_en, starts_on, ends_on, created_at, updated_at) VALUES (1000, 'OLD', 'P', 'P', ?, ?, ?, ?)",
					[]any{day, day, now, now}},
				{"INSERT INTO calls (id, plan_id, code, title_sv, title_en, description_sv, description_en, budget_ore, opens_at, deadline_at, " +
					"report_due_on, endorsement_required, created_at, updated_at) VALUES (1000, 1000, 'OLDCALL', 'C', 'C', '', '', 100000000, ?, ?, ?, false, ?, ?)",
					[]any{now, now, day, now, now}},
				{"INSERT INTO applications (id, call_id, unit_id, created_by, title, state, granted_ore, returned_ore, decision_ref, created_at, updated_at) " +
					"VALUES (1000, 1000, 1000, 1000, 'Återkallad', 'revoked', 5000000, 5000000, 'REV-2', ?, ?)", []any{now, now}},
				{"INSERT INTO audit_events (entity, entity_id, application_id, action, created_at) VALUES ('application', 1000, 1000, 'revoke', ?)", []any{now}},
				{"INSERT INTO finance_batches (id, batch_date, created_by, created_by_name, organisation, pot_cost_centre, pot_project, pot_name, " +
					"debit_account, debit_account_name, credit_account, credit_account_name, line_count, total_ore, voucher_number, voucher_date, " +
					"booked_by, booked_at, created_at) VALUES (1, ?, 1000, 'X', 'Org', '9100', '', 'Potten', '4010', 'Unit', '4020', 'Pot', 1, 5000000, " +
					"'V1', ?, 1000, ?, ?)", []any{day, day, now, now}},
				{"INSERT INTO finance_batch_lines (batch_id, position, application_id, kind, reference, title, decision_ref, unit_id, unit_name, " +
					"cost_centre, project_code, activities, amount_ore, voucher_text) VALUES (1, 1, 1000, 'award', 'MF-2026-1000', 'Återkallad', " +
					"'GRANT-1', 1000, 'Enheten', '1110', 'P1', '', 5000000, 'MF')", nil},
			} {
				if err := db.Exec(q.sql, q.args...).Error; err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}

			var app models.Application
			if err := db.First(&app, 1000).Error; err != nil {
				t.Fatal(err)
			}
			if app.DecisionRef != "GRANT-1" || app.RevocationRef != "REV-2" || app.RevokedAt == nil || !app.RevokedAt.Equal(now) {
				t.Errorf("revoked application: decision %q, revocation %q at %v", app.DecisionRef, app.RevocationRef, app.RevokedAt)
			}
			batch, err := s.FinanceBatchByID(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if batch.UnitAccount != "4010" || batch.PotAccount != "4020" || batch.Direction != export.UnitDebit ||
				!batch.AccountingDate.Equal(batch.BatchDate) || batch.Voucher() != "V1" {
				t.Errorf("old batch %+v", batch)
			}
			lines, err := s.FinanceBatchLines(ctx, 1, 10, 0)
			if err != nil || len(lines) != 1 || lines[0].UnitCode != "U1" || lines[0].ProjectName != "Enheten" {
				t.Errorf("old lines %+v, %v", lines, err)
			}
			set, err := s.FinanceSettings(ctx)
			if err != nil || set.Direction != export.PotDebit || set.FiscalYearStart != 1 {
				t.Errorf("settings %+v, %v", set, err)
			}
			r, err := s.Reconcile(ctx, &models.Actor{Grants: []models.RoleGrant{{Role: workflow.RoleFinance}}})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range r.Calls {
				if c.Call.ID != 1000 {
					continue
				}
				found = true
				if c.BookedOre != 50_000_00 || c.WaitingOre != -50_000_00 || c.UnexplainedOre() != 0 {
					t.Errorf("old call after migration: %+v", c)
				}
			}
			if !found {
				t.Error("the old call is missing from the reconciliation")
			}
		})
	}
}
