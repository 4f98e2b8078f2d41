// Package databasetest gives tests a migrated database of their own: a
// SQLite file in a temporary folder, or a fresh PostgreSQL database on the
// server named by SHUANGSHI_TEST_POSTGRES, for the tests that must hold on
// both.
package databasetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"shuangshi/internal/database"
)

// PostgresVariable names the PostgreSQL server the tests may create
// databases on, such as postgres://postgres@localhost:5432/postgres.
const PostgresVariable = "SHUANGSHI_TEST_POSTGRES"

// onPostgres, set by OnPostgres for its subtests, makes Open and Source
// give PostgreSQL databases.
const onPostgres = "SHUANGSHI_TEST_ON_POSTGRES"

// Postgres returns the address of the test PostgreSQL server. Without one
// it skips the test, or fails it when CI is set: in CI these tests must
// run.
func Postgres(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresVariable)
	if server == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is not: the PostgreSQL tests must run in CI", PostgresVariable)
		}
		t.Skipf("no PostgreSQL server to test on: set %s=postgres://USER@HOST/DB to run this test", PostgresVariable)
	}
	return server
}

// NewPostgres creates an empty database on the test server, dropped when
// the test ends, and returns its address.
func NewPostgres(t testing.TB) string {
	t.Helper()
	server := Postgres(t)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "shuangshi_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create a test database on %s: %v", server, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Source returns where a test's database is: a new SQLite file, or under
// OnPostgres a new PostgreSQL database.
func Source(t testing.TB) string {
	t.Helper()
	if os.Getenv(onPostgres) != "" {
		return NewPostgres(t)
	}
	return filepath.Join(t.TempDir(), "test.db")
}

// Open returns a migrated database at Source, closed when the test ends.
func Open(t testing.TB) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, Source(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// OnPostgres runs tests again, each on PostgreSQL databases: the store
// tests that must hold on both. It skips without a server (see Postgres).
func OnPostgres(t *testing.T, tests map[string]func(*testing.T)) {
	Postgres(t)
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv(onPostgres, "yes")
			test(t)
		})
	}
}
