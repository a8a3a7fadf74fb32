-- +goose Up
-- What waits for the next batch, and the applications behind a
-- difference in the reconciliation, found without reading the rest.
-- Queries name the same conditions so that both databases use them.
CREATE INDEX application_money_pending_idx ON application_money (application_id) WHERE standing_ore <> exported_ore;
CREATE INDEX application_money_difference_idx ON application_money (call_id, application_id) WHERE standing_ore <> booked_ore;

-- +goose Down
DROP INDEX application_money_difference_idx;
DROP INDEX application_money_pending_idx;
