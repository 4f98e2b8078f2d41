-- +goose Up
-- A project may carry an English name, shown in English beside the Chinese.
ALTER TABLE projects ADD COLUMN name_en TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE projects DROP COLUMN name_en;
