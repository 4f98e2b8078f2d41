-- +goose Up
-- Nothing to do: migration 19's trigger on monthly_reports already covers
-- deletes here; SQLite's gets its own in this migration's SQLite twin.
SELECT 1;

-- +goose Down
SELECT 1;
