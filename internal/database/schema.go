package database

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"
)

// SchemaError is returned by VerifyFile for a SQLite database whose tables,
// columns, indexes or triggers are not those its recorded schema version
// should have: restored, it would stop the server or lose the rules its
// triggers keep.
type SchemaError struct {
	Version int64
	// Differences name what is wrong, one each: "missing table users",
	// "missing column projects.location", "missing index targets_open",
	// "missing trigger changes_are_never_deleted", "unexpected table x",
	// "column users.role differs", "table targets differs".
	Differences []string
}

// maxDifferences is how many differences the message names; a file far
// from the schema would otherwise make a message of pages.
const maxDifferences = 10

func (e *SchemaError) Error() string {
	named := e.Differences
	more := ""
	if len(named) > maxDifferences {
		more = fmt.Sprintf("; and %d more", len(named)-maxDifferences)
		named = named[:maxDifferences]
	}
	return fmt.Sprintf("its schema is not that of schema version %d: %s%s", e.Version, strings.Join(named, "; "), more)
}

// schemaObject is a table, index, trigger or view, as sqlite_master has it.
type schemaObject struct {
	kind, name, table, sql string
}

// column is a table's column, as PRAGMA table_info has it.
type column struct {
	name, typ string
	notNull   bool
	dflt      sql.NullString
	pk        int
}

// schema is what a SQLite database holds besides its rows.
type schema struct {
	objects map[string]schemaObject // by kind and name: "table users"
	columns map[string][]column     // by table
}

// querier is a database handle or a connection.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readSchema reads the tables, indexes, triggers and views of a SQLite
// database, and the columns of its tables. SQLite's own tables and the
// automatic indexes of UNIQUE constraints (part of their table's
// definition) are left out, and so is goose's version table, which goose
// makes as its version makes it.
func readSchema(ctx context.Context, q querier) (schema, error) {
	s := schema{objects: map[string]schemaObject{}, columns: map[string][]column{}}
	rows, err := q.QueryContext(ctx, `SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND tbl_name <> 'goose_db_version'`)
	if err != nil {
		return s, fmt.Errorf("read the schema: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.kind, &o.name, &o.table, &o.sql); err != nil {
			return s, fmt.Errorf("read the schema: %w", err)
		}
		s.objects[o.kind+" "+o.name] = o
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("read the schema: %w", err)
	}
	for _, o := range s.objects {
		if o.kind != "table" {
			continue
		}
		columns, err := readColumns(ctx, q, o.name)
		if err != nil {
			return s, err
		}
		s.columns[o.name] = columns
	}
	return s, nil
}

func readColumns(ctx context.Context, q querier, table string) ([]column, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var columns []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ, &c.notNull, &c.dflt, &c.pk); err != nil {
			return nil, fmt.Errorf("read the columns of %s: %w", table, err)
		}
		columns = append(columns, c)
	}
	return columns, rows.Err()
}

// expectedSchema is the schema a SQLite database of this program has at
// version: the embedded migrations up to it, run on an empty database in
// memory.
func expectedSchema(ctx context.Context, version int64) (schema, error) {
	conn, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return schema{}, err
	}
	defer conn.Close()
	// Every connection to ":memory:" is a database of its own: keep to one.
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxLifetime(0)
	provider, err := newProvider(goose.DialectSQLite3, conn)
	if err != nil {
		return schema{}, err
	}
	if _, err := provider.UpTo(ctx, version); err != nil {
		return schema{}, fmt.Errorf("build schema version %d: %w", version, err)
	}
	return readSchema(ctx, conn)
}

// newProvider returns goose's view of the database behind sqlDB and of the
// embedded migrations for dialect.
func newProvider(dialect goose.Dialect, sqlDB *sql.DB) (*goose.Provider, error) {
	folder := "migrations/sqlite"
	if dialect == goose.DialectPostgres {
		folder = "migrations/postgres"
	}
	files, err := fs.Sub(migrations, folder)
	if err != nil {
		return nil, err
	}
	provider, err := goose.NewProvider(dialect, sqlDB, files)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return provider, nil
}

// kindOrder lists differences tables first, as a reader fixes them.
var kindOrder = map[string]int{"table": 0, "index": 1, "trigger": 2, "view": 3}

// schemaDifferences names what got lacks or has beyond want: objects by
// kind and name, then the columns of the tables both have; a table whose
// columns agree but whose definition does not (a constraint) is named as
// differing, and so is an index, trigger or view whose definition differs.
// The indexes and triggers of a missing table are not named again.
// Definitions are compared with white space and identifier quotes set
// aside, which SQLite keeps or adds as the statement that made them was
// written.
func schemaDifferences(want, got schema) []string {
	var missing, unexpected, changed []schemaObject
	for key, w := range want.objects {
		g, ok := got.objects[key]
		switch {
		case !ok:
			missing = append(missing, w)
		case normalizedSQL(w.sql) != normalizedSQL(g.sql) || w.table != g.table:
			changed = append(changed, w)
		}
	}
	for key, g := range got.objects {
		if _, ok := want.objects[key]; !ok {
			unexpected = append(unexpected, g)
		}
	}
	byKindAndName := func(a, b schemaObject) int {
		return cmp.Or(cmp.Compare(kindOrder[a.kind], kindOrder[b.kind]), cmp.Compare(a.name, b.name))
	}
	slices.SortFunc(missing, byKindAndName)
	slices.SortFunc(unexpected, byKindAndName)
	slices.SortFunc(changed, byKindAndName)

	var diffs []string
	for _, o := range missing {
		// A missing table's indexes and triggers went with it.
		if _, tableThere := got.objects["table "+o.table]; (o.kind == "index" || o.kind == "trigger") && !tableThere {
			continue
		}
		diffs = append(diffs, "missing "+o.kind+" "+o.name)
	}
	for _, o := range changed {
		if o.kind == "table" {
			if columns := columnDifferences(o.name, want.columns[o.name], got.columns[o.name]); len(columns) > 0 {
				diffs = append(diffs, columns...)
				continue
			}
		}
		diffs = append(diffs, o.kind+" "+o.name+" differs")
	}
	for _, o := range unexpected {
		diffs = append(diffs, "unexpected "+o.kind+" "+o.name)
	}
	return diffs
}

// columnDifferences names the columns of table that got lacks, has beyond
// want, or has otherwise.
func columnDifferences(table string, want, got []column) []string {
	var diffs []string
	for _, w := range want {
		i := slices.IndexFunc(got, func(g column) bool { return g.name == w.name })
		switch {
		case i < 0:
			diffs = append(diffs, "missing column "+table+"."+w.name)
		case got[i] != w:
			diffs = append(diffs, "column "+table+"."+w.name+" differs")
		}
	}
	for _, g := range got {
		if !slices.ContainsFunc(want, func(w column) bool { return w.name == g.name }) {
			diffs = append(diffs, "unexpected column "+table+"."+g.name)
		}
	}
	return diffs
}

// normalizedSQL is a definition with runs of white space made one space,
// none around punctuation, and no double quotes around identifiers.
func normalizedSQL(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, `"`, "")), " ")
	for _, p := range []string{"(", ")", ",", ";"} {
		s = strings.ReplaceAll(s, " "+p, p)
		s = strings.ReplaceAll(s, p+" ", p)
	}
	return s
}
