package main

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"shuangshi/internal/site/sitetest"
	"strings"
	"testing"

	"shuangshi/internal/auth"
)

// TestLookAlikeUsernamesAreRefused: beside admin, an administrator cannot
// add аdmin (a Cyrillic а) or ａｄｍｉｎ (full width): the form says why,
// by the username field, in Chinese and in English, and nothing is stored.
func TestLookAlikeUsernamesAreRefused(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "admin", auth.Admin, sitetest.Password)
	cases := []struct {
		language, username string
		says               []string
	}{
		{"zh-CN", "\u0430dmin", []string{"不能混用不同文字", "“\u0430” (U+0430, Cyrillic)", "Latin"}},
		{"zh-CN", "ａｄｍｉｎ", []string{"该用户名已被使用", "“ａｄｍｉｎ”与“admin”是同一个名字"}},
		{"en", "\u0430dmin", []string{"must not mix scripts", "“\u0430” (U+0430, Cyrillic) among Latin letters"}},
		{"en", "ａｄｍｉｎ", []string{"already in use", "“ａｄｍｉｎ” is the same name as “admin”"}},
		{"en", "ADMIN", []string{"“ADMIN” is the same name as “admin”"}},
		{"en", "\u0391DMIN", []string{"“\u03b1” (U+03B1, Greek) among Latin letters"}},
	}
	for _, tc := range cases {
		t.Run(tc.language+" "+tc.username, func(t *testing.T) {
			b := site.SignIn(t, "admin", sitetest.Password)
			b.Header.Set("Accept-Language", tc.language)
			sitetest.WantStatus(t, "the new account form", b.Get("/admin/users/new"), http.StatusOK)
			resp := b.Post("/admin/users", url.Values{"username": {tc.username}, "role": {"admin"}})
			sitetest.WantStatus(t, "adding "+tc.username, resp, http.StatusUnprocessableEntity)
			says := sitetest.Text(resp.Doc.Find(`[data-testid="error-username"]`))
			for _, want := range tc.says {
				if !strings.Contains(says, want) {
					t.Errorf("by the username field: %q, want %q in it", says, want)
				}
			}
			if value, _ := resp.Doc.Find("#username").Attr("value"); value != tc.username {
				t.Errorf("the field holds %q, want what was typed, %q", value, tc.username)
			}
		})
	}
	users, err := site.Users.Users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].Username != "admin" {
		t.Errorf("accounts after the refusals: %v, want admin alone", users)
	}
}

// TestAUsernameSignsInWhateverItsWidthAndCase: ＡＤＭＩＮ, typed on a
// full-width keyboard, signs in as admin.
func TestAUsernameSignsInWhateverItsWidthAndCase(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "admin", auth.Admin, sitetest.Password)
	for _, typed := range []string{"ＡＤＭＩＮ", "ａｄｍｉｎ", " Admin\u3000"} {
		b := site.SignIn(t, typed, sitetest.Password)
		resp := b.Get("/admin/users")
		sitetest.WantStatus(t, "the accounts page after signing in as "+typed, resp, http.StatusOK)
		if got := sitetest.Text(resp.Doc.Find(`[data-testid="signed-in"]`)); !strings.Contains(got, "admin") || strings.Contains(got, "ａ") || strings.Contains(got, "Admin") {
			t.Errorf("signed in as %q: the page says %q, want admin", typed, got)
		}
	}
	// A look-alike is not admin, and finds no account.
	b := site.NewBrowser(t)
	b.Get("/login")
	sitetest.WantStatus(t, "signing in as \u0430dmin", b.Post("/login", url.Values{"username": {"\u0430dmin"}, "password": {sitetest.Password}}), http.StatusUnauthorized)
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

// TestUsernamesStoredBeforeTheRulesAreLogged: accounts an older version
// let in under a full-width or mixed-script name are named in the log at
// start, for an administrator to look at; admin is not.
func TestUsernamesStoredBeforeTheRulesAreLogged(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "admin", auth.Admin, sitetest.Password)
	for _, name := range []string{"ａｄｍｉｎ", "\u0430dmin"} {
		err := site.Site.DB.Write.Exec(`INSERT INTO users (username, role, password_hash, created_at, updated_at)
			VALUES (?, 'admin', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, name).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	again := sitetest.Open(t, site.Config)
	logged := again.Logs.String()
	for _, want := range []string{"username=ａｄｍｉｎ ", "username=\u0430dmin ", "U+0430"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log does not name %s:\n%s", want, logged)
		}
	}
	if strings.Contains(logged, "username=admin ") {
		t.Errorf("the log names admin:\n%s", logged)
	}
}
