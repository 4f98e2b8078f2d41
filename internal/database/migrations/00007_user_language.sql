-- +goose Up
-- The language a user last signed in with, for the e-mails sent to them.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN language;
