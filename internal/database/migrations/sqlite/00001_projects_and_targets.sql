-- +goose Up
-- A project keeps one identity across the years; its milestones are stored as
-- text, "YYYY-MM-DD" or "YYYY" when the record only knows the year.
CREATE TABLE projects (
    id                 INTEGER PRIMARY KEY,
    name               TEXT     NOT NULL CHECK (length(name) > 0),
    category           TEXT     NOT NULL CHECK (category IN ('road', 'bridge', 'rail', 'tunnel', 'water', 'power')),
    extent             TEXT     NOT NULL DEFAULT '',
    unit               TEXT     NOT NULL DEFAULT '',
    description        TEXT     NOT NULL DEFAULT '',
    planned_start      TEXT,
    planned_completion TEXT,
    actual_start       TEXT,
    actual_completion  TEXT,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);

-- A target is one row of a year's 双十 list. The position is the row number
-- (序号) of the year's table, which numbers both lists in one sequence.
CREATE TABLE targets (
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
    UNIQUE (year, position),
    UNIQUE (year, list, project_id)
);

CREATE INDEX targets_project_id ON targets (project_id);

-- Each dataset in data/ is loaded once; its name here records that it was.
CREATE TABLE seed_runs (
    name       TEXT     PRIMARY KEY,
    applied_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE seed_runs;
DROP INDEX targets_project_id;
DROP TABLE targets;
DROP TABLE projects;
