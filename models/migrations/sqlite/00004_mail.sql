-- +goose Up
-- A worker claims pending rows for a while (a lease); a row whose lease
-- ran out, because its worker died, is claimed again by another.
ALTER TABLE outbox ADD COLUMN claimed_until DATETIME;
ALTER TABLE outbox ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_failed_idx ON outbox (status, id) WHERE status <> 'sent';

-- Mail rendered by development delivery (no SMTP_HOST), shown on /dev/mailbox.
CREATE TABLE dev_mailbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id       BIGINT REFERENCES outbox (id) ON DELETE CASCADE,
    recipient_email TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    created_at      DATETIME NOT NULL
);

-- +goose Down
DROP TABLE dev_mailbox;
DROP INDEX outbox_failed_idx;
ALTER TABLE outbox DROP COLUMN claim_token;
ALTER TABLE outbox DROP COLUMN claimed_until;
