-- +goose Up
-- Calls are made in the app: a decision date, a maximum per application
-- (0: none), a version against stale forms, and the plan activities a
-- call funds (no rows: every activity of its plan that is not retired).
ALTER TABLE calls ADD COLUMN decision_on DATE;
ALTER TABLE calls ADD COLUMN max_amount_ore BIGINT NOT NULL DEFAULT 0 CHECK (max_amount_ore >= 0);
ALTER TABLE calls ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE call_activities (
    call_id     BIGINT NOT NULL REFERENCES calls (id),
    activity_id BIGINT NOT NULL REFERENCES plan_activities (id),
    PRIMARY KEY (call_id, activity_id)
);
CREATE INDEX call_activities_activity_id_idx ON call_activities (activity_id);

-- A closed unit keeps its history and applications but takes no new ones.
ALTER TABLE org_units ADD COLUMN closed_at DATETIME;

-- A draft deleted by its applicants is hidden, not removed: the audit
-- trail still names it.
ALTER TABLE applications ADD COLUMN deleted_at DATETIME;
CREATE INDEX applications_deleted_at_idx ON applications (deleted_at);

-- Reference numbers (diarienummer) are proposed from a pattern with a
-- series per year (workflow.FormatDiary). One row, edited by
-- coordinators and administrators on the calls page.
CREATE TABLE reference_settings (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    pattern    TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at DATETIME NOT NULL
);
INSERT INTO reference_settings (id, pattern, updated_at) VALUES (1, 'ORU {year}/{seq:05}', CURRENT_TIMESTAMP);

-- +goose Down
DROP TABLE reference_settings;
DROP INDEX applications_deleted_at_idx;
ALTER TABLE applications DROP COLUMN deleted_at;
ALTER TABLE org_units DROP COLUMN closed_at;
DROP TABLE call_activities;
ALTER TABLE calls DROP COLUMN version;
ALTER TABLE calls DROP COLUMN max_amount_ore;
ALTER TABLE calls DROP COLUMN decision_on;
