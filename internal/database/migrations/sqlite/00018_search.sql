-- +goose Up
-- Search (internal/search) looks for words in what names a project: its
-- name, English name, extent, unit and location, and the names the years'
-- lists printed for it. project_search keeps that text, lower-cased, one
-- row a project, and triggers keep it current with every write to the
-- projects, their targets and the lists' states.
--
-- An index of the text's pairs of characters answers a search of any
-- length from the index, two-character Chinese (大道) included, which a
-- trigram index cannot. SQLite's FTS5 and its trigram tokenizer are not
-- in the SQLite the site is built with (the mattn/go-sqlite3 driver has
-- FTS5 only under a build tag, which every go build, go test and go run
-- would then have to pass), but FTS4 is: project_grams indexes each
-- project's text as the sequence of its character pairs, each written in
-- hex so that the tokenizer keeps every pair whole whatever its
-- characters. A query's word is the phrase of its own pairs, so the
-- phrase matches exactly where the word is a substring; a single
-- character is the prefix of the pairs it begins. The pairs are not
-- stored: FTS4 reads them through project_search_grams, from
-- project_search, when it indexes a row and when it takes a row's old
-- pairs out (before the row changes, hence the BEFORE triggers).
CREATE TABLE project_search (
    project_id INTEGER PRIMARY KEY,
    body       TEXT    NOT NULL
);

-- The text of a project, in one place for the triggers: the fields one
-- to a line, then the names the public years' lists gave it where they
-- differ from its own. A draft's wording is left out, so that no search
-- by the public finds a project by the words of a list it may not read
-- (a draft's target keeps the project's name until an administrator
-- renames it); a removed target's name no longer names it.
CREATE VIEW project_search_text AS
SELECT projects.id AS project_id,
       lower(projects.name || char(10) || projects.name_en || char(10) || projects.extent || char(10) ||
             projects.unit || char(10) || projects.location ||
             coalesce(char(10) || (SELECT group_concat(DISTINCT targets.listed_name) FROM targets
                                   WHERE targets.project_id = projects.id AND targets.removed_at IS NULL
                                     AND targets.listed_name <> projects.name
                                     AND targets.year IN (SELECT year FROM year_lists WHERE state <> 'draft')), '')) AS body
FROM projects;

-- The positions of a text's characters, for the pairs; a project's text
-- beyond the 2,000th character is not indexed.
CREATE TABLE search_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE counted(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counted WHERE n < 2000)
INSERT INTO search_positions (n) SELECT n FROM counted;

CREATE VIEW project_search_grams (rowid, grams) AS
SELECT project_id, (SELECT group_concat(hex(substr(body, n, 2)), ' ') FROM search_positions WHERE n <= length(body))
FROM project_search;

CREATE VIRTUAL TABLE project_grams USING fts4 (content="project_search_grams", grams);

-- +goose StatementBegin
CREATE TRIGGER project_search_insert_indexes_grams AFTER INSERT ON project_search
BEGIN
    INSERT INTO project_grams (docid, grams) SELECT rowid, grams FROM project_search_grams WHERE rowid = new.project_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_search_update_unindexes_grams BEFORE UPDATE OF body ON project_search WHEN old.body IS NOT new.body
BEGIN
    DELETE FROM project_grams WHERE docid = old.project_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_search_update_indexes_grams AFTER UPDATE OF body ON project_search WHEN old.body IS NOT new.body
BEGIN
    INSERT INTO project_grams (docid, grams) SELECT rowid, grams FROM project_search_grams WHERE rowid = new.project_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER project_search_delete_unindexes_grams BEFORE DELETE ON project_search
BEGIN
    DELETE FROM project_grams WHERE docid = old.project_id;
END;
-- +goose StatementEnd

INSERT INTO project_search (project_id, body) SELECT project_id, body FROM project_search_text;

-- +goose StatementBegin
CREATE TRIGGER projects_insert_indexes_search AFTER INSERT ON projects
BEGIN
    INSERT INTO project_search (project_id, body)
        SELECT project_id, body FROM project_search_text WHERE project_id = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER projects_update_indexes_search AFTER UPDATE OF name, name_en, extent, unit, location ON projects
BEGIN
    UPDATE project_search SET body = (SELECT body FROM project_search_text WHERE project_id = new.id)
        WHERE project_id = new.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER projects_delete_indexes_search AFTER DELETE ON projects
BEGIN
    DELETE FROM project_search WHERE project_id = old.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_insert_indexes_search AFTER INSERT ON targets
BEGIN
    UPDATE project_search SET body = (SELECT body FROM project_search_text WHERE project_id = new.project_id)
        WHERE project_id = new.project_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_update_indexes_search AFTER UPDATE OF listed_name, project_id, removed_at ON targets
BEGIN
    UPDATE project_search SET body = (SELECT body FROM project_search_text WHERE project_id = project_search.project_id)
        WHERE project_id IN (old.project_id, new.project_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_delete_indexes_search AFTER DELETE ON targets
BEGIN
    UPDATE project_search SET body = (SELECT body FROM project_search_text WHERE project_id = old.project_id)
        WHERE project_id = old.project_id;
END;
-- +goose StatementEnd

-- Publishing a list makes its names searchable; reopening or a return to
-- draft takes them out again.
-- +goose StatementBegin
CREATE TRIGGER year_lists_insert_indexes_search AFTER INSERT ON year_lists
BEGIN
    UPDATE project_search SET body = (SELECT body FROM project_search_text WHERE project_id = project_search.project_id)
        WHERE project_id IN (SELECT project_id FROM targets WHERE year = new.year);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_lists_update_indexes_search AFTER UPDATE OF state ON year_lists
BEGIN
    UPDATE project_search SET body = (SELECT body FROM project_search_text WHERE project_id = project_search.project_id)
        WHERE project_id IN (SELECT project_id FROM targets WHERE year = new.year);
END;
-- +goose StatementEnd

-- A search finds projects, then their targets, which it sorts by year and
-- 序号 before reading more than this index of them.
CREATE INDEX targets_search ON targets (project_id, year, position) WHERE removed_at IS NULL;

-- +goose Down
DROP INDEX targets_search;
DROP TRIGGER project_search_insert_indexes_grams;
DROP TRIGGER project_search_update_unindexes_grams;
DROP TRIGGER project_search_update_indexes_grams;
DROP TRIGGER project_search_delete_unindexes_grams;
DROP TABLE project_grams;
DROP VIEW project_search_grams;
DROP TABLE search_positions;
DROP TRIGGER year_lists_insert_indexes_search;
DROP TRIGGER year_lists_update_indexes_search;
DROP TRIGGER projects_insert_indexes_search;
DROP TRIGGER projects_update_indexes_search;
DROP TRIGGER projects_delete_indexes_search;
DROP TRIGGER targets_insert_indexes_search;
DROP TRIGGER targets_update_indexes_search;
DROP TRIGGER targets_delete_indexes_search;
DROP VIEW project_search_text;
DROP TABLE project_search;
