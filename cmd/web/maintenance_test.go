package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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

	daily, err := filepath.Glob(filepath.Join(dir, "backups", "shuangshi-*.db"))
	if err != nil || len(daily) != 1 {
		t.Errorf("daily copies at start: %v (%v)", daily, err)
	}
	if !strings.Contains(srv.Log.String(), "daily backup taken") {
		t.Errorf("the daily copy is not in the log:\n%s", srv.Log)
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
