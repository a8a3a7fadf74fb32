-- +goose Up
-- A person's own data (/me/data) and the search for inactive people
-- (pseudonymise) look rows up by the person: index those columns, so that
-- neither reads a whole outbox or comment table per person. (Applications
-- by their author have an index already, from 00060.)
CREATE INDEX outbox_recipient_idx ON outbox (recipient_id, id);
CREATE INDEX comments_author_idx ON comments (author_id, id);
CREATE INDEX applications_contact_idx ON applications (contact_id, id);

-- +goose Down
DROP INDEX applications_contact_idx;
DROP INDEX comments_author_idx;
DROP INDEX outbox_recipient_idx;
