-- +goose Up
-- The audit trail is a record: rows are added, never changed or removed,
-- whoever asks.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused');
END;
-- +goose StatementEnd
-- The audit page lists the newest first and filters by who and when.
CREATE INDEX audit_events_created_idx ON audit_events (created_at DESC, id DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id DESC);

-- +goose Down
DROP INDEX audit_events_actor_idx;
DROP INDEX audit_events_created_idx;
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
