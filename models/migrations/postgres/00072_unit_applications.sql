-- +goose Up
-- The operational plan of the follow-up workbook reads a unit's
-- applications in id order a chunk at a time, from where the last chunk
-- ended: the unit's index carries the id.
DROP INDEX applications_unit_id_idx;
CREATE INDEX applications_unit_id_idx ON applications (unit_id, id);

-- +goose Down
DROP INDEX applications_unit_id_idx;
CREATE INDEX applications_unit_id_idx ON applications (unit_id);
