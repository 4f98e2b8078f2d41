-- +goose Up
-- A year's list is drafted, published and closed (year_lists): the public
-- reads only published and closed years, and a closed year's table is
-- served from the snapshot made when it was closed. Publishing, closing,
-- reopening and every change to a published list are in year_events, the
-- list's public history. The rows of existing years are made by the
-- application at its next start (projects.Store.AdoptYears), which applies
-- the same rules as the seed.
CREATE TABLE year_lists (
    year         INTEGER  PRIMARY KEY,
    state        TEXT     NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed')),
    published_at DATETIME,
    closed_at    DATETIME,
    snapshot     TEXT,
    version      INTEGER  NOT NULL DEFAULT 1,
    CHECK (state = 'draft' OR published_at IS NOT NULL),
    CHECK (state <> 'closed' OR (closed_at IS NOT NULL AND snapshot IS NOT NULL))
);

CREATE TABLE year_events (
    id        INTEGER  PRIMARY KEY,
    year      INTEGER  NOT NULL,
    at        DATETIME NOT NULL,
    kind      TEXT     NOT NULL,
    target_id INTEGER  REFERENCES targets (id),
    name      TEXT     NOT NULL DEFAULT '',
    number     INTEGER,
    old_number INTEGER,
    detail    TEXT     NOT NULL DEFAULT '',
    user_id   INTEGER  REFERENCES users (id),
    user_name TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX year_events_year ON year_events (year, at);

-- A target carried into next year's list points to the target it became;
-- from then on the new target is the one that counts.
ALTER TABLE targets ADD COLUMN carried_to_id INTEGER REFERENCES targets (id);
-- A year's page looks up the targets carried into its own.
CREATE INDEX targets_carried_to ON targets (carried_to_id) WHERE carried_to_id IS NOT NULL;

-- When a person last changed the project's own fields (milestones,
-- progress, outcome, notes), as the history records it: list maintenance
-- (ordering, publishing, closing, carrying over) never moves it.
ALTER TABLE projects ADD COLUMN reported_at DATETIME;
UPDATE projects SET reported_at = (
    SELECT MAX(changes.at) FROM changes
    WHERE changes.project_id = projects.id AND changes.field IN ('planned_start', 'planned_completion',
        'actual_start', 'actual_completion', 'percent_complete', 'delay_reason', 'internal_note', 'progress', 'outcome'));
UPDATE projects SET reported_at = created_at WHERE reported_at IS NULL;

-- +goose StatementBegin
CREATE TRIGGER year_lists_insert_raises_data_version AFTER INSERT ON year_lists
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_lists_update_raises_data_version AFTER UPDATE ON year_lists
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_lists_delete_raises_data_version AFTER DELETE ON year_lists
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_events_insert_raises_data_version AFTER INSERT ON year_events
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER year_lists_insert_raises_data_version;
DROP TRIGGER year_lists_update_raises_data_version;
DROP TRIGGER year_lists_delete_raises_data_version;
DROP TRIGGER year_events_insert_raises_data_version;
ALTER TABLE projects DROP COLUMN reported_at;
DROP INDEX targets_carried_to;
ALTER TABLE targets DROP COLUMN carried_to_id;
DROP TABLE year_events;
DROP TABLE year_lists;
