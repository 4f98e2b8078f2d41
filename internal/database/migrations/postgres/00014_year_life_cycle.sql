-- +goose Up
-- A year's list is drafted, published and closed; see the SQLite migration
-- of the same number for what each part is for.
CREATE TABLE year_lists (
    year         INTEGER     PRIMARY KEY,
    state        TEXT        NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'closed')),
    published_at TIMESTAMPTZ,
    closed_at    TIMESTAMPTZ,
    snapshot     TEXT,
    version      BIGINT      NOT NULL DEFAULT 1,
    CHECK (state = 'draft' OR published_at IS NOT NULL),
    CHECK (state <> 'closed' OR (closed_at IS NOT NULL AND snapshot IS NOT NULL))
);

CREATE TABLE year_events (
    id        BIGSERIAL   PRIMARY KEY,
    year      INTEGER     NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    kind      TEXT        NOT NULL,
    target_id BIGINT      REFERENCES targets (id),
    name      TEXT        NOT NULL DEFAULT '',
    number     INTEGER,
    old_number INTEGER,
    detail    TEXT        NOT NULL DEFAULT '',
    user_id   BIGINT      REFERENCES users (id),
    user_name TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX year_events_year ON year_events (year, at);

ALTER TABLE targets ADD COLUMN carried_to_id BIGINT REFERENCES targets (id);
CREATE INDEX targets_carried_to ON targets (carried_to_id) WHERE carried_to_id IS NOT NULL;

ALTER TABLE projects ADD COLUMN reported_at TIMESTAMPTZ;
UPDATE projects SET reported_at = (
    SELECT MAX(changes.at) FROM changes
    WHERE changes.project_id = projects.id AND changes.field IN ('planned_start', 'planned_completion',
        'actual_start', 'actual_completion', 'percent_complete', 'delay_reason', 'internal_note', 'progress', 'outcome'));
UPDATE projects SET reported_at = created_at WHERE reported_at IS NULL;

CREATE TRIGGER year_lists_raise_data_version AFTER INSERT OR UPDATE OR DELETE ON year_lists
    FOR EACH STATEMENT EXECUTE FUNCTION raise_data_version();
CREATE TRIGGER year_events_raise_data_version AFTER INSERT ON year_events
    FOR EACH STATEMENT EXECUTE FUNCTION raise_data_version();

-- +goose Down
DROP TRIGGER year_events_raise_data_version ON year_events;
DROP TRIGGER year_lists_raise_data_version ON year_lists;
ALTER TABLE projects DROP COLUMN reported_at;
DROP INDEX targets_carried_to;
ALTER TABLE targets DROP COLUMN carried_to_id;
DROP TABLE year_events, year_lists;
