package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// groups is the SQLite writer as GORM sees it. SQLite makes one writing
// transaction at a time, and with synchronous=FULL each commit waits for
// the disk; under many writers the commits, not the statements, set the
// pace. So transactions that ask at the same time are committed together
// (group commit):
//
//   - Each caller's transaction takes its turn, first come, first served
//     (database/sql would hand its one connection to a waiter at random,
//     so that some waited many turns).
//   - In its turn it runs inside a savepoint of one real transaction,
//     begun by the first of the group. Its Rollback undoes its own
//     savepoint only.
//   - Its Commit releases the savepoint and passes the turn on. The last
//     in line, or the one that fills the group, commits the real
//     transaction, and every Commit of the group returns only after that
//     commit, with its result: nothing is acknowledged before it is on
//     disk.
type groups struct {
	db   *sql.DB
	turn chan struct{} // one token, held from BeginTx to Commit or Rollback
	// inLine counts the callers holding or waiting for the turn: the one
	// that finds nobody behind it commits.
	inLine atomic.Int64
	open   *group // the transaction open across turns; only the turn's holder touches it
	now    func() time.Time

	transactions, commits atomic.Int64 // callers' transactions committed, and real commits made
}

// A group is the real transaction of one or more callers.
type group struct {
	tx      *sql.Tx
	began   time.Time
	members int           // callers whose savepoint was released into it
	done    chan struct{} // closed once it is committed or lost
	err     error         // why it was not committed
}

// A group is committed when nobody waits to join it, and at the latest
// when it has maxGroupMembers members or is maxGroupAge old, so that the
// first of a group waits a bounded time even while writers keep coming.
// A commit waits for the disk, a millisecond or more while the writers
// wait; at 32 writers and 100,000 projects, groups of up to 16 or 2 ms
// held 6 to 10 saves and the commits were half of the writer's time, while
// 32 or 5 ms let 12 to 15 share one (1,600 saves a second before, 2,000
// to 2,200 after, on a copy of the benchmark's database).
const (
	maxGroupMembers = 32
	maxGroupAge     = 5 * time.Millisecond
)

func newGroups(db *sql.DB) *groups {
	return &groups{db: db, turn: make(chan struct{}, 1), now: time.Now}
}

// BeginTx waits for the turn and begins the caller's savepoint.
func (g *groups) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	g.inLine.Add(1)
	select {
	case g.turn <- struct{}{}:
	case <-ctx.Done():
		// The caller leaves the line, but its place is kept and passed on
		// when it comes, so that whoever is last still commits.
		go func() {
			g.turn <- struct{}{}
			g.pass()
		}()
		return nil, ctx.Err()
	}
	if g.open == nil {
		// The real transaction outlives this caller's request: it must not
		// end when that request's context does.
		tx, err := g.db.BeginTx(context.WithoutCancel(ctx), opts)
		if err != nil {
			g.pass()
			return nil, err
		}
		g.open = &group{tx: tx, began: g.now(), done: make(chan struct{})}
	}
	m := &member{groups: g, group: g.open}
	if _, err := m.group.tx.ExecContext(context.WithoutCancel(ctx), "SAVEPOINT member"); err != nil {
		g.lose(err)
		g.pass()
		return nil, err
	}
	return m, nil
}

// pass ends the turn of its holder: it commits the open group if it is
// due, and hands the turn to the next in line.
func (g *groups) pass() {
	if gr := g.open; gr != nil {
		nobodyBehind := g.inLine.Load() == 1
		if nobodyBehind || gr.members >= maxGroupMembers || g.now().Sub(gr.began) >= maxGroupAge {
			g.open = nil
			if gr.members == 0 {
				gr.err = gr.tx.Rollback() // nothing in it to keep
			} else if gr.err = gr.tx.Commit(); gr.err == nil {
				g.transactions.Add(int64(gr.members))
				g.commits.Add(1)
			}
			close(gr.done)
		}
	}
	g.inLine.Add(-1)
	<-g.turn
}

// lose rolls back the open group after SQLite ended its transaction (an
// I/O error, a full disk, an interrupted statement): every member waiting
// for the commit gets the error instead.
func (g *groups) lose(cause error) {
	gr := g.open
	g.open = nil
	gr.tx.Rollback()
	gr.err = fmt.Errorf("the transaction was rolled back with its group's writes: %w", cause)
	close(gr.done)
}

func (g *groups) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return g.db.PrepareContext(ctx, query)
}

func (g *groups) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return g.db.ExecContext(ctx, query, args...)
}

func (g *groups) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return g.db.QueryContext(ctx, query, args...)
}

func (g *groups) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return g.db.QueryRowContext(ctx, query, args...)
}

// GetDBConn gives GORM the pool, for DB().
func (g *groups) GetDBConn() (*sql.DB, error) { return g.db, nil }

// member is one caller's transaction: a savepoint in its group's. Its
// statements are not cancelled with the caller's request: SQLite rolls
// back the whole transaction when a write is interrupted, and with it the
// other members' writes.
type member struct {
	// Not embedded: a member must have no BeginTx, which tells GORM that
	// a statement is already in a transaction.
	groups *groups
	group  *group
	ended  sync.Once
}

func (m *member) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return m.group.tx.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (m *member) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return m.group.tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (m *member) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return m.group.tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

func (m *member) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return m.group.tx.PrepareContext(context.WithoutCancel(ctx), query)
}

func (m *member) StmtContext(ctx context.Context, stmt *sql.Stmt) *sql.Stmt {
	return m.group.tx.StmtContext(context.WithoutCancel(ctx), stmt)
}

// Commit keeps the member's writes in the group, and returns once the
// group is committed, with its result.
func (m *member) Commit() error {
	if !m.end() {
		return sql.ErrTxDone
	}
	gr := m.group
	if _, err := gr.tx.Exec("RELEASE member"); err != nil {
		m.groups.lose(err)
		m.groups.pass()
		return err
	}
	gr.members++
	m.groups.pass()
	<-gr.done
	return gr.err
}

// Rollback undoes the member's writes, and only them.
func (m *member) Rollback() error {
	if !m.end() {
		return sql.ErrTxDone
	}
	_, err := m.group.tx.Exec("ROLLBACK TO member")
	if err == nil {
		_, err = m.group.tx.Exec("RELEASE member")
	}
	if err != nil {
		// SQLite had already rolled back the whole transaction.
		m.groups.lose(err)
	}
	m.groups.pass()
	if err != nil {
		return errors.Join(errMemberLost, err)
	}
	return nil
}

var errMemberLost = errors.New("the transaction was rolled back with its group")

// end reports whether this is the first Commit or Rollback.
func (m *member) end() bool {
	first := false
	m.ended.Do(func() { first = true })
	return first
}

// GroupCommits reports how many writing transactions SQLite's writer has
// committed, and in how many commits: their ratio is how many share a
// commit under the current load. Both are 0 on PostgreSQL.
func (db *DB) GroupCommits() (transactions, commits int64) {
	if g, ok := db.Write.ConnPool.(*groups); ok {
		return g.transactions.Load(), g.commits.Load()
	}
	return 0, 0
}
