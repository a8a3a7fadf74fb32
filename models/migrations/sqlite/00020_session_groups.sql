-- +goose Up
-- What keeps roles from provider groups fresh while a session lives: the
-- provider's tokens of the sign-in (refresh token, access token and
-- expiry), sealed with a key derived from SESSION_SECRET so that a copy
-- of the table cannot use them, and when the groups were last read.
ALTER TABLE sessions ADD COLUMN provider_token TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN groups_checked_at DATETIME;

-- +goose Down
ALTER TABLE sessions DROP COLUMN groups_checked_at;
ALTER TABLE sessions DROP COLUMN provider_token;
