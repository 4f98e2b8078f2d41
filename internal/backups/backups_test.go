package backups

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"shuangshi/data"
	"shuangshi/internal/database"
	"shuangshi/internal/projects"
)

// seededDatabase opens a migrated SQLite database at path with the
// report's projects in it.
func seededDatabase(t *testing.T, path string) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dataset, err := projects.ReadDataset(data.Seed())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := projects.NewStore(db, time.Now).Seed(ctx, "test", dataset); err != nil {
		t.Fatal(err)
	}
	return db
}

// dump is the record in a database file, row by row, as text.
func dump(t *testing.T, path string) string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b strings.Builder
	for _, table := range []string{"projects", "targets", "changes", "users", "data_version"} {
		rows, err := conn.Query("SELECT * FROM " + table + " ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		columns, _ := rows.Columns()
		values := make([]any, len(columns))
		pointers := make([]any, len(columns))
		for i := range values {
			pointers[i] = &values[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(pointers...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, values)
			n++
		}
		rows.Close()
		fmt.Fprintf(&b, "%s: %d rows\n", table, n)
	}
	return b.String()
}

func addChange(t *testing.T, db *database.DB, note string) {
	t.Helper()
	err := db.Write.Exec(`INSERT INTO changes (project_id, at, user_name, field, old_value, new_value, reason, public)
		VALUES (1, ?, 'test', 'progress', '', ?, '', 1)`, time.Now().UTC(), note).Error
	if err != nil {
		t.Fatal(err)
	}
}

// TestADailyCopyRestoresTheRecordAsItWas: the keeper's copy, restored,
// holds exactly the record at the moment it was taken, not what came
// after.
func TestADailyCopyRestoresTheRecordAsItWas(t *testing.T) {
	dir := t.TempDir()
	source := filepath.Join(dir, "shuangshi.db")
	db := seededDatabase(t, source)
	addChange(t, db, "before the copy")
	ctx := context.Background()

	keeper := &Keeper{DB: db, Dir: filepath.Join(dir, "backups"), Keep: 3, Every: 24 * time.Hour, Now: time.Now}
	copyPath, err := keeper.BackUpIfDue(ctx)
	if err != nil || copyPath == "" {
		t.Fatalf("no copy taken: %q, %v", copyPath, err)
	}
	// The record as the copy has it: read from the source before any more
	// writes.
	at := filepath.Join(dir, "at-the-copy.db")
	if _, err := Take(ctx, db, at); err != nil {
		t.Fatal(err)
	}
	want := dump(t, at)
	addChange(t, db, "after the copy")

	restored := filepath.Join(dir, "restored", "shuangshi.db")
	if err := os.MkdirAll(filepath.Dir(restored), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, copyPath, restored, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := dump(t, restored)
	if got != want {
		t.Errorf("the restored record differs from the record at the copy")
	}
	if !strings.Contains(got, "before the copy") || strings.Contains(got, "after the copy") {
		t.Errorf("the restored record should have the change made before the copy and not the one after")
	}
	if !strings.Contains(got, "projects: 34 rows") {
		t.Errorf("the restored record should have the 34 projects of the seed:\n%s", got[:min(len(got), 300)])
	}
}

// TestTheKeeperKeepsTheNewestCopies: a copy a day, however often it is
// asked, and only the newest Keep of them.
func TestTheKeeperKeepsTheNewestCopies(t *testing.T) {
	dir := t.TempDir()
	db := seededDatabase(t, filepath.Join(dir, "shuangshi.db"))
	now := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	keeper := &Keeper{DB: db, Dir: filepath.Join(dir, "backups"), Keep: 3, Every: 24 * time.Hour, Now: func() time.Time { return now }}
	// Not a copy of the keeper's: left alone.
	if err := os.MkdirAll(keeper.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(keeper.Dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var taken []string
	for day := range 5 {
		for _, later := range []time.Duration{0, time.Hour, 23 * time.Hour} {
			now = time.Date(2026, 11, 1+day, 3, 0, 0, 0, time.UTC).Add(later)
			path, err := keeper.BackUpIfDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if path != "" {
				taken = append(taken, path)
			}
		}
	}
	if len(taken) != 5 {
		t.Fatalf("%d copies taken over five days, want one a day: %v", len(taken), taken)
	}
	kept, err := keeper.Taken()
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 3 || kept[0].Path != taken[2] || kept[2].Path != taken[4] {
		t.Errorf("kept %v, want the newest three of %v", kept, taken)
	}
	if _, err := os.Stat(filepath.Join(keeper.Dir, "notes.txt")); err != nil {
		t.Errorf("a file that is not a copy was removed: %v", err)
	}
}

// TestADatabaseChangedByHandIsStillCopied: an index added to the database
// by hand makes its schema not its version's. The daily copy is taken all
// the same, and the log says that restore will refuse it.
func TestADatabaseChangedByHandIsStillCopied(t *testing.T) {
	dir := t.TempDir()
	db := seededDatabase(t, filepath.Join(dir, "shuangshi.db"))
	if err := db.Write.Exec("CREATE INDEX added_by_hand ON projects (name)").Error; err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	keeper := &Keeper{DB: db, Dir: filepath.Join(dir, "backups"), Keep: 3, Every: 24 * time.Hour, Now: time.Now,
		Log: slog.New(slog.NewTextHandler(&logged, nil))}
	path, err := keeper.BackUpIfDue(context.Background())
	if err != nil || path == "" {
		t.Fatalf("BackUpIfDue: %q, %v; want a copy", path, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "level=ERROR") || !strings.Contains(logged.String(), "added_by_hand") {
		t.Errorf("the log does not say what differs:\n%s", logged.String())
	}
}

// TestRestoreRefusesWhileAServerUsesTheDatabase: the server's claim keeps
// restore away, and nothing is replaced.
func TestRestoreRefusesWhileAServerUsesTheDatabase(t *testing.T) {
	dir := t.TempDir()
	source := filepath.Join(dir, "shuangshi.db")
	db := seededDatabase(t, source)
	copyPath := filepath.Join(dir, "copy.db")
	if _, err := Take(context.Background(), db, copyPath); err != nil {
		t.Fatal(err)
	}
	release, err := Claim(source)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Claim(source); !errors.Is(err, ErrInUse) {
		t.Errorf("a second claim: %v, want ErrInUse", err)
	}
	before := dump(t, source)
	if _, err := Restore(context.Background(), copyPath, source, time.Now()); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore while claimed: %v, want ErrInUse", err)
	}
	if dump(t, source) != before {
		t.Error("the database changed although restore refused")
	}
	release()
	if _, err := Restore(context.Background(), copyPath, source, time.Now()); err != nil {
		t.Errorf("restore once released: %v", err)
	}
}

// TestRestoreRefusesABadCopy: a file that is not a sound database of this
// program replaces nothing.
func TestRestoreRefusesABadCopy(t *testing.T) {
	dir := t.TempDir()
	source := filepath.Join(dir, "shuangshi.db")
	db := seededDatabase(t, source)
	good := filepath.Join(dir, "good.db")
	if _, err := Take(context.Background(), db, good); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	conn, err := sql.Open("sqlite3", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	newer := filepath.Join(dir, "newer.db")
	if _, err := Take(context.Background(), db, newer); err != nil {
		t.Fatal(err)
	}
	conn, err = sql.Open("sqlite3", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)"); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	bad := map[string][]byte{
		"text.db":      []byte("this is not a database"),
		"truncated.db": raw[:len(raw)/2],
		"empty.db":     {},
	}
	before := dump(t, source)
	for name, content := range bad {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"text.db", "truncated.db", "empty.db", "foreign.db", "newer.db", "missing.db"} {
		if _, err := Restore(context.Background(), filepath.Join(dir, name), source, time.Now()); err == nil {
			t.Errorf("%s was restored", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	if dump(t, source) != before {
		t.Error("a refused restore changed the database")
	}
	// The lock file stays, as the server leaves it: only a claim on it
	// counts.
	if entries, _ := filepath.Glob(source + ".*"); len(entries) != 1 || entries[0] != source+".lock" {
		t.Errorf("a refused restore left files behind: %v", entries)
	}
}

// wantMode fails the test unless the file or folder at path has mode want.
func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

// TestCopiesAreReadableByTheirOwnerOnly: with a umask that takes nothing
// away, a copy taken, the daily copies and their folder, and the files a
// restore leaves (the restored database and the one it replaced) are the
// owner's only; so are a folder and a copy an older version left readable
// by others, and a stale file of an interrupted restore.
func TestCopiesAreReadableByTheirOwnerOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	source := filepath.Join(dir, "shuangshi.db")
	db := seededDatabase(t, source)
	ctx := context.Background()

	taken := filepath.Join(dir, "taken.db")
	if _, err := Take(ctx, db, taken); err != nil {
		t.Fatal(err)
	}
	wantMode(t, taken, 0o600)

	fresh := &Keeper{DB: db, Dir: filepath.Join(dir, "fresh"), Keep: 3, Every: 24 * time.Hour, Now: time.Now}
	daily, err := fresh.BackUpIfDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, fresh.Dir, 0o700)
	wantMode(t, daily, 0o600)

	// A folder and a copy as an older version left them.
	loose := &Keeper{DB: db, Dir: filepath.Join(dir, "loose"), Keep: 3, Every: 24 * time.Hour, Now: time.Now}
	if err := os.Mkdir(loose.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	older := filepath.Join(loose.Dir, "shuangshi-20250101T000000Z.db")
	if err := CopyFile(taken, older); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(older, 0o644); err != nil {
		t.Fatal(err)
	}
	daily, err = loose.BackUpIfDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, loose.Dir, 0o700)
	wantMode(t, older, 0o600)
	wantMode(t, daily, 0o600)

	// A database an older version made readable by others, and the
	// restore's own temporary file left by an interrupted restore.
	target := filepath.Join(dir, "target", "shuangshi.db")
	if err := os.Mkdir(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target+".restoring", []byte("half a copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CopyFile(taken, target); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(target, 0o644); err != nil {
		t.Fatal(err)
	}
	keptAs, err := Restore(ctx, daily, target, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	wantMode(t, target, 0o600)
	wantMode(t, keptAs, 0o600)
}
