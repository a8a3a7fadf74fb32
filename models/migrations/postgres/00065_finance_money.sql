-- +goose Up
-- What each application holds of the pot and what the finance batches
-- have moved for it, kept by triggers in the transaction of every change
-- to an application, a batch line or a batch's booking, so that finance
-- finds what waits for the next batch, and sums the reconciliation,
-- without summing every application's lines per request.
--   standing_ore: granted less returned while the application holds
--                 money (the states workflow.HoldsMoney names); 0 for a
--                 deleted draft, which counts nowhere
--   exported_ore: what its batch lines add up to
--   booked_ore:   what its lines in booked batches add up to
--   awards:       how many award lines it has (0 or 1)
-- A batch moves standing_ore - exported_ore.
CREATE TABLE application_money (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    call_id        BIGINT NOT NULL,
    unit_id        BIGINT NOT NULL,
    standing_ore   BIGINT NOT NULL DEFAULT 0,
    exported_ore   BIGINT NOT NULL DEFAULT 0,
    booked_ore     BIGINT NOT NULL DEFAULT 0,
    awards         INTEGER NOT NULL DEFAULT 0
);

-- +goose StatementBegin
CREATE FUNCTION application_standing(a applications) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a.deleted_at IS NULL
        AND a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked')
        THEN a.granted_ore - a.returned_ore ELSE 0 END
$$;
-- +goose StatementEnd

INSERT INTO application_money (application_id, call_id, unit_id, standing_ore, exported_ore, booked_ore, awards)
SELECT a.id, a.call_id, a.unit_id, application_standing(a),
       COALESCE(l.exported, 0), COALESCE(l.booked, 0), COALESCE(l.awards, 0)
FROM applications a
LEFT JOIN (SELECT l.application_id, SUM(l.amount_ore) AS exported,
                  SUM(CASE WHEN b.booked_at IS NOT NULL THEN l.amount_ore ELSE 0 END) AS booked,
                  SUM(CASE WHEN l.kind = 'award' THEN 1 ELSE 0 END) AS awards
           FROM finance_batch_lines l JOIN finance_batches b ON b.id = l.batch_id
           GROUP BY l.application_id) l ON l.application_id = a.id;

-- +goose StatementBegin
-- New applications, a statement at a time: a bulk insert adds its rows
-- in one statement.
CREATE FUNCTION application_money_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO application_money (application_id, call_id, unit_id, standing_ore)
    SELECT n.id, n.call_id, n.unit_id, application_standing(n) FROM new_applications n;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION application_money_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE application_money SET call_id = NEW.call_id, unit_id = NEW.unit_id, standing_ore = application_standing(NEW)
    WHERE application_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER application_money_insert_trigger
AFTER INSERT ON applications REFERENCING NEW TABLE AS new_applications
FOR EACH STATEMENT EXECUTE FUNCTION application_money_insert();

CREATE TRIGGER application_money_update_trigger
AFTER UPDATE OF call_id, unit_id, state, granted_ore, returned_ore, deleted_at ON applications
FOR EACH ROW WHEN (OLD.call_id IS DISTINCT FROM NEW.call_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
    OR OLD.state IS DISTINCT FROM NEW.state OR OLD.granted_ore IS DISTINCT FROM NEW.granted_ore
    OR OLD.returned_ore IS DISTINCT FROM NEW.returned_ore OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
EXECUTE FUNCTION application_money_update();

-- +goose StatementBegin
-- application_money_lines adds (sign 1) or takes away (-1) the lines of
-- one statement, summed per application; rows are taken in id order
-- against deadlocks.
CREATE FUNCTION application_money_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE application_money m SET exported_ore = m.exported_ore - s.exported,
            booked_ore = m.booked_ore - s.booked, awards = m.awards - s.awards
        FROM (SELECT o.application_id, SUM(o.amount_ore) AS exported,
                     SUM(CASE WHEN b.booked_at IS NOT NULL THEN o.amount_ore ELSE 0 END) AS booked,
                     SUM(CASE WHEN o.kind = 'award' THEN 1 ELSE 0 END) AS awards
              FROM old_lines o LEFT JOIN finance_batches b ON b.id = o.batch_id
              GROUP BY o.application_id ORDER BY o.application_id) s
        WHERE m.application_id = s.application_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE application_money m SET exported_ore = m.exported_ore + s.exported,
            booked_ore = m.booked_ore + s.booked, awards = m.awards + s.awards
        FROM (SELECT n.application_id, SUM(n.amount_ore) AS exported,
                     SUM(CASE WHEN b.booked_at IS NOT NULL THEN n.amount_ore ELSE 0 END) AS booked,
                     SUM(CASE WHEN n.kind = 'award' THEN 1 ELSE 0 END) AS awards
              FROM new_lines n JOIN finance_batches b ON b.id = n.batch_id
              GROUP BY n.application_id ORDER BY n.application_id) s
        WHERE m.application_id = s.application_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER application_money_lines_insert
AFTER INSERT ON finance_batch_lines REFERENCING NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION application_money_lines();
CREATE TRIGGER application_money_lines_update
AFTER UPDATE ON finance_batch_lines REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION application_money_lines();
CREATE TRIGGER application_money_lines_delete
AFTER DELETE ON finance_batch_lines REFERENCING OLD TABLE AS old_lines
FOR EACH STATEMENT EXECUTE FUNCTION application_money_lines();

-- +goose StatementBegin
-- Booking a batch (or taking the booking back) moves its lines into (out
-- of) what the ledger has moved.
CREATE FUNCTION application_money_booked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign INTEGER := CASE WHEN NEW.booked_at IS NOT NULL THEN 1 ELSE -1 END;
BEGIN
    UPDATE application_money m SET booked_ore = m.booked_ore + sign * s.amount
    FROM (SELECT l.application_id, SUM(l.amount_ore) AS amount FROM finance_batch_lines l
          WHERE l.batch_id = NEW.id GROUP BY l.application_id ORDER BY l.application_id) s
    WHERE m.application_id = s.application_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER application_money_booked_trigger
AFTER UPDATE OF booked_at ON finance_batches
FOR EACH ROW WHEN ((OLD.booked_at IS NULL) <> (NEW.booked_at IS NULL))
EXECUTE FUNCTION application_money_booked();

-- +goose Down
DROP TRIGGER application_money_booked_trigger ON finance_batches;
DROP TRIGGER application_money_lines_delete ON finance_batch_lines;
DROP TRIGGER application_money_lines_update ON finance_batch_lines;
DROP TRIGGER application_money_lines_insert ON finance_batch_lines;
DROP TRIGGER application_money_update_trigger ON applications;
DROP TRIGGER application_money_insert_trigger ON applications;
DROP FUNCTION application_money_booked();
DROP FUNCTION application_money_lines();
DROP FUNCTION application_money_update();
DROP FUNCTION application_money_insert();
DROP TABLE application_money;
DROP FUNCTION application_standing(applications);
