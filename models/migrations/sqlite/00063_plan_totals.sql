-- +goose Up
-- The plan keys an application counts under: each activity it is linked
-- to, and the goal and area above it. refs is how many of its links lead
-- to the key, so that an application linked to two activities of one goal
-- counts once under the goal, and leaves it only with its last link there.
-- Plan activities never move to another goal, nor goals to another area.
CREATE TABLE application_plan_keys (
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    key_id         BIGINT NOT NULL,
    refs           BIGINT NOT NULL,
    PRIMARY KEY (application_id, kind, key_id)
);
INSERT INTO application_plan_keys
SELECT aa.application_id, 'activity', aa.activity_id, 1 FROM application_activities aa
UNION ALL
SELECT aa.application_id, 'goal', pa.goal_id, COUNT(*) FROM application_activities aa
JOIN plan_activities pa ON pa.id = aa.activity_id GROUP BY 1, 3
UNION ALL
SELECT aa.application_id, 'area', pg.area_id, COUNT(*) FROM application_activities aa
JOIN plan_activities pa ON pa.id = aa.activity_id JOIN plan_goals pg ON pg.id = pa.goal_id GROUP BY 1, 3;

-- What the applications of a call and unit add up to under each plan
-- activity, goal and area (kind 'activity', 'goal', 'area'). Only the
-- applications the follow-up counts are in it: left draft, not withdrawn,
-- not deleted. funded and the expected outcomes are of those that hold
-- money (workflow.HoldsMoney); the actual outcomes of submitted reports.
-- Triggers keep it in the transaction of every change, so that the
-- follow-up reads a few rows instead of every application per request.
CREATE TABLE plan_totals (
    call_id                BIGINT NOT NULL REFERENCES calls (id),
    unit_id                BIGINT NOT NULL REFERENCES org_units (id),
    kind                   TEXT NOT NULL,
    key_id                 BIGINT NOT NULL,
    applications           BIGINT NOT NULL DEFAULT 0,
    funded                 BIGINT NOT NULL DEFAULT 0,
    requested_ore          BIGINT NOT NULL DEFAULT 0,
    granted_ore            BIGINT NOT NULL DEFAULT 0,
    returned_ore           BIGINT NOT NULL DEFAULT 0,
    spent_ore              BIGINT NOT NULL DEFAULT 0,
    exp_first              BIGINT NOT NULL DEFAULT 0,
    exp_second             BIGINT NOT NULL DEFAULT 0,
    exp_third              BIGINT NOT NULL DEFAULT 0,
    exp_windows            BIGINT NOT NULL DEFAULT 0,
    exp_agreements         BIGINT NOT NULL DEFAULT 0,
    reported               BIGINT NOT NULL DEFAULT 0,
    act_first              BIGINT NOT NULL DEFAULT 0,
    act_second             BIGINT NOT NULL DEFAULT 0,
    act_third              BIGINT NOT NULL DEFAULT 0,
    act_windows_identified BIGINT NOT NULL DEFAULT 0,
    act_windows_made       BIGINT NOT NULL DEFAULT 0,
    act_agreements         BIGINT NOT NULL DEFAULT 0,
    act_participants       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, unit_id, kind, key_id)
);
INSERT INTO plan_totals
SELECT a.call_id, a.unit_id, k.kind, k.key_id, COUNT(*),
       SUM(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END),
       SUM(a.requested_ore), SUM(a.granted_ore), SUM(a.returned_ore), SUM(a.spent_ore),
       SUM(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN a.expected_students_first ELSE 0 END),
       SUM(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN a.expected_students_second ELSE 0 END),
       SUM(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN a.expected_students_third ELSE 0 END),
       SUM(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN a.expected_mobility_windows ELSE 0 END),
       SUM(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN a.expected_partner_agreements ELSE 0 END),
       COUNT(r.application_id), COALESCE(SUM(r.students_first), 0), COALESCE(SUM(r.students_second), 0),
       COALESCE(SUM(r.students_third), 0), COALESCE(SUM(r.windows_identified), 0), COALESCE(SUM(r.windows_created), 0),
       COALESCE(SUM(r.partner_agreements), 0), COALESCE(SUM(r.participants), 0)
FROM applications a JOIN application_plan_keys k ON k.application_id = a.id
LEFT JOIN application_reports r ON r.application_id = a.id AND r.submitted_at IS NOT NULL
WHERE a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
GROUP BY 1, 2, 3, 4;

-- SQLite has one writer at a time: the order of the rows a change
-- touches does not matter here. A link added counts its application in
-- under the keys it had no link to yet; a link removed counts it out under
-- the keys it was the last link to. When an application is deleted its
-- links and report go by the cascade; its BEFORE DELETE trigger has taken
-- it away already, and their triggers find no application left.
-- +goose StatementBegin
CREATE TRIGGER plan_totals_link_insert AFTER INSERT ON application_activities
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, k.kind, k.key_id,
        1,
        1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END),
        1 * a.requested_ore,
        1 * a.granted_ore,
        1 * a.returned_ore,
        1 * a.spent_ore,
        1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_students_first,
        1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_students_second,
        1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_students_third,
        1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_mobility_windows,
        1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_partner_agreements,
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.students_first, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.students_second, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.students_third, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.windows_identified, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.windows_created, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.partner_agreements, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.participants, 0)
    FROM applications a CROSS JOIN (SELECT 'activity' AS kind, pa.id AS key_id FROM plan_activities pa WHERE pa.id = NEW.activity_id
          UNION ALL SELECT 'goal', pa.goal_id FROM plan_activities pa WHERE pa.id = NEW.activity_id
          UNION ALL SELECT 'area', pg.area_id FROM plan_activities pa JOIN plan_goals pg ON pg.id = pa.goal_id WHERE pa.id = NEW.activity_id) k
    LEFT JOIN application_reports r ON r.application_id = a.id
    WHERE a.id = NEW.application_id AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
        AND NOT EXISTS (SELECT 1 FROM application_plan_keys pk WHERE pk.application_id = a.id AND pk.kind = k.kind AND pk.key_id = k.key_id)
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
    INSERT INTO application_plan_keys (application_id, kind, key_id, refs)
    SELECT NEW.application_id, k.kind, k.key_id, 1 FROM (SELECT 'activity' AS kind, pa.id AS key_id FROM plan_activities pa WHERE pa.id = NEW.activity_id
          UNION ALL SELECT 'goal', pa.goal_id FROM plan_activities pa WHERE pa.id = NEW.activity_id
          UNION ALL SELECT 'area', pg.area_id FROM plan_activities pa JOIN plan_goals pg ON pg.id = pa.goal_id WHERE pa.id = NEW.activity_id) k WHERE true
    ON CONFLICT (application_id, kind, key_id) DO UPDATE SET refs = refs + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_totals_link_delete AFTER DELETE ON application_activities
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, k.kind, k.key_id,
        -1,
        -1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END),
        -1 * a.requested_ore,
        -1 * a.granted_ore,
        -1 * a.returned_ore,
        -1 * a.spent_ore,
        -1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_students_first,
        -1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_students_second,
        -1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_students_third,
        -1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_mobility_windows,
        -1 * (CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * a.expected_partner_agreements,
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_first, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_second, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_third, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.windows_identified, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.windows_created, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.partner_agreements, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.participants, 0)
    FROM applications a CROSS JOIN (SELECT 'activity' AS kind, pa.id AS key_id FROM plan_activities pa WHERE pa.id = OLD.activity_id
          UNION ALL SELECT 'goal', pa.goal_id FROM plan_activities pa WHERE pa.id = OLD.activity_id
          UNION ALL SELECT 'area', pg.area_id FROM plan_activities pa JOIN plan_goals pg ON pg.id = pa.goal_id WHERE pa.id = OLD.activity_id) k
    JOIN application_plan_keys pk ON pk.application_id = a.id AND pk.kind = k.kind AND pk.key_id = k.key_id
    LEFT JOIN application_reports r ON r.application_id = a.id
    WHERE a.id = OLD.application_id AND pk.refs = 1 AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
    UPDATE application_plan_keys SET refs = refs - 1
    WHERE application_id = OLD.application_id AND (kind, key_id) IN (SELECT kind, key_id FROM (SELECT 'activity' AS kind, pa.id AS key_id FROM plan_activities pa WHERE pa.id = OLD.activity_id
          UNION ALL SELECT 'goal', pa.goal_id FROM plan_activities pa WHERE pa.id = OLD.activity_id
          UNION ALL SELECT 'area', pg.area_id FROM plan_activities pa JOIN plan_goals pg ON pg.id = pa.goal_id WHERE pa.id = OLD.activity_id));
    DELETE FROM application_plan_keys WHERE application_id = OLD.application_id AND refs = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER plan_totals_application_update AFTER UPDATE OF call_id, unit_id, state, requested_ore, granted_ore, returned_ore, spent_ore,
    expected_students_first, expected_students_second, expected_students_third, expected_mobility_windows,
    expected_partner_agreements, deleted_at
ON applications
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT OLD.call_id, OLD.unit_id, k.kind, k.key_id,
        -1,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END),
        -1 * OLD.requested_ore,
        -1 * OLD.granted_ore,
        -1 * OLD.returned_ore,
        -1 * OLD.spent_ore,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_students_first,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_students_second,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_students_third,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_mobility_windows,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_partner_agreements,
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_first, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_second, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_third, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.windows_identified, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.windows_created, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.partner_agreements, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.participants, 0)
    FROM application_plan_keys k LEFT JOIN application_reports r ON r.application_id = OLD.id
    WHERE k.application_id = OLD.id AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT NEW.call_id, NEW.unit_id, k.kind, k.key_id,
        1,
        1 * (CASE WHEN NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END),
        1 * NEW.requested_ore,
        1 * NEW.granted_ore,
        1 * NEW.returned_ore,
        1 * NEW.spent_ore,
        1 * (CASE WHEN NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * NEW.expected_students_first,
        1 * (CASE WHEN NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * NEW.expected_students_second,
        1 * (CASE WHEN NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * NEW.expected_students_third,
        1 * (CASE WHEN NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * NEW.expected_mobility_windows,
        1 * (CASE WHEN NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * NEW.expected_partner_agreements,
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.students_first, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.students_second, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.students_third, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.windows_identified, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.windows_created, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.partner_agreements, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(r.participants, 0)
    FROM application_plan_keys k LEFT JOIN application_reports r ON r.application_id = NEW.id
    WHERE k.application_id = NEW.id AND NEW.deleted_at IS NULL AND NEW.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
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
CREATE TRIGGER plan_totals_application_delete BEFORE DELETE ON applications
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT OLD.call_id, OLD.unit_id, k.kind, k.key_id,
        -1,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END),
        -1 * OLD.requested_ore,
        -1 * OLD.granted_ore,
        -1 * OLD.returned_ore,
        -1 * OLD.spent_ore,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_students_first,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_students_second,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_students_third,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_mobility_windows,
        -1 * (CASE WHEN OLD.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked') THEN 1 ELSE 0 END) * OLD.expected_partner_agreements,
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_first, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_second, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.students_third, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.windows_identified, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.windows_created, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.partner_agreements, 0),
        (CASE WHEN r.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(r.participants, 0)
    FROM application_plan_keys k LEFT JOIN application_reports r ON r.application_id = OLD.id
    WHERE k.application_id = OLD.id AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
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
CREATE TRIGGER plan_totals_report_insert AFTER INSERT ON application_reports
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, k.kind, k.key_id,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.students_first, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.students_second, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.students_third, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.windows_identified, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.windows_created, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.partner_agreements, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.participants, 0)
    FROM applications a JOIN application_plan_keys k ON k.application_id = a.id
    WHERE a.id = NEW.application_id AND NEW.submitted_at IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
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
CREATE TRIGGER plan_totals_report_delete AFTER DELETE ON application_reports
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, k.kind, k.key_id,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.students_first, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.students_second, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.students_third, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.windows_identified, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.windows_created, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.partner_agreements, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.participants, 0)
    FROM applications a JOIN application_plan_keys k ON k.application_id = a.id
    WHERE a.id = OLD.application_id AND OLD.submitted_at IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
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
CREATE TRIGGER plan_totals_report_update AFTER UPDATE OF application_id, students_first, students_second, students_third,
    windows_identified, windows_created, partner_agreements, participants, submitted_at
ON application_reports
BEGIN
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, k.kind, k.key_id,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.students_first, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.students_second, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.students_third, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.windows_identified, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.windows_created, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.partner_agreements, 0),
        (CASE WHEN OLD.submitted_at IS NOT NULL THEN -1 ELSE 0 END) * COALESCE(OLD.participants, 0)
    FROM applications a JOIN application_plan_keys k ON k.application_id = a.id
    WHERE a.id = OLD.application_id AND OLD.submitted_at IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
        reported = reported + excluded.reported,
        act_first = act_first + excluded.act_first,
        act_second = act_second + excluded.act_second,
        act_third = act_third + excluded.act_third,
        act_windows_identified = act_windows_identified + excluded.act_windows_identified,
        act_windows_made = act_windows_made + excluded.act_windows_made,
        act_agreements = act_agreements + excluded.act_agreements,
        act_participants = act_participants + excluded.act_participants;
    INSERT INTO plan_totals (call_id, unit_id, kind, key_id, applications, funded, requested_ore, granted_ore, returned_ore, spent_ore, exp_first, exp_second, exp_third, exp_windows, exp_agreements, reported, act_first, act_second, act_third, act_windows_identified, act_windows_made, act_agreements, act_participants)
    SELECT a.call_id, a.unit_id, k.kind, k.key_id,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.students_first, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.students_second, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.students_third, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.windows_identified, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.windows_created, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.partner_agreements, 0),
        (CASE WHEN NEW.submitted_at IS NOT NULL THEN 1 ELSE 0 END) * COALESCE(NEW.participants, 0)
    FROM applications a JOIN application_plan_keys k ON k.application_id = a.id
    WHERE a.id = NEW.application_id AND NEW.submitted_at IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = applications + excluded.applications,
        funded = funded + excluded.funded,
        requested_ore = requested_ore + excluded.requested_ore,
        granted_ore = granted_ore + excluded.granted_ore,
        returned_ore = returned_ore + excluded.returned_ore,
        spent_ore = spent_ore + excluded.spent_ore,
        exp_first = exp_first + excluded.exp_first,
        exp_second = exp_second + excluded.exp_second,
        exp_third = exp_third + excluded.exp_third,
        exp_windows = exp_windows + excluded.exp_windows,
        exp_agreements = exp_agreements + excluded.exp_agreements,
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
DROP TRIGGER plan_totals_report_update;
DROP TRIGGER plan_totals_report_delete;
DROP TRIGGER plan_totals_report_insert;
DROP TRIGGER plan_totals_application_delete;
DROP TRIGGER plan_totals_application_update;
DROP TRIGGER plan_totals_link_delete;
DROP TRIGGER plan_totals_link_insert;
DROP TABLE plan_totals;
DROP TABLE application_plan_keys;
