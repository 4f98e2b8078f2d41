-- +goose Up
-- Review before publication (信息公开审核): a project's public fields as
-- last approved (approved, JSON; NULL while the public reads the project
-- as it is), the version approved, and whether a change waits for review
-- or was returned. The review's decisions are in the history (changes).
ALTER TABLE projects ADD COLUMN approved TEXT;
ALTER TABLE projects ADD COLUMN approved_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN review_state TEXT NOT NULL DEFAULT '' CHECK (review_state IN ('', 'pending', 'returned'));
-- The header counts the queue on every staff page: by the index, not a
-- scan of every project.
CREATE INDEX projects_review ON projects (review_state);

-- +goose Down
DROP INDEX projects_review;
ALTER TABLE projects DROP COLUMN review_state;
ALTER TABLE projects DROP COLUMN approved_version;
ALTER TABLE projects DROP COLUMN approved;
