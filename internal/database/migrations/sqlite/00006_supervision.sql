-- +goose Up
-- Supervisory comments (督办意见) on targets: a supervisor writes one; the
-- engineers assigned to the project see it until one of them answers.
CREATE TABLE comments (
    id          INTEGER  PRIMARY KEY,
    target_id   INTEGER  NOT NULL REFERENCES targets (id),
    author_id   INTEGER  REFERENCES users (id),
    author_name TEXT     NOT NULL,
    body        TEXT     NOT NULL CHECK (length(body) > 0),
    created_at  DATETIME NOT NULL,
    answer      TEXT     NOT NULL DEFAULT '',
    answered_by TEXT     NOT NULL DEFAULT '',
    answered_at DATETIME
);
CREATE INDEX comments_target_id ON comments (target_id);

-- Where a user's daily digest goes, besides the page that always shows it.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- The secret of each user's calendar feed, as its SHA-256: the address is
-- shown once, and revoking it deletes the row.
CREATE TABLE calendar_tokens (
    user_id    INTEGER  PRIMARY KEY REFERENCES users (id),
    token_hash TEXT     NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);

-- Which daily digests were sent, so that a restart never sends a day's
-- digest twice.
CREATE TABLE digests_sent (
    user_id INTEGER  NOT NULL REFERENCES users (id),
    day     TEXT     NOT NULL,
    sent_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- +goose Down
DROP TABLE digests_sent;
DROP TABLE calendar_tokens;
ALTER TABLE users DROP COLUMN email;
DROP TABLE comments;
