-- +goose Up
-- What the submitted reports of a call, unit, state and NEOLAiA relation
-- add up to, keyed like application_totals (00060). Triggers keep it in
-- the transaction of every change to a report or to the application it
-- belongs to, so that the follow-up reads a few rows instead of joining
-- every application to its report per request.
CREATE TABLE report_totals (
    call_id                BIGINT NOT NULL REFERENCES calls (id),
    unit_id                BIGINT NOT NULL REFERENCES org_units (id),
    state                  TEXT NOT NULL,
    neolaia                TEXT NOT NULL,
    reported               BIGINT NOT NULL DEFAULT 0,
    act_first              BIGINT NOT NULL DEFAULT 0,
    act_second             BIGINT NOT NULL DEFAULT 0,
    act_third              BIGINT NOT NULL DEFAULT 0,
    act_windows_identified BIGINT NOT NULL DEFAULT 0,
    act_windows_made       BIGINT NOT NULL DEFAULT 0,
    act_agreements         BIGINT NOT NULL DEFAULT 0,
    act_participants       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, unit_id, state, neolaia)
);
INSERT INTO report_totals
SELECT a.call_id, a.unit_id, a.state, CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END, COUNT(*),
       SUM(r.students_first), SUM(r.students_second), SUM(r.students_third), SUM(r.windows_identified),
       SUM(r.windows_created), SUM(r.partner_agreements), SUM(r.participants)
FROM applications a JOIN application_reports r ON r.application_id = a.id
WHERE a.deleted_at IS NULL AND r.submitted_at IS NOT NULL GROUP BY 1, 2, 3, 4;

-- +goose StatementBegin
-- report_totals_add adds (sign 1) or takes away (-1) report r under the
-- key of application a. A report not submitted, or of a deleted draft,
-- counts nowhere.
CREATE FUNCTION report_totals_add(a applications, r application_reports, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF a.id IS NULL OR r.application_id IS NULL OR a.deleted_at IS NOT NULL OR r.submitted_at IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO report_totals AS t VALUES (a.call_id, a.unit_id, a.state,
        CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END, sign,
        sign * r.students_first, sign * r.students_second, sign * r.students_third, sign * r.windows_identified,
        sign * r.windows_created, sign * r.partner_agreements, sign * r.participants)
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = t.reported + EXCLUDED.reported,
        act_first = t.act_first + EXCLUDED.act_first, act_second = t.act_second + EXCLUDED.act_second,
        act_third = t.act_third + EXCLUDED.act_third,
        act_windows_identified = t.act_windows_identified + EXCLUDED.act_windows_identified,
        act_windows_made = t.act_windows_made + EXCLUDED.act_windows_made,
        act_agreements = t.act_agreements + EXCLUDED.act_agreements,
        act_participants = t.act_participants + EXCLUDED.act_participants;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A change of a report moves it under its application's key. When an
-- application is deleted the report goes with it by the cascade; the
-- application's own trigger has taken it away before, so a report whose
-- application is gone is not taken away again.
CREATE FUNCTION report_totals_report() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a applications;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT * INTO a FROM applications WHERE id = OLD.application_id;
        PERFORM report_totals_add(a, OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT * INTO a FROM applications WHERE id = NEW.application_id;
        PERFORM report_totals_add(a, NEW, 1);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A change of an application's key moves its report. Rows are taken in
-- state order, as application_totals_apply does, against deadlocks. On
-- delete this runs BEFORE, while the report still exists.
CREATE FUNCTION report_totals_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r application_reports;
BEGIN
    SELECT * INTO r FROM application_reports WHERE application_id = OLD.id;
    IF r.application_id IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM report_totals_add(OLD, r, -1);
        RETURN OLD;
    ELSIF OLD.state <= NEW.state THEN
        PERFORM report_totals_add(OLD, r, -1);
        PERFORM report_totals_add(NEW, r, 1);
    ELSE
        PERFORM report_totals_add(NEW, r, 1);
        PERFORM report_totals_add(OLD, r, -1);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER report_totals_report_trigger
AFTER INSERT OR DELETE OR UPDATE OF application_id, students_first, students_second, students_third,
    windows_identified, windows_created, partner_agreements, participants, submitted_at
ON application_reports FOR EACH ROW EXECUTE FUNCTION report_totals_report();

CREATE TRIGGER report_totals_application_trigger
AFTER UPDATE OF call_id, unit_id, state, neolaia, deleted_at
ON applications FOR EACH ROW EXECUTE FUNCTION report_totals_application();

CREATE TRIGGER report_totals_application_delete_trigger
BEFORE DELETE ON applications FOR EACH ROW EXECUTE FUNCTION report_totals_application();

-- +goose Down
DROP TRIGGER report_totals_application_delete_trigger ON applications;
DROP TRIGGER report_totals_application_trigger ON applications;
DROP TRIGGER report_totals_report_trigger ON application_reports;
DROP FUNCTION report_totals_application();
DROP FUNCTION report_totals_report();
DROP FUNCTION report_totals_add(applications, application_reports, INTEGER);
DROP TABLE report_totals;
