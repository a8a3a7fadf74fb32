-- +goose Up
-- Indexes for every sort and filter of the application list and My
-- tasks: the list pages on (sort key, id) without OFFSET, newest change
-- first by default; applicants see what they created.
CREATE INDEX applications_updated_idx ON applications (updated_at DESC, id DESC);
CREATE INDEX applications_created_by_idx ON applications (created_by, updated_at DESC, id DESC);
CREATE INDEX applications_unit_updated_idx ON applications (unit_id, updated_at DESC, id DESC);
CREATE INDEX applications_call_updated_idx ON applications (call_id, updated_at DESC, id DESC);
CREATE INDEX applications_state_updated_idx ON applications (state, updated_at DESC, id DESC);
CREATE INDEX applications_title_idx ON applications (LOWER(title), id);
CREATE INDEX applications_requested_idx ON applications (requested_ore, id);
CREATE INDEX applications_granted_idx ON applications (granted_ore, id);
CREATE INDEX applications_state_id_idx ON applications (state, id);
CREATE INDEX org_units_name_sv_idx ON org_units (name_sv, id);

-- What the applications of a call, unit, state and NEOLAiA relation add
-- up to. Triggers keep it in the transaction of every change to an
-- application, so that budgets, counts and the follow-up read a few rows
-- instead of summing every application per request.
CREATE TABLE application_totals (
    call_id        BIGINT NOT NULL REFERENCES calls (id),
    unit_id        BIGINT NOT NULL REFERENCES org_units (id),
    state          TEXT NOT NULL,
    neolaia        TEXT NOT NULL,
    applications   BIGINT NOT NULL DEFAULT 0,
    requested_ore  BIGINT NOT NULL DEFAULT 0,
    granted_ore    BIGINT NOT NULL DEFAULT 0,
    returned_ore   BIGINT NOT NULL DEFAULT 0,
    spent_ore      BIGINT NOT NULL DEFAULT 0,
    exp_first      BIGINT NOT NULL DEFAULT 0,
    exp_second     BIGINT NOT NULL DEFAULT 0,
    exp_third      BIGINT NOT NULL DEFAULT 0,
    exp_windows    BIGINT NOT NULL DEFAULT 0,
    exp_agreements BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, unit_id, state, neolaia)
);
INSERT INTO application_totals
SELECT call_id, unit_id, state, CASE WHEN neolaia IN ('ja', 'delvis') THEN neolaia ELSE '' END, COUNT(*),
       SUM(requested_ore), SUM(granted_ore), SUM(returned_ore), SUM(spent_ore),
       SUM(expected_students_first), SUM(expected_students_second), SUM(expected_students_third),
       SUM(expected_mobility_windows), SUM(expected_partner_agreements)
FROM applications WHERE deleted_at IS NULL GROUP BY 1, 2, 3, 4;

-- A deleted draft (deleted_at set) counts nowhere.
-- SQLite has one writer at a time: the order of the two rows an update
-- touches does not matter here.
-- +goose StatementBegin
CREATE TRIGGER application_totals_insert AFTER INSERT ON applications
BEGIN
    INSERT INTO application_totals (call_id, unit_id, state, neolaia, applications, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements)
    SELECT NEW.call_id, NEW.unit_id, NEW.state, CASE WHEN NEW.neolaia IN ('ja', 'delvis') THEN NEW.neolaia ELSE '' END,
        1, NEW.requested_ore, NEW.granted_ore, NEW.returned_ore, NEW.spent_ore, NEW.expected_students_first, NEW.expected_students_second, NEW.expected_students_third, NEW.expected_mobility_windows, NEW.expected_partner_agreements
    WHERE NEW.deleted_at IS NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        applications = applications + excluded.applications,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER application_totals_delete AFTER DELETE ON applications
BEGIN
    INSERT INTO application_totals (call_id, unit_id, state, neolaia, applications, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements)
    SELECT OLD.call_id, OLD.unit_id, OLD.state, CASE WHEN OLD.neolaia IN ('ja', 'delvis') THEN OLD.neolaia ELSE '' END,
        -1, -OLD.requested_ore, -OLD.granted_ore, -OLD.returned_ore, -OLD.spent_ore, -OLD.expected_students_first, -OLD.expected_students_second, -OLD.expected_students_third, -OLD.expected_mobility_windows, -OLD.expected_partner_agreements
    WHERE OLD.deleted_at IS NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        applications = applications + excluded.applications,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER application_totals_update AFTER UPDATE OF call_id, unit_id, state, neolaia, requested_ore, granted_ore, returned_ore, spent_ore,
    expected_students_first, expected_students_second, expected_students_third, expected_mobility_windows,
    expected_partner_agreements, deleted_at
ON applications
BEGIN
    INSERT INTO application_totals (call_id, unit_id, state, neolaia, applications, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements)
    SELECT OLD.call_id, OLD.unit_id, OLD.state, CASE WHEN OLD.neolaia IN ('ja', 'delvis') THEN OLD.neolaia ELSE '' END,
        -1, -OLD.requested_ore, -OLD.granted_ore, -OLD.returned_ore, -OLD.spent_ore, -OLD.expected_students_first, -OLD.expected_students_second, -OLD.expected_students_third, -OLD.expected_mobility_windows, -OLD.expected_partner_agreements
    WHERE OLD.deleted_at IS NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        applications = applications + excluded.applications,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements;
    INSERT INTO application_totals (call_id, unit_id, state, neolaia, applications, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements)
    SELECT NEW.call_id, NEW.unit_id, NEW.state, CASE WHEN NEW.neolaia IN ('ja', 'delvis') THEN NEW.neolaia ELSE '' END,
        1, NEW.requested_ore, NEW.granted_ore, NEW.returned_ore, NEW.spent_ore, NEW.expected_students_first, NEW.expected_students_second, NEW.expected_students_third, NEW.expected_mobility_windows, NEW.expected_partner_agreements
    WHERE NEW.deleted_at IS NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        applications = applications + excluded.applications,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER application_totals_update;
DROP TRIGGER application_totals_delete;
DROP TRIGGER application_totals_insert;
DROP TABLE application_totals;
DROP INDEX org_units_name_sv_idx;
DROP INDEX applications_state_id_idx;
DROP INDEX applications_granted_idx;
DROP INDEX applications_requested_idx;
DROP INDEX applications_title_idx;
DROP INDEX applications_state_updated_idx;
DROP INDEX applications_call_updated_idx;
DROP INDEX applications_unit_updated_idx;
DROP INDEX applications_created_by_idx;
DROP INDEX applications_updated_idx;
