package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sitepkg "shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
)

// TestUserAddFromStandardInput runs "web user add" as a person would, with
// the password on standard input, then signs in with it.
func TestUserAddFromStandardInput(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	command := func(stdin string, args ...string) (string, error) {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "SHUANGSHI_RUN_MAIN=1")
		cmd.Stdin = strings.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	out, err := command(sitetest.Password+"\n", "user", "add", "-db", dbPath, "-role", "admin", "-name", "王主任", "Wang")
	if err != nil || !strings.Contains(out, "added wang (admin)") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if out, err := command("short\n", "user", "add", "-db", dbPath, "-role", "engineer", "li"); err == nil || !strings.Contains(out, "password") {
		t.Fatalf("a short password was accepted: %s", out)
	}
	if out, err := command(sitetest.Password+"\n", "user", "add", "-db", dbPath, "-role", "mayor", "li"); err == nil || !strings.Contains(out, "-role") {
		t.Fatalf("an unknown role was accepted: %s", out)
	}

	site := sitetest.Open(t, sitepkg.Config{Source: dbPath})
	if site.Site.SetupPath() != "" {
		t.Error("the site offers a setup link although the command line made an administrator")
	}
	site.SignIn(t, "wang", sitetest.Password)

	if out, err := command("", "user", "disable", "-db", dbPath, "wang"); err == nil || !strings.Contains(out, "last active administrator") {
		t.Fatalf("disabling the only admin: %v %s", err, out)
	}
	if out, err := command("another-password-3\n", "user", "passwd", "-db", dbPath, "wang"); err != nil {
		t.Fatalf("user passwd: %v %s", err, out)
	}
	site.SignIn(t, "wang", "another-password-3")
}

// TestUserAddRefusesLookAlikes: `web user add` refuses аdmin and ａｄｍｉｎ
// beside admin, says why, exits non-zero and stores nothing.
func TestUserAddRefusesLookAlikes(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cli.db")
	command := func(args ...string) (string, error) {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "SHUANGSHI_RUN_MAIN=1")
		cmd.Stdin = strings.NewReader(sitetest.Password + "\n")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	if out, err := command("user", "add", "-db", dbPath, "-role", "admin", "admin"); err != nil {
		t.Fatalf("user add admin: %v\n%s", err, out)
	}
	for typed, want := range map[string]string{
		"\u0430dmin": "“\u0430” (U+0430, Cyrillic) among Latin letters",
		"ａｄｍｉｎ":      `the same username as "admin", which is in use`,
		"ＡＤＭＩＮ":      `the same username as "admin", which is in use`,
	} {
		out, err := command("user", "add", "-db", dbPath, "-role", "admin", typed)
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("user add %s: %v, %q; want a refusal saying %q", typed, err, out, want)
		}
	}
	out, err := command("user", "list", "-db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "admin ") {
		t.Errorf("accounts after the refusals:\n%s", out)
	}
}
