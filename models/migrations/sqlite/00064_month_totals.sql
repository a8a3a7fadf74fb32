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
    starts_at TEXT PRIMARY KEY,
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

-- zone_months.starts_at is UTC text, "2026-02-28 23:00:00"; timestamps
-- are compared with it through strftime, which reads the text the driver
-- writes (with its fraction and offset) as UTC. A month outside
-- zone_months (none is written yet) is left out: start-up sums
-- everything again when it writes them. SQLite has one writer at a time:
-- the order of the rows a change touches does not matter. When an
-- application is deleted its report goes by the cascade; its BEFORE
-- DELETE trigger has taken it away already, and the report's finds no
-- application left. The audit trail is append-only (00011): only inserts
-- come to it.
-- +goose StatementBegin
CREATE TRIGGER month_totals_application_insert AFTER INSERT ON applications
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT NEW.call_id, NEW.unit_id, m.month, 1, 1 * NEW.granted_ore, 0, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', NEW.decided_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE m.month IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.state NOT IN ('draft', 'withdrawn') AND NEW.granted_ore > 0 AND NEW.decided_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER month_totals_application_update AFTER UPDATE OF call_id, unit_id, state, granted_ore, spent_ore, decided_at, deleted_at
ON applications
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT OLD.call_id, OLD.unit_id, m.month, -1, -1 * OLD.granted_ore, 0, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', OLD.decided_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE m.month IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn') AND OLD.granted_ore > 0 AND OLD.decided_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT OLD.call_id, OLD.unit_id, r.month, -1, 0, -1 * OLD.spent_ore, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', rr.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month FROM application_reports rr
          WHERE rr.application_id = OLD.id AND rr.submitted_at IS NOT NULL) r
    WHERE r.month IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT OLD.call_id, OLD.unit_id, e.month, -1, 0, 0, -1 * e.amount_ore
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', ae.created_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month, ae.amount_ore FROM audit_events ae
          WHERE ae.application_id = OLD.id AND ae.action IN ('accept_report', 'revoke')) e
    WHERE e.month IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT NEW.call_id, NEW.unit_id, m.month, 1, 1 * NEW.granted_ore, 0, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', NEW.decided_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE m.month IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.state NOT IN ('draft', 'withdrawn') AND NEW.granted_ore > 0 AND NEW.decided_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT NEW.call_id, NEW.unit_id, r.month, 1, 0, 1 * NEW.spent_ore, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', rr.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month FROM application_reports rr
          WHERE rr.application_id = NEW.id AND rr.submitted_at IS NOT NULL) r
    WHERE r.month IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT NEW.call_id, NEW.unit_id, e.month, 1, 0, 0, 1 * e.amount_ore
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', ae.created_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month, ae.amount_ore FROM audit_events ae
          WHERE ae.application_id = NEW.id AND ae.action IN ('accept_report', 'revoke')) e
    WHERE e.month IS NOT NULL AND NEW.deleted_at IS NULL AND NEW.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER month_totals_application_delete BEFORE DELETE ON applications
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT OLD.call_id, OLD.unit_id, m.month, -1, -1 * OLD.granted_ore, 0, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', OLD.decided_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE m.month IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn') AND OLD.granted_ore > 0 AND OLD.decided_at IS NOT NULL
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT OLD.call_id, OLD.unit_id, r.month, -1, 0, -1 * OLD.spent_ore, 0
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', rr.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month FROM application_reports rr
          WHERE rr.application_id = OLD.id AND rr.submitted_at IS NOT NULL) r
    WHERE r.month IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT OLD.call_id, OLD.unit_id, e.month, -1, 0, 0, -1 * e.amount_ore
    FROM (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', ae.created_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month, ae.amount_ore FROM audit_events ae
          WHERE ae.application_id = OLD.id AND ae.action IN ('accept_report', 'revoke')) e
    WHERE e.month IS NOT NULL AND OLD.deleted_at IS NULL AND OLD.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER month_totals_report_insert AFTER INSERT ON application_reports
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT a.call_id, a.unit_id, m.month, 1, 0, 1 * a.spent_ore, 0
    FROM applications a, (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', NEW.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE a.id = NEW.application_id AND NEW.submitted_at IS NOT NULL AND m.month IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER month_totals_report_delete AFTER DELETE ON application_reports
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT a.call_id, a.unit_id, m.month, -1, 0, -1 * a.spent_ore, 0
    FROM applications a, (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', OLD.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE a.id = OLD.application_id AND OLD.submitted_at IS NOT NULL AND m.month IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER month_totals_report_update AFTER UPDATE OF application_id, submitted_at
ON application_reports
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT a.call_id, a.unit_id, m.month, -1, 0, -1 * a.spent_ore, 0
    FROM applications a, (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', OLD.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE a.id = OLD.application_id AND OLD.submitted_at IS NOT NULL AND m.month IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT a.call_id, a.unit_id, m.month, 1, 0, 1 * a.spent_ore, 0
    FROM applications a, (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', NEW.submitted_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE a.id = NEW.application_id AND NEW.submitted_at IS NOT NULL AND m.month IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER month_totals_audit_insert AFTER INSERT ON audit_events WHEN NEW.action IN ('accept_report', 'revoke')
BEGIN
    INSERT INTO month_totals (call_id, unit_id, month, events, granted_ore, spent_ore, returned_ore)
    SELECT a.call_id, a.unit_id, m.month, 1, 0, 0, NEW.amount_ore
    FROM applications a, (SELECT (SELECT zm.month FROM zone_months zm WHERE zm.starts_at <= strftime('%Y-%m-%d %H:%M:%S', NEW.created_at) ORDER BY zm.starts_at DESC LIMIT 1) AS month) m
    WHERE a.id = NEW.application_id AND m.month IS NOT NULL AND a.deleted_at IS NULL AND a.state NOT IN ('draft', 'withdrawn')
    ON CONFLICT (call_id, unit_id, month) DO UPDATE SET
        events = events + excluded.events, granted_ore = granted_ore + excluded.granted_ore,
        spent_ore = spent_ore + excluded.spent_ore, returned_ore = returned_ore + excluded.returned_ore;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER month_totals_audit_insert;
DROP TRIGGER month_totals_report_update;
DROP TRIGGER month_totals_report_delete;
DROP TRIGGER month_totals_report_insert;
DROP TRIGGER month_totals_application_delete;
DROP TRIGGER month_totals_application_update;
DROP TRIGGER month_totals_application_insert;
DROP TABLE month_totals;
DROP TABLE zone_months;
DROP TABLE month_zone;
