package database_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"shuangshi/internal/database"
	"shuangshi/internal/database/databasetest"
)

// TestMigrationsAreKeptInStep: from the first PostgreSQL migration on,
// every version has a file for each database, under the same number.
func TestMigrationsAreKeptInStep(t *testing.T) {
	versions := func(dialect string) map[int]bool {
		files, err := filepath.Glob(filepath.Join("migrations", dialect, "*.sql"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s migrations (%v)", dialect, err)
		}
		v := map[int]bool{}
		for _, f := range files {
			n, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
			if err != nil {
				t.Fatalf("%s: not numbered", f)
			}
			v[n] = true
		}
		return v
	}
	sqlite, postgres := versions("sqlite"), versions("postgres")
	first := 1 << 30
	for v := range postgres {
		first = min(first, v)
		if !sqlite[v] {
			t.Errorf("migration %d is for PostgreSQL only", v)
		}
	}
	for v := range sqlite {
		if v >= first && !postgres[v] {
			t.Errorf("migration %d has no PostgreSQL file", v)
		}
	}
}

func version(t *testing.T, tx *gorm.DB) int64 {
	t.Helper()
	var v int64
	if err := tx.Raw("SELECT version FROM data_version WHERE id = 1").Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDataVersionMovesWithTheRecord checks the triggers: a change to a
// project, target, history row, assignment, comment or user's name moves
// the version; a session seen does not.
func TestDataVersionMovesWithTheRecord(t *testing.T) {
	db := databasetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	w := db.Write.WithContext(ctx)
	moves := func(what string, sql string, args ...any) {
		t.Helper()
		before := version(t, db.Read)
		if err := w.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		after, read := version(t, db.Read), int64(0)
		if read, _ = db.DataVersion(ctx); read != after {
			t.Errorf("DataVersion says %d, the table %d", read, after)
		}
		if after <= before {
			t.Errorf("%s: the version stayed at %d", what, before)
		}
	}
	moves("a project", "INSERT INTO projects (id, name, category, created_at, updated_at) VALUES (1, '甲路新建工程', 'road', ?, ?)", now, now)
	moves("a target", "INSERT INTO targets (id, year, list, position, project_id, listed_name, deadline, created_at, updated_at) VALUES (1, 2026, 'start', 1, 1, '甲路新建工程', '2026-12-31', ?, ?)", now, now)
	moves("a progress", "UPDATE targets SET progress = '已开工' WHERE id = 1")
	moves("history", "INSERT INTO changes (project_id, at, user_name, field, old_value, new_value, public) VALUES (1, ?, 'li', 'progress', '', '已开工', TRUE)", now)
	// A new account shows nowhere until it is assigned a project.
	if err := w.Exec("INSERT INTO users (id, username, role, password_hash, created_at, updated_at) VALUES (1, 'li', 'engineer', 'x', ?, ?)", now, now).Error; err != nil {
		t.Fatal(err)
	}
	moves("an assignment", "INSERT INTO assignments (user_id, project_id, created_at) VALUES (1, 1, ?)", now)
	moves("a comment", "INSERT INTO comments (target_id, author_name, body, created_at) VALUES (1, 'sup', '请报送计划', ?)", now)
	moves("a user's name", "UPDATE users SET display_name = '李工' WHERE id = 1")

	before := version(t, db.Read)
	if err := w.Exec("INSERT INTO sessions (id, user_id, generation, created_at, seen_at) VALUES ('s', 1, 1, ?, ?)", now, now).Error; err != nil {
		t.Fatal(err)
	}
	if err := w.Exec("UPDATE sessions SET seen_at = ? WHERE id = 's'", now.Add(time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	if after := version(t, db.Read); after != before {
		t.Errorf("a session moved the version from %d to %d: every sign-in would empty the kept pages", before, after)
	}
	changed, err := db.DataChanged(ctx)
	if err != nil || time.Since(changed) > time.Hour || time.Since(changed) < -time.Hour {
		t.Errorf("DataChanged = %v, %v; want about now", changed, err)
	}
}

// TestTheOtherVersionsMoveWithWhatTheyFollow checks migrations 25 and 26:
// an ended session and a changed account move the sessions version, a
// session seen does not; an update of a project or a target is a touch of
// the project, at or after the version before it, and moves nothing
// broad; an assignment and a target moved to another year do. In a
// context of ReadVersionsOnce the versions are read once.
func TestTheOtherVersionsMoveWithWhatTheyFollow(t *testing.T) {
	db := databasetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	w := db.Write.WithContext(ctx)
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := w.Exec(sql, args...).Error; err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	read := func() database.Versions {
		t.Helper()
		v, err := db.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	exec("INSERT INTO projects (id, name, category, created_at, updated_at) VALUES (1, '甲路新建工程', 'road', ?, ?)", now, now)
	exec("INSERT INTO targets (id, year, list, position, project_id, listed_name, deadline, created_at, updated_at) VALUES (1, 2026, 'start', 1, 1, '甲路新建工程', '2026-12-31', ?, ?)", now, now)
	exec("INSERT INTO users (id, username, role, password_hash, created_at, updated_at) VALUES (1, 'li', 'engineer', 'x', ?, ?)", now, now)
	exec("INSERT INTO sessions (id, user_id, generation, created_at, seen_at) VALUES ('s', 1, 1, ?, ?)", now, now)

	before := read()
	exec("UPDATE sessions SET seen_at = ? WHERE id = 's'", now.Add(time.Minute))
	if after := read(); after.Sessions != before.Sessions {
		t.Errorf("a session seen moved the sessions version from %d to %d", before.Sessions, after.Sessions)
	}
	exec("UPDATE users SET session_generation = session_generation + 1 WHERE id = 1")
	if after := read(); after.Sessions <= before.Sessions {
		t.Error("a changed account did not move the sessions version")
	}
	before = read()
	exec("DELETE FROM sessions WHERE id = 's'")
	if after := read(); after.Sessions <= before.Sessions {
		t.Error("an ended session did not move the sessions version")
	}

	before = read()
	exec("UPDATE targets SET progress = '已开工' WHERE id = 1")
	exec("UPDATE projects SET delay_reason = '征地' WHERE id = 1")
	if after := read(); after.Broad != before.Broad || after.Record <= before.Record {
		t.Errorf("updates of a project and its target: versions %+v, were %+v; want the record's alone to move", after, before)
	}
	var touched []int64
	if err := db.Read.WithContext(ctx).Raw("SELECT project_id FROM console_touches WHERE version >= ?", before.Record).Scan(&touched).Error; err != nil {
		t.Fatal(err)
	}
	if len(touched) != 2 || touched[0] != 1 || touched[1] != 1 {
		t.Errorf("touches since %d: %v, want project 1 twice", before.Record, touched)
	}
	before = read()
	exec("UPDATE targets SET year = 2027 WHERE id = 1")
	if after := read(); after.Broad <= before.Broad {
		t.Error("a target moved to another year did not move the broad version")
	}
	before = read()
	exec("INSERT INTO assignments (user_id, project_id, created_at) VALUES (1, 1, ?)", now)
	if after := read(); after.Broad <= before.Broad {
		t.Error("an assignment did not move the broad version")
	}

	once := database.ReadVersionsOnce(ctx)
	first, err := db.Versions(once)
	if err != nil {
		t.Fatal(err)
	}
	exec("UPDATE projects SET delay_reason = '拆迁' WHERE id = 1")
	if again, _ := db.Versions(once); again != first {
		t.Errorf("read once, then %+v, then %+v", first, again)
	}
	if now := read(); now.Record <= first.Record {
		t.Errorf("outside the context the versions stayed at %+v", now)
	}
}

func TestDataVersionOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"TheOtherVersionsMoveWithWhatTheyFollow": TestTheOtherVersionsMoveWithWhatTheyFollow,
		"DataVersionMovesWithTheRecord":          TestDataVersionMovesWithTheRecord,
		"MemoReadsOncePerVersion":                TestMemoReadsOncePerVersion,
	})
}

// TestPostgresWritesAreMadeOneAtATime: a writing transaction waits for the
// one before it to end, as on SQLite, whichever connection it is on.
func TestPostgresWritesAreMadeOneAtATime(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){"OneAtATime": func(t *testing.T) {
		db := databasetest.Open(t)
		var mu sync.Mutex
		var order []string
		note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
		firstHasLock, secondAsked := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			db.Write.Transaction(func(tx *gorm.DB) error {
				note("first begins")
				close(firstHasLock)
				<-secondAsked
				note("first ends")
				return nil
			})
		}()
		go func() {
			defer wg.Done()
			<-firstHasLock
			db.Write.Transaction(func(tx *gorm.DB) error {
				note("second begins")
				return nil
			})
		}()
		// The first ends once the second waits for the write lock, or,
		// should it never wait, after ten seconds, and the order tells.
		<-firstHasLock
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			var waiting int64
			if err := db.Read.Raw("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").Scan(&waiting).Error; err != nil {
				t.Error(err)
				break
			}
			if waiting > 0 {
				break
			}
		}
		close(secondAsked)
		wg.Wait()
		if got := strings.Join(order, ", "); got != "first begins, first ends, second begins" {
			t.Errorf("order: %s", got)
		}
	}})
}
