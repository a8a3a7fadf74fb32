-- +goose Up
-- The months of the university's time zone (TIME_ZONE): the instant each
-- begins and its name ("2026-03"). The application writes them at
-- start-up for the zone it is configured with, noted in month_zone (its
-- name and a hash of its months, so that new rules for the zone count as
-- a change), and rewrites them and month_totals when the zone changes
-- (Store.Migrate).
CREATE TABLE month_zone (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    zone TEXT NOT NULL
);
CREATE TABLE zone_months (
    starts_at TIMESTAMPTZ PRIMARY KEY,
    month     TEXT NOT NULL
);

-- What the applications the follow-up counts (left draft, not withdrawn,
-- not deleted) of a call and unit moved in the pot in a month of the
-- university's time zone: granted by decision date, spent by the date the
-- report was submitted, returned by the date of the acceptance or
-- revocation that gave it back. events counts what was summed, so that a
-- month whose only movement was of 0 kronor still shows. Triggers keep it
-- in the transaction of every change; start-up fills it (see above).
CREATE TABLE month_totals (
    call_id      BIGINT NOT NULL REFERENCES calls (id),
    unit_id      BIGINT NOT NULL REFERENCES org_units (id),
    month        TEXT NOT NULL,
    events       BIGINT NOT NULL DEFAULT 0,
    granted_ore  BIGINT NOT NULL DEFAULT 0,
    spent_ore    BIGINT NOT NULL DEFAULT 0,
    returned_ore BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (call_id, unit_id, month)
);

-- +goose StatementBegin
-- zone_month is the month of the university's time zone that t falls in.
CREATE FUNCTION zone_month(t TIMESTAMPTZ) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT month FROM zone_months WHERE starts_at <= t ORDER BY starts_at DESC LIMIT 1
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- month_totals_parts is what application a with report r adds (sign 1)
-- or takes away (-1) by month. with_app false leaves out what is the
-- application's own (its grant and its returns): a change of its report
-- moves only what was spent. A NULL a adds nothing.
CREATE FUNCTION month_totals_parts(a applications, r application_reports, sign INTEGER, with_app BOOLEAN)
RETURNS TABLE (call_id BIGINT, unit_id BIGINT, month TEXT, events BIGINT, granted_ore BIGINT, spent_ore BIGINT,
    returned_ore BIGINT)
LANGUAGE sql STABLE AS $$
    SELECT a.call_id, a.unit_id, zone_month(a.decided_at), CAST(sign AS BIGINT), sign * a.granted_ore, 0, 0
    WHERE with_app AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
        AND a.granted_ore > 0 AND a.decided_at IS NOT NULL
    UNION ALL
    SELECT a.call_id, a.unit_id, zone_month(r.submitted_at), CAST(sign AS BIGINT), 0, sign * a.spent_ore, 0
    WHERE a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn') AND r.submitted_at IS NOT NULL
        AND r.application_id = a.id
    UNION ALL
    SELECT a.call_id, a.unit_id, zone_month(e.created_at), CAST(sign AS BIGINT), 0, 0, sign * e.amount_ore
    FROM audit_events e
    WHERE with_app AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
        AND e.application_id = a.id AND e.action IN ('accept_report', 'revoke')
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- month_totals_move takes application o with report ro away and adds n
-- with rn, touching every row once and in key order, against deadlocks.
-- A month outside zone_months (none is written yet) is left out; start-up
-- sums everything again when it writes them.
CREATE FUNCTION month_totals_move(o applications, ro application_reports, n applications, rn application_reports,
    with_app BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO month_totals AS t
    SELECT p.call_id, p.unit_id, p.month, SUM(p.events), SUM(p.granted_ore), SUM(p.spent_ore), SUM(p.returned_ore)
    FROM (SELECT * FROM month_totals_parts(o, ro, -1, with_app)
          UNION ALL SELECT * FROM month_totals_parts(n, rn, 1, with_app)) p
    WHERE p.month IS NOT NULL
    GROUP BY p.call_id, p.unit_id, p.month
    ORDER BY p.call_id, p.unit_id, p.month
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = t.events + EXCLUDED.events, granted_ore = t.granted_ore + EXCLUDED.granted_ore,
        spent_ore = t.spent_ore + EXCLUDED.spent_ore, returned_ore = t.returned_ore + EXCLUDED.returned_ore;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A new or changed application moves its grant, its report's spending and
-- its returns. On delete this runs BEFORE, while its report still exists.
CREATE FUNCTION month_totals_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r application_reports;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM month_totals_move(NULL, NULL, NEW, NULL, TRUE);
        RETURN NULL;
    END IF;
    SELECT * INTO r FROM application_reports WHERE application_id = OLD.id;
    IF TG_OP = 'DELETE' THEN
        PERFORM month_totals_move(OLD, r, NULL, NULL, TRUE);
        RETURN OLD;
    END IF;
    PERFORM month_totals_move(OLD, r, NEW, r, TRUE);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A report submitted, changed or removed moves its application's spending.
-- A report whose application is gone (the cascade of a delete) is not
-- taken away again.
CREATE FUNCTION month_totals_report() RETURNS trigger LANGUAGE plpgsql AS $$
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
    PERFORM month_totals_move(ao, ro, an, rn, FALSE);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- An acceptance or revocation that gives money back counts in its month.
-- The audit trail is append-only (00011), so only inserts come here.
CREATE FUNCTION month_totals_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.action NOT IN ('accept_report', 'revoke') THEN
        RETURN NULL;
    END IF;
    INSERT INTO month_totals AS t
    SELECT a.call_id, a.unit_id, m.month, 1, 0, 0, NEW.amount_ore
    FROM applications a, (SELECT zone_month(NEW.created_at) AS month) m
    WHERE a.id = NEW.application_id AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
        AND m.month IS NOT NULL
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = t.events + EXCLUDED.events, returned_ore = t.returned_ore + EXCLUDED.returned_ore;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER month_totals_application_trigger
AFTER INSERT OR UPDATE OF call_id, unit_id, state, granted_ore, spent_ore, decided_at, deleted_at
ON applications FOR EACH ROW EXECUTE FUNCTION month_totals_application();

CREATE TRIGGER month_totals_application_delete_trigger
BEFORE DELETE ON applications FOR EACH ROW EXECUTE FUNCTION month_totals_application();

CREATE TRIGGER month_totals_report_trigger
AFTER INSERT OR DELETE OR UPDATE OF application_id, submitted_at
ON application_reports FOR EACH ROW EXECUTE FUNCTION month_totals_report();

CREATE TRIGGER month_totals_audit_trigger
AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION month_totals_audit();

-- +goose Down
DROP TRIGGER month_totals_audit_trigger ON audit_events;
DROP TRIGGER month_totals_report_trigger ON application_reports;
DROP TRIGGER month_totals_application_delete_trigger ON applications;
DROP TRIGGER month_totals_application_trigger ON applications;
DROP FUNCTION month_totals_audit();
DROP FUNCTION month_totals_report();
DROP FUNCTION month_totals_application();
DROP FUNCTION month_totals_move(applications, application_reports, applications, application_reports, BOOLEAN);
DROP FUNCTION month_totals_parts(applications, application_reports, INTEGER, BOOLEAN);
DROP FUNCTION zone_month(TIMESTAMPTZ);
DROP TABLE month_totals;
DROP TABLE zone_months;
DROP TABLE month_zone;
