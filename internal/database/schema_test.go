package database

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
)

// migratedCopy makes a SQLite file at version (0: the newest), as a copy of
// the program's database is, and runs damage on it.
func migratedCopy(t *testing.T, version int64, damage ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "copy.db")
	conn, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	provider, err := newProvider(goose.DialectSQLite3, conn)
	if err != nil {
		t.Fatal(err)
	}
	if version == 0 {
		_, err = provider.Up(ctx)
	} else {
		_, err = provider.UpTo(ctx, version)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, statement := range damage {
		if _, err := conn.ExecContext(ctx, statement); err != nil {
			t.Fatalf("%s: %v", statement, err)
		}
	}
	return path
}

// TestVerifyFileRefusesADamagedSchema: a copy that lacks a table, a column,
// an index or a trigger its schema version has, or has one more, is
// refused with the name of what differs; an intact copy, at the newest
// version or an older one, passes.
func TestVerifyFileRefusesADamagedSchema(t *testing.T) {
	cases := []struct {
		name   string
		damage []string
		want   []string // in the message; nil: the copy passes
	}{
		{"intact", nil, nil},
		{"a table dropped", []string{"PRAGMA foreign_keys = OFF", "DROP TABLE users"},
			[]string{"missing table users"}},
		{"a column dropped", []string{"ALTER TABLE projects DROP COLUMN description"},
			[]string{"missing column projects.description"}},
		{"an index dropped", []string{"DROP INDEX targets_open"},
			[]string{"missing index targets_open"}},
		{"a trigger dropped", []string{"DROP TRIGGER changes_are_never_deleted"},
			[]string{"missing trigger changes_are_never_deleted"}},
		{"a trigger rewritten", []string{"DROP TRIGGER changes_are_never_deleted",
			"CREATE TRIGGER changes_are_never_deleted BEFORE DELETE ON changes BEGIN SELECT 1; END"},
			[]string{"trigger changes_are_never_deleted differs"}},
		{"a column added", []string{"ALTER TABLE users ADD COLUMN x TEXT"},
			[]string{"unexpected column users.x"}},
		{"a table added", []string{"CREATE TABLE extra (x)"},
			[]string{"unexpected table extra"}},
		{"an index made plain", []string{"DROP INDEX targets_listed_position",
			"CREATE INDEX targets_listed_position ON targets (year, position)"},
			[]string{"index targets_listed_position differs"}},
		{"two things at once", []string{"PRAGMA foreign_keys = OFF", "DROP TABLE sessions", "DROP INDEX security_events_at"},
			[]string{"missing table sessions", "missing index security_events_at"}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := migratedCopy(t, 0, tc.damage...)
			_, err := VerifyFile(ctx, path)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("an intact copy was refused: %v", err)
				}
				return
			}
			var schemaErr *SchemaError
			if !errors.As(err, &schemaErr) {
				t.Fatalf("got %v, want a *SchemaError", err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("got %q, want %q in it", err, want)
				}
			}
			if len(schemaErr.Differences) != len(tc.want) {
				t.Errorf("got differences %q, want %q", schemaErr.Differences, tc.want)
			}
		})
	}
}

// TestVerifyFileComparesWithTheCopysOwnVersion: a copy made by an older
// program has the schema of its version, not the newest, and passes; the
// same copy missing a table of its version does not.
func TestVerifyFileComparesWithTheCopysOwnVersion(t *testing.T) {
	ctx := context.Background()
	for _, version := range []int64{2, 5, 8} {
		if got, err := VerifyFile(ctx, migratedCopy(t, version)); err != nil || got != version {
			t.Errorf("an intact copy at version %d: got %d, %v", version, got, err)
		}
	}
	_, err := VerifyFile(ctx, migratedCopy(t, 5, "DROP TABLE sessions"))
	if err == nil || !strings.Contains(err.Error(), "missing table sessions") || !strings.Contains(err.Error(), "schema version 5") {
		t.Errorf("a damaged copy at version 5: got %v, want its missing table named", err)
	}
}

func TestSchemaErrorNamesAFewDifferences(t *testing.T) {
	err := &SchemaError{Version: 3}
	for i := range 25 {
		err.Differences = append(err.Differences, "missing table t"+string(rune('a'+i)))
	}
	msg := err.Error()
	if !strings.Contains(msg, "missing table tj") || strings.Contains(msg, "missing table tk") || !strings.Contains(msg, "and 15 more") {
		t.Errorf("got %q, want the first ten differences and a count of the rest", msg)
	}
}
