-- +goose Up
-- The documents that prove a milestone (issue 17): PDF files on a target
-- of a year's list, a construction permit (施工许可证) for a start, an
-- acceptance certificate (竣工验收) for a completion, or another paper.
-- The file itself is kept here, not in a folder, so that a backup, a
-- restore and a second server on PostgreSQL carry it.
--
-- visibility: 'staff' is read by signed-in staff only; 'public' by
-- everyone; 'pending' was marked public under review before publication
-- and waits for a supervisor's or an administrator's approval, staff-only
-- until then. sha256 (hex) is the file's strong ETag.
CREATE TABLE documents (
    id               INTEGER  PRIMARY KEY,
    project_id       INTEGER  NOT NULL REFERENCES projects (id),
    target_id        INTEGER  NOT NULL REFERENCES targets (id),
    kind             TEXT     NOT NULL CHECK (kind IN ('permit', 'acceptance', 'other')),
    title            TEXT     NOT NULL CHECK (length(title) > 0),
    content          BLOB     NOT NULL,
    size             INTEGER  NOT NULL CHECK (size > 0),
    sha256           TEXT     NOT NULL,
    visibility       TEXT     NOT NULL DEFAULT 'staff' CHECK (visibility IN ('staff', 'pending', 'public')),
    uploaded_by      INTEGER  REFERENCES users (id),
    uploaded_by_name TEXT     NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL,
    published_at     DATETIME,
    CHECK ((visibility = 'public') = (published_at IS NOT NULL))
);
CREATE INDEX documents_project ON documents (project_id, created_at);
CREATE INDEX documents_waiting ON documents (created_at) WHERE visibility = 'pending';

-- A public document is on the public project page and in the open data:
-- the pages kept for the public are made again when one changes.
-- +goose StatementBegin
CREATE TRIGGER documents_insert_raises_data_version AFTER INSERT ON documents
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER documents_update_raises_data_version AFTER UPDATE ON documents
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER documents_delete_raises_data_version AFTER DELETE ON documents
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER documents_insert_raises_data_version;
DROP TRIGGER documents_update_raises_data_version;
DROP TRIGGER documents_delete_raises_data_version;
DROP TABLE documents;
