-- +goose Up
-- The language a user last signed in with, for the e-mails sent to them.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- A calendar address belongs to the user's sessions of its time: signing
-- out everywhere, or a changed or reset password, raises the generation
-- and ends it with them.
ALTER TABLE calendar_tokens ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE calendar_tokens DROP COLUMN session_generation;
ALTER TABLE users DROP COLUMN language;
