-- +goose Up
-- What a write touched, for the console (SQLite's 00026): an update of a
-- project or a target records the project with the record's version;
-- every other change the console reads moves data_version.broad.
CREATE TABLE console_touches (
    version    BIGINT NOT NULL,
    project_id BIGINT NOT NULL
);
CREATE INDEX console_touches_version ON console_touches (version);
ALTER TABLE data_version ADD COLUMN broad BIGINT NOT NULL DEFAULT 1;

-- +goose StatementBegin
CREATE FUNCTION touch_console_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO console_touches (version, project_id) SELECT version, NEW.id FROM data_version WHERE id = 1;
    DELETE FROM console_touches WHERE version < (SELECT version FROM data_version WHERE id = 1) - 10000;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION touch_console_target() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO console_touches (version, project_id) SELECT version, NEW.project_id FROM data_version WHERE id = 1;
    DELETE FROM console_touches WHERE version < (SELECT version FROM data_version WHERE id = 1) - 10000;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION raise_broad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET broad = broad + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER projects_touch_console AFTER UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION touch_console_project();
CREATE TRIGGER targets_touch_console AFTER UPDATE ON targets
    FOR EACH ROW EXECUTE FUNCTION touch_console_target();
CREATE TRIGGER targets_move_raises_broad AFTER UPDATE OF project_id, year, list, removed_at, carried_to_id ON targets
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER assignments_raise_broad AFTER INSERT OR UPDATE OR DELETE ON assignments
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER users_raise_broad AFTER UPDATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER comments_raise_broad AFTER INSERT OR UPDATE OR DELETE ON comments
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER investment_plans_raise_broad AFTER INSERT OR UPDATE OR DELETE ON investment_plans
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER monthly_reports_raise_broad AFTER INSERT OR UPDATE OR DELETE ON monthly_reports
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER supervision_settings_raise_broad AFTER UPDATE ON supervision_settings
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER year_lists_raise_broad AFTER INSERT OR UPDATE OR DELETE ON year_lists
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER projects_raise_broad AFTER INSERT OR DELETE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();
CREATE TRIGGER targets_raise_broad AFTER INSERT OR DELETE ON targets
    FOR EACH STATEMENT EXECUTE FUNCTION raise_broad();

-- +goose Down
DROP TRIGGER assignments_raise_broad ON assignments;
DROP TRIGGER users_raise_broad ON users;
DROP TRIGGER comments_raise_broad ON comments;
DROP TRIGGER investment_plans_raise_broad ON investment_plans;
DROP TRIGGER monthly_reports_raise_broad ON monthly_reports;
DROP TRIGGER supervision_settings_raise_broad ON supervision_settings;
DROP TRIGGER year_lists_raise_broad ON year_lists;
DROP TRIGGER projects_raise_broad ON projects;
DROP TRIGGER targets_raise_broad ON targets;
DROP TRIGGER targets_move_raises_broad ON targets;
DROP TRIGGER targets_touch_console ON targets;
DROP TRIGGER projects_touch_console ON projects;
DROP FUNCTION raise_broad();
DROP FUNCTION touch_console_target();
DROP FUNCTION touch_console_project();
ALTER TABLE data_version DROP COLUMN broad;
DROP TABLE console_touches;
