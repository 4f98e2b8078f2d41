-- +goose Up
-- What a write touched, for the console to bring its rows up to date from
-- the change rather than remake all of them (issue 19): an update of a
-- project or a target records the project, with the record's version
-- (console_touches); every other change the console reads (assignments,
-- accounts, 督办, plans, monthly reports, settings, the lists, a project or
-- a target added or removed, a target moved to another year or list)
-- moves data_version.broad, and the console is remade. Touches older than
-- the last 10,000 versions are removed as new ones come: a console older
-- than that is remade too.
CREATE TABLE console_touches (
    version    INTEGER NOT NULL,
    project_id INTEGER NOT NULL
);
CREATE INDEX console_touches_version ON console_touches (version);
ALTER TABLE data_version ADD COLUMN broad INTEGER NOT NULL DEFAULT 1;

-- +goose StatementBegin
CREATE TRIGGER projects_update_touches_console AFTER UPDATE ON projects
BEGIN
    INSERT INTO console_touches (version, project_id) SELECT version, new.id FROM data_version WHERE id = 1;
    DELETE FROM console_touches WHERE version < (SELECT version FROM data_version WHERE id = 1) - 10000;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_update_touches_console AFTER UPDATE ON targets
BEGIN
    INSERT INTO console_touches (version, project_id) SELECT version, new.project_id FROM data_version WHERE id = 1;
    DELETE FROM console_touches WHERE version < (SELECT version FROM data_version WHERE id = 1) - 10000;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_move_raises_broad AFTER UPDATE OF project_id, year, list, removed_at, carried_to_id ON targets
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assignments_insert_raises_broad AFTER INSERT ON assignments
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assignments_update_raises_broad AFTER UPDATE ON assignments
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER assignments_delete_raises_broad AFTER DELETE ON assignments
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_update_raises_broad AFTER UPDATE ON users
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER comments_insert_raises_broad AFTER INSERT ON comments
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER comments_update_raises_broad AFTER UPDATE ON comments
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER comments_delete_raises_broad AFTER DELETE ON comments
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER investment_plans_insert_raises_broad AFTER INSERT ON investment_plans
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER investment_plans_update_raises_broad AFTER UPDATE ON investment_plans
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER investment_plans_delete_raises_broad AFTER DELETE ON investment_plans
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER monthly_reports_insert_raises_broad AFTER INSERT ON monthly_reports
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER monthly_reports_update_raises_broad AFTER UPDATE ON monthly_reports
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER monthly_reports_delete_raises_broad AFTER DELETE ON monthly_reports
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER supervision_settings_update_raises_broad AFTER UPDATE ON supervision_settings
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_lists_insert_raises_broad AFTER INSERT ON year_lists
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_lists_update_raises_broad AFTER UPDATE ON year_lists
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER year_lists_delete_raises_broad AFTER DELETE ON year_lists
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER projects_insert_raises_broad AFTER INSERT ON projects
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER projects_delete_raises_broad AFTER DELETE ON projects
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_insert_raises_broad AFTER INSERT ON targets
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER targets_delete_raises_broad AFTER DELETE ON targets
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER assignments_insert_raises_broad;
DROP TRIGGER assignments_update_raises_broad;
DROP TRIGGER assignments_delete_raises_broad;
DROP TRIGGER users_update_raises_broad;
DROP TRIGGER comments_insert_raises_broad;
DROP TRIGGER comments_update_raises_broad;
DROP TRIGGER comments_delete_raises_broad;
DROP TRIGGER investment_plans_insert_raises_broad;
DROP TRIGGER investment_plans_update_raises_broad;
DROP TRIGGER investment_plans_delete_raises_broad;
DROP TRIGGER monthly_reports_insert_raises_broad;
DROP TRIGGER monthly_reports_update_raises_broad;
DROP TRIGGER monthly_reports_delete_raises_broad;
DROP TRIGGER supervision_settings_update_raises_broad;
DROP TRIGGER year_lists_insert_raises_broad;
DROP TRIGGER year_lists_update_raises_broad;
DROP TRIGGER year_lists_delete_raises_broad;
DROP TRIGGER projects_insert_raises_broad;
DROP TRIGGER projects_delete_raises_broad;
DROP TRIGGER targets_insert_raises_broad;
DROP TRIGGER targets_delete_raises_broad;
DROP TRIGGER targets_move_raises_broad;
DROP TRIGGER targets_update_touches_console;
DROP TRIGGER projects_update_touches_console;
ALTER TABLE data_version DROP COLUMN broad;
DROP TABLE console_touches;
