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

INSERT INTO application_money (application_id, call_id, unit_id, standing_ore, exported_ore, booked_ore, awards)
SELECT a.id, a.call_id, a.unit_id,
       CASE WHEN a.deleted_at IS NULL AND a.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked')
            THEN a.granted_ore - a.returned_ore ELSE 0 END,
       COALESCE(l.exported, 0), COALESCE(l.booked, 0), COALESCE(l.awards, 0)
FROM applications a
LEFT JOIN (SELECT l.application_id, SUM(l.amount_ore) AS exported,
                  SUM(CASE WHEN b.booked_at IS NOT NULL THEN l.amount_ore ELSE 0 END) AS booked,
                  SUM(CASE WHEN l.kind = 'award' THEN 1 ELSE 0 END) AS awards
           FROM finance_batch_lines l JOIN finance_batches b ON b.id = l.batch_id
           GROUP BY l.application_id) l ON l.application_id = a.id;

-- +goose StatementBegin
CREATE TRIGGER application_money_insert AFTER INSERT ON applications
BEGIN
    INSERT INTO application_money (application_id, call_id, unit_id, standing_ore)
    VALUES (NEW.id, NEW.call_id, NEW.unit_id,
        CASE WHEN NEW.deleted_at IS NULL AND NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked')
             THEN NEW.granted_ore - NEW.returned_ore ELSE 0 END);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER application_money_update AFTER UPDATE OF call_id, unit_id, state, granted_ore, returned_ore, deleted_at ON applications
BEGIN
    UPDATE application_money SET call_id = NEW.call_id, unit_id = NEW.unit_id,
        standing_ore = CASE WHEN NEW.deleted_at IS NULL AND NEW.state IN ('granted', 'booked', 'reported', 'report_revision', 'closed', 'revoked')
                            THEN NEW.granted_ore - NEW.returned_ore ELSE 0 END
    WHERE application_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER application_money_lines_insert AFTER INSERT ON finance_batch_lines
BEGIN
    UPDATE application_money SET exported_ore = exported_ore + NEW.amount_ore,
        booked_ore = booked_ore + CASE WHEN (SELECT booked_at FROM finance_batches WHERE id = NEW.batch_id) IS NOT NULL
                                       THEN NEW.amount_ore ELSE 0 END,
        awards = awards + CASE WHEN NEW.kind = 'award' THEN 1 ELSE 0 END
    WHERE application_id = NEW.application_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER application_money_lines_delete AFTER DELETE ON finance_batch_lines
BEGIN
    UPDATE application_money SET exported_ore = exported_ore - OLD.amount_ore,
        booked_ore = booked_ore - CASE WHEN (SELECT booked_at FROM finance_batches WHERE id = OLD.batch_id) IS NOT NULL
                                       THEN OLD.amount_ore ELSE 0 END,
        awards = awards - CASE WHEN OLD.kind = 'award' THEN 1 ELSE 0 END
    WHERE application_id = OLD.application_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER application_money_lines_update AFTER UPDATE OF batch_id, application_id, kind, amount_ore ON finance_batch_lines
BEGIN
    UPDATE application_money SET exported_ore = exported_ore - OLD.amount_ore,
        booked_ore = booked_ore - CASE WHEN (SELECT booked_at FROM finance_batches WHERE id = OLD.batch_id) IS NOT NULL
                                       THEN OLD.amount_ore ELSE 0 END,
        awards = awards - CASE WHEN OLD.kind = 'award' THEN 1 ELSE 0 END
    WHERE application_id = OLD.application_id;
    UPDATE application_money SET exported_ore = exported_ore + NEW.amount_ore,
        booked_ore = booked_ore + CASE WHEN (SELECT booked_at FROM finance_batches WHERE id = NEW.batch_id) IS NOT NULL
                                       THEN NEW.amount_ore ELSE 0 END,
        awards = awards + CASE WHEN NEW.kind = 'award' THEN 1 ELSE 0 END
    WHERE application_id = NEW.application_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
-- Booking a batch (or taking the booking back) moves its lines into (out
-- of) what the ledger has moved.
CREATE TRIGGER application_money_booked AFTER UPDATE OF booked_at ON finance_batches
WHEN (OLD.booked_at IS NULL) <> (NEW.booked_at IS NULL)
BEGIN
    UPDATE application_money SET booked_ore = booked_ore + (CASE WHEN NEW.booked_at IS NOT NULL THEN 1 ELSE -1 END) *
        (SELECT SUM(l.amount_ore) FROM finance_batch_lines l WHERE l.batch_id = NEW.id AND l.application_id = application_money.application_id)
    WHERE application_id IN (SELECT application_id FROM finance_batch_lines WHERE batch_id = NEW.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER application_money_booked;
DROP TRIGGER application_money_lines_update;
DROP TRIGGER application_money_lines_delete;
DROP TRIGGER application_money_lines_insert;
DROP TRIGGER application_money_update;
DROP TRIGGER application_money_insert;
DROP TABLE application_money;
