package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
)

// shape is what a schema says of the data, in terms both databases share:
// each line one fact ("column users.role text not null", "unique
// targets(year, list, project_id) where", "trigger after insert on
// projects"), so that two shapes compare as sets of lines.
type shape map[string]bool

// TestTheTwoSchemasAreTheSame migrates a SQLite and a PostgreSQL database
// and compares what their schemas say: the same tables, with the same
// columns of the same kinds and nullability, the same primary keys,
// unique constraints and indexes (with or without a condition), and
// triggers on the same events. goose's own table, which goose makes for
// each database its own way, is left out, and so are the names of unique
// constraints and triggers, which each database gives its own way
// (PostgreSQL has one trigger function for several events).
func TestTheTwoSchemasAreTheSame(t *testing.T) {
	ctx := context.Background()
	migrated := func(source string) *sql.DB {
		db, err := database.Open(ctx, source, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		handle, err := db.Read.DB()
		if err != nil {
			t.Fatal(err)
		}
		return handle
	}
	postgres := migrated(databasetest.NewPostgres(t))
	sqlite := migrated(filepath.Join(t.TempDir(), "schema.db"))

	want, got := sqliteShape(t, sqlite), postgresShape(t, postgres)
	if len(want) < 100 {
		t.Fatalf("SQLite's schema has only %d facts: the test reads too little", len(want))
	}
	for _, fact := range slices.Sorted(maps.Keys(want)) {
		if !got[fact] {
			t.Errorf("PostgreSQL lacks: %s", fact)
		}
	}
	for _, fact := range slices.Sorted(maps.Keys(got)) {
		if !want[fact] {
			t.Errorf("SQLite lacks: %s", fact)
		}
	}
}

// kinds are the kinds of values both databases store, by the names each
// gives its column types.
var kinds = []struct {
	sqlite   *regexp.Regexp // SQLite's rules of type affinity, and its date words
	postgres []string
	kind     string
}{
	{regexp.MustCompile(`(?i)^BOOL`), []string{"boolean"}, "boolean"},
	{regexp.MustCompile(`(?i)DATE|TIME`), []string{"timestamp with time zone", "timestamp without time zone", "date"}, "time"},
	{regexp.MustCompile(`(?i)INT`), []string{"smallint", "integer", "bigint"}, "integer"},
	{regexp.MustCompile(`(?i)CHAR|CLOB|TEXT`), []string{"text", "character varying", "character"}, "text"},
	{regexp.MustCompile(`(?i)BLOB`), []string{"bytea"}, "bytes"},
	{regexp.MustCompile(`(?i)REAL|FLOA|DOUB`), []string{"real", "double precision"}, "float"},
}

func kindOf(t *testing.T, sqliteType, postgresType string) string {
	t.Helper()
	for _, k := range kinds {
		if (sqliteType != "" && k.sqlite.MatchString(sqliteType)) || slices.Contains(k.postgres, postgresType) {
			return k.kind
		}
	}
	t.Fatalf("a column type the test does not know: %q%q", sqliteType, postgresType)
	return ""
}

// query returns the rows of a query as strings.
func query(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	columns, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		row := make([]sql.NullString, len(columns))
		pointers := make([]any, len(columns))
		for i := range row {
			pointers[i] = &row[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			t.Fatal(err)
		}
		values := make([]string, len(row))
		for i, v := range row {
			values[i] = v.String
		}
		out = append(out, values)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// index is a fact about an index or a unique constraint.
func index(unique, primary bool, table string, columns []string, partial bool) string {
	what := "index"
	switch {
	case primary:
		what = "primary key"
	case unique:
		what = "unique"
	}
	fact := fmt.Sprintf("%s %s(%s)", what, table, strings.Join(columns, ", "))
	if partial {
		fact += " where …"
	}
	return fact
}

func sqliteShape(t *testing.T, db *sql.DB) shape {
	t.Helper()
	s := shape{}
	// Search's index of character pairs (migration 00018) is SQLite's
	// own: PostgreSQL indexes the same text with pg_trgm (below).
	tables := query(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'goose_db_version'
		AND name NOT LIKE 'project\_grams%' ESCAPE '\' AND name <> 'search_positions'`)
	for _, table := range tables {
		name := table[0]
		s["table "+name] = true
		var primary []string
		for _, c := range query(t, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk`, name) {
			column, typ, notNull, pk := c[0], c[1], c[2] == "1", c[3] != "0"
			nullable := "null"
			if notNull || pk {
				nullable = "not null"
			}
			s[fmt.Sprintf("column %s.%s %s %s", name, column, kindOf(t, typ, ""), nullable)] = true
			if pk {
				primary = append(primary, column)
			}
		}
		if len(primary) > 0 {
			s[index(true, true, name, primary, false)] = true
		}
		for _, ix := range query(t, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, name) {
			if ix[2] == "pk" {
				continue // the primary key, read above
			}
			var columns []string
			for _, c := range query(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
				columns = append(columns, c[0])
			}
			s[index(ix[1] == "1", false, name, columns, ix[3] == "1")] = true
		}
	}
	// A trigger's timing and event, as its definition begins:
	// CREATE TRIGGER name AFTER UPDATE OF … ON table.
	definition := regexp.MustCompile(`(?is)^CREATE TRIGGER\s+\S+\s+(BEFORE|AFTER)\s+(INSERT|UPDATE|DELETE)\b.*?\bON\s+(\w+)`)
	for _, tr := range query(t, db, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name <> 'project_search'`) {
		m := definition.FindStringSubmatch(tr[0])
		if m == nil {
			t.Fatalf("a trigger the test cannot read: %s", tr[0])
		}
		s[fmt.Sprintf("trigger %s %s on %s", strings.ToLower(m[1]), strings.ToLower(m[2]), m[3])] = true
	}
	return s
}

func postgresShape(t *testing.T, db *sql.DB) shape {
	t.Helper()
	s := shape{}
	for _, table := range query(t, db, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`) {
		s["table "+table[0]] = true
	}
	// The columns of tables, not of views: both databases have search's
	// view of each project's text, and SQLite's schema reads no view's
	// columns.
	for _, c := range query(t, db, `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version' AND table_name IN
			(SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`) {
		nullable := "null"
		if c[3] == "NO" {
			nullable = "not null"
		}
		s[fmt.Sprintf("column %s.%s %s %s", c[0], c[1], kindOf(t, "", c[2]), nullable)] = true
	}
	for _, ix := range query(t, db, `SELECT c.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
				JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n ORDER BY k.o), ',')
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace
		WHERE ns.nspname = 'public' AND c.relname <> 'goose_db_version'
			AND NOT (c.relname = 'project_search' AND NOT i.indisprimary)`) {
		s[index(ix[1] == "true", ix[2] == "true", ix[0], strings.Split(ix[4], ","), ix[3] == "true")] = true
	}
	for _, tr := range query(t, db, `SELECT action_timing, event_manipulation, event_object_table FROM information_schema.triggers
		WHERE trigger_schema = 'public'`) {
		s[fmt.Sprintf("trigger %s %s on %s", strings.ToLower(tr[0]), strings.ToLower(tr[1]), tr[2])] = true
	}
	return s
}
