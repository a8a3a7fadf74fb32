-- +goose Up
-- The requested amount is the sum of the application's budget lines. It is
-- kept on the application, written in the transaction that writes the
-- lines, so that lists, sums and the rules read one column instead of
-- summing the lines again.
ALTER TABLE applications ADD COLUMN requested_ore BIGINT NOT NULL DEFAULT 0 CHECK (requested_ore >= 0);
UPDATE applications SET requested_ore =
    (SELECT COALESCE(SUM(amount_ore), 0) FROM budget_lines WHERE budget_lines.application_id = applications.id);

-- +goose Down
ALTER TABLE applications DROP COLUMN requested_ore;
