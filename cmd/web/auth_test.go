package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
)

const testPassword = "a-good-password-1"

func TestSignInLandsEachRoleAndShowsWhoIsSignedIn(t *testing.T) {
	site := newTestSite(t)
	tests := []struct {
		username string
		role     auth.Role
		landing  string
		label    string
	}{
		{"eng", auth.Engineer, "/my/projects", "工程师"},
		{"sup", auth.Supervisor, "/overdue", "督办人员"},
		{"adm", auth.Admin, "/admin/users", "管理员"},
	}
	for _, tc := range tests {
		t.Run(string(tc.role), func(t *testing.T) {
			site.addUser(t, tc.username, tc.role, testPassword)
			b := site.newBrowser(t)
			b.get("/login")
			resp := b.post("/login", url.Values{"username": {strings.ToUpper(tc.username)}, "password": {testPassword}})
			wantStatus(t, "sign in", resp, http.StatusSeeOther)
			if got := resp.Header.Get("Location"); got != tc.landing {
				t.Fatalf("landed on %q, want %q", got, tc.landing)
			}
			page := b.get(tc.landing)
			wantStatus(t, "landing page", page, http.StatusOK)
			if got := text(page.Doc.Find(`[data-testid="signed-in"]`)); !strings.Contains(got, tc.username) || !strings.Contains(got, tc.label) {
				t.Errorf("the header says %q, want the user and the role %s", got, tc.label)
			}
			// Sign out: back to the public site, which no longer knows the user.
			wantStatus(t, "sign out", b.post("/logout", nil), http.StatusSeeOther)
			home := b.get("/")
			if home.Doc.Find(`[data-testid="signed-in"]`).Length() != 0 || !strings.Contains(text(home.Doc.Find(`[data-testid="flash"]`)), "已退出登录") {
				t.Errorf("after signing out the home page shows %q", text(home.Doc.Find("header, [data-testid=flash]")))
			}
			wantStatus(t, "landing page after signing out", b.get(tc.landing), http.StatusSeeOther)
		})
	}
}

func TestSignInRefusalsLookAlike(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "li", auth.Engineer, testPassword)
	b := site.newBrowser(t)
	b.get("/login")

	empty := b.post("/login", url.Values{"username": {"  "}, "password": {""}})
	wantStatus(t, "empty form", empty, http.StatusUnprocessableEntity)
	if empty.Doc.Find(`[data-testid="error-summary"] a[href="#username"]`).Length() != 1 ||
		empty.Doc.Find(`#username[aria-describedby="username-error"][aria-invalid="true"]`).Length() != 1 {
		t.Error("the empty form's errors are not summarised and linked to their fields")
	}

	wrong := b.post("/login", url.Values{"username": {"li"}, "password": {"not-the-password"}})
	unknown := b.post("/login", url.Values{"username": {"nobody"}, "password": {"not-the-password"}})
	for name, r := range map[string]response{"wrong password": wrong, "unknown user": unknown} {
		wantStatus(t, name, r, http.StatusUnauthorized)
		if got := text(r.Doc.Find(`[data-testid="login-problem"]`)); got != "用户名或密码不正确。" {
			t.Errorf("%s: message %q", name, got)
		}
	}
	if v, _ := unknown.Doc.Find("#username").Attr("value"); v != "nobody" {
		t.Errorf("the username typed was not kept: %q", v)
	}
	if unknown.Doc.Find(`#password[value]`).Length() != 0 {
		t.Error("the password was sent back in the page")
	}
}

func TestThrottleStartsAfterTheFailuresAndLiftsAfterTheDelay(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "li", auth.Engineer, testPassword)
	b := site.newBrowser(t)
	b.get("/login")
	free := auth.DefaultThrottle().AccountFromAddress.FreeFailures
	for i := 1; i < free; i++ {
		wantStatus(t, "failure "+string(rune('0'+i)), b.post("/login", url.Values{"username": {"li"}, "password": {"wrong-password"}}), http.StatusUnauthorized)
	}
	// The failure that reaches the limit locks the account.
	wantStatus(t, "the last free failure", b.post("/login", url.Values{"username": {"li"}, "password": {"wrong-password"}}), http.StatusTooManyRequests)
	locked := b.post("/login", url.Values{"username": {"li"}, "password": {testPassword}})
	wantStatus(t, "the right password while locked", locked, http.StatusTooManyRequests)
	if got := locked.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60", got)
	}
	if got := text(locked.Doc.Find(`[data-testid="login-problem"]`)); !strings.Contains(got, "1 分钟后再试") {
		t.Errorf("the page says %q, want when to try again", got)
	}
	// Another account from another address is not held up by this one.
	site.addUser(t, "wang", auth.Engineer, testPassword)
	other := site.newBrowser(t)
	other.get("/login")
	if resp := other.post("/login", url.Values{"username": {"wang"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another account was refused: %d", resp.StatusCode)
	}

	site.clock.Advance(auth.DefaultThrottle().AccountFromAddress.FirstDelay + time.Second)
	wantStatus(t, "the right password after the delay", b.post("/login", url.Values{"username": {"li"}, "password": {testPassword}}), http.StatusSeeOther)
}

func TestCSRFTokenIsRequired(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "adm", auth.Admin, testPassword)
	b := site.signIn(t, "adm", testPassword)
	b.get("/admin/users/new")
	form := url.Values{"username": {"new.user"}, "role": {"engineer"}}
	for name, token := range map[string][]string{"no token": nil, "a wrong token": {"forged"}, "an empty token": {""}} {
		f := url.Values{"username": form["username"], "role": form["role"]}
		if token != nil {
			f["_csrf"] = token
		}
		resp := b.postRaw("/admin/users", f)
		wantStatus(t, name, resp, http.StatusForbidden)
		if got := text(resp.Doc.Find(`[data-testid="error-message"]`)); !strings.Contains(got, "未做任何更改") {
			t.Errorf("%s: page says %q", name, got)
		}
	}
	if _, err := site.users.UserByUsername(t.Context(), "new.user"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("a POST without a valid token created the account (%v)", err)
	}
	// The token is accepted from the header as well as the form.
	b.header.Set("X-CSRF-Token", b.csrf)
	resp := b.postRaw("/admin/users", form)
	wantStatus(t, "token in the header", resp, http.StatusSeeOther)
	// Anonymous forms need it too: signing in without it changes nothing.
	anon := site.newBrowser(t)
	wantStatus(t, "sign-in without a token", anon.postRaw("/login", url.Values{"username": {"adm"}, "password": {testPassword}}), http.StatusForbidden)
}

func TestSessionCookie(t *testing.T) {
	trusted, _ := parseNetworks("127.0.0.1")
	tests := []struct {
		name       string
		cfg        func(*config)
		proto      string
		wantSecure bool
	}{
		{"plain HTTP", func(*config) {}, "", false},
		{"-secure-cookies", func(c *config) { c.secureCookies = true }, "", true},
		{"HTTPS through a trusted proxy", func(c *config) { c.trustedProxies = trusted }, "https", true},
		{"an untrusted X-Forwarded-Proto", func(*config) {}, "https", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newTestSite(t, tc.cfg)
			site.addUser(t, "li", auth.Engineer, testPassword)
			b := site.newBrowser(t)
			if tc.proto != "" {
				b.header.Set("X-Forwarded-Proto", tc.proto)
			}
			before := b.get("/login")
			anonymousCookie := sessionCookie(t, before.Response)
			tokenBefore := b.csrf
			resp := b.post("/login", url.Values{"username": {"li"}, "password": {testPassword}})
			wantStatus(t, "sign in", resp, http.StatusSeeOther)
			c := sessionCookie(t, resp.Response)
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.wantSecure {
				t.Errorf("cookie HttpOnly=%v SameSite=%v Secure=%v; want true, Lax, %v", c.HttpOnly, c.SameSite, c.Secure, tc.wantSecure)
			}
			if c.MaxAge != int((8 * time.Hour).Seconds()) {
				t.Errorf("cookie Max-Age = %d, want the 8 h idle timeout", c.MaxAge)
			}
			// A new session at sign-in: new cookie, and the token of the page
			// before sign-in no longer works.
			if c.Value == anonymousCookie.Value {
				t.Error("the session cookie did not change at sign-in")
			}
			b.get("/account")
			if b.csrf == tokenBefore {
				t.Error("the CSRF token did not change at sign-in")
			}
			stale := b.post("/account/sign-out-everywhere", url.Values{"_csrf": {tokenBefore}})
			wantStatus(t, "the pre-sign-in token", stale, http.StatusForbidden)
		})
	}
}

func sessionCookie(t *testing.T, r *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range r.Cookies() {
		if c.Name == "shuangshi_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", r.Header["Set-Cookie"])
	return nil
}

func TestAChangedAccountEndsItsSessionsOnTheNextRequest(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "adm", auth.Admin, testPassword)
	li := site.addUser(t, "li", auth.Engineer, testPassword)
	admin := site.signIn(t, "adm", testPassword)
	tests := []struct {
		name   string
		change func(t *testing.T)
		undo   func(t *testing.T)
	}{
		{"disabled", func(t *testing.T) {
			admin.get("/admin/users/" + itoa(li.ID))
			wantStatus(t, "disable", admin.post("/admin/users/"+itoa(li.ID)+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
		}, func(t *testing.T) {
			admin.get("/admin/users/" + itoa(li.ID))
			wantStatus(t, "enable", admin.post("/admin/users/"+itoa(li.ID)+"/active", url.Values{"active": {"true"}}), http.StatusSeeOther)
		}},
		{"password reset", func(t *testing.T) {
			admin.get("/admin/users/" + itoa(li.ID) + "/password")
			wantStatus(t, "reset", admin.post("/admin/users/"+itoa(li.ID)+"/password", nil), http.StatusSeeOther)
		}, func(t *testing.T) {
			hash := mustHash(t, testPassword)
			if _, err := site.users.SetPassword(t.Context(), li.ID, hash, false, auth.CommandLine); err != nil {
				t.Fatal(err)
			}
		}},
		{"signed out everywhere", func(t *testing.T) {
			elsewhere := site.signIn(t, "li", testPassword)
			elsewhere.get("/account")
			wantStatus(t, "sign out everywhere", elsewhere.post("/account/sign-out-everywhere", nil), http.StatusSeeOther)
		}, func(*testing.T) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			phone := site.signIn(t, "li", testPassword)
			wantStatus(t, "before", phone.get("/my/projects"), http.StatusOK)
			tc.change(t)
			after := phone.get("/my/projects")
			wantStatus(t, "the next request", after, http.StatusSeeOther)
			if loc := after.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
				t.Errorf("sent to %q, want the sign-in page", loc)
			}
			login := phone.get("/login")
			if !strings.Contains(text(login.Doc.Find(`[data-testid="flash"]`)), "登录已失效") {
				t.Errorf("the sign-in page does not say the session ended: %q", text(login.Doc.Find("main")))
			}
			tc.undo(t)
		})
	}
}

func TestIdleTimeoutAndLifetime(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "li", auth.Engineer, testPassword)

	idle := site.signIn(t, "li", testPassword)
	site.clock.Advance(7*time.Hour + 59*time.Minute)
	wantStatus(t, "after 7 h 59 min", idle.get("/my/projects"), http.StatusOK)
	site.clock.Advance(8*time.Hour + time.Minute)
	wantStatus(t, "after 8 h idle", idle.get("/my/projects"), http.StatusSeeOther)

	busy := site.signIn(t, "li", testPassword)
	for range 6 * 24 / 6 { // a request every 6 hours for six days
		site.clock.Advance(6 * time.Hour)
		wantStatus(t, "within the week", busy.get("/my/projects"), http.StatusOK)
	}
	site.clock.Advance(24*time.Hour + time.Minute)
	wantStatus(t, "a week after signing in", busy.get("/my/projects"), http.StatusSeeOther)
}

func TestResetPasswordMustBeChanged(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "adm", auth.Admin, testPassword)
	li := site.addUser(t, "li", auth.Engineer, testPassword)
	admin := site.signIn(t, "adm", testPassword)
	confirm := admin.get("/admin/users/" + itoa(li.ID) + "/password")
	wantStatus(t, "the confirmation page", confirm, http.StatusOK)
	reset := admin.post("/admin/users/"+itoa(li.ID)+"/password", nil)
	wantStatus(t, "reset", reset, http.StatusSeeOther)
	shown := admin.get(reset.Header.Get("Location"))
	wantStatus(t, "the temporary password page", shown, http.StatusOK)
	temporary := text(shown.Doc.Find(`[data-testid="temporary-password"]`))
	if len(temporary) != 14 || shown.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("temporary password %q (Cache-Control %q)", temporary, shown.Header.Get("Cache-Control"))
	}
	// Shown once: reloading the page shows it no more, and resets nothing.
	if again := admin.get(reset.Header.Get("Location")); again.StatusCode != http.StatusSeeOther || strings.Contains(again.Body, temporary) {
		t.Fatalf("the temporary password was shown twice (status %d)", again.StatusCode)
	}

	b := site.newBrowser(t)
	b.get("/login")
	wantStatus(t, "the old password", b.post("/login", url.Values{"username": {"li"}, "password": {testPassword}}), http.StatusUnauthorized)
	resp := b.post("/login", url.Values{"username": {"li"}, "password": {temporary}})
	if resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("signing in with a temporary password goes to %q, want /account/password", resp.Header.Get("Location"))
	}
	if loc := b.get("/my/projects").Header.Get("Location"); loc != "/account/password" {
		t.Fatalf("a page before the new password redirects to %q", loc)
	}
	if label := text(b.get("/account/password").Doc.Find(`label[for="current_password"]`)); label != "临时密码" {
		t.Errorf("the current password is labelled %q, want 临时密码", label)
	}
	short := b.post("/account/password", url.Values{"current_password": {temporary}, "password": {"short"}, "password_confirm": {"short"}})
	wantStatus(t, "a short password", short, http.StatusUnprocessableEntity)
	if got := text(short.Doc.Find(`[data-testid="error-password"]`)); !strings.Contains(got, "至少需要 10 个字符") {
		t.Errorf("the short password's message is %q", got)
	}
	changed := b.post("/account/password", url.Values{"current_password": {temporary}, "password": {"my-own-password-2"}, "password_confirm": {"my-own-password-2"}})
	wantStatus(t, "the new password", changed, http.StatusSeeOther)
	wantStatus(t, "a page after the new password", b.get("/my/projects"), http.StatusOK)
	site.signIn(t, "li", "my-own-password-2")
}

func TestSetupLinkWorksOnce(t *testing.T) {
	site := newTestSite(t)
	if site.site.setup == nil {
		t.Fatal("a site without an administrator has no setup link")
	}
	path := site.site.setup.Path()
	b := site.newBrowser(t)
	wantStatus(t, "the setup page", b.get(path), http.StatusOK)
	bad := b.post(path, url.Values{"username": {"root"}, "password": {"short"}, "password_confirm": {"short"}})
	wantStatus(t, "a short password", bad, http.StatusUnprocessableEntity)
	if v, _ := bad.Doc.Find("#username").Attr("value"); v != "root" {
		t.Errorf("the username typed was not kept: %q", v)
	}
	done := b.post(path, url.Values{"username": {"root"}, "display_name": {"区管理员"}, "password": {testPassword}, "password_confirm": {testPassword}})
	wantStatus(t, "setup", done, http.StatusSeeOther)
	wantStatus(t, "the accounts page, signed in", b.get("/admin/users"), http.StatusOK)
	wantStatus(t, "the link a second time", site.newBrowser(t).get(path), http.StatusNotFound)
	again := site.newBrowser(t)
	again.get("/login")
	wantStatus(t, "posting to the used link", again.post(path, url.Values{"username": {"root2"}, "password": {testPassword}, "password_confirm": {testPassword}}), http.StatusNotFound)
	if _, err := site.users.UserByUsername(t.Context(), "root2"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatal("the used setup link created a second administrator")
	}

	// A restart with an administrator offers no link at all.
	restarted := openTestSite(t, site.cfg)
	if restarted.site.setup != nil {
		t.Fatal("a restart with an active administrator made a setup link")
	}
}

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
	out, err := command(testPassword+"\n", "user", "add", "-db", dbPath, "-role", "admin", "-name", "王主任", "Wang")
	if err != nil || !strings.Contains(out, "added wang (admin)") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	if out, err := command("short\n", "user", "add", "-db", dbPath, "-role", "engineer", "li"); err == nil || !strings.Contains(out, "password") {
		t.Fatalf("a short password was accepted: %s", out)
	}
	if out, err := command(testPassword+"\n", "user", "add", "-db", dbPath, "-role", "mayor", "li"); err == nil || !strings.Contains(out, "-role") {
		t.Fatalf("an unknown role was accepted: %s", out)
	}

	site := openTestSite(t, config{dbPath: dbPath})
	if site.site.setup != nil {
		t.Error("the site offers a setup link although the command line made an administrator")
	}
	site.signIn(t, "wang", testPassword)

	if out, err := command("", "user", "disable", "-db", dbPath, "wang"); err == nil || !strings.Contains(out, "last active administrator") {
		t.Fatalf("disabling the only admin: %v %s", err, out)
	}
	if out, err := command("another-password-3\n", "user", "passwd", "-db", dbPath, "wang"); err != nil {
		t.Fatalf("user passwd: %v %s", err, out)
	}
	site.signIn(t, "wang", "another-password-3")
}

func mustHash(t *testing.T, password string) string {
	t.Helper()
	h, err := auth.NewHasher()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := h.Hash(t.Context(), password)
	if err != nil {
		t.Fatal(err)
	}
	return hash
}

func TestSignOutEndsTheSessionForGood(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "li", auth.Engineer, testPassword)
	b := site.signIn(t, "li", testPassword)
	stolen := b.client.Jar.Cookies(mustParseURL(t, site.URL))
	b.get("/account")
	wantStatus(t, "sign out", b.post("/logout", nil), http.StatusSeeOther)

	thief := site.newBrowser(t)
	thief.client.Jar.SetCookies(mustParseURL(t, site.URL), stolen)
	wantStatus(t, "a copy of the cookie after sign-out", thief.get("/my/projects"), http.StatusSeeOther)
	var sessions int64
	if err := site.site.db.Read.Raw("SELECT COUNT(*) FROM sessions").Scan(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Errorf("%d sessions remain after signing out", sessions)
	}
	// An ended session's sign-out button still signs out, without an error.
	wantStatus(t, "signing out again", thief.post("/logout", url.Values{"_csrf": {"whatever"}}), http.StatusSeeOther)
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestEveryPostNeedsTheToken sends every state-changing route of the router,
// as an administrator, with a complete form but no CSRF token: each must be
// refused with 403 and change nothing.
func TestEveryPostNeedsTheToken(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "adm", auth.Admin, testPassword)
	victim := site.addUser(t, "victim", auth.Engineer, testPassword)
	b := site.signIn(t, "adm", testPassword)
	form := url.Values{
		"username": {"someone"}, "password": {testPassword}, "password_confirm": {testPassword},
		"current_password": {testPassword}, "role": {"supervisor"}, "active": {"false"}, "project_id": {"1"},
	}
	count := func() (n [3]int64) {
		for i, table := range []string{"users", "security_events", "assignments"} {
			if err := site.site.db.Read.Raw("SELECT COUNT(*) FROM " + table).Scan(&n[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	before := count()
	posts := 0
	for _, route := range site.site.echo.Routes() {
		if route.Method != http.MethodPost {
			continue
		}
		posts++
		path := strings.NewReplacer(":id", itoa(victim.ID), ":project", "1", ":token", "x").Replace(route.Path)
		if resp := b.postRaw(path, form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: status %d, want 403", path, resp.StatusCode)
		}
	}
	if posts < 10 {
		t.Fatalf("only %d POST routes found", posts)
	}
	if after := count(); after != before {
		t.Errorf("rows of users, security_events, assignments: %v before, %v after", before, after)
	}
	if u, _ := site.users.UserByID(t.Context(), victim.ID); !u.Active || u.Role != auth.Engineer {
		t.Errorf("the victim changed: %+v", u)
	}
	wantStatus(t, "the administrator is still signed in", b.get("/admin/users"), http.StatusOK)
}

func TestAdministratorsCannotLockThemselvesOut(t *testing.T) {
	site := newTestSite(t)
	adm := site.addUser(t, "adm", auth.Admin, testPassword)
	site.addUser(t, "other.admin", auth.Admin, testPassword)
	b := site.signIn(t, "adm", testPassword)
	self := "/admin/users/" + itoa(adm.ID)
	page := b.get(self)
	if page.Doc.Find(`form[action$="/role"], a[href$="/disable"], a[href$="/password"]`).Length() != 0 {
		t.Error("the administrator's own page offers to change their role, access or password")
	}
	for path, form := range map[string]url.Values{
		self + "/role":     {"role": {"engineer"}},
		self + "/active":   {"active": {"false"}},
		self + "/password": nil,
	} {
		wantStatus(t, "POST "+path, b.post(path, form), http.StatusUnprocessableEntity)
	}
	if u, _ := site.users.UserByID(t.Context(), adm.ID); !u.Active || u.Role != auth.Admin || u.MustChangePassword {
		t.Errorf("the administrator's own account changed: %+v", u)
	}
	wantStatus(t, "still signed in", b.get("/admin/users"), http.StatusOK)
}

func TestRoleChangesAndAssignments(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "adm", auth.Admin, testPassword)
	li := site.addUser(t, "li", auth.Engineer, testPassword)
	b := site.signIn(t, "adm", testPassword)
	user := "/admin/users/" + itoa(li.ID)
	b.get(user)
	wantStatus(t, "assign", b.post(user+"/assignments", url.Values{"project_id": {"3"}}), http.StatusSeeOther)
	table := b.get("/admin/assignments")
	if got := text(table.Doc.Find(`[data-testid="assignment"][data-project="3"]`)); !strings.Contains(got, "li") {
		t.Fatalf("the assignments page does not show li on project 3: %q", got)
	}
	wantStatus(t, "a malformed access value", b.post(user+"/active", url.Values{"active": {"maybe"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "an unknown project", b.post(user+"/assignments", url.Values{"project_id": {"9999"}}), http.StatusUnprocessableEntity)

	wantStatus(t, "make li a supervisor", b.post(user+"/role", url.Values{"role": {"supervisor"}}), http.StatusSeeOther)
	if ids, _ := site.users.AssignedProjectIDs(t.Context(), li.ID); len(ids) != 0 {
		t.Fatalf("a supervisor still answers for projects %v", ids)
	}
	log := b.get(user)
	if got := text(log.Doc.Find(`[data-testid="event"][data-action="role-changed"]`)); !strings.Contains(got, "工程师 → 督办人员") {
		t.Errorf("the log shows the role change as %q", got)
	}
	if log.Doc.Find(`[data-testid="event"][data-action="unassigned"]`).Length() != 1 {
		t.Error("losing the assignment with the role is not logged")
	}
	wantStatus(t, "assign to a supervisor", b.post(user+"/assignments", url.Values{"project_id": {"3"}}), http.StatusUnprocessableEntity)
}

func TestRotatedKeysSignNobodyOut(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "li", auth.Engineer, testPassword)
	b := site.signIn(t, "li", testPassword)
	cookies := b.client.Jar.Cookies(mustParseURL(t, site.URL))
	if err := auth.RotateKeys(site.cfg.sessionKeyFile()); err != nil {
		t.Fatal(err)
	}
	site.Close()
	site.site.db.Close()
	restarted := openTestSite(t, site.cfg)
	after := restarted.newBrowser(t)
	after.client.Jar.SetCookies(mustParseURL(t, restarted.URL), cookies)
	wantStatus(t, "the old cookie after rotating the keys", after.get("/my/projects"), http.StatusOK)
	// New cookies are signed with the new key: a site that knows only the
	// old key does not accept them.
	fresh := restarted.signIn(t, "li", testPassword)
	newCookies := fresh.client.Jar.Cookies(mustParseURL(t, restarted.URL))
	keys, err := auth.LoadKeys(site.cfg.sessionKeyFile(), "")
	if err != nil || len(keys) != 2 {
		t.Fatalf("%d keys after one rotation (%v)", len(keys), err)
	}
	oldOnly := site.cfg
	oldOnly.sessionKeys = base64.StdEncoding.EncodeToString(keys[1])
	restarted.Close()
	restarted.site.db.Close()
	old := openTestSite(t, oldOnly)
	check := old.newBrowser(t)
	check.client.Jar.SetCookies(mustParseURL(t, old.URL), newCookies)
	wantStatus(t, "a new cookie on a site with only the old key", check.get("/my/projects"), http.StatusSeeOther)
}

func TestEmailAddressForTheDigest(t *testing.T) {
	site := newTestSite(t)
	site.addUser(t, "li", auth.Engineer, testPassword)
	b := site.signIn(t, "li", testPassword)
	b.get("/account")

	refused := b.post("/account/email", url.Values{"email": {"li at example"}})
	wantStatus(t, "a wrong address", refused, http.StatusUnprocessableEntity)
	if v, _ := refused.Doc.Find(`#email`).Attr("value"); v != "li at example" {
		t.Errorf("the refused form keeps %q", v)
	}
	if got := text(refused.Doc.Find(`#email-error`)); !strings.Contains(got, "name@example.gov.cn") {
		t.Errorf("the message by the field: %q", got)
	}
	if mustUser(t, site, "li").Email != "" {
		t.Error("a refused address was saved")
	}

	wantStatus(t, "an address", b.post("/account/email", url.Values{"email": {" li@example.gov.cn "}}), http.StatusSeeOther)
	if got := mustUser(t, site, "li").Email; got != "li@example.gov.cn" {
		t.Errorf("saved %q", got)
	}
	if v, _ := b.get("/account").Doc.Find(`#email`).Attr("value"); v != "li@example.gov.cn" {
		t.Errorf("the account page shows %q", v)
	}
	events, err := site.users.Events(t.Context(), mustUser(t, site, "li").ID, 1)
	if err != nil || len(events) != 1 || events[0].Action != auth.ActionEmailChanged || events[0].Detail != "li@example.gov.cn" {
		t.Errorf("security log: %+v %v", events, err)
	}
	wantStatus(t, "no address", b.post("/account/email", url.Values{"email": {""}}), http.StatusSeeOther)
	if got := mustUser(t, site, "li").Email; got != "" {
		t.Errorf("the address was not removed: %q", got)
	}
}
