-- +goose Up
-- Server-side sessions: the browser holds a random token; the row is keyed
-- by an HMAC of it (keyed with SESSION_SECRET), so a copy of this table
-- signs no one in. Deleting a row ends the session at the next request.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    id_token     TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- The identity-provider group a grant comes from; empty for grants made by
-- an administrator (or the demo data). Sign-in synchronises only grants
-- that came from groups.
ALTER TABLE role_grants ADD COLUMN from_group TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE role_grants DROP COLUMN from_group;
DROP TABLE sessions;
