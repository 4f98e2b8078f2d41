-- +goose Up
-- The version of who may be signed in: raised, in the same transaction,
-- when a session ends (signing out, expiry, an administrator ending an
-- account's sessions) and when an account changes. A server keeps each
-- session it has read, with its user, until this moves, instead of
-- reading them for every request; it reads this with the record's version,
-- in one statement. Recording that a session made a request (seen_at)
-- does not move it.
ALTER TABLE data_version ADD COLUMN sessions INTEGER NOT NULL DEFAULT 1;

-- +goose StatementBegin
CREATE TRIGGER sessions_delete_raises_sessions_version AFTER DELETE ON sessions
BEGIN
    UPDATE data_version SET sessions = sessions + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_update_raises_sessions_version AFTER UPDATE ON users
BEGIN
    UPDATE data_version SET sessions = sessions + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_update_raises_sessions_version;
DROP TRIGGER sessions_delete_raises_sessions_version;
ALTER TABLE data_version DROP COLUMN sessions;
