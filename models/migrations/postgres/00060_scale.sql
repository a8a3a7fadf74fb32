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

-- +goose StatementBegin
CREATE FUNCTION application_totals_add(a applications, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- A deleted draft counts nowhere.
    IF a.deleted_at IS NOT NULL THEN
        RETURN;
    END IF;
    INSERT INTO application_totals AS t VALUES (a.call_id, a.unit_id, a.state,
        CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END, sign,
        sign * a.requested_ore, sign * a.granted_ore, sign * a.returned_ore, sign * a.spent_ore,
        sign * a.expected_students_first, sign * a.expected_students_second, sign * a.expected_students_third,
        sign * a.expected_mobility_windows, sign * a.expected_partner_agreements)
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        requested_ore = t.requested_ore + EXCLUDED.requested_ore, granted_ore = t.granted_ore + EXCLUDED.granted_ore,
        returned_ore = t.returned_ore + EXCLUDED.returned_ore, spent_ore = t.spent_ore + EXCLUDED.spent_ore,
        exp_first = t.exp_first + EXCLUDED.exp_first, exp_second = t.exp_second + EXCLUDED.exp_second,
        exp_third = t.exp_third + EXCLUDED.exp_third, exp_windows = t.exp_windows + EXCLUDED.exp_windows,
        exp_agreements = t.exp_agreements + EXCLUDED.exp_agreements;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The two rows an update touches are taken in state order, so that two
-- transactions moving applications in opposite directions (submitted ⇄
-- returned) lock them in the same order and never deadlock.
CREATE FUNCTION application_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM application_totals_add(NEW, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM application_totals_add(OLD, -1);
    ELSIF OLD.state <= NEW.state THEN
        PERFORM application_totals_add(OLD, -1);
        PERFORM application_totals_add(NEW, 1);
    ELSE
        PERFORM application_totals_add(NEW, 1);
        PERFORM application_totals_add(OLD, -1);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER application_totals_trigger
AFTER INSERT OR DELETE OR UPDATE OF call_id, unit_id, state, neolaia, requested_ore, granted_ore, returned_ore, spent_ore,
    expected_students_first, expected_students_second, expected_students_third, expected_mobility_windows,
    expected_partner_agreements, deleted_at
ON applications FOR EACH ROW EXECUTE FUNCTION application_totals_apply();

-- +goose Down
DROP TRIGGER application_totals_trigger ON applications;
DROP FUNCTION application_totals_apply();
DROP FUNCTION application_totals_add(applications, INTEGER);
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
