-- +goose Up
-- A monthly report removed (by hand: the site never deletes one) changes
-- what the public pages show, as on PostgreSQL, whose trigger of
-- migration 19 covers deletes too.
-- +goose StatementBegin
CREATE TRIGGER monthly_reports_delete_raises_data_version AFTER DELETE ON monthly_reports
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER monthly_reports_delete_raises_data_version;
