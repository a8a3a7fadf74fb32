-- +goose Up
-- A revocation gets its own reference and date; the grant's stay. Until
-- now a revocation overwrote the grant's reference: move it to its own
-- column and take the grant's back from the award line that exported it.
ALTER TABLE applications ADD COLUMN revocation_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN revoked_at DATETIME;
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
ALTER TABLE finance_settings ADD COLUMN org_number TEXT NOT NULL DEFAULT '';
ALTER TABLE finance_settings ADD COLUMN chart_type TEXT NOT NULL DEFAULT '';
ALTER TABLE finance_settings ADD COLUMN fiscal_year_start INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_year_start BETWEEN 1 AND 12);
ALTER TABLE finance_settings ADD COLUMN direction TEXT NOT NULL DEFAULT 'pot_debit' CHECK (direction IN ('pot_debit', 'unit_debit'));
ALTER TABLE finance_settings ADD COLUMN voucher_series TEXT NOT NULL DEFAULT '';
ALTER TABLE finance_settings ADD COLUMN closed_through INTEGER NOT NULL DEFAULT 0;

-- Batches made before the direction was a setting debited the unit; they
-- keep that, so that their files stay what was booked. Batch numbers are
-- given in the transaction that makes the batch, one more than the last,
-- so that a refused batch takes none.
ALTER TABLE finance_batches RENAME COLUMN debit_account TO unit_account;
ALTER TABLE finance_batches RENAME COLUMN debit_account_name TO unit_account_name;
ALTER TABLE finance_batches RENAME COLUMN credit_account TO pot_account;
ALTER TABLE finance_batches RENAME COLUMN credit_account_name TO pot_account_name;
ALTER TABLE finance_batches ADD COLUMN org_number TEXT NOT NULL DEFAULT '';
ALTER TABLE finance_batches ADD COLUMN chart_type TEXT NOT NULL DEFAULT '';
ALTER TABLE finance_batches ADD COLUMN fiscal_year_start INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_year_start BETWEEN 1 AND 12);
ALTER TABLE finance_batches ADD COLUMN direction TEXT NOT NULL DEFAULT 'unit_debit' CHECK (direction IN ('pot_debit', 'unit_debit'));
ALTER TABLE finance_batches ADD COLUMN voucher_series TEXT NOT NULL DEFAULT '';
ALTER TABLE finance_batches ADD COLUMN accounting_date DATE;
ALTER TABLE finance_batches ADD COLUMN booked_series TEXT NOT NULL DEFAULT '';
UPDATE finance_batches SET accounting_date = batch_date;

-- A line may now also be a return of unspent money; it names the unit by
-- code and the project by its own name. SQLite cannot change a CHECK, so
-- the table is built anew.
CREATE TABLE finance_batch_lines_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id       BIGINT NOT NULL REFERENCES finance_batches (id),
    position       INTEGER NOT NULL,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('award', 'reversal', 'return')),
    reference      TEXT NOT NULL,
    title          TEXT NOT NULL,
    decision_ref   TEXT NOT NULL,
    decision_date  DATE,
    unit_id        BIGINT NOT NULL REFERENCES org_units (id),
    unit_code      TEXT NOT NULL DEFAULT '',
    unit_name      TEXT NOT NULL,
    cost_centre    TEXT NOT NULL,
    project_code   TEXT NOT NULL,
    project_name   TEXT NOT NULL DEFAULT '',
    activities     TEXT NOT NULL,
    amount_ore     BIGINT NOT NULL CHECK (amount_ore <> 0),
    voucher_text   TEXT NOT NULL,
    UNIQUE (batch_id, position),
    UNIQUE (application_id, kind)
);
INSERT INTO finance_batch_lines_new (id, batch_id, position, application_id, kind, reference, title, decision_ref,
    decision_date, unit_id, unit_code, unit_name, cost_centre, project_code, project_name, activities, amount_ore, voucher_text)
SELECT l.id, l.batch_id, l.position, l.application_id, l.kind, l.reference, l.title, l.decision_ref, l.decision_date,
    l.unit_id, COALESCE((SELECT u.code FROM org_units u WHERE u.id = l.unit_id), ''), l.unit_name, l.cost_centre,
    l.project_code, l.unit_name, l.activities, l.amount_ore, l.voucher_text
FROM finance_batch_lines l;
DROP TABLE finance_batch_lines;
ALTER TABLE finance_batch_lines_new RENAME TO finance_batch_lines;

-- +goose Down
CREATE TABLE finance_batch_lines_old (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id       BIGINT NOT NULL REFERENCES finance_batches (id),
    position       INTEGER NOT NULL,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('award', 'reversal')),
    reference      TEXT NOT NULL,
    title          TEXT NOT NULL,
    decision_ref   TEXT NOT NULL,
    decision_date  DATE,
    unit_id        BIGINT NOT NULL REFERENCES org_units (id),
    unit_name      TEXT NOT NULL,
    cost_centre    TEXT NOT NULL,
    project_code   TEXT NOT NULL,
    activities     TEXT NOT NULL,
    amount_ore     BIGINT NOT NULL CHECK (amount_ore <> 0),
    voucher_text   TEXT NOT NULL,
    UNIQUE (batch_id, position),
    UNIQUE (application_id, kind)
);
INSERT INTO finance_batch_lines_old (id, batch_id, position, application_id, kind, reference, title, decision_ref,
    decision_date, unit_id, unit_name, cost_centre, project_code, activities, amount_ore, voucher_text)
SELECT id, batch_id, position, application_id, kind, reference, title, decision_ref, decision_date, unit_id, unit_name,
    cost_centre, project_code, activities, amount_ore, voucher_text
FROM finance_batch_lines WHERE kind <> 'return';
DROP TABLE finance_batch_lines;
ALTER TABLE finance_batch_lines_old RENAME TO finance_batch_lines;
ALTER TABLE finance_batches DROP COLUMN booked_series;
ALTER TABLE finance_batches DROP COLUMN accounting_date;
ALTER TABLE finance_batches DROP COLUMN voucher_series;
ALTER TABLE finance_batches DROP COLUMN direction;
ALTER TABLE finance_batches DROP COLUMN fiscal_year_start;
ALTER TABLE finance_batches DROP COLUMN chart_type;
ALTER TABLE finance_batches DROP COLUMN org_number;
ALTER TABLE finance_batches RENAME COLUMN unit_account TO debit_account;
ALTER TABLE finance_batches RENAME COLUMN unit_account_name TO debit_account_name;
ALTER TABLE finance_batches RENAME COLUMN pot_account TO credit_account;
ALTER TABLE finance_batches RENAME COLUMN pot_account_name TO credit_account_name;
ALTER TABLE finance_settings DROP COLUMN closed_through;
ALTER TABLE finance_settings DROP COLUMN voucher_series;
ALTER TABLE finance_settings DROP COLUMN direction;
ALTER TABLE finance_settings DROP COLUMN fiscal_year_start;
ALTER TABLE finance_settings DROP COLUMN chart_type;
ALTER TABLE finance_settings DROP COLUMN org_number;
ALTER TABLE finance_settings RENAME COLUMN unit_account TO debit_account;
ALTER TABLE finance_settings RENAME COLUMN unit_account_name TO debit_account_name;
ALTER TABLE finance_settings RENAME COLUMN pot_account TO credit_account;
ALTER TABLE finance_settings RENAME COLUMN pot_account_name TO credit_account_name;
ALTER TABLE org_units DROP COLUMN project_name;
UPDATE applications SET decision_ref = revocation_ref WHERE state = 'revoked';
ALTER TABLE applications DROP COLUMN revoked_at;
ALTER TABLE applications DROP COLUMN revocation_ref;
