-- +goose Up
-- What engineers keep current beside the dates: how far along the works
-- are, why they are late, a note for staff only, and the first baseline
-- once the planned dates have been changed.
ALTER TABLE projects ADD COLUMN percent_complete INTEGER CHECK (percent_complete BETWEEN 0 AND 100);
ALTER TABLE projects ADD COLUMN delay_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN internal_note TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN original_planned_start TEXT;
ALTER TABLE projects ADD COLUMN original_planned_completion TEXT;
-- Raised by every save; a save that names an older version is a conflict.
ALTER TABLE projects ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- An outcome a person recorded (partial, or missed) rather than one the
-- milestones give.
ALTER TABLE targets ADD COLUMN outcome_by_hand BOOLEAN NOT NULL DEFAULT 0;
UPDATE targets SET outcome_by_hand = 1 WHERE outcome IN ('partial', 'missed');

-- The history of every change to a project or one of its targets: who,
-- when, which field, the old and the new value, and the reason where one
-- was given. It is only ever added to.
CREATE TABLE changes (
    id         INTEGER  PRIMARY KEY,
    project_id INTEGER  NOT NULL REFERENCES projects (id),
    target_id  INTEGER  REFERENCES targets (id),
    at         DATETIME NOT NULL,
    user_id    INTEGER  REFERENCES users (id),
    user_name  TEXT     NOT NULL,
    field      TEXT     NOT NULL,
    old_value  TEXT     NOT NULL,
    new_value  TEXT     NOT NULL,
    reason     TEXT     NOT NULL DEFAULT '',
    -- Whether the public sees this change (dates, progress, outcome); never
    -- internal notes, delay reasons, or who made a change.
    public     BOOLEAN  NOT NULL
);
CREATE INDEX changes_project_id ON changes (project_id, at);

-- +goose StatementBegin
CREATE TRIGGER changes_are_never_updated BEFORE UPDATE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the history of changes is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER changes_are_never_deleted BEFORE DELETE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the history of changes is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER changes_are_never_deleted;
DROP TRIGGER changes_are_never_updated;
DROP TABLE changes;
ALTER TABLE targets DROP COLUMN outcome_by_hand;
ALTER TABLE projects DROP COLUMN version;
ALTER TABLE projects DROP COLUMN original_planned_completion;
ALTER TABLE projects DROP COLUMN original_planned_start;
ALTER TABLE projects DROP COLUMN internal_note;
ALTER TABLE projects DROP COLUMN delay_reason;
ALTER TABLE projects DROP COLUMN percent_complete;
