-- +goose Up
-- Photos from the site (形象进度, issue 17): what an engineer took on the
-- works, kept in the database so that a backup, a restore and a second
-- server carry them. Only the copies the server made are kept: re-encoded
-- as JPEG with no metadata (full: the long side at most 2560 px; thumb:
-- 480 px), each named by the SHA-256 of its bytes, which is its address.
-- The upload itself is never stored.
--
-- state is the review's (信息公开审核): 'pending' until a supervisor
-- approves it ('approved') or returns it ('returned', with the comment);
-- hidden takes a photo off the public page without deleting it. taken_at
-- is the camera's date (EXIF DateTimeOriginal) when it gave one, for staff.
CREATE TABLE photos (
    id             INTEGER  PRIMARY KEY,
    project_id     INTEGER  NOT NULL REFERENCES projects (id),
    caption        TEXT     NOT NULL DEFAULT '',
    full_hash      TEXT     NOT NULL,
    full_bytes     BLOB     NOT NULL,
    full_width     INTEGER  NOT NULL,
    full_height    INTEGER  NOT NULL,
    thumb_hash     TEXT     NOT NULL,
    thumb_bytes    BLOB     NOT NULL,
    thumb_width    INTEGER  NOT NULL,
    thumb_height   INTEGER  NOT NULL,
    size           INTEGER  NOT NULL,
    taken_at       DATETIME,
    uploaded_at    DATETIME NOT NULL,
    uploaded_by    INTEGER  REFERENCES users (id),
    uploader_name  TEXT     NOT NULL DEFAULT '',
    state          TEXT     NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'returned')),
    review_comment TEXT     NOT NULL DEFAULT '',
    reviewed_at    DATETIME,
    hidden         BOOLEAN  NOT NULL DEFAULT FALSE
);
CREATE INDEX photos_project ON photos (project_id, uploaded_at);
CREATE INDEX photos_full_hash ON photos (full_hash);
CREATE INDEX photos_thumb_hash ON photos (thumb_hash);
CREATE INDEX photos_state ON photos (state);

-- The limits an administrator sets: one row.
CREATE TABLE photo_limits (
    id                  INTEGER  PRIMARY KEY CHECK (id = 1),
    max_file_bytes      INTEGER  NOT NULL,
    per_project_per_day INTEGER  NOT NULL,
    storage_cap_bytes   INTEGER  NOT NULL,
    updated_at          DATETIME,
    updated_by          TEXT     NOT NULL DEFAULT ''
);
INSERT INTO photo_limits (id, max_file_bytes, per_project_per_day, storage_cap_bytes)
    VALUES (1, 15728640, 20, 5368709120);

-- A photo on a public page changes the page: the kept pages follow the
-- data version (00009).
-- +goose StatementBegin
CREATE TRIGGER photos_insert_raises_data_version AFTER INSERT ON photos
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER photos_update_raises_data_version AFTER UPDATE ON photos
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER photos_delete_raises_data_version AFTER DELETE ON photos
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE photo_limits;
DROP TABLE photos;
