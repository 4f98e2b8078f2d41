// Package database opens the application's database, a SQLite file or a
// PostgreSQL server, brings its schema up to date with the migrations of
// its kind, and copies and verifies SQLite files for backups. Feature
// packages receive the opened handles and keep every query in their own
// stores.
package database

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// DB holds the two sides of the database. Writes are made one at a time:
// on SQLite, Write is a single connection whose transactions take turns in
// the order they asked and are committed in groups (see groups), instead
// of failing with "database is locked"; on PostgreSQL every writing
// transaction first takes one advisory lock (see serialized). Read is a
// pool that reads alongside the writer (on SQLite, thanks to WAL).
type DB struct {
	Write *gorm.DB
	Read  *gorm.DB

	// dialect is "sqlite" or "postgres": the folder of its migrations.
	dialect goose.Dialect
	path    string // the SQLite file; empty on PostgreSQL

	// version reads the data version; prepared once, and shared by the
	// requests that ask at the same moment, because every public request
	// asks for it.
	versionOnce sync.Mutex
	version     *sql.Stmt
	versions    *sharedRead
	// wal, on SQLite, tells when nothing was committed since the versions
	// were last read (see walIndex); nil on PostgreSQL.
	wal *walIndex

	// checkpoints is SQLite's connection for checkpoints, made in the
	// background until stop is closed; nil on PostgreSQL. It is held from
	// Open to Close (checkpointer), which also keeps the WAL-index that
	// wal reads the same file: SQLite deletes it when the last connection
	// to the database closes.
	checkpoints   *sql.DB
	checkpointer  *sql.Conn
	stop, stopped chan struct{}
	stopOnce      sync.Once
}

// IsPostgres reports whether source names a PostgreSQL database (a
// postgres:// URL) rather than a SQLite file.
func IsPostgres(source string) bool {
	return strings.HasPrefix(source, "postgres://") || strings.HasPrefix(source, "postgresql://")
}

// GORM logs a statement run through Scan by way of a recorder that ignores
// the logger's ParameterizedQueries and asks this package-level hook of
// GORM's instead; without it a failed Raw(…).Scan would be logged with its
// values.
func init() {
	logger.RecorderParamsFilter = func(_ context.Context, sql string, _ ...any) (string, []any) { return sql, nil }
}

// Open opens the database at source: a PostgreSQL database when it is a
// postgres:// URL, otherwise a SQLite file, created if needed. It does not
// migrate; call Migrate.
func Open(ctx context.Context, source string, log *slog.Logger) (*DB, error) {
	// Each handle gets its own configuration: GORM keeps its state in it.
	statements := logger.Config{
		SlowThreshold:             200 * time.Millisecond,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		// A slow or failed statement is logged with its placeholders,
		// not its values: those are usernames, addresses and whatever a
		// spreadsheet held.
		ParameterizedQueries: true,
	}
	cfg := func(prepared bool) *gorm.Config {
		return &gorm.Config{
			Logger: newStatementLog(logger.NewSlogLogger(log, statements), statements),
			// Timestamps are recorded in UTC; pages convert for display.
			NowFunc: func() time.Time { return time.Now().UTC() },
			// On PostgreSQL a statement is prepared once per connection
			// and kept: preparing was a tenth of a page's time (SQLite's
			// driver keeps its own, see dsn). The cache is
			// bounded, because an IN list of each length is a statement
			// of its own.
			PrepareStmt:        prepared,
			PrepareStmtMaxSize: 256,
			PrepareStmtTTL:     time.Hour,
		}
	}
	if IsPostgres(source) {
		return openPostgres(ctx, source, cfg)
	}
	return openSQLite(ctx, source, cfg)
}

// openSQLite opens (creating if needed) the SQLite database at path, with
// its directory, and configures every connection through the DSN.
func openSQLite(ctx context.Context, path string, gormConfig func(prepared bool) *gorm.Config) (*DB, error) {
	limitMallocArenas(os.Getenv)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// The database holds password hashes and the security log: create it
	// readable by its owner only (SQLite gives its -wal and -shm files the
	// same mode).
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create database %s: %w", path, err)
	}
	writeSQL, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	writeSQL.SetMaxOpenConns(1)
	// The writer's statements run in savepoints of a transaction that
	// others share (see groups); GORM would prepare them on that
	// transaction and prepare them again in the next, so it does not.
	write, err := gorm.Open(&sqlite.Dialector{Conn: newGroups(writeSQL)}, gormConfig(false))
	if err != nil {
		writeSQL.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Connections open lazily; open the writer now so that a path that cannot
	// be created fails at start, not on the first request.
	if err := writeSQL.PingContext(ctx); err != nil {
		writeSQL.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}

	// The readers' statements are kept prepared by the driver, not by GORM:
	// GORM binds a statement it prepared in a transaction to that
	// transaction, and every later transaction prepared it again (a
	// project's page and every update read in one).
	read, err := gorm.Open(sqlite.Open(dsn(path, true)), gormConfig(false))
	if err != nil {
		writeSQL.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	readSQL, err := read.DB()
	if err != nil {
		writeSQL.Close()
		return nil, err
	}
	// Enough readers that a request rarely waits for a connection: Go's
	// pool hands a freed connection to a waiter at random, and waits are
	// what make the slowest answers slow.
	readSQL.SetMaxOpenConns(max(16, 8*runtime.NumCPU()))
	readSQL.SetMaxIdleConns(max(16, 8*runtime.NumCPU()))
	// Checkpoints copy the WAL into the database file and wait for the
	// disk. Left to the writer, one in every thousand or so commits carried
	// one, and every writer queued behind it waited too; a connection of
	// its own does them in the background instead.
	if _, err := writeSQL.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0"); err != nil {
		writeSQL.Close()
		readSQL.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	checkpoints, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		writeSQL.Close()
		readSQL.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	checkpoints.SetMaxOpenConns(1)
	checkpointer, err := checkpoints.Conn(ctx)
	if err != nil {
		writeSQL.Close()
		readSQL.Close()
		checkpoints.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{Write: write, Read: read, dialect: goose.DialectSQLite3, path: path, checkpoints: checkpoints, checkpointer: checkpointer, stop: make(chan struct{}), stopped: make(chan struct{})}
	db.versions = newSharedRead(db.readVersions)
	db.wal = watchWALIndex(path)
	go db.checkpointEvery(checkpointInterval)
	return db, nil
}

// checkpointInterval is how often the WAL is copied into the database.
const checkpointInterval = time.Second

// checkpointEvery checkpoints the WAL every interval, without waiting for
// readers or the writer (PASSIVE), until Close.
func (db *DB) checkpointEvery(interval time.Duration) {
	defer close(db.stopped)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-tick.C:
			// A checkpoint that fails (a busy file) is tried again at the
			// next tick; the WAL keeps every commit meanwhile.
			db.checkpointer.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// openPostgres opens a PostgreSQL database, for more than one server on
// the same data. Writes are made one at a time, as on SQLite: every
// writing transaction first takes one advisory lock (see serialized).
func openPostgres(ctx context.Context, source string, gormConfig func(prepared bool) *gorm.Config) (*DB, error) {
	pool, err := sql.Open("pgx", source)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pool.SetMaxOpenConns(max(16, 8*runtime.NumCPU()))
	pool.SetMaxIdleConns(max(16, 8*runtime.NumCPU()))
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	write, err := gorm.Open(postgres.New(postgres.Config{Conn: serialized{pool}}), gormConfig(true))
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	read, err := gorm.Open(postgres.New(postgres.Config{Conn: pool}), gormConfig(true))
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := &DB{Write: write, Read: read, dialect: goose.DialectPostgres}
	db.versions = newSharedRead(db.readVersions)
	return db, nil
}

// writeLock is the advisory lock every writing transaction on PostgreSQL
// holds until it ends ("双十" in the digits of its code points).
const writeLock = 0x53CC5341

// serialized is the PostgreSQL pool as the writer sees it: a transaction
// begins by waiting for the write lock, so that writes are made one at a
// time across every server, as SQLite's BEGIN IMMEDIATE makes them on one,
// and the stores' read-then-write steps (a name not taken, the next 序号, a
// version still current) stay sound.
type serialized struct{ *sql.DB }

func (s serialized) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	tx, err := s.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("take the write lock: %w", err)
	}
	return tx, nil
}

// GetDBConn gives GORM the pool, for DB().
func (s serialized) GetDBConn() (*sql.DB, error) { return s.DB, nil }

// dsn sets every connection up the same way, whichever connection of the pool
// it is: WAL so readers never block the writer; a busy timeout so a brief
// lock waits instead of failing; foreign keys, which SQLite leaves off by
// default; BEGIN IMMEDIATE so a transaction that will write takes the write
// lock at its start and cannot fail half-way with SQLITE_BUSY; and
// synchronous=FULL so that a change acknowledged to a user survives a crash of
// the machine, not only of the process.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "FULL")
	// The driver keeps each connection's statements prepared, in and out
	// of transactions: GORM's own cache cannot serve the writer, whose
	// statements run in a shared transaction (see groups), nor a reader's
	// transactions.
	q.Set("_stmt_cache_size", "128")
	if readOnly {
		q.Set("mode", "ro")
		q.Set("_query_only", "on")
		// A reader's page cache is emptied whenever another connection
		// has written, so under writes it holds little for long; the
		// readers are many, and at SQLite's default of 2 MB each they
		// held a fifth of the server's memory.
		q.Set("_cache_size", strconv.Itoa(-readerCacheKiB))
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + escapePath(path) + "?" + q.Encode()
}

// readerCacheKiB is each reading connection's page cache.
const readerCacheKiB = 512

// escapePath keeps a file name from being read as part of the URI: in
// "file:" names SQLite decodes %XX, and the driver splits at the first "?",
// so a "#" or "?" in a folder's name would otherwise open another file.
func escapePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Migrate applies the embedded migrations that the database has not seen yet.
func (db *DB) Migrate(ctx context.Context) error {
	provider, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrations returns goose's view of the database and of the embedded
// migrations for its dialect.
func (db *DB) migrations() (*goose.Provider, error) {
	sqlDB, err := db.Write.DB()
	if err != nil {
		return nil, err
	}
	return newProvider(db.dialect, sqlDB)
}

// Versions are the versions of what servers keep in memory, read together
// in one statement: equal versions mean the same data, on every server
// that shares the database.
type Versions struct {
	// Record is the version of the public record (see migration 00009):
	// the projects, targets and history, and what the console shows.
	Record int64
	// Sessions is the version of who may be signed in (migration 00025):
	// it moves when a session ends or an account changes.
	Sessions int64
	// Broad moves with every change the console reads that is not an
	// update of one project or its targets (migration 00026); those are
	// in console_touches instead.
	Broad int64
}

// Versions returns the versions as of now: the answer is never older than
// the call, or, in a context of ReadVersionsOnce, than the first call in
// it. They are read for every request that is answered from memory.
func (db *DB) Versions(ctx context.Context) (Versions, error) {
	held, ok := ctx.Value(heldVersionsKey{}).(*heldVersions)
	if !ok {
		return db.currentVersions(ctx)
	}
	held.mu.Lock()
	defer held.mu.Unlock()
	if held.read {
		return held.versions, nil
	}
	v, err := db.currentVersions(ctx)
	if err == nil {
		held.versions, held.read = v, true
	}
	return v, err
}

// currentVersions returns the versions as of now: as last read, when
// SQLite's WAL-index shows no commit since; otherwise read, shared with
// the callers who ask at the same moment.
func (db *DB) currentVersions(ctx context.Context) (Versions, error) {
	if db.wal == nil {
		return db.versions.get(ctx)
	}
	header, whole := db.wal.readHeader()
	if whole {
		if v, ok := db.wal.unchanged(header); ok {
			return v, nil
		}
	}
	// The read begins after the header was read (see sharedRead.get).
	v, err := db.versions.get(ctx)
	if err == nil && whole {
		db.wal.remember(header, v)
	}
	return v, err
}

// ReadVersionsOnce returns a context in which Versions reads the versions
// once and then answers with what it read: for a request that reads and
// writes nothing it then reads, which is served as of when it came (the
// sessions, the kept pages and the console each asked on their own before,
// and each waited for a read of its own).
func ReadVersionsOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, heldVersionsKey{}, &heldVersions{})
}

type heldVersionsKey struct{}

type heldVersions struct {
	mu       sync.Mutex
	read     bool
	versions Versions
}

// DataVersion returns the version of the public record (Versions.Record).
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	v, err := db.Versions(ctx)
	return v.Record, err
}

// SessionsVersion returns the version of who may be signed in
// (Versions.Sessions).
func (db *DB) SessionsVersion(ctx context.Context) (int64, error) {
	v, err := db.Versions(ctx)
	return v.Sessions, err
}

// readVersions reads the versions, through a statement prepared once.
func (db *DB) readVersions(ctx context.Context) (Versions, error) {
	stmt, err := db.versionStatement(ctx)
	if err != nil {
		return Versions{}, err
	}
	if db.dialect == goose.DialectSQLite3 {
		// The SQLite driver watches a context that can be cancelled with
		// a goroutine per query, which was a third of this read's cost;
		// a point lookup in WAL mode never waits for anything.
		ctx = context.WithoutCancel(ctx)
	}
	var v Versions
	err = stmt.QueryRowContext(ctx).Scan(&v.Record, &v.Sessions, &v.Broad)
	return v, err
}

func (db *DB) versionStatement(ctx context.Context) (*sql.Stmt, error) {
	db.versionOnce.Lock()
	defer db.versionOnce.Unlock()
	if db.version != nil {
		return db.version, nil
	}
	sqlDB, err := db.Read.DB()
	if err != nil {
		return nil, err
	}
	stmt, err := sqlDB.PrepareContext(ctx, "SELECT version, sessions, broad FROM data_version WHERE id = 1")
	if err != nil {
		return nil, fmt.Errorf("prepare the versions: %w", err)
	}
	db.version = stmt
	return stmt, nil
}

// DataChanged returns when the public record last changed: the
// Last-Modified of the pages made from it.
func (db *DB) DataChanged(ctx context.Context) (time.Time, error) {
	var changed time.Time
	err := db.Read.WithContext(ctx).Raw("SELECT changed_at FROM data_version WHERE id = 1").Scan(&changed).Error
	return changed, err
}

// Installation is this installation's own name, made once by migration 24,
// and the day it was made.
type Installation struct {
	Name      string
	CreatedOn string // YYYY-MM-DD
}

// Installation returns the installation's name and the day it was made.
func (db *DB) Installation(ctx context.Context) (Installation, error) {
	var i Installation
	err := db.Read.WithContext(ctx).Raw("SELECT name, created_on FROM installation WHERE id = 1").Scan(&i).Error
	if err == nil && i.Name == "" {
		err = errors.New("the installation has no name: migration 24 did not run")
	}
	return i, err
}

// Pools returns the connection pools by name: the writer and the readers
// on SQLite, one pool on PostgreSQL.
func (db *DB) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{}
	write, err := db.Write.DB()
	if err != nil {
		return pools
	}
	read, err := db.Read.DB()
	if err != nil || read == write {
		pools["pool"] = write
		return pools
	}
	pools["write"], pools["read"] = write, read
	return pools
}

// Ping reports whether the database answers a query on the read side.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Read.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Close closes both sides, the writer last so that SQLite checkpoints the WAL
// into the main file when the last connection goes.
func (db *DB) Close() error {
	var errs []error
	if db.checkpoints != nil {
		db.stopOnce.Do(func() { // Close may be called again
			close(db.stop)
			<-db.stopped
			errs = append(errs, db.checkpointer.Close())
		})
		errs = append(errs, db.checkpoints.Close())
	}
	if db.version != nil {
		errs = append(errs, db.version.Close())
	}
	closed := map[*sql.DB]bool{} // on PostgreSQL both sides share one pool
	for _, g := range []*gorm.DB{db.Read, db.Write} {
		sqlDB, err := g.DB()
		if err == nil && !closed[sqlDB] {
			closed[sqlDB] = true
			err = sqlDB.Close()
		}
		errs = append(errs, err)
	}
	if db.wal != nil {
		// Last: closing any descriptor of a file releases every POSIX
		// lock this process holds on it, SQLite's own on the -shm among
		// them, so it waits until SQLite's connections are closed.
		errs = append(errs, db.wal.Close())
	}
	return errors.Join(errs...)
}
