package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"shuangshi/internal/database"
	"shuangshi/internal/site/sitetest"
)

func runCommand(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, nil)
	return out.String(), err
}

// TestBackupRestoreAndVersion: a copy taken while the server serves; a
// restore refused while it serves and made once it has stopped; a daily
// copy taken at start; the versions printed.
func TestBackupRestoreAndVersion(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shuangshi.db")
	srv := startServer(t, dbPath)

	copyPath := filepath.Join(dir, "copy.db")
	out, err := runCommand(t, "backup", "-db", dbPath, copyPath)
	if err != nil {
		t.Fatalf("backup while serving: %v", err)
	}
	latest, err := database.LatestSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "schema version "+strconv.FormatInt(latest, 10)) {
		t.Errorf("backup said %q", out)
	}
	if _, err := runCommand(t, "backup", "-db", dbPath, copyPath); err == nil {
		t.Error("a backup over an existing file was made")
	}

	_, err = runCommand(t, "restore", "-db", dbPath, copyPath)
	if err == nil || !strings.Contains(err.Error(), "a server is using the database") {
		t.Fatalf("restore while serving: %v", err)
	}

	// The daily copy is taken in the background once the server listens:
	// wait for its log line, then for the file it names.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(srv.Log.String(), "daily backup taken"); {
		if time.Now().After(deadline) {
			t.Fatalf("the daily copy is not in the log:\n%s", srv.Log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	daily, err := filepath.Glob(filepath.Join(dir, "backups", "shuangshi-*.db"))
	if err != nil || len(daily) != 1 {
		t.Errorf("daily copies at start: %v (%v)", daily, err)
	}

	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	out, err = runCommand(t, "restore", "-db", dbPath, copyPath)
	if err != nil {
		t.Fatalf("restore once stopped: %v", err)
	}
	if !strings.Contains(out, "restored") || !strings.Contains(out, "kept as") {
		t.Errorf("restore said %q", out)
	}
	kept, _ := filepath.Glob(dbPath + ".before-restore-*")
	if len(kept) == 0 {
		t.Error("the replaced database was not kept")
	}
	if _, err := database.VerifyFile(context.Background(), dbPath); err != nil {
		t.Errorf("the restored database: %v", err)
	}

	out, err = runCommand(t, "version", "-db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"shuangshi ", "schema version " + strconv.FormatInt(latest, 10), "at schema version " + strconv.FormatInt(latest, 10)} {
		if !strings.Contains(out, want) {
			t.Errorf("version printed %q, want %q in it", out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Fatal("unexpected file")
	}
	out, err = runCommand(t, "version", "-db", filepath.Join(dir, "missing.db"))
	if err != nil || !strings.Contains(out, "no database at") {
		t.Errorf("version without a database: %q, %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("version made a database where there was none")
	}
}

// TestMetricsForTheConfiguredAddress: Prometheus's address reads /metrics
// without signing in, and sees the requests just made, under their routes.
func TestMetricsForTheConfiguredAddress(t *testing.T) {
	srv := startServer(t, filepath.Join(t.TempDir(), "shuangshi.db"), "-metrics-from", "127.0.0.1/32")
	for _, path := range []string{"/years/2022", "/years/2022", "/projects/1"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	wants := []string{
		`shuangshi_http_requests_total{method="GET",route="/years/:year",status="200"} 2`,
		`shuangshi_http_requests_total{method="GET",route="/projects/:id",status="200"} 1`,
		`go_sql_open_connections{db_name="write"}`,
		`go_sql_open_connections{db_name="read"}`,
		`shuangshi_db_commits_total`,
		`process_resident_memory_bytes`,
	}
	// A request is counted once its answer is written, which may be just
	// after the client has read it: ask again until every line is there.
	var missing []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("/metrics from the configured address: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
		}
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(string(body), want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range missing {
		t.Errorf("/metrics lacks %s", want)
	}
}

// commandWithoutUmask runs the program in a child process whose umask
// takes nothing away, as a careless service manager may start it: a file
// is then as private as the mode the program asks for, no more.
func commandWithoutUmask(args ...string) *exec.Cmd {
	cmd := exec.Command("/bin/sh", append([]string{"-c", `umask 0 && exec "$0" "$@"`, os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), "SHUANGSHI_RUN_MAIN=1")
	return cmd
}

// runWithoutUmask runs a command of the program as commandWithoutUmask
// does, with stdin, and returns what it printed.
func runWithoutUmask(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := commandWithoutUmask(args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func wantOwnerOnly(t *testing.T, path string) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	want := os.FileMode(0o600)
	if info.IsDir() {
		want = 0o700
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}

// TestBackupsAreReadableByTheirOwnerOnly: with umask 0, the copy `web
// backup` writes, the server's daily copy and its folder, the database
// `web restore` puts in place and the one it keeps are the owner's only,
// even where an older version left the database and a stale restore file
// readable by all.
func TestBackupsAreReadableByTheirOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shuangshi.db")
	if out, err := runWithoutUmask(t, sitetest.Password+"\n", "user", "add", "-db", dbPath, "-role", "admin", "admin"); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}

	copyPath := filepath.Join(dir, "copy.db")
	if out, err := runWithoutUmask(t, "", "backup", "-db", dbPath, copyPath); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	wantOwnerOnly(t, copyPath)

	// The server takes its first daily copy once it listens.
	server := commandWithoutUmask("-db", dbPath, "-addr", "127.0.0.1:0")
	log := &logRecorder{url: make(chan string, 1)}
	server.Stdout, server.Stderr = log, log
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			server.Process.Signal(syscall.SIGTERM)
			server.Wait()
		}
	}
	t.Cleanup(stop)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(log.String(), "daily backup taken"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no daily copy within 20 s:\n%s", log)
		}
	}
	stop()
	daily, _ := filepath.Glob(filepath.Join(dir, "backups", "shuangshi-*.db"))
	if len(daily) != 1 {
		t.Fatalf("daily copies: %v", daily)
	}
	wantOwnerOnly(t, filepath.Join(dir, "backups"))
	wantOwnerOnly(t, daily[0])

	// As an older version, or an interrupted restore, left them.
	if err := os.Chmod(dbPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dbPath+".restoring", []byte("half a copy"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runWithoutUmask(t, "", "restore", "-db", dbPath, daily[0]); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	kept, _ := filepath.Glob(dbPath + ".before-restore-*")
	if len(kept) == 0 {
		t.Fatal("the replaced database was not kept")
	}
	for _, path := range append(kept, dbPath) {
		wantOwnerOnly(t, path)
	}
}

// TestRestoreRefusesACopyWithADamagedSchema: a copy missing a table, a
// column, an index or a trigger of its schema version is refused by `web
// restore` with a non-zero exit status and the name of what is missing,
// and the database stays as it was; an intact copy is restored.
func TestRestoreRefusesACopyWithADamagedSchema(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "shuangshi.db")
	srv := startServer(t, dbPath, "-backups", "off")
	intact := filepath.Join(dir, "intact.db")
	if out, err := runCommand(t, "backup", "-db", dbPath, intact); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}

	damages := []struct {
		name, sql, want string
	}{
		{"table", "PRAGMA foreign_keys = OFF; DROP TABLE users", "missing table users"},
		{"column", "ALTER TABLE projects DROP COLUMN description", "missing column projects.description"},
		{"index", "DROP INDEX targets_open", "missing index targets_open"},
		{"trigger", "DROP TRIGGER changes_are_never_deleted", "missing trigger changes_are_never_deleted"},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			damaged := filepath.Join(dir, "damaged-"+d.name+".db")
			raw, err := os.ReadFile(intact)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(damaged, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			conn, err := sql.Open("sqlite3", damaged)
			if err != nil {
				t.Fatal(err)
			}
			_, err = conn.Exec(d.sql)
			conn.Close()
			if err != nil {
				t.Fatalf("%s: %v", d.sql, err)
			}

			cmd := exec.Command(os.Args[0], "restore", "-db", dbPath, damaged)
			cmd.Env = append(os.Environ(), "SHUANGSHI_RUN_MAIN=1")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("restore of a copy without its %s: %v, want a non-zero exit status\n%s", d.name, err, out)
			}
			if !strings.Contains(string(out), d.want) {
				t.Errorf("restore said %q, want %q in it", out, d.want)
			}
			after, err := os.ReadFile(dbPath)
			if err != nil || !bytes.Equal(after, before) {
				t.Errorf("the database changed although restore refused (%v)", err)
			}
			if leftovers, _ := filepath.Glob(dbPath + ".*"); len(leftovers) != 1 || leftovers[0] != dbPath+".lock" {
				t.Errorf("a refused restore left files behind: %v", leftovers)
			}
		})
	}

	out, err := runCommand(t, "restore", "-db", dbPath, intact)
	if err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore of the intact copy: %v\n%s", err, out)
	}
	startServer(t, dbPath, "-backups", "off")
}
