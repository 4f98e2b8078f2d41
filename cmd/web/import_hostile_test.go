package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"shuangshi/internal/site/sitetest"
)

// TestTheAttacksWorkbooksLeaveTheServerSmall uploads the attack's workbooks
// to the real server, running as a process of its own: each is refused,
// the server still answers, and its resident memory never went over
// 150 MB (VmHWM, the peak, which counts the 64 MB of the password hash
// that signing in takes).
func TestTheAttacksWorkbooksLeaveTheServerSmall(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs Linux's /proc to read the server's peak memory")
	}
	dbPath := filepath.Join(t.TempDir(), "hostile.db")
	err := run(t.Context(), []string{"user", "add", "-db", dbPath, "-role", "admin", "adm"},
		func(string) string { return "" }, strings.NewReader(sitetest.Password+"\n"), io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	server := startChild(t, dbPath)
	adm := sitetest.At(server.url).As(t, "adm")
	sitetest.WantAttackRefused(t, adm)
	if resp, err := http.Get(server.url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz after the uploads: %v %v", resp, err)
	}
	peak := peakMemory(t, server.cmd.Process.Pid)
	t.Logf("the server's peak resident memory: %d MB", peak>>20)
	if peak > 150<<20 {
		t.Errorf("the server's resident memory reached %d MB, want at most 150", peak>>20)
	}
}

// peakMemory reads a process's peak resident memory (VmHWM), in bytes.
func peakMemory(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM: %q", rest)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in the process's status")
	return 0
}
