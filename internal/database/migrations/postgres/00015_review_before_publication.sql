-- +goose Up
-- Review before publication; see the SQLite migration of the same number.
ALTER TABLE projects ADD COLUMN approved TEXT;
ALTER TABLE projects ADD COLUMN approved_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN review_state TEXT NOT NULL DEFAULT '' CHECK (review_state IN ('', 'pending', 'returned'));
-- The header counts the queue on every staff page: by the index, not a
-- scan of every project.
CREATE INDEX projects_review ON projects (review_state);

-- +goose Down
DROP INDEX projects_review;
ALTER TABLE projects DROP COLUMN review_state, DROP COLUMN approved_version, DROP COLUMN approved;
