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

-- A report not submitted, or of a deleted draft, counts nowhere. When an
-- application is deleted its report goes by the cascade; the application's
-- BEFORE DELETE trigger has taken it away already, and the report's own
-- trigger finds no application left to take it from.
-- +goose StatementBegin
CREATE TRIGGER report_totals_report_insert AFTER INSERT ON application_reports
BEGIN
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, a.state, CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END,
        1, NEW.students_first, NEW.students_second, NEW.students_third, NEW.windows_identified, NEW.windows_created, NEW.partner_agreements, NEW.participants
    FROM applications a
    WHERE a.id = NEW.application_id AND a.deleted_at IS NULL AND NEW.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER report_totals_report_delete AFTER DELETE ON application_reports
BEGIN
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, a.state, CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END,
        -1, -OLD.students_first, -OLD.students_second, -OLD.students_third, -OLD.windows_identified, -OLD.windows_created, -OLD.partner_agreements, -OLD.participants
    FROM applications a
    WHERE a.id = OLD.application_id AND a.deleted_at IS NULL AND OLD.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER report_totals_report_update AFTER UPDATE OF application_id, students_first, students_second, students_third,
    windows_identified, windows_created, partner_agreements, participants, submitted_at
ON application_reports
BEGIN
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, a.state, CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END,
        -1, -OLD.students_first, -OLD.students_second, -OLD.students_third, -OLD.windows_identified, -OLD.windows_created, -OLD.partner_agreements, -OLD.participants
    FROM applications a
    WHERE a.id = OLD.application_id AND a.deleted_at IS NULL AND OLD.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, a.state, CASE WHEN a.neolaia IN ('ja', 'delvis') THEN a.neolaia ELSE '' END,
        1, NEW.students_first, NEW.students_second, NEW.students_third, NEW.windows_identified, NEW.windows_created, NEW.partner_agreements, NEW.participants
    FROM applications a
    WHERE a.id = NEW.application_id AND a.deleted_at IS NULL AND NEW.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER report_totals_application_update AFTER UPDATE OF call_id, unit_id, state, neolaia, deleted_at
ON applications
BEGIN
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT OLD.call_id, OLD.unit_id, OLD.state, CASE WHEN OLD.neolaia IN ('ja', 'delvis') THEN OLD.neolaia ELSE '' END,
        -1, -r.students_first, -r.students_second, -r.students_third, -r.windows_identified, -r.windows_created, -r.partner_agreements, -r.participants
    FROM application_reports r
    WHERE r.application_id = OLD.id AND OLD.deleted_at IS NULL AND r.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT NEW.call_id, NEW.unit_id, NEW.state, CASE WHEN NEW.neolaia IN ('ja', 'delvis') THEN NEW.neolaia ELSE '' END,
        1, r.students_first, r.students_second, r.students_third, r.windows_identified, r.windows_created, r.partner_agreements, r.participants
    FROM application_reports r
    WHERE r.application_id = NEW.id AND NEW.deleted_at IS NULL AND r.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER report_totals_application_delete BEFORE DELETE ON applications
BEGIN
    INSERT INTO report_totals (call_id, unit_id, state, neolaia, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT OLD.call_id, OLD.unit_id, OLD.state, CASE WHEN OLD.neolaia IN ('ja', 'delvis') THEN OLD.neolaia ELSE '' END,
        -1, -r.students_first, -r.students_second, -r.students_third, -r.windows_identified, -r.windows_created, -r.partner_agreements, -r.participants
    FROM application_reports r
    WHERE r.application_id = OLD.id AND OLD.deleted_at IS NULL AND r.submitted_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, state, neolaia) DO UPDATE SET
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER report_totals_application_delete;
DROP TRIGGER report_totals_application_update;
DROP TRIGGER report_totals_report_update;
DROP TRIGGER report_totals_report_delete;
DROP TRIGGER report_totals_report_insert;
DROP TABLE report_totals;
