-- +goose Up
-- The mail worker gives back what it claimed and did not send by its claim
-- token: an index finds those few rows however many mails are waiting
-- (a booked batch queues one for every award).
CREATE INDEX outbox_claim_idx ON outbox (claim_token);

-- +goose Down
DROP INDEX outbox_claim_idx;
