-- +goose Up
-- The drafts whose deadline was extended for them: My tasks and the menu
-- of every page read them without scanning every draft.
CREATE INDEX applications_deadline_extended ON applications (deadline_extended_to) WHERE deadline_extended_to IS NOT NULL;

-- +goose Down
DROP INDEX applications_deadline_extended;
