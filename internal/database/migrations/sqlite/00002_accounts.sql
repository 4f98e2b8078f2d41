-- +goose Up
-- Staff accounts. Usernames are stored normalized (trimmed, lower case).
CREATE TABLE users (
    id                   INTEGER  PRIMARY KEY,
    username             TEXT     NOT NULL UNIQUE,
    display_name         TEXT     NOT NULL DEFAULT '',
    role                 TEXT     NOT NULL CHECK (role IN ('admin', 'supervisor', 'engineer')),
    active               BOOLEAN  NOT NULL DEFAULT 1,
    password_hash        TEXT     NOT NULL,
    must_change_password BOOLEAN  NOT NULL DEFAULT 0,
    -- Every session carries the generation it was created in; raising it
    -- ends all of the user's sessions on their next request.
    session_generation   INTEGER  NOT NULL DEFAULT 1,
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL
);

-- Which engineers answer for which projects.
CREATE TABLE assignments (
    user_id    INTEGER  NOT NULL REFERENCES users (id),
    project_id INTEGER  NOT NULL REFERENCES projects (id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, project_id)
);
CREATE INDEX assignments_project_id ON assignments (project_id);

-- Failed sign-ins, by account ("account:NAME") and by client address
-- ("address:IP"), for the growing delays of the sign-in throttle.
CREATE TABLE sign_in_failures (
    key             TEXT     PRIMARY KEY,
    failures        INTEGER  NOT NULL,
    last_failure_at DATETIME NOT NULL,
    locked_until    DATETIME
);

-- The security log: sign-ins, sign-outs and every change to an account or an
-- assignment, with who did it, to whom, when and from where. Names are copied
-- so that the record reads the same after an account changes.
CREATE TABLE security_events (
    id         INTEGER  PRIMARY KEY,
    at         DATETIME NOT NULL,
    action     TEXT     NOT NULL,
    actor_id   INTEGER  REFERENCES users (id),
    actor      TEXT     NOT NULL DEFAULT '',
    subject_id INTEGER  REFERENCES users (id),
    subject    TEXT     NOT NULL DEFAULT '',
    detail     TEXT     NOT NULL DEFAULT '',
    address    TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_subject_id ON security_events (subject_id);

-- +goose Down
DROP TABLE security_events;
DROP TABLE sign_in_failures;
DROP TABLE assignments;
DROP TABLE users;
