-- +goose Up
-- When a person's name and email were replaced by a pseudonym because they
-- had been inactive longer than the retention (mobilityfund pseudonymise);
-- NULL for everyone else. A person who signs in again gets their name and
-- email back from the identity provider, and the mark is cleared.
ALTER TABLE users ADD COLUMN pseudonymised_at DATETIME;

-- The audit trail stays append-only with one exception: while a
-- pseudonymisation holds a permit (a row here, inserted and deleted in its
-- own transaction, so no other session ever sees it), it may replace the
-- person's name and email in the comment of an audit row. Every other
-- column stays as it was, and DELETE is refused as before.
CREATE TABLE audit_redaction_permits (
    user_id BIGINT PRIMARY KEY REFERENCES users (id)
);

DROP TRIGGER audit_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OF id, entity, entity_id, application_id, actor_id,
    action, from_state, to_state, amount_ore, created_at ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update_comment BEFORE UPDATE OF comment ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_redaction_permits)
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_no_update_comment;
DROP TRIGGER audit_events_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused');
END;
-- +goose StatementEnd
DROP TABLE audit_redaction_permits;
ALTER TABLE users DROP COLUMN pseudonymised_at;
