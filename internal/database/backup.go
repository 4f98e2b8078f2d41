package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/pressly/goose/v3"
)

// ErrNotSQLite is returned for what only a SQLite database can do.
var ErrNotSQLite = errors.New("only a SQLite database can be backed up and restored this way; use pg_dump and pg_restore for PostgreSQL")

// CopyTo writes a consistent copy of the database to dest, which must not
// exist, while the database is in use: SQLite's VACUUM INTO, as of one
// moment; writes that commit meanwhile are in the database, not in the
// copy. The copy, which holds password hashes and the security log, is
// readable by its owner only (mode 0600), whatever the umask. It is not
// yet flushed to disk: backups.Take does that. It returns an error
// wrapping fs.ErrExist when dest exists.
func (db *DB) CopyTo(ctx context.Context, dest string) error {
	if db.dialect != goose.DialectSQLite3 {
		return ErrNotSQLite
	}
	// SQLite would create the file with mode 0644 less the umask; VACUUM
	// INTO also takes an empty file, made here with the mode it must have.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", dest, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(dest)
		return fmt.Errorf("copy to %s: %w", dest, err)
	}
	// A connection of its own: on the writer, the copy would hold up every
	// write for as long as it takes; the readers may not write files.
	conn, err := sql.Open("sqlite3", dsn(db.path, false))
	if err != nil {
		os.Remove(dest)
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("copy to %s: %w", dest, err)
	}
	return nil
}

// SchemaVersions returns the migration the database is at and the newest
// this program has.
func (db *DB) SchemaVersions(ctx context.Context) (current, latest int64, err error) {
	provider, err := db.migrations()
	if err != nil {
		return 0, 0, err
	}
	return provider.GetVersions(ctx)
}

// LatestSchemaVersion is the newest migration this program has for SQLite.
func LatestSchemaVersion() (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/sqlite")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil {
			latest = max(latest, v)
		}
	}
	return latest, nil
}

// VerifyFile checks that path is a sound SQLite database of this program:
// it passes SQLite's integrity check, its schema is not newer than the
// program's, and its tables, columns, indexes and triggers are those its
// recorded schema version has (a *SchemaError names what differs). It
// returns the schema version. The file is opened
// read-only and left as it was.
func VerifyFile(ctx context.Context, path string) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() {
		return 0, fmt.Errorf("%s is not a file", path)
	}
	// immutable: nothing else uses the file, so SQLite need not lock it or
	// make a -shm file beside it.
	conn, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro&immutable=1")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var verdict string
	if err := conn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&verdict); err != nil {
		return 0, fmt.Errorf("%s is not a SQLite database: %w", path, err)
	}
	if verdict != "ok" {
		return 0, fmt.Errorf("%s fails SQLite's integrity check: %s", path, strings.SplitN(verdict, "\n", 2)[0])
	}
	var version sql.NullInt64
	err = conn.QueryRowContext(ctx, "SELECT max(version_id) FROM goose_db_version WHERE is_applied").Scan(&version)
	if err != nil || !version.Valid {
		return 0, fmt.Errorf("%s is not a database of this program (it has no schema version)", path)
	}
	latest, err := LatestSchemaVersion()
	if err != nil {
		return 0, err
	}
	if version.Int64 > latest {
		return 0, fmt.Errorf("%s has schema version %d, newer than this program's %d: restore it with the version that made it", path, version.Int64, latest)
	}
	want, err := expectedSchema(ctx, version.Int64)
	if err != nil {
		return 0, err
	}
	got, err := readSchema(ctx, conn)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if diffs := schemaDifferences(want, got); len(diffs) > 0 {
		return 0, fmt.Errorf("%s: %w", path, &SchemaError{Version: version.Int64, Differences: diffs})
	}
	return version.Int64, nil
}
