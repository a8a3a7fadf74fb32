-- +goose Up
-- A revocation gets its own reference and date; the grant's stay. Until
-- now a revocation overwrote the grant's reference: move it to its own
-- column and take the grant's back from the award line that exported it.
ALTER TABLE applications ADD COLUMN revocation_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN revoked_at TIMESTAMPTZ;
UPDATE applications SET revocation_ref = decision_ref,
    revoked_at = (SELECT MAX(e.created_at) FROM audit_events e
                  WHERE e.application_id = applications.id AND e.action = 'revoke')
WHERE state = 'revoked';
UPDATE applications SET decision_ref = (SELECT l.decision_ref FROM finance_batch_lines l
                                        WHERE l.application_id = applications.id AND l.kind = 'award')
WHERE state = 'revoked'
  AND EXISTS (SELECT 1 FROM finance_batch_lines l WHERE l.application_id = applications.id AND l.kind = 'award');

-- A unit's project has a name of its own for the SIE project object.
ALTER TABLE org_units ADD COLUMN project_name TEXT NOT NULL DEFAULT '';

-- Accounts are named by the party they belong to; the direction says
-- which side is debited. The old columns were debit = unit, credit = pot.
ALTER TABLE finance_settings RENAME COLUMN debit_account TO unit_account;
ALTER TABLE finance_settings RENAME COLUMN debit_account_name TO unit_account_name;
ALTER TABLE finance_settings RENAME COLUMN credit_account TO pot_account;
ALTER TABLE finance_settings RENAME COLUMN credit_account_name TO pot_account_name;
ALTER TABLE finance_settings
    ADD COLUMN org_number        TEXT NOT NULL DEFAULT '',
    ADD COLUMN chart_type        TEXT NOT NULL DEFAULT '',
    ADD COLUMN fiscal_year_start INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_year_start BETWEEN 1 AND 12),
    ADD COLUMN direction         TEXT NOT NULL DEFAULT 'pot_debit' CHECK (direction IN ('pot_debit', 'unit_debit')),
    ADD COLUMN voucher_series    TEXT NOT NULL DEFAULT '',
    ADD COLUMN closed_through    INTEGER NOT NULL DEFAULT 0;

-- Batches made before the direction was a setting debited the unit; they
-- keep that, so that their files stay what was booked.
ALTER TABLE finance_batches RENAME COLUMN debit_account TO unit_account;
ALTER TABLE finance_batches RENAME COLUMN debit_account_name TO unit_account_name;
ALTER TABLE finance_batches RENAME COLUMN credit_account TO pot_account;
ALTER TABLE finance_batches RENAME COLUMN credit_account_name TO pot_account_name;
ALTER TABLE finance_batches
    ADD COLUMN org_number        TEXT NOT NULL DEFAULT '',
    ADD COLUMN chart_type        TEXT NOT NULL DEFAULT '',
    ADD COLUMN fiscal_year_start INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_year_start BETWEEN 1 AND 12),
    ADD COLUMN direction         TEXT NOT NULL DEFAULT 'unit_debit' CHECK (direction IN ('pot_debit', 'unit_debit')),
    ADD COLUMN voucher_series    TEXT NOT NULL DEFAULT '',
    ADD COLUMN accounting_date   DATE,
    ADD COLUMN booked_series     TEXT NOT NULL DEFAULT '';
UPDATE finance_batches SET accounting_date = batch_date;
ALTER TABLE finance_batches ALTER COLUMN accounting_date SET NOT NULL;
-- Batch numbers are given in the transaction that makes the batch, one
-- more than the last, so that a refused batch takes none: no sequence.
ALTER TABLE finance_batches ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE finance_batches_id_seq;

-- A line may now also be a return of unspent money; it names the unit by
-- code and the project by its own name.
ALTER TABLE finance_batch_lines DROP CONSTRAINT finance_batch_lines_kind_check;
ALTER TABLE finance_batch_lines ADD CONSTRAINT finance_batch_lines_kind_check
    CHECK (kind IN ('award', 'reversal', 'return'));
ALTER TABLE finance_batch_lines
    ADD COLUMN unit_code    TEXT NOT NULL DEFAULT '',
    ADD COLUMN project_name TEXT NOT NULL DEFAULT '';
UPDATE finance_batch_lines SET unit_code = COALESCE((SELECT u.code FROM org_units u WHERE u.id = unit_id), ''),
    project_name = unit_name;

-- +goose Down
ALTER TABLE finance_batch_lines DROP COLUMN project_name, DROP COLUMN unit_code;
DELETE FROM finance_batch_lines WHERE kind = 'return';
ALTER TABLE finance_batch_lines DROP CONSTRAINT finance_batch_lines_kind_check;
ALTER TABLE finance_batch_lines ADD CONSTRAINT finance_batch_lines_kind_check CHECK (kind IN ('award', 'reversal'));
CREATE SEQUENCE finance_batches_id_seq OWNED BY finance_batches.id;
SELECT setval('finance_batches_id_seq', COALESCE((SELECT MAX(id) FROM finance_batches), 0) + 1, false);
ALTER TABLE finance_batches ALTER COLUMN id SET DEFAULT nextval('finance_batches_id_seq');
ALTER TABLE finance_batches DROP COLUMN booked_series, DROP COLUMN accounting_date, DROP COLUMN voucher_series,
    DROP COLUMN direction, DROP COLUMN fiscal_year_start, DROP COLUMN chart_type, DROP COLUMN org_number;
ALTER TABLE finance_batches RENAME COLUMN unit_account TO debit_account;
ALTER TABLE finance_batches RENAME COLUMN unit_account_name TO debit_account_name;
ALTER TABLE finance_batches RENAME COLUMN pot_account TO credit_account;
ALTER TABLE finance_batches RENAME COLUMN pot_account_name TO credit_account_name;
ALTER TABLE finance_settings DROP COLUMN closed_through, DROP COLUMN voucher_series, DROP COLUMN direction,
    DROP COLUMN fiscal_year_start, DROP COLUMN chart_type, DROP COLUMN org_number;
ALTER TABLE finance_settings RENAME COLUMN unit_account TO debit_account;
ALTER TABLE finance_settings RENAME COLUMN unit_account_name TO debit_account_name;
ALTER TABLE finance_settings RENAME COLUMN pot_account TO credit_account;
ALTER TABLE finance_settings RENAME COLUMN pot_account_name TO credit_account_name;
ALTER TABLE org_units DROP COLUMN project_name;
UPDATE applications SET decision_ref = revocation_ref WHERE state = 'revoked';
ALTER TABLE applications DROP COLUMN revoked_at, DROP COLUMN revocation_ref;
