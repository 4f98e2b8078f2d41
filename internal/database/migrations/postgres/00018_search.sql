-- +goose Up
-- Search's text of each project, kept by triggers as on SQLite (see the
-- SQLite migration for what it holds and why), with a pg_trgm index: a
-- LIKE '%…%' of three characters or more is answered from the index; a
-- shorter one reads the table. pg_trgm ships with PostgreSQL and is a
-- trusted extension: the database's owner may create it. It finds
-- Chinese in a database whose locale classifies Chinese characters as
-- letters (C.UTF-8, zh_CN.UTF-8, en_US.UTF-8), which is every UTF-8
-- locale but plain C.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE project_search (
    project_id BIGINT PRIMARY KEY,
    body       TEXT   NOT NULL
);
CREATE INDEX project_search_body ON project_search USING gin (body gin_trgm_ops);

CREATE VIEW project_search_text AS
SELECT projects.id AS project_id,
       lower(projects.name || chr(10) || projects.name_en || chr(10) || projects.extent || chr(10) ||
             projects.unit || chr(10) || projects.location ||
             coalesce(chr(10) || (SELECT string_agg(DISTINCT targets.listed_name, ',') FROM targets
                                  WHERE targets.project_id = projects.id AND targets.removed_at IS NULL
                                    AND targets.listed_name <> projects.name
                                    AND targets.year IN (SELECT year FROM year_lists WHERE state <> 'draft')), '')) AS body
FROM projects;

INSERT INTO project_search (project_id, body) SELECT project_id, body FROM project_search_text;

-- +goose StatementBegin
CREATE FUNCTION index_project_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids BIGINT[];
BEGIN
    IF TG_TABLE_NAME = 'year_lists' THEN
        ids := ARRAY(SELECT project_id FROM targets WHERE year = NEW.year);
    ELSIF TG_TABLE_NAME = 'projects' THEN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM project_search WHERE project_id = OLD.id;
            RETURN NULL;
        END IF;
        ids := ARRAY[NEW.id];
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.project_id];
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY[OLD.project_id];
    ELSE
        ids := ARRAY[OLD.project_id, NEW.project_id];
    END IF;
    INSERT INTO project_search (project_id, body)
        SELECT project_id, body FROM project_search_text WHERE project_id = ANY (ids)
        ON CONFLICT (project_id) DO UPDATE SET body = EXCLUDED.body;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER projects_insert_indexes_search AFTER INSERT ON projects
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER projects_update_indexes_search AFTER UPDATE OF name, name_en, extent, unit, location ON projects
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER projects_delete_indexes_search AFTER DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER targets_insert_indexes_search AFTER INSERT ON targets
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER targets_update_indexes_search AFTER UPDATE OF listed_name, project_id, removed_at ON targets
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER targets_delete_indexes_search AFTER DELETE ON targets
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER year_lists_insert_indexes_search AFTER INSERT ON year_lists
    FOR EACH ROW EXECUTE FUNCTION index_project_search();
CREATE TRIGGER year_lists_update_indexes_search AFTER UPDATE OF state ON year_lists
    FOR EACH ROW EXECUTE FUNCTION index_project_search();

-- A search finds projects, then their targets, which it sorts by year and
-- 序号 before reading more than this index of them.
CREATE INDEX targets_search ON targets (project_id, year, position) WHERE removed_at IS NULL;

-- +goose Down
DROP INDEX targets_search;
DROP TRIGGER year_lists_insert_indexes_search ON year_lists;
DROP TRIGGER year_lists_update_indexes_search ON year_lists;
DROP TRIGGER projects_insert_indexes_search ON projects;
DROP TRIGGER projects_update_indexes_search ON projects;
DROP TRIGGER projects_delete_indexes_search ON projects;
DROP TRIGGER targets_insert_indexes_search ON targets;
DROP TRIGGER targets_update_indexes_search ON targets;
DROP TRIGGER targets_delete_indexes_search ON targets;
DROP FUNCTION index_project_search();
DROP VIEW project_search_text;
DROP TABLE project_search;
