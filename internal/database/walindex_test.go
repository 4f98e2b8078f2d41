package database

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestTheVersionsAreReadAgainAfterEveryCommit: on SQLite the versions are
// answered without a statement while the WAL-index shows no commit since
// they were read, and read again after any commit: this server's, or one
// made by another process on the same file, as a command-line tool would.
func TestTheVersionsAreReadAgainAfterEveryCommit(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if db.wal == nil {
		t.Fatal("the WAL-index is not watched")
	}
	var reads atomic.Int64
	read := db.versions.read
	db.versions.read = func(ctx context.Context) (Versions, error) {
		reads.Add(1)
		return read(ctx)
	}
	versions := func() Versions {
		t.Helper()
		v, err := db.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	first := versions()
	readsBefore := reads.Load()
	for range 5 {
		if again := versions(); again != first {
			t.Fatalf("the versions moved from %+v to %+v without a write", first, again)
		}
	}
	if n := reads.Load() - readsBefore; n != 0 {
		t.Errorf("%d statements read the versions while nothing was committed", n)
	}

	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	if err := db.Write.Exec("INSERT INTO projects (id, name, category, created_at, updated_at) VALUES (1, '甲路新建工程', 'road', ?, ?)", now, now).Error; err != nil {
		t.Fatal(err)
	}
	afterOurs := versions()
	if afterOurs.Record <= first.Record {
		t.Errorf("after this server's commit the record version stayed at %d", first.Record)
	}

	// Another process: a connection of its own, unknown to db.
	other, err := sql.Open("sqlite3", dsn(db.path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("UPDATE projects SET name = '乙路新建工程' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if afterTheirs := versions(); afterTheirs.Record <= afterOurs.Record {
		t.Errorf("after another process's commit the record version stayed at %d", afterOurs.Record)
	}
}

// TestAHeaderReadWhileItChangesIsNoAnswer: the two copies of the
// WAL-index header must be equal, and the index made, for the header to
// stand for the database's state.
func TestAHeaderReadWhileItChangesIsNoAnswer(t *testing.T) {
	whole := make([]byte, walIndexHeaderSize)
	for i := range 48 {
		whole[i] = byte(i + 1)
	}
	whole[12] = 1 // isInit
	copy(whole[48:], whole[:48])

	torn := append([]byte(nil), whole...)
	torn[16]++ // the first copy's mxFrame, written after the second's
	unmade := append([]byte(nil), whole...)
	unmade[12], unmade[48+12] = 0, 0

	for _, c := range []struct {
		name    string
		content []byte
		whole   bool
	}{
		{"whole", whole, true},
		{"torn", torn, false},
		{"not made", unmade, false},
		{"short", whole[:50], false},
	} {
		path := filepath.Join(t.TempDir(), "test.db")
		if err := os.WriteFile(path+"-shm", c.content, 0o600); err != nil {
			t.Fatal(err)
		}
		w := watchWALIndex(path)
		if w == nil {
			t.Fatalf("%s: not watched", c.name)
		}
		if _, ok := w.readHeader(); ok != c.whole {
			t.Errorf("%s: read whole = %v, want %v", c.name, ok, c.whole)
		}
		w.Close()
	}
	if watchWALIndex(filepath.Join(t.TempDir(), "missing.db")) != nil {
		t.Error("a missing WAL-index is watched")
	}
}
