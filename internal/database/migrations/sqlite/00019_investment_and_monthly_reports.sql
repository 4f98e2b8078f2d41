-- +goose Up
-- What supervision runs on besides dates (issue 17): the money a project
-- costs and spends, in whole yuan (money.Amount: exact, never a float),
-- and the monthly report (月报).
--
-- 总投资, a project's total investment; NULL while nobody has given it
-- (the seeded projects: the district report gives no per-project amounts).
ALTER TABLE projects ADD COLUMN total_investment INTEGER CHECK (total_investment >= 0);

-- 年度计划投资, a project's planned investment for a year it is listed in.
-- A planned amount changed once its year's list is public is a
-- re-baseline: its first value is kept as original_planned.
CREATE TABLE investment_plans (
    project_id       INTEGER NOT NULL REFERENCES projects (id),
    year             INTEGER NOT NULL,
    planned          INTEGER NOT NULL CHECK (planned >= 0),
    original_planned INTEGER CHECK (original_planned >= 0),
    PRIMARY KEY (project_id, year)
);

-- 月报: each filing is a row, never changed, so that a corrected month keeps
-- what it said before. A month's report is its newest row; the public
-- reads its newest approved row. completed is 本年累计完成投资, the
-- year's investment completed to the end of the month; lower_reason
-- explains a figure lower than the month before's; late is set when the
-- report was filed after the month's deadline.
CREATE TABLE monthly_reports (
    id           INTEGER  PRIMARY KEY,
    project_id   INTEGER  NOT NULL REFERENCES projects (id),
    year         INTEGER  NOT NULL,
    month        INTEGER  NOT NULL CHECK (month BETWEEN 1 AND 12),
    completed    INTEGER  NOT NULL CHECK (completed >= 0),
    progress     TEXT     NOT NULL DEFAULT '',
    lower_reason TEXT     NOT NULL DEFAULT '',
    late         BOOLEAN  NOT NULL DEFAULT FALSE,
    approved     BOOLEAN  NOT NULL DEFAULT FALSE,
    user_id      INTEGER  REFERENCES users (id),
    user_name    TEXT     NOT NULL DEFAULT '',
    filed_at     DATETIME NOT NULL
);
CREATE INDEX monthly_reports_project ON monthly_reports (project_id, year, month, id);
CREATE INDEX monthly_reports_month ON monthly_reports (year, month, project_id);

-- The settings of supervision an administrator sets: the day of the next
-- month by which a month's report is due, and the 序时进度 lights'
-- thresholds, in percentage points behind the share of the year gone by.
CREATE TABLE supervision_settings (
    id          INTEGER  PRIMARY KEY CHECK (id = 1),
    report_day  INTEGER  NOT NULL CHECK (report_day BETWEEN 1 AND 28),
    pace_yellow INTEGER  NOT NULL CHECK (pace_yellow BETWEEN 1 AND 100),
    pace_red    INTEGER  NOT NULL CHECK (pace_red BETWEEN 1 AND 100),
    updated_at  DATETIME,
    CHECK (pace_yellow <= pace_red)
);
INSERT INTO supervision_settings (id, report_day, pace_yellow, pace_red) VALUES (1, 5, 10, 30);

-- +goose StatementBegin
CREATE TRIGGER investment_plans_insert_raises_data_version AFTER INSERT ON investment_plans
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER investment_plans_update_raises_data_version AFTER UPDATE ON investment_plans
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER investment_plans_delete_raises_data_version AFTER DELETE ON investment_plans
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER monthly_reports_insert_raises_data_version AFTER INSERT ON monthly_reports
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER monthly_reports_update_raises_data_version AFTER UPDATE ON monthly_reports
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER supervision_settings_update_raises_data_version AFTER UPDATE ON supervision_settings
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE supervision_settings;
DROP TABLE monthly_reports;
DROP TABLE investment_plans;
ALTER TABLE projects DROP COLUMN total_investment;
