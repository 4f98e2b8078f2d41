package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestTheSystemdUnitsFlagsAreTheProgramsFlags: the unit in deploy/ starts
// the server with flags the server takes, so that a renamed flag cannot
// leave a unit that no longer starts.
func TestTheSystemdUnitsFlagsAreTheProgramsFlags(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/shuangshi.service")
	if err != nil {
		t.Fatal(err)
	}
	// The ExecStart line with its continuations joined.
	unit := strings.ReplaceAll(string(raw), "\\\n", " ")
	var exec string
	for _, line := range strings.Split(unit, "\n") {
		if rest, ok := strings.CutPrefix(line, "ExecStart="); ok {
			exec = rest
		}
	}
	fields := strings.Fields(exec)
	if len(fields) < 2 || !strings.HasSuffix(fields[0], "/shuangshi") {
		t.Fatalf("ExecStart is %q", exec)
	}
	cfg, err := parseConfig(fields[1:], func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("the unit's flags: %v", err)
	}
	if !cfg.site.SecureCookies || len(cfg.site.TrustedProxies) == 0 || cfg.site.BackupDir != "/var/lib/shuangshi/backups" || len(cfg.site.MetricsFrom) == 0 {
		t.Errorf("the unit should serve behind its proxy with secure cookies, backups and metrics: %+v", cfg)
	}
}
