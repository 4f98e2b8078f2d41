-- +goose NO TRANSACTION
-- The administrators' record: a project gets a location and can be
-- archived; a target can be removed from a year's list with a reason, and
-- stays in the database for the history that points to it; a spreadsheet
-- waits here between its preview and the administrator's confirmation.
--
-- Removed targets must not block the same project being listed again, so
-- the two uniqueness rules of targets become partial indexes over the
-- targets still listed. SQLite cannot change a table's constraints in
-- place: the table is rebuilt (https://sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"), with foreign keys off for the
-- rebuild and checked before it commits.

-- +goose Up
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

ALTER TABLE projects ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN archived_at DATETIME;

CREATE TABLE targets_new (
    id              INTEGER  PRIMARY KEY,
    year            INTEGER  NOT NULL,
    list            TEXT     NOT NULL CHECK (list IN ('start', 'complete')),
    position        INTEGER  NOT NULL CHECK (position > 0),
    project_id      INTEGER  NOT NULL REFERENCES projects (id),
    listed_name     TEXT     NOT NULL CHECK (length(listed_name) > 0),
    deadline        TEXT     NOT NULL,
    outcome         TEXT     NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'achieved', 'partial', 'missed')),
    progress        TEXT     NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    outcome_by_hand BOOLEAN  NOT NULL DEFAULT 0,
    removed_at      DATETIME,
    removed_reason  TEXT     NOT NULL DEFAULT '',
    CHECK (removed_at IS NULL OR length(removed_reason) > 0)
);
INSERT INTO targets_new (id, year, list, position, project_id, listed_name, deadline, outcome, progress, created_at, updated_at, outcome_by_hand)
    SELECT id, year, list, position, project_id, listed_name, deadline, outcome, progress, created_at, updated_at, outcome_by_hand FROM targets;
DROP TABLE targets;
ALTER TABLE targets_new RENAME TO targets;
CREATE INDEX targets_project_id ON targets (project_id);
CREATE UNIQUE INDEX targets_listed_position ON targets (year, position) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX targets_listed_project ON targets (year, list, project_id) WHERE removed_at IS NULL;

CREATE TABLE imports (
    id           INTEGER  PRIMARY KEY,
    year         INTEGER  NOT NULL,
    file_name    TEXT     NOT NULL,
    content      BLOB     NOT NULL,
    created_by   INTEGER  REFERENCES users (id),
    created_at   DATETIME NOT NULL,
    applied_at   DATETIME,
    applied_by   INTEGER  REFERENCES users (id)
);

COMMIT;

PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

DROP TABLE imports;
CREATE TABLE targets_old (
    id          INTEGER  PRIMARY KEY,
    year        INTEGER  NOT NULL,
    list        TEXT     NOT NULL CHECK (list IN ('start', 'complete')),
    position    INTEGER  NOT NULL CHECK (position > 0),
    project_id  INTEGER  NOT NULL REFERENCES projects (id),
    listed_name TEXT     NOT NULL CHECK (length(listed_name) > 0),
    deadline    TEXT     NOT NULL,
    outcome     TEXT     NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'achieved', 'partial', 'missed')),
    progress    TEXT     NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    outcome_by_hand BOOLEAN NOT NULL DEFAULT 0,
    UNIQUE (year, position),
    UNIQUE (year, list, project_id)
);
INSERT INTO targets_old (id, year, list, position, project_id, listed_name, deadline, outcome, progress, created_at, updated_at, outcome_by_hand)
    SELECT id, year, list, position, project_id, listed_name, deadline, outcome, progress, created_at, updated_at, outcome_by_hand FROM targets WHERE removed_at IS NULL;
DROP TABLE targets;
ALTER TABLE targets_old RENAME TO targets;
CREATE INDEX targets_project_id ON targets (project_id);
ALTER TABLE projects DROP COLUMN archived_at;
ALTER TABLE projects DROP COLUMN location;

COMMIT;

PRAGMA foreign_keys = ON;
