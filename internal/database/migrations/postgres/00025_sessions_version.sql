-- +goose Up
-- The version of who may be signed in (SQLite's 00025): raised when a
-- session ends and when an account changes, on whichever server. Each
-- server keeps the sessions it has read until it moves.
ALTER TABLE data_version ADD COLUMN sessions BIGINT NOT NULL DEFAULT 1;

-- +goose StatementBegin
CREATE FUNCTION raise_sessions_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET sessions = sessions + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER sessions_raise_sessions_version AFTER DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION raise_sessions_version();
CREATE TRIGGER users_raise_sessions_version AFTER UPDATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION raise_sessions_version();

-- +goose Down
DROP TRIGGER users_raise_sessions_version ON users;
DROP TRIGGER sessions_raise_sessions_version ON sessions;
DROP FUNCTION raise_sessions_version();
ALTER TABLE data_version DROP COLUMN sessions;
