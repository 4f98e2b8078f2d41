-- +goose Up
-- Signed-in sessions. The cookie carries a random session id; only its
-- SHA-256 is stored, so that the table alone signs nobody in. Deleting a row
-- ends the session at once, even for a copy of the cookie: signing out ends
-- it for good.
CREATE TABLE sessions (
    id         TEXT     PRIMARY KEY,
    user_id    INTEGER  NOT NULL REFERENCES users (id),
    -- The user's session generation at sign-in; a raised generation ends
    -- the session.
    generation INTEGER  NOT NULL,
    created_at DATETIME NOT NULL,
    seen_at    DATETIME NOT NULL,
    address    TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
