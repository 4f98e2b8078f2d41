-- An upload keeps the rows read from its file, as JSON (sheet), instead of
-- the file: the file was read again for every view of its preview, and a
-- hostile one cost that every time. Uploads kept before keep their file
-- (content) until their preview first reads it, which then keeps the
-- sheet in its place. SQLite cannot drop a NOT NULL in place, so the table
-- is rebuilt; no table refers to it.

-- +goose Up
CREATE TABLE imports_new (
    id         INTEGER  PRIMARY KEY,
    year       INTEGER  NOT NULL,
    file_name  TEXT     NOT NULL,
    sheet      TEXT,
    content    BLOB,
    created_by INTEGER  REFERENCES users (id),
    created_at DATETIME NOT NULL,
    applied_at DATETIME,
    applied_by INTEGER  REFERENCES users (id),
    CHECK (sheet IS NOT NULL OR content IS NOT NULL)
);
INSERT INTO imports_new (id, year, file_name, content, created_by, created_at, applied_at, applied_by)
    SELECT id, year, file_name, content, created_by, created_at, applied_at, applied_by FROM imports;
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;

-- +goose Down
-- Uploads kept as sheets have no file to go back to, and are dropped.
CREATE TABLE imports_old (
    id           INTEGER  PRIMARY KEY,
    year         INTEGER  NOT NULL,
    file_name    TEXT     NOT NULL,
    content      BLOB     NOT NULL,
    created_by   INTEGER  REFERENCES users (id),
    created_at   DATETIME NOT NULL,
    applied_at   DATETIME,
    applied_by   INTEGER  REFERENCES users (id)
);
INSERT INTO imports_old (id, year, file_name, content, created_by, created_at, applied_at, applied_by)
    SELECT id, year, file_name, content, created_by, created_at, applied_at, applied_by FROM imports
    WHERE content IS NOT NULL;
DROP TABLE imports;
ALTER TABLE imports_old RENAME TO imports;
