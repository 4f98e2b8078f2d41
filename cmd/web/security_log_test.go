package main

import (
	"database/sql"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"syscall"
	"testing"

	"shuangshi/internal/site/sitetest"
)

// TestCountedFailuresAreWrittenOnShutdown: the failures counted in memory
// since the last flush are written when the server stops.
func TestCountedFailuresAreWrittenOnShutdown(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "tally.db")
	server := startChild(t, dbPath)
	site := sitetest.At(server.url)
	b := site.NewBrowser(t)
	b.Get("/login")
	for range 3 {
		sitetest.WantStatus(t, "a wrong password", b.Post("/login", url.Values{"username": {"nobody"}, "password": {"wrong-password"}}), http.StatusUnauthorized)
	}
	if err := server.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := server.cmd.Wait(); err != nil {
		t.Fatalf("the server's exit: %v", err)
	}
	db, err := sql.Open("sqlite3", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var count int64
	if err := db.QueryRow("SELECT COALESCE(SUM(count), 0) FROM security_events WHERE action = 'sign-in-failed'").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 3 {
		t.Fatalf("the log counts %d failed sign-ins after the shutdown, want 3", count)
	}
}

// TestSecurityLogRetentionIsConfigured: a year unless the flag or the
// environment says otherwise, and only a sensible number of days.
func TestSecurityLogRetentionIsConfigured(t *testing.T) {
	env := func(days string) func(string) string {
		return func(k string) string { return map[string]string{"SHUANGSHI_SECURITY_LOG_DAYS": days}[k] }
	}
	for _, tc := range []struct {
		args []string
		env  string
		want int
	}{
		{nil, "", 365},
		{nil, "180", 180},
		{[]string{"-security-log-days", "730"}, "180", 730},
	} {
		cfg, err := parseConfig(tc.args, env(tc.env), io.Discard)
		if err != nil || cfg.site.SecurityLogDays != tc.want {
			t.Errorf("%q with %q in the environment: %d days (%v), want %d", tc.args, tc.env, cfg.site.SecurityLogDays, err, tc.want)
		}
	}
	for _, bad := range []string{"0", "-5", "3651", "a year"} {
		if _, err := parseConfig([]string{"-security-log-days", bad}, env(""), io.Discard); err == nil {
			t.Errorf("-security-log-days %q accepted", bad)
		}
	}
}
