-- +goose Up
-- The register pages through decisions by (decided_at, id) while they wait
-- and by (registered_at, id) once registered; a decider's proposed
-- reference reads the year's decisions, and a typed one is checked
-- against those in use.
DROP INDEX decisions_unregistered_idx;
CREATE INDEX decisions_unregistered_idx ON decisions (decided_at, id) WHERE registered_at IS NULL;
CREATE INDEX decisions_registered_idx ON decisions (registered_at, id) WHERE registered_at IS NOT NULL;
CREATE INDEX decisions_decided_at_idx ON decisions (decided_at);
CREATE INDEX decisions_ref_idx ON decisions (decision_ref);

-- +goose Down
DROP INDEX decisions_ref_idx;
DROP INDEX decisions_decided_at_idx;
DROP INDEX decisions_registered_idx;
DROP INDEX decisions_unregistered_idx;
CREATE INDEX decisions_unregistered_idx ON decisions (decided_at) WHERE registered_at IS NULL;
