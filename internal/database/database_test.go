package database

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "test.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestEveryConnectionIsConfigured checks the settings that the DSN gives each
// connection, on the writer and on several readers at once.
func TestEveryConnectionIsConfigured(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "2", // FULL
	}
	// Hold several reader connections at once, so that more than one is checked.
	readSQL, _ := db.Read.DB()
	var conns []interface{ Close() error }
	for range 3 {
		conn, err := readSQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		for pragma, value := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != value {
				t.Errorf("reader: PRAGMA %s = %s, want %s", pragma, got, value)
			}
		}
	}
	for _, c := range conns {
		c.Close()
	}
	for pragma, value := range want {
		var got string
		if err := db.Write.Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != value {
			t.Errorf("writer: PRAGMA %s = %s, want %s", pragma, got, value)
		}
	}
	if stats := mustStats(t, db); stats != 1 {
		t.Errorf("the writer may open %d connections, want 1", stats)
	}
}

func mustStats(t *testing.T, db *DB) int {
	t.Helper()
	sqlDB, err := db.Write.DB()
	if err != nil {
		t.Fatal(err)
	}
	return sqlDB.Stats().MaxOpenConnections
}

func TestReadersCannotWrite(t *testing.T) {
	db := openTestDB(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := db.Read.Exec("INSERT INTO seed_runs (name, applied_at) VALUES ('x', CURRENT_TIMESTAMP)").Error
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("a write on the read pool gave %v, want a read-only error", err)
	}
}

func TestMigrateTwiceAndForeignKeys(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	for range 2 {
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	err := db.Write.Exec(`INSERT INTO targets (year, list, position, project_id, listed_name, deadline, created_at, updated_at)
		VALUES (2022, 'start', 1, 999, 'x', '2022-12-31', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("a target of a missing project gave %v, want a foreign key error", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestWritesTakeTheLockAtBegin checks BEGIN IMMEDIATE: a transaction on the
// writer holds the write lock from its start, so that a second writer is
// told "busy" at once instead of failing half-way through its work.
func TestWritesTakeTheLockAtBegin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock.db")
	db, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx := db.Write.Begin()
	defer tx.Rollback()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.Exec("BEGIN IMMEDIATE")
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("a second writer during an open transaction got %v, want database is locked", err)
	}
}

func TestPathsWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c=d%20e")
	path := filepath.Join(dir, "x.db")
	db, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where it was asked to be: %v", err)
	}
}

func TestTheDatabaseIsReadableByItsOwnerOnly(t *testing.T) {
	db := openTestDB(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.Write.DB()
	var path string
	if err := sqlDB.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("database file mode %04o, want 0600", info.Mode().Perm())
	}
}

// TestWritersTakeTurnsInOrder: transactions waiting for the writer begin
// in the order they asked, not at random, so that no writer waits many
// turns behind later ones.
func TestWritersTakeTurnsInOrder(t *testing.T) {
	db := openTestDB(t)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	holding := make(chan struct{})
	go db.Write.Transaction(func(*gorm.DB) error {
		close(holding)
		<-release
		return nil
	})
	<-holding
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db.Write.Transaction(func(*gorm.DB) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil
			})
		}()
		// Each has asked before the next: it waits in line for the turn.
		eventually(t, fmt.Sprintf("%d writers waiting for the writer", i+1), func() bool { return waitingForTheWriter() == i+1 })
	}
	close(release)
	wg.Wait()
	if !slices.IsSorted(order) {
		t.Errorf("writers began in the order %v, want the order they asked in", order)
	}
}

// TestTheWALIsCheckpointedInTheBackground: the writer does not checkpoint
// (it would make the writers behind it wait); a connection of its own
// does, every second. A checkpointed WAL is written again from its start,
// so the same writes after a checkpoint do not make it longer.
func TestTheWALIsCheckpointedInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wal.db")
	ctx := context.Background()
	db, err := Open(ctx, path, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var autocheckpoint int
	if err := db.Write.Raw("PRAGMA wal_autocheckpoint").Scan(&autocheckpoint).Error; err != nil || autocheckpoint != 0 {
		t.Fatalf("the writer's wal_autocheckpoint is %d (%v), want 0", autocheckpoint, err)
	}
	write := func(round string) int64 {
		for i := range 200 {
			if err := db.Write.Exec("INSERT INTO seed_runs (name, applied_at) VALUES (?, ?)", round+strconv.Itoa(i), time.Now()).Error; err != nil {
				t.Fatal(err)
			}
		}
		info, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	eventually(t, "the migrations' frames checkpointed", func() bool { return checkpointed(t, path) })
	first := write("a")
	eventually(t, "round a checkpointed", func() bool { return checkpointed(t, path) })
	// Without the checkpoint, round b's 200 commits (about 800 KB of
	// frames) would be added to the end.
	if second := write("b"); second > first+first/10 {
		t.Errorf("the WAL grew from %d to %d bytes: it was not checkpointed between the rounds", first, second)
	}
}

// checkpointed reports whether every frame of the WAL has been copied into
// the database file. It reads the WAL index (the -shm file) as
// https://www.sqlite.org/walformat.html lays it out: the last valid frame
// (mxFrame) at byte 16 of its header, the frames copied back (nBackfill)
// at byte 96, in the machine's byte order.
func checkpointed(t *testing.T, path string) bool {
	t.Helper()
	index, err := os.ReadFile(path + "-shm")
	if err != nil {
		t.Fatal(err)
	}
	if len(index) < 100 {
		return false
	}
	last, backfilled := binary.NativeEndian.Uint32(index[16:]), binary.NativeEndian.Uint32(index[96:])
	return last > 0 && backfilled == last
}

// waitingForTheWriter counts the goroutines that wait in line for the
// writer's turn: blocked in the select of groups.BeginTx, where the
// channel hands the turn on in the order they came.
func waitingForTheWriter() int {
	stacks := make([]byte, 1<<20)
	stacks = stacks[:runtime.Stack(stacks, true)]
	n := 0
	for _, g := range strings.Split(string(stacks), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[select") && strings.Contains(g, "database.(*groups).BeginTx") {
			n++
		}
	}
	return n
}

// eventually waits, for up to ten seconds, until done reports true.
func eventually(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !done(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited ten seconds for %s", what)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	db := openTestDB(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil { // and once more by the cleanup
		t.Errorf("closed again: %v", err)
	}
}

// TestFailedStatementsAreLoggedWithoutTheirValues: the log of a failed
// statement shows its placeholders, not the username or address it carried.
func TestFailedStatementsAreLoggedWithoutTheirValues(t *testing.T) {
	var logged strings.Builder
	var mu sync.Mutex
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"),
		slog.New(slog.NewTextHandler(lockedWriter{&mu, &logged}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	const secret = "li.gong@10.0.0.7"
	// Scan and Exec reach the logger by different ways in GORM.
	ctx := context.Background()
	if err := db.Read.WithContext(ctx).Raw("SELECT * FROM no_such_table WHERE name = ?", secret).Scan(&[]struct{}{}).Error; err == nil {
		t.Fatal("the query on a missing table succeeded")
	}
	if err := db.Write.WithContext(ctx).Exec("INSERT INTO no_such_table (name) VALUES (?)", secret).Error; err == nil {
		t.Fatal("the insert into a missing table succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logged.String(), "no_such_table") {
		t.Fatalf("the failed statement was not logged: %q", logged.String())
	}
	if strings.Contains(logged.String(), secret) {
		t.Errorf("the log holds the statement's value %q: %s", secret, logged.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
