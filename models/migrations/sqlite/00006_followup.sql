-- +goose Up
-- One outcome report per application: saved as a draft by the applicants,
-- submitted (ActionReport), then accepted or sent back for revision.
CREATE TABLE application_reports (
    application_id               BIGINT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    done                         TEXT NOT NULL DEFAULT '',
    students_first               INTEGER NOT NULL DEFAULT 0 CHECK (students_first >= 0),
    students_second              INTEGER NOT NULL DEFAULT 0 CHECK (students_second >= 0),
    students_third               INTEGER NOT NULL DEFAULT 0 CHECK (students_third >= 0),
    windows_identified           INTEGER NOT NULL DEFAULT 0 CHECK (windows_identified >= 0),
    windows_created              INTEGER NOT NULL DEFAULT 0 CHECK (windows_created >= 0),
    partner_agreements           INTEGER NOT NULL DEFAULT 0 CHECK (partner_agreements >= 0),
    participants                 INTEGER NOT NULL DEFAULT 0 CHECK (participants >= 0),
    other_outcome                TEXT NOT NULL DEFAULT '',
    spent_ore                    BIGINT NOT NULL DEFAULT 0 CHECK (spent_ore >= 0),
    consideration_quality        TEXT NOT NULL DEFAULT '',
    consideration_responsibility TEXT NOT NULL DEFAULT '',
    consideration_inclusion      TEXT NOT NULL DEFAULT '',
    consideration_sustainability TEXT NOT NULL DEFAULT '',
    consideration_equality       TEXT NOT NULL DEFAULT '',
    revision_note                TEXT NOT NULL DEFAULT '',
    updated_by                   BIGINT NOT NULL REFERENCES users (id),
    submitted_at                 DATETIME,
    submitted_by                 BIGINT REFERENCES users (id),
    accepted_at                  DATETIME,
    accepted_by                  BIGINT REFERENCES users (id),
    created_at                   DATETIME NOT NULL,
    updated_at                   DATETIME NOT NULL
);
CREATE INDEX application_reports_submitted_at_idx ON application_reports (submitted_at);
CREATE INDEX plan_goals_area_id_idx ON plan_goals (area_id);
CREATE INDEX plan_activities_goal_id_idx ON plan_activities (goal_id);
CREATE INDEX applications_decided_at_idx ON applications (decided_at);

-- +goose Down
DROP INDEX applications_decided_at_idx;
DROP INDEX plan_activities_goal_id_idx;
DROP INDEX plan_goals_area_id_idx;
DROP TABLE application_reports;
