-- +goose Up
-- The supervisors' console is made once per version of the record too, and
-- it shows who is assigned to what, under their names, and the comments
-- waiting for an answer: those changes raise the version as well.
-- +goose StatementBegin
CREATE TRIGGER assignments_insert_raises_data_version AFTER INSERT ON assignments
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assignments_update_raises_data_version AFTER UPDATE ON assignments
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assignments_delete_raises_data_version AFTER DELETE ON assignments
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER comments_insert_raises_data_version AFTER INSERT ON comments
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER comments_update_raises_data_version AFTER UPDATE ON comments
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER comments_delete_raises_data_version AFTER DELETE ON comments
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_update_raises_data_version AFTER UPDATE OF display_name, role, active ON users
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER assignments_insert_raises_data_version;
DROP TRIGGER assignments_update_raises_data_version;
DROP TRIGGER assignments_delete_raises_data_version;
DROP TRIGGER comments_insert_raises_data_version;
DROP TRIGGER comments_update_raises_data_version;
DROP TRIGGER comments_delete_raises_data_version;
DROP TRIGGER users_update_raises_data_version;
