package database

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// Storage problems: the database could not take a write because of the
// disk or the file, not because of what was written.
var (
	ErrStorageFull     = errors.New("the database's disk is full")
	ErrStorageReadOnly = errors.New("the database cannot be written")
)

// StorageProblem reports whether err is a full disk (ErrStorageFull) or a
// database that cannot be written (ErrStorageReadOnly), from either
// database; it returns nil for any other error.
func StorageProblem(err error) error {
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		switch lite.Code {
		case sqlite3.ErrFull:
			return ErrStorageFull
		case sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrPerm:
			return ErrStorageReadOnly
		}
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "53100": // disk_full
			return ErrStorageFull
		case "25006": // read_only_sql_transaction: a standby, or a database set read-only
			return ErrStorageReadOnly
		}
	}
	return nil
}
