-- +goose Up
CREATE TABLE finance_settings (
    id                  BIGINT PRIMARY KEY CHECK (id = 1),
    organisation        TEXT NOT NULL DEFAULT '',
    pot_cost_centre     TEXT NOT NULL DEFAULT '',
    pot_project         TEXT NOT NULL DEFAULT '',
    pot_name            TEXT NOT NULL DEFAULT '',
    debit_account       TEXT NOT NULL DEFAULT '',
    debit_account_name  TEXT NOT NULL DEFAULT '',
    credit_account      TEXT NOT NULL DEFAULT '',
    credit_account_name TEXT NOT NULL DEFAULT '',
    voucher_text        TEXT NOT NULL DEFAULT '',
    updated_by          BIGINT REFERENCES users (id),
    updated_at          DATETIME NOT NULL
);
INSERT INTO finance_settings (id, pot_name, voucher_text, updated_at)
VALUES (1, 'Mobilitetsfonden', 'Mobilitetsfonden {application} {decision}', CURRENT_TIMESTAMP);

CREATE TABLE finance_batches (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_date          DATE NOT NULL,
    created_by          BIGINT NOT NULL REFERENCES users (id),
    created_by_name     TEXT NOT NULL,
    organisation        TEXT NOT NULL,
    pot_cost_centre     TEXT NOT NULL,
    pot_project         TEXT NOT NULL,
    pot_name            TEXT NOT NULL,
    debit_account       TEXT NOT NULL,
    debit_account_name  TEXT NOT NULL,
    credit_account      TEXT NOT NULL,
    credit_account_name TEXT NOT NULL,
    line_count          INTEGER NOT NULL DEFAULT 0,
    total_ore           BIGINT NOT NULL DEFAULT 0,
    voucher_number      TEXT NOT NULL DEFAULT '',
    voucher_date        DATE,
    booked_by           BIGINT REFERENCES users (id),
    booked_at           DATETIME,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          DATETIME NOT NULL,
    CHECK ((booked_at IS NULL) = (voucher_date IS NULL))
);

-- An application has at most one award line and one reversal line in
-- all batches together: concurrent exports can never pay it twice.
CREATE TABLE finance_batch_lines (
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

-- +goose Down
DROP TABLE finance_batch_lines;
DROP TABLE finance_batches;
DROP TABLE finance_settings;
