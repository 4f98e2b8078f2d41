-- +goose Up
-- The version of the public record: raised, in the same transaction, by
-- every change to a project, a target or the history, whoever makes it and
-- on whichever server. A page made from the record is kept until the
-- version moves, so that no page is made twice for the same data and none
-- is served after the write that changed it has been answered.
CREATE TABLE data_version (
    id         INTEGER  PRIMARY KEY CHECK (id = 1),
    version    INTEGER  NOT NULL,
    changed_at DATETIME NOT NULL
);
INSERT INTO data_version (id, version, changed_at) VALUES (1, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'));

-- +goose StatementBegin
CREATE TRIGGER projects_insert_raises_data_version AFTER INSERT ON projects
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER projects_update_raises_data_version AFTER UPDATE ON projects
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER projects_delete_raises_data_version AFTER DELETE ON projects
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_insert_raises_data_version AFTER INSERT ON targets
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_update_raises_data_version AFTER UPDATE ON targets
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_delete_raises_data_version AFTER DELETE ON targets
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER changes_insert_raises_data_version AFTER INSERT ON changes
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER projects_insert_raises_data_version;
DROP TRIGGER projects_update_raises_data_version;
DROP TRIGGER projects_delete_raises_data_version;
DROP TRIGGER targets_insert_raises_data_version;
DROP TRIGGER targets_update_raises_data_version;
DROP TRIGGER targets_delete_raises_data_version;
DROP TRIGGER changes_insert_raises_data_version;
DROP TABLE data_version;
