-- +goose Up
-- Search finds text anywhere in an application's title or summary,
-- whatever its case: LOWER(column) LIKE '%text%', served by trigram
-- indexes. The extension is installed once per database, in public, so
-- that every schema's index names its operator class the same way; the
-- lock keeps two schemas migrating at once from installing it twice.
SELECT pg_advisory_xact_lock(hashtext('mobilityfund pg_trgm'));
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX applications_title_trgm_idx ON applications USING gin (LOWER(title) public.gin_trgm_ops);
CREATE INDEX applications_summary_trgm_idx ON applications USING gin (LOWER(summary) public.gin_trgm_ops);

-- +goose Down
DROP INDEX applications_summary_trgm_idx;
DROP INDEX applications_title_trgm_idx;
