-- +goose Up
-- When a person's name and email were replaced by a pseudonym because they
-- had been inactive longer than the retention (mobilityfund pseudonymise);
-- NULL for everyone else. A person who signs in again gets their name and
-- email back from the identity provider, and the mark is cleared.
ALTER TABLE users ADD COLUMN pseudonymised_at TIMESTAMPTZ;

-- The audit trail stays append-only with one exception: while a
-- pseudonymisation holds a permit (a row here, inserted and deleted in its
-- own transaction, so no other session ever sees it), it may replace the
-- person's name and email in the comment of an audit row. Every other
-- column stays as it was, and DELETE is refused as before.
CREATE TABLE audit_redaction_permits (
    user_id BIGINT PRIMARY KEY REFERENCES users (id)
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM audit_redaction_permits)
       AND (to_jsonb(NEW) - 'comment') = (to_jsonb(OLD) - 'comment') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
DROP TABLE audit_redaction_permits;
ALTER TABLE users DROP COLUMN pseudonymised_at;
