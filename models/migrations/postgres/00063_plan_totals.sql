-- +goose Up
-- The plan keys an application counts under: each activity it is linked
-- to, and the goal and area above it. refs is how many of its links lead
-- to the key, so that an application linked to two activities of one goal
-- counts once under the goal, and leaves it only with its last link there.
-- Plan activities never move to another goal, nor goals to another area.
-- The keys are written before the table's constraints: one sorted build
-- and one check instead of one per row.
CREATE TABLE application_plan_keys (
    application_id BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    key_id         BIGINT NOT NULL,
    refs           BIGINT NOT NULL
);
INSERT INTO application_plan_keys
SELECT aa.application_id, 'activity', aa.activity_id, 1 FROM application_activities aa
UNION ALL
SELECT aa.application_id, 'goal', pa.goal_id, COUNT(*) FROM application_activities aa
JOIN plan_activities pa ON pa.id = aa.activity_id GROUP BY 1, 3
UNION ALL
SELECT aa.application_id, 'area', pg.area_id, COUNT(*) FROM application_activities aa
JOIN plan_activities pa ON pa.id = aa.activity_id JOIN plan_goals pg ON pg.id = pa.goal_id GROUP BY 1, 3;
ALTER TABLE application_plan_keys ADD PRIMARY KEY (application_id, kind, key_id);
ALTER TABLE application_plan_keys ADD FOREIGN KEY (application_id) REFERENCES applications (id) ON DELETE CASCADE;
ANALYZE application_plan_keys;

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

-- +goose StatementBegin
-- plan_totals_parts is what application a with report r adds (sign 1) or
-- takes away (-1) under its plan keys, or under the one key only_kind,
-- only_key when only_kind is not NULL. with_app false leaves out the
-- application's own figures (a change of its report only). A NULL a adds
-- nothing.
CREATE FUNCTION plan_totals_parts(a applications, r application_reports, sign INTEGER, with_app BOOLEAN,
    only_kind TEXT, only_key BIGINT)
RETURNS TABLE (call_id BIGINT, unit_id BIGINT, kind TEXT, key_id BIGINT, applications BIGINT, funded BIGINT,
    requested_ore BIGINT, granted_ore BIGINT, returned_ore BIGINT, spent_ore BIGINT, exp_first BIGINT,
    exp_second BIGINT, exp_third BIGINT, exp_windows BIGINT, exp_agreements BIGINT, reported BIGINT,
    act_first BIGINT, act_second BIGINT, act_third BIGINT, act_windows_identified BIGINT, act_windows_made BIGINT,
    act_agreements BIGINT, act_participants BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT a.call_id, a.unit_id, k.kind, k.key_id, x.s, x.f * x.s,
        x.s * a.requested_ore, x.s * a.granted_ore, x.s * a.returned_ore, x.s * a.spent_ore,
        x.f * x.s * a.expected_students_first, x.f * x.s * a.expected_students_second,
        x.f * x.s * a.expected_students_third, x.f * x.s * a.expected_mobility_windows,
        x.f * x.s * a.expected_partner_agreements,
        x.rs, x.rs * COALESCE(r.students_first, 0), x.rs * COALESCE(r.students_second, 0),
        x.rs * COALESCE(r.students_third, 0), x.rs * COALESCE(r.windows_identified, 0),
        x.rs * COALESCE(r.windows_created, 0), x.rs * COALESCE(r.partner_agreements, 0),
        x.rs * COALESCE(r.participants, 0)
    FROM application_plan_keys k,
        (SELECT CAST(CASE WHEN with_app THEN sign ELSE 0 END AS BIGINT) AS s,
                CAST(CASE WHEN a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked')
                     THEN 1 ELSE 0 END AS BIGINT) AS f,
                CAST(CASE WHEN r.submitted_at IS NOT NULL THEN sign ELSE 0 END AS BIGINT) AS rs) x
    WHERE k.application_id = a.id AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
        AND (only_kind IS NULL OR (k.kind = only_kind AND k.key_id = only_key))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- plan_totals_move takes application o with report ro away and adds n
-- with rn, in one statement that touches every row once, in key order:
-- two transactions lock the rows they share in the same order and never
-- deadlock.
CREATE FUNCTION plan_totals_move(o applications, ro application_reports, n applications, rn application_reports,
    with_app BOOLEAN, only_kind TEXT, only_key BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO plan_totals AS t
    SELECT p.call_id, p.unit_id, p.kind, p.key_id, SUM(p.applications), SUM(p.funded), SUM(p.requested_ore),
        SUM(p.granted_ore), SUM(p.returned_ore), SUM(p.spent_ore), SUM(p.exp_first), SUM(p.exp_second),
        SUM(p.exp_third), SUM(p.exp_windows), SUM(p.exp_agreements), SUM(p.reported), SUM(p.act_first),
        SUM(p.act_second), SUM(p.act_third), SUM(p.act_windows_identified), SUM(p.act_windows_made),
        SUM(p.act_agreements), SUM(p.act_participants)
    FROM (SELECT * FROM plan_totals_parts(o, ro, -1, with_app, only_kind, only_key)
          UNION ALL SELECT * FROM plan_totals_parts(n, rn, 1, with_app, only_kind, only_key)) p
    GROUP BY p.call_id, p.unit_id, p.kind, p.key_id
    ORDER BY p.call_id, p.unit_id, p.kind, p.key_id
    ON CONFLICT (call_id, unit_id, kind, key_id) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications, funded = t.funded + EXCLUDED.funded,
        requested_ore = t.requested_ore + EXCLUDED.requested_ore, granted_ore = t.granted_ore + EXCLUDED.granted_ore,
        returned_ore = t.returned_ore + EXCLUDED.returned_ore, spent_ore = t.spent_ore + EXCLUDED.spent_ore,
        exp_first = t.exp_first + EXCLUDED.exp_first, exp_second = t.exp_second + EXCLUDED.exp_second,
        exp_third = t.exp_third + EXCLUDED.exp_third, exp_windows = t.exp_windows + EXCLUDED.exp_windows,
        exp_agreements = t.exp_agreements + EXCLUDED.exp_agreements, reported = t.reported + EXCLUDED.reported,
        act_first = t.act_first + EXCLUDED.act_first, act_second = t.act_second + EXCLUDED.act_second,
        act_third = t.act_third + EXCLUDED.act_third,
        act_windows_identified = t.act_windows_identified + EXCLUDED.act_windows_identified,
        act_windows_made = t.act_windows_made + EXCLUDED.act_windows_made,
        act_agreements = t.act_agreements + EXCLUDED.act_agreements,
        act_participants = t.act_participants + EXCLUDED.act_participants;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A link added or removed counts its application in or out under the
-- activity, and under the goal and area when it is the first or last link
-- there. Keys are taken in plan_totals_move's order (activity, area,
-- goal). When an application is deleted its links go by the cascade; the
-- application's BEFORE DELETE trigger has taken it away already.
CREATE FUNCTION plan_totals_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a applications;
    r application_reports;
    k RECORD;
    n BIGINT;
    app_id BIGINT;
    act_id BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        app_id := NEW.application_id;
        act_id := NEW.activity_id;
    ELSE
        app_id := OLD.application_id;
        act_id := OLD.activity_id;
    END IF;
    SELECT * INTO a FROM applications WHERE id = app_id;
    SELECT * INTO r FROM application_reports WHERE application_id = app_id;
    FOR k IN SELECT 'activity' AS kind, pa.id AS key_id, 1 AS o FROM plan_activities pa WHERE pa.id = act_id
        UNION ALL SELECT 'area', pg.area_id, 2 FROM plan_activities pa JOIN plan_goals pg ON pg.id = pa.goal_id WHERE pa.id = act_id
        UNION ALL SELECT 'goal', pa.goal_id, 3 FROM plan_activities pa WHERE pa.id = act_id
        ORDER BY 3
    LOOP
        n := NULL;
        IF TG_OP = 'INSERT' THEN
            INSERT INTO application_plan_keys AS t VALUES (app_id, k.kind, k.key_id, 1)
            ON CONFLICT (application_id, kind, key_id) DO UPDATE SET refs = t.refs + 1 RETURNING refs INTO n;
            IF n = 1 THEN
                PERFORM plan_totals_move(NULL, NULL, a, r, TRUE, k.kind, k.key_id);
            END IF;
        ELSE
            UPDATE application_plan_keys SET refs = refs - 1
            WHERE application_id = app_id AND kind = k.kind AND key_id = k.key_id RETURNING refs INTO n;
            IF n = 0 THEN
                PERFORM plan_totals_move(a, r, NULL, NULL, TRUE, k.kind, k.key_id);
                DELETE FROM application_plan_keys WHERE application_id = app_id AND kind = k.kind AND key_id = k.key_id;
            END IF;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A change of an application moves it, with its report, under its keys.
-- On delete this runs BEFORE, while the keys and the report still exist.
CREATE FUNCTION plan_totals_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r application_reports;
BEGIN
    SELECT * INTO r FROM application_reports WHERE application_id = OLD.id;
    IF TG_OP = 'DELETE' THEN
        PERFORM plan_totals_move(OLD, r, NULL, NULL, TRUE, NULL, NULL);
        RETURN OLD;
    END IF;
    PERFORM plan_totals_move(OLD, r, NEW, r, TRUE, NULL, NULL);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A change of a report moves its outcomes under its application's keys. A
-- report whose application is gone (the cascade of a delete) is not taken
-- away again.
CREATE FUNCTION plan_totals_report() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ao applications;
    an applications;
    ro application_reports;
    rn application_reports;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        ro := OLD;
        SELECT * INTO ao FROM applications WHERE id = OLD.application_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        rn := NEW;
        SELECT * INTO an FROM applications WHERE id = NEW.application_id;
    END IF;
    PERFORM plan_totals_move(ao, ro, an, rn, FALSE, NULL, NULL);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER plan_totals_link_trigger
AFTER INSERT OR DELETE ON application_activities FOR EACH ROW EXECUTE FUNCTION plan_totals_link();

CREATE TRIGGER plan_totals_application_trigger
AFTER UPDATE OF call_id, unit_id, state, requested_ore, granted_ore, returned_ore, spent_ore,
    expected_students_first, expected_students_second, expected_students_third, expected_mobility_windows,
    expected_partner_agreements, deleted_at
ON applications FOR EACH ROW EXECUTE FUNCTION plan_totals_application();

CREATE TRIGGER plan_totals_application_delete_trigger
BEFORE DELETE ON applications FOR EACH ROW EXECUTE FUNCTION plan_totals_application();

CREATE TRIGGER plan_totals_report_trigger
AFTER INSERT OR DELETE OR UPDATE OF application_id, students_first, students_second, students_third,
    windows_identified, windows_created, partner_agreements, participants, submitted_at
ON application_reports FOR EACH ROW EXECUTE FUNCTION plan_totals_report();

-- +goose Down
DROP TRIGGER plan_totals_report_trigger ON application_reports;
DROP TRIGGER plan_totals_application_delete_trigger ON applications;
DROP TRIGGER plan_totals_application_trigger ON applications;
DROP TRIGGER plan_totals_link_trigger ON application_activities;
DROP FUNCTION plan_totals_report();
DROP FUNCTION plan_totals_application();
DROP FUNCTION plan_totals_link();
DROP FUNCTION plan_totals_move(applications, application_reports, applications, application_reports, BOOLEAN, TEXT, BIGINT);
DROP FUNCTION plan_totals_parts(applications, application_reports, INTEGER, BOOLEAN, TEXT, BIGINT);
DROP TABLE plan_totals;
DROP TABLE application_plan_keys;
