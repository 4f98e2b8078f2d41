-- +goose Up
-- Repeated sign-in failures and refusals are counted rather than written one
-- by one: an entry stands for count attempts of one kind, on one account,
-- from one address, from first_at (NULL for a single one) to at. A flood of
-- refused sign-ins used to write a row each, thousands a second.
ALTER TABLE security_events ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
ALTER TABLE security_events ADD COLUMN first_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE security_events DROP COLUMN first_at;
ALTER TABLE security_events DROP COLUMN count;
