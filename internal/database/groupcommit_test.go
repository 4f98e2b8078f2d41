package database

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// openNotesDB opens a test database with a table of notes, each written by
// one transaction.
func openNotesDB(t *testing.T) *DB {
	t.Helper()
	db := openTestDB(t)
	// A group's age is measured on a clock that stands still, so that the
	// staged groups below are not committed early for being old.
	stopped := time.Now()
	db.Write.ConnPool.(*groups).now = func() time.Time { return stopped }
	err := db.Write.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL,
		parent INTEGER REFERENCES notes(id) DEFERRABLE INITIALLY DEFERRED)`).Error
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func notes(t *testing.T, db *DB) []string {
	t.Helper()
	var bodies []string
	if err := db.Read.Raw("SELECT body FROM notes ORDER BY body").Scan(&bodies).Error; err != nil {
		t.Fatal(err)
	}
	return bodies
}

func writeNote(db *gorm.DB, body string) error {
	return db.Exec("INSERT INTO notes (body) VALUES (?)", body).Error
}

// stagedGroup begins a transaction that holds the writer until release is
// called: the transactions begun meanwhile wait behind it and share its
// commit. release returns the first transaction's result.
func stagedGroup(t *testing.T, db *DB, first func(*gorm.DB) error) (release func() error) {
	t.Helper()
	holding, let := make(chan struct{}), make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- db.Write.Transaction(func(tx *gorm.DB) error {
			close(holding)
			<-let
			return first(tx)
		})
	}()
	<-holding
	return func() error {
		close(let)
		return <-result
	}
}

// TestGroupCommitKeepsEachTransactionsOutcome: transactions that wait for
// the writer together are committed together, but one that rolls back
// takes only its own writes with it.
func TestGroupCommitKeepsEachTransactionsOutcome(t *testing.T) {
	db := openNotesDB(t)
	_, commitsBefore := db.GroupCommits()
	var wg sync.WaitGroup
	results := make([]error, 3)
	begin := func(i int, fn func(*gorm.DB) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = db.Write.Transaction(fn)
		}()
	}
	refused := errors.New("refused")
	release := stagedGroup(t, db, func(tx *gorm.DB) error { return writeNote(tx, "a") })
	g := db.Write.ConnPool.(*groups)
	begin(0, func(tx *gorm.DB) error { return writeNote(tx, "b") })
	waitInLine(t, g, 2)
	begin(1, func(tx *gorm.DB) error {
		if err := writeNote(tx, "c"); err != nil {
			return err
		}
		return refused
	})
	waitInLine(t, g, 3)
	begin(2, func(tx *gorm.DB) error {
		// The group's earlier writes are already visible to a later member.
		var n int64
		if err := tx.Raw("SELECT count(*) FROM notes").Scan(&n).Error; err != nil {
			return err
		}
		return writeNote(tx, fmt.Sprintf("d saw %d", n))
	})
	waitInLine(t, g, 4)

	if err := release(); err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	wg.Wait()
	if results[0] != nil || !errors.Is(results[1], refused) || results[2] != nil {
		t.Fatalf("results %v, want nil, refused, nil", results)
	}
	if got, want := fmt.Sprint(notes(t, db)), "[a b d saw 2]"; got != want {
		t.Errorf("notes %s, want %s", got, want)
	}
	if _, commits := db.GroupCommits(); commits-commitsBefore != 1 {
		t.Errorf("%d commits, want the group's one", commits-commitsBefore)
	}
}

func waitInLine(t *testing.T, g *groups, n int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); g.inLine.Load() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d in line, want %d", g.inLine.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestAFailedGroupCommitFailsEveryMember: when the commit fails, no
// member is told its writes were saved, and none of them is.
func TestAFailedGroupCommitFailsEveryMember(t *testing.T) {
	db := openNotesDB(t)
	release := stagedGroup(t, db, func(tx *gorm.DB) error { return writeNote(tx, "a") })
	g := db.Write.ConnPool.(*groups)
	var wg sync.WaitGroup
	results := make([]error, 2)
	for i, fn := range []func(*gorm.DB) error{
		// A foreign key checked at commit fails the whole commit.
		func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO notes (body, parent) VALUES ('orphan', 999)").Error
		},
		func(tx *gorm.DB) error { return writeNote(tx, "c") },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = db.Write.Transaction(fn)
		}()
		waitInLine(t, g, int64(2+i))
	}
	errFirst := release()
	wg.Wait()
	for i, err := range append([]error{errFirst}, results...) {
		if err == nil {
			t.Errorf("transaction %d was told it was saved", i)
		}
	}
	if got := notes(t, db); len(got) != 0 {
		t.Errorf("notes %v, want none", got)
	}
	// The writer goes on.
	if err := db.Write.Transaction(func(tx *gorm.DB) error { return writeNote(tx, "after") }); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(notes(t, db)); got != "[after]" {
		t.Errorf("notes %s, want [after]", got)
	}
}

// TestAWriterThatStopsWaitingDoesNotHoldUpTheGroup: a request that gives
// up while waiting for its turn leaves the line, and the group before it
// is still committed.
func TestAWriterThatStopsWaitingDoesNotHoldUpTheGroup(t *testing.T) {
	db := openNotesDB(t)
	release := stagedGroup(t, db, func(tx *gorm.DB) error { return writeNote(tx, "a") })
	g := db.Write.ConnPool.(*groups)
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		gaveUp <- db.Write.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return writeNote(tx, "never") })
	}()
	waitInLine(t, g, 2)
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("the one that gave up got %v, want context.Canceled", err)
	}
	done := make(chan error, 1)
	go func() { done <- release() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first transaction's commit never returned")
	}
	if err := db.Write.Transaction(func(tx *gorm.DB) error { return writeNote(tx, "b") }); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(notes(t, db)); got != "[a b]" {
		t.Errorf("notes %s, want [a b]", got)
	}
	if n := g.inLine.Load(); n != 0 {
		t.Errorf("%d still in line", n)
	}
}

// TestManyWritersAtOnce: every transaction that was told it committed is
// stored, none that rolled back is, and under this load they share
// commits.
func TestManyWritersAtOnce(t *testing.T) {
	db := openNotesDB(t)
	db.Write.ConnPool.(*groups).now = time.Now
	const writers, each = 32, 25
	var mu sync.Mutex
	want := map[string]bool{}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := fmt.Sprintf("%02d-%02d", w, i)
				refuse := (w+i)%7 == 0
				err := db.Write.Transaction(func(tx *gorm.DB) error {
					if err := writeNote(tx, body); err != nil {
						return err
					}
					if refuse {
						return errors.New("refused")
					}
					return nil
				})
				if err == nil {
					mu.Lock()
					want[body] = true
					mu.Unlock()
				} else if !refuse {
					t.Errorf("%s: %v", body, err)
				}
			}
		}()
	}
	wg.Wait()
	stored := notes(t, db)
	if len(stored) != len(want) {
		t.Errorf("%d notes stored, %d acknowledged", len(stored), len(want))
	}
	for _, body := range stored {
		if !want[body] {
			t.Errorf("%s is stored but was not acknowledged", body)
		}
	}
	transactions, commits := db.GroupCommits()
	t.Logf("%d transactions in %d commits", transactions, commits)
	if transactions < int64(len(want)) || commits >= transactions {
		t.Errorf("%d transactions in %d commits: want every acknowledged one counted, and commits shared", transactions, commits)
	}
}

// TestAStatementInATransactionStaysInIt: GORM wraps a Create in a
// transaction of its own unless it is already in one; inside a member's
// transaction it must not ask for another turn (it would wait for itself).
func TestAStatementInATransactionStaysInIt(t *testing.T) {
	db := openNotesDB(t)
	type note struct {
		ID   int64
		Body string
	}
	done := make(chan error, 1)
	go func() {
		done <- db.Write.Transaction(func(tx *gorm.DB) error {
			return tx.Table("notes").Create(&note{Body: "created"}).Error
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the Create inside the transaction waited for a turn of its own")
	}
	if got := fmt.Sprint(notes(t, db)); got != "[created]" {
		t.Errorf("notes %s, want [created]", got)
	}
}
