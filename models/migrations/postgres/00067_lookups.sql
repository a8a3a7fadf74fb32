-- +goose Up
-- The drafts whose deadline was extended for them: My tasks and the menu
-- of every page read them without scanning every draft.
CREATE INDEX applications_deadline_extended ON applications (deadline_extended_to) WHERE deadline_extended_to IS NOT NULL;
-- Who holds a role for a unit (an application's possible contacts, the
-- recipients of its notices), without scanning every grant.
CREATE INDEX role_grants_unit_role_idx ON role_grants (unit_id, role);

-- +goose Down
DROP INDEX role_grants_unit_role_idx;
DROP INDEX applications_deadline_extended;
