package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/database"
)

func runCommand(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out)
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
