-- +goose Up
CREATE TABLE org_units (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT NOT NULL UNIQUE,
    name_sv      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('faculty', 'institution', 'division', 'central')),
    parent_id    BIGINT REFERENCES org_units (id),
    cost_centre  TEXT NOT NULL DEFAULT '',
    project_code TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX org_units_parent_id_idx ON org_units (parent_id);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
    unit_id    BIGINT REFERENCES org_units (id),
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX users_unit_id_idx ON users (unit_id);

CREATE TABLE role_grants (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL CHECK (role IN ('applicant', 'unit_head', 'coordinator', 'decider', 'finance', 'admin')),
    unit_id    BIGINT REFERENCES org_units (id),
    valid_from DATE,
    valid_to   DATE,
    granted_by BIGINT REFERENCES users (id),
    created_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE INDEX role_grants_user_id_idx ON role_grants (user_id);

CREATE TABLE plans (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code       TEXT NOT NULL UNIQUE,
    title_sv   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    starts_on  DATE NOT NULL,
    ends_on    DATE NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE plan_responsibles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id       BIGINT NOT NULL REFERENCES plans (id),
    code          TEXT NOT NULL,
    definition_sv TEXT NOT NULL,
    definition_en TEXT NOT NULL,
    position      INTEGER NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE plan_areas (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id  BIGINT NOT NULL REFERENCES plans (id),
    position INTEGER NOT NULL,
    name_sv  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    UNIQUE (plan_id, position)
);

CREATE TABLE plan_goals (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    area_id  BIGINT NOT NULL REFERENCES plan_areas (id),
    position INTEGER NOT NULL,
    text_sv  TEXT NOT NULL,
    text_en  TEXT NOT NULL,
    UNIQUE (area_id, position)
);

CREATE TABLE plan_activities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id     BIGINT NOT NULL REFERENCES plan_goals (id),
    position    INTEGER NOT NULL,
    text_sv     TEXT NOT NULL,
    text_en     TEXT NOT NULL,
    neolaia     TEXT NOT NULL CHECK (neolaia IN ('ja', 'delvis', '')),
    responsible TEXT NOT NULL,
    retired_at  DATETIME,
    UNIQUE (goal_id, position)
);

CREATE TABLE calls (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id              BIGINT NOT NULL REFERENCES plans (id),
    code                 TEXT NOT NULL UNIQUE,
    title_sv             TEXT NOT NULL,
    title_en             TEXT NOT NULL,
    description_sv       TEXT NOT NULL,
    description_en       TEXT NOT NULL,
    budget_ore           BIGINT NOT NULL CHECK (budget_ore >= 0),
    opens_at             DATETIME NOT NULL,
    deadline_at          DATETIME NOT NULL,
    report_due_on        DATE NOT NULL,
    endorsement_required BOOLEAN NOT NULL,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);

CREATE TABLE applications (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id                   BIGINT NOT NULL REFERENCES calls (id),
    unit_id                   BIGINT NOT NULL REFERENCES org_units (id),
    created_by                BIGINT NOT NULL REFERENCES users (id),
    title                     TEXT NOT NULL,
    summary                   TEXT NOT NULL DEFAULT '',
    purpose                   TEXT NOT NULL DEFAULT '',
    period_start              DATE,
    period_end                DATE,
    neolaia                   TEXT NOT NULL DEFAULT '' CHECK (neolaia IN ('ja', 'delvis', 'nej', '')),
    consideration_quality        TEXT NOT NULL DEFAULT '',
    consideration_responsibility TEXT NOT NULL DEFAULT '',
    consideration_inclusion      TEXT NOT NULL DEFAULT '',
    consideration_sustainability TEXT NOT NULL DEFAULT '',
    consideration_equality       TEXT NOT NULL DEFAULT '',
    target_levels             TEXT NOT NULL DEFAULT '',
    expected_students_first   INTEGER NOT NULL DEFAULT 0,
    expected_students_second  INTEGER NOT NULL DEFAULT 0,
    expected_students_third   INTEGER NOT NULL DEFAULT 0,
    expected_mobility_windows INTEGER NOT NULL DEFAULT 0,
    expected_partner_agreements INTEGER NOT NULL DEFAULT 0,
    expected_other            TEXT NOT NULL DEFAULT '',
    state                     TEXT NOT NULL,
    granted_ore               BIGINT NOT NULL DEFAULT 0 CHECK (granted_ore >= 0),
    returned_ore              BIGINT NOT NULL DEFAULT 0 CHECK (returned_ore >= 0),
    recommended_ore           BIGINT NOT NULL DEFAULT 0 CHECK (recommended_ore >= 0),
    spent_ore                 BIGINT NOT NULL DEFAULT 0 CHECK (spent_ore >= 0),
    assessment                TEXT NOT NULL DEFAULT '',
    decision_ref              TEXT NOT NULL DEFAULT '',
    motivation                TEXT NOT NULL DEFAULT '',
    decided_at                DATETIME,
    submitted_at              DATETIME,
    deadline_extended_to      DATETIME,
    version                   INTEGER NOT NULL DEFAULT 1,
    created_at                DATETIME NOT NULL,
    updated_at                DATETIME NOT NULL,
    CHECK (returned_ore <= granted_ore)
);
CREATE INDEX applications_call_id_state_idx ON applications (call_id, state);
CREATE INDEX applications_unit_id_idx ON applications (unit_id);

CREATE TABLE budget_lines (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    category       TEXT NOT NULL,
    description    TEXT NOT NULL,
    amount_ore     BIGINT NOT NULL CHECK (amount_ore > 0)
);
CREATE INDEX budget_lines_application_id_idx ON budget_lines (application_id);

CREATE TABLE application_activities (
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    activity_id    BIGINT NOT NULL REFERENCES plan_activities (id),
    PRIMARY KEY (application_id, activity_id)
);
CREATE INDEX application_activities_activity_id_idx ON application_activities (activity_id);

CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    entity         TEXT NOT NULL,
    entity_id      BIGINT NOT NULL,
    application_id BIGINT REFERENCES applications (id),
    actor_id       BIGINT REFERENCES users (id),
    action         TEXT NOT NULL,
    from_state     TEXT NOT NULL DEFAULT '',
    to_state       TEXT NOT NULL DEFAULT '',
    comment        TEXT NOT NULL DEFAULT '',
    amount_ore     BIGINT NOT NULL DEFAULT 0,
    created_at     DATETIME NOT NULL
);
CREATE INDEX audit_events_application_id_idx ON audit_events (application_id, id);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event           TEXT NOT NULL,
    application_id  BIGINT REFERENCES applications (id),
    recipient_id    BIGINT REFERENCES users (id),
    recipient_email TEXT NOT NULL,
    language        TEXT NOT NULL,
    payload         TEXT NOT NULL DEFAULT '{}',
    dedupe_key      TEXT UNIQUE,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         DATETIME,
    created_at      DATETIME NOT NULL
);
CREATE INDEX outbox_pending_idx ON outbox (status, next_attempt_at);

-- +goose Down
DROP TABLE outbox;
DROP TABLE audit_events;
DROP TABLE application_activities;
DROP TABLE budget_lines;
DROP TABLE applications;
DROP TABLE calls;
DROP TABLE plan_activities;
DROP TABLE plan_goals;
DROP TABLE plan_areas;
DROP TABLE plan_responsibles;
DROP TABLE plans;
DROP TABLE role_grants;
DROP TABLE users;
DROP TABLE org_units;
