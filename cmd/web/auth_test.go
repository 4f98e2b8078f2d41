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
	sitepkg "shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
)

func TestSignInLandsEachRoleAndShowsWhoIsSignedIn(t *testing.T) {
	site := sitetest.New(t)
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
			site.AddUser(t, tc.username, tc.role, sitetest.Password)
			b := site.NewBrowser(t)
			b.Get("/login")
			resp := b.Post("/login", url.Values{"username": {strings.ToUpper(tc.username)}, "password": {sitetest.Password}})
			sitetest.WantStatus(t, "sign in", resp, http.StatusSeeOther)
			if got := resp.Header.Get("Location"); got != tc.landing {
				t.Fatalf("landed on %q, want %q", got, tc.landing)
			}
			page := b.Get(tc.landing)
			sitetest.WantStatus(t, "landing page", page, http.StatusOK)
			if got := sitetest.Text(page.Doc.Find(`[data-testid="signed-in"]`)); !strings.Contains(got, tc.username) || !strings.Contains(got, tc.label) {
				t.Errorf("the header says %q, want the user and the role %s", got, tc.label)
			}
			// Sign out: back to the public site, which no longer knows the user.
			sitetest.WantStatus(t, "sign out", b.Post("/logout", nil), http.StatusSeeOther)
			home := b.Get("/")
			if home.Doc.Find(`[data-testid="signed-in"]`).Length() != 0 || !strings.Contains(sitetest.Text(home.Doc.Find(`[data-testid="flash"]`)), "已退出登录") {
				t.Errorf("after signing out the home page shows %q", sitetest.Text(home.Doc.Find("header, [data-testid=flash]")))
			}
			sitetest.WantStatus(t, "landing page after signing out", b.Get(tc.landing), http.StatusSeeOther)
		})
	}
}

func TestSignInRefusalsLookAlike(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.NewBrowser(t)
	b.Get("/login")

	empty := b.Post("/login", url.Values{"username": {"  "}, "password": {""}})
	sitetest.WantStatus(t, "empty form", empty, http.StatusUnprocessableEntity)
	if empty.Doc.Find(`[data-testid="error-summary"] a[href="#username"]`).Length() != 1 ||
		empty.Doc.Find(`#username[aria-describedby="username-error"][aria-invalid="true"]`).Length() != 1 {
		t.Error("the empty form's errors are not summarised and linked to their fields")
	}

	wrong := b.Post("/login", url.Values{"username": {"li"}, "password": {"not-the-password"}})
	unknown := b.Post("/login", url.Values{"username": {"nobody"}, "password": {"not-the-password"}})
	for name, r := range map[string]sitetest.Response{"wrong password": wrong, "unknown user": unknown} {
		sitetest.WantStatus(t, name, r, http.StatusUnauthorized)
		if got := sitetest.Text(r.Doc.Find(`[data-testid="login-problem"]`)); got != "用户名或密码不正确。" {
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
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.NewBrowser(t)
	b.Get("/login")
	free := auth.DefaultThrottle().AccountFromAddress.FreeFailures
	for i := 1; i < free; i++ {
		sitetest.WantStatus(t, "failure "+string(rune('0'+i)), b.Post("/login", url.Values{"username": {"li"}, "password": {"wrong-password"}}), http.StatusUnauthorized)
	}
	// The failure that reaches the limit locks the account.
	sitetest.WantStatus(t, "the last free failure", b.Post("/login", url.Values{"username": {"li"}, "password": {"wrong-password"}}), http.StatusTooManyRequests)
	locked := b.Post("/login", url.Values{"username": {"li"}, "password": {sitetest.Password}})
	sitetest.WantStatus(t, "the right password while locked", locked, http.StatusTooManyRequests)
	if got := locked.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60", got)
	}
	if got := sitetest.Text(locked.Doc.Find(`[data-testid="login-problem"]`)); !strings.Contains(got, "1 分钟后再试") {
		t.Errorf("the page says %q, want when to try again", got)
	}
	// Another account from another address is not held up by this one.
	site.AddUser(t, "wang", auth.Engineer, sitetest.Password)
	other := site.NewBrowser(t)
	other.Get("/login")
	if resp := other.Post("/login", url.Values{"username": {"wang"}, "password": {sitetest.Password}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another account was refused: %d", resp.StatusCode)
	}

	site.Clock.Advance(auth.DefaultThrottle().AccountFromAddress.FirstDelay + time.Second)
	sitetest.WantStatus(t, "the right password after the delay", b.Post("/login", url.Values{"username": {"li"}, "password": {sitetest.Password}}), http.StatusSeeOther)
}

func TestCSRFTokenIsRequired(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	b.Get("/admin/users/new")
	form := url.Values{"username": {"new.user"}, "role": {"engineer"}}
	for name, token := range map[string][]string{"no token": nil, "a wrong token": {"forged"}, "an empty token": {""}} {
		f := url.Values{"username": form["username"], "role": form["role"]}
		if token != nil {
			f["_csrf"] = token
		}
		resp := b.PostRaw("/admin/users", f)
		sitetest.WantStatus(t, name, resp, http.StatusForbidden)
		if got := sitetest.Text(resp.Doc.Find(`[data-testid="error-message"]`)); !strings.Contains(got, "未做任何更改") {
			t.Errorf("%s: page says %q", name, got)
		}
	}
	if _, err := site.Users.UserByUsername(t.Context(), "new.user"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("a POST without a valid token created the account (%v)", err)
	}
	// The token is accepted from the header as well as the form.
	b.Header.Set("X-CSRF-Token", b.CSRF)
	resp := b.PostRaw("/admin/users", form)
	sitetest.WantStatus(t, "token in the header", resp, http.StatusSeeOther)
	// Anonymous forms need it too: signing in without it changes nothing.
	anon := site.NewBrowser(t)
	sitetest.WantStatus(t, "sign-in without a token", anon.PostRaw("/login", url.Values{"username": {"adm"}, "password": {sitetest.Password}}), http.StatusForbidden)
}

func TestSessionCookie(t *testing.T) {
	trusted, _ := parseNetworks("127.0.0.1")
	tests := []struct {
		name       string
		cfg        func(*sitepkg.Config)
		proto      string
		wantSecure bool
	}{
		{"plain HTTP", func(*sitepkg.Config) {}, "", false},
		{"-secure-cookies", func(c *sitepkg.Config) { c.SecureCookies = true }, "", true},
		{"HTTPS through a trusted proxy", func(c *sitepkg.Config) { c.TrustedProxies = trusted }, "https", true},
		{"an untrusted X-Forwarded-Proto", func(*sitepkg.Config) {}, "https", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := sitetest.New(t, tc.cfg)
			site.AddUser(t, "li", auth.Engineer, sitetest.Password)
			b := site.NewBrowser(t)
			if tc.proto != "" {
				b.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			before := b.Get("/login")
			anonymousCookie := sessionCookie(t, before.Response)
			tokenBefore := b.CSRF
			resp := b.Post("/login", url.Values{"username": {"li"}, "password": {sitetest.Password}})
			sitetest.WantStatus(t, "sign in", resp, http.StatusSeeOther)
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
			b.Get("/account")
			if b.CSRF == tokenBefore {
				t.Error("the CSRF token did not change at sign-in")
			}
			stale := b.Post("/account/sign-out-everywhere", url.Values{"_csrf": {tokenBefore}})
			sitetest.WantStatus(t, "the pre-sign-in token", stale, http.StatusForbidden)
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
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	admin := site.SignIn(t, "adm", sitetest.Password)
	tests := []struct {
		name   string
		change func(t *testing.T)
		undo   func(t *testing.T)
	}{
		{"disabled", func(t *testing.T) {
			admin.Get("/admin/users/" + sitetest.ID(li.ID))
			sitetest.WantStatus(t, "disable", admin.Post("/admin/users/"+sitetest.ID(li.ID)+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
		}, func(t *testing.T) {
			admin.Get("/admin/users/" + sitetest.ID(li.ID))
			sitetest.WantStatus(t, "enable", admin.Post("/admin/users/"+sitetest.ID(li.ID)+"/active", url.Values{"active": {"true"}}), http.StatusSeeOther)
		}},
		{"password reset", func(t *testing.T) {
			admin.Get("/admin/users/" + sitetest.ID(li.ID) + "/password")
			sitetest.WantStatus(t, "reset", admin.Post("/admin/users/"+sitetest.ID(li.ID)+"/password", nil), http.StatusSeeOther)
		}, func(t *testing.T) {
			hash := mustHash(t, sitetest.Password)
			if _, err := site.Users.SetPassword(t.Context(), li.ID, hash, false, auth.CommandLine); err != nil {
				t.Fatal(err)
			}
		}},
		{"signed out everywhere", func(t *testing.T) {
			elsewhere := site.SignIn(t, "li", sitetest.Password)
			elsewhere.Get("/account")
			sitetest.WantStatus(t, "sign out everywhere", elsewhere.Post("/account/sign-out-everywhere", nil), http.StatusSeeOther)
		}, func(*testing.T) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			phone := site.SignIn(t, "li", sitetest.Password)
			sitetest.WantStatus(t, "before", phone.Get("/my/projects"), http.StatusOK)
			tc.change(t)
			after := phone.Get("/my/projects")
			sitetest.WantStatus(t, "the next request", after, http.StatusSeeOther)
			if loc := after.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
				t.Errorf("sent to %q, want the sign-in page", loc)
			}
			login := phone.Get("/login")
			if !strings.Contains(sitetest.Text(login.Doc.Find(`[data-testid="flash"]`)), "登录已失效") {
				t.Errorf("the sign-in page does not say the session ended: %q", sitetest.Text(login.Doc.Find("main")))
			}
			tc.undo(t)
		})
	}
}

func TestIdleTimeoutAndLifetime(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)

	idle := site.SignIn(t, "li", sitetest.Password)
	site.Clock.Advance(7*time.Hour + 59*time.Minute)
	sitetest.WantStatus(t, "after 7 h 59 min", idle.Get("/my/projects"), http.StatusOK)
	site.Clock.Advance(8*time.Hour + time.Minute)
	sitetest.WantStatus(t, "after 8 h idle", idle.Get("/my/projects"), http.StatusSeeOther)

	busy := site.SignIn(t, "li", sitetest.Password)
	for range 6 * 24 / 6 { // a request every 6 hours for six days
		site.Clock.Advance(6 * time.Hour)
		sitetest.WantStatus(t, "within the week", busy.Get("/my/projects"), http.StatusOK)
	}
	site.Clock.Advance(24*time.Hour + time.Minute)
	sitetest.WantStatus(t, "a week after signing in", busy.Get("/my/projects"), http.StatusSeeOther)
}

func TestResetPasswordMustBeChanged(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	admin := site.SignIn(t, "adm", sitetest.Password)
	confirm := admin.Get("/admin/users/" + sitetest.ID(li.ID) + "/password")
	sitetest.WantStatus(t, "the confirmation page", confirm, http.StatusOK)
	reset := admin.Post("/admin/users/"+sitetest.ID(li.ID)+"/password", nil)
	sitetest.WantStatus(t, "reset", reset, http.StatusSeeOther)
	shown := admin.Get(reset.Header.Get("Location"))
	sitetest.WantStatus(t, "the temporary password page", shown, http.StatusOK)
	temporary := sitetest.Text(shown.Doc.Find(`[data-testid="temporary-password"]`))
	if len(temporary) != 14 || shown.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("temporary password %q (Cache-Control %q)", temporary, shown.Header.Get("Cache-Control"))
	}
	// Shown once: reloading the page shows it no more, and resets nothing.
	if again := admin.Get(reset.Header.Get("Location")); again.StatusCode != http.StatusSeeOther || strings.Contains(again.Body, temporary) {
		t.Fatalf("the temporary password was shown twice (status %d)", again.StatusCode)
	}

	b := site.NewBrowser(t)
	b.Get("/login")
	sitetest.WantStatus(t, "the old password", b.Post("/login", url.Values{"username": {"li"}, "password": {sitetest.Password}}), http.StatusUnauthorized)
	resp := b.Post("/login", url.Values{"username": {"li"}, "password": {temporary}})
	if resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("signing in with a temporary password goes to %q, want /account/password", resp.Header.Get("Location"))
	}
	if loc := b.Get("/my/projects").Header.Get("Location"); loc != "/account/password" {
		t.Fatalf("a page before the new password redirects to %q", loc)
	}
	if label := sitetest.Text(b.Get("/account/password").Doc.Find(`label[for="current_password"]`)); label != "临时密码" {
		t.Errorf("the current password is labelled %q, want 临时密码", label)
	}
	short := b.Post("/account/password", url.Values{"current_password": {temporary}, "password": {"short"}, "password_confirm": {"short"}})
	sitetest.WantStatus(t, "a short password", short, http.StatusUnprocessableEntity)
	if got := sitetest.Text(short.Doc.Find(`[data-testid="error-password"]`)); !strings.Contains(got, "至少需要 10 个字符") {
		t.Errorf("the short password's message is %q", got)
	}
	changed := b.Post("/account/password", url.Values{"current_password": {temporary}, "password": {"my-own-password-2"}, "password_confirm": {"my-own-password-2"}})
	sitetest.WantStatus(t, "the new password", changed, http.StatusSeeOther)
	sitetest.WantStatus(t, "a page after the new password", b.Get("/my/projects"), http.StatusOK)
	site.SignIn(t, "li", "my-own-password-2")
}

func TestSetupLinkWorksOnce(t *testing.T) {
	site := sitetest.New(t)
	if site.Site.SetupPath() == "" {
		t.Fatal("a site without an administrator has no setup link")
	}
	path := site.Site.SetupPath()
	b := site.NewBrowser(t)
	sitetest.WantStatus(t, "the setup page", b.Get(path), http.StatusOK)
	bad := b.Post(path, url.Values{"username": {"root"}, "password": {"short"}, "password_confirm": {"short"}})
	sitetest.WantStatus(t, "a short password", bad, http.StatusUnprocessableEntity)
	if v, _ := bad.Doc.Find("#username").Attr("value"); v != "root" {
		t.Errorf("the username typed was not kept: %q", v)
	}
	done := b.Post(path, url.Values{"username": {"root"}, "display_name": {"区管理员"}, "password": {sitetest.Password}, "password_confirm": {sitetest.Password}})
	sitetest.WantStatus(t, "setup", done, http.StatusSeeOther)
	sitetest.WantStatus(t, "the accounts page, signed in", b.Get("/admin/users"), http.StatusOK)
	sitetest.WantStatus(t, "the link a second time", site.NewBrowser(t).Get(path), http.StatusNotFound)
	again := site.NewBrowser(t)
	again.Get("/login")
	sitetest.WantStatus(t, "posting to the used link", again.Post(path, url.Values{"username": {"root2"}, "password": {sitetest.Password}, "password_confirm": {sitetest.Password}}), http.StatusNotFound)
	if _, err := site.Users.UserByUsername(t.Context(), "root2"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatal("the used setup link created a second administrator")
	}

	// A restart with an administrator offers no link at all.
	restarted := sitetest.Open(t, site.Config)
	if restarted.Site.SetupPath() != "" {
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
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "li", sitetest.Password)
	stolen := b.Client.Jar.Cookies(mustParseURL(t, site.URL))
	b.Get("/account")
	sitetest.WantStatus(t, "sign out", b.Post("/logout", nil), http.StatusSeeOther)

	thief := site.NewBrowser(t)
	thief.Client.Jar.SetCookies(mustParseURL(t, site.URL), stolen)
	sitetest.WantStatus(t, "a copy of the cookie after sign-out", thief.Get("/my/projects"), http.StatusSeeOther)
	var sessions int64
	if err := site.Site.DB.Read.Raw("SELECT COUNT(*) FROM sessions").Scan(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if sessions != 0 {
		t.Errorf("%d sessions remain after signing out", sessions)
	}
	// An ended session's sign-out button still signs out, without an error.
	sitetest.WantStatus(t, "signing out again", thief.Post("/logout", url.Values{"_csrf": {"whatever"}}), http.StatusSeeOther)
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
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	victim := site.AddUser(t, "victim", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	form := url.Values{
		"username": {"someone"}, "password": {sitetest.Password}, "password_confirm": {sitetest.Password},
		"current_password": {sitetest.Password}, "role": {"supervisor"}, "active": {"false"}, "project_id": {"1"},
	}
	count := func() (n [3]int64) {
		for i, table := range []string{"users", "security_events", "assignments"} {
			if err := site.Site.DB.Read.Raw("SELECT COUNT(*) FROM " + table).Scan(&n[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		return n
	}
	before := count()
	posts := 0
	for _, route := range site.Site.Routes() {
		if route.Method != http.MethodPost {
			continue
		}
		posts++
		path := strings.NewReplacer(":id", sitetest.ID(victim.ID), ":project", "1", ":token", "x").Replace(route.Path)
		if resp := b.PostRaw(path, form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token: status %d, want 403", path, resp.StatusCode)
		}
	}
	if posts < 10 {
		t.Fatalf("only %d POST routes found", posts)
	}
	if after := count(); after != before {
		t.Errorf("rows of users, security_events, assignments: %v before, %v after", before, after)
	}
	if u, _ := site.Users.UserByID(t.Context(), victim.ID); !u.Active || u.Role != auth.Engineer {
		t.Errorf("the victim changed: %+v", u)
	}
	sitetest.WantStatus(t, "the administrator is still signed in", b.Get("/admin/users"), http.StatusOK)
}

func TestAdministratorsCannotLockThemselvesOut(t *testing.T) {
	site := sitetest.New(t)
	adm := site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	site.AddUser(t, "other.admin", auth.Admin, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	self := "/admin/users/" + sitetest.ID(adm.ID)
	page := b.Get(self)
	if page.Doc.Find(`form[action$="/role"], a[href$="/disable"], a[href$="/password"]`).Length() != 0 {
		t.Error("the administrator's own page offers to change their role, access or password")
	}
	for path, form := range map[string]url.Values{
		self + "/role":     {"role": {"engineer"}},
		self + "/active":   {"active": {"false"}},
		self + "/password": nil,
	} {
		sitetest.WantStatus(t, "POST "+path, b.Post(path, form), http.StatusUnprocessableEntity)
	}
	if u, _ := site.Users.UserByID(t.Context(), adm.ID); !u.Active || u.Role != auth.Admin || u.MustChangePassword {
		t.Errorf("the administrator's own account changed: %+v", u)
	}
	sitetest.WantStatus(t, "still signed in", b.Get("/admin/users"), http.StatusOK)
}

func TestRoleChangesAndAssignments(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	user := "/admin/users/" + sitetest.ID(li.ID)
	b.Get(user)
	sitetest.WantStatus(t, "assign", b.Post(user+"/assignments", url.Values{"project_id": {"3"}}), http.StatusSeeOther)
	table := b.Get("/admin/assignments")
	if got := sitetest.Text(table.Doc.Find(`[data-testid="assignment"][data-project="3"]`)); !strings.Contains(got, "li") {
		t.Fatalf("the assignments page does not show li on project 3: %q", got)
	}
	sitetest.WantStatus(t, "a malformed access value", b.Post(user+"/active", url.Values{"active": {"maybe"}}), http.StatusUnprocessableEntity)
	sitetest.WantStatus(t, "an unknown project", b.Post(user+"/assignments", url.Values{"project_id": {"9999"}}), http.StatusUnprocessableEntity)

	sitetest.WantStatus(t, "make li a supervisor", b.Post(user+"/role", url.Values{"role": {"supervisor"}}), http.StatusSeeOther)
	if ids, _ := site.Users.AssignedProjectIDs(t.Context(), li.ID); len(ids) != 0 {
		t.Fatalf("a supervisor still answers for projects %v", ids)
	}
	log := b.Get(user)
	if got := sitetest.Text(log.Doc.Find(`[data-testid="event"][data-action="role-changed"]`)); !strings.Contains(got, "工程师 → 督办人员") {
		t.Errorf("the log shows the role change as %q", got)
	}
	if log.Doc.Find(`[data-testid="event"][data-action="unassigned"]`).Length() != 1 {
		t.Error("losing the assignment with the role is not logged")
	}
	sitetest.WantStatus(t, "assign to a supervisor", b.Post(user+"/assignments", url.Values{"project_id": {"3"}}), http.StatusUnprocessableEntity)
}

func TestRotatedKeysSignNobodyOut(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "li", sitetest.Password)
	cookies := b.Client.Jar.Cookies(mustParseURL(t, site.URL))
	keyFile := sitepkg.SessionKeyFile(site.Config.Source)
	if err := auth.RotateKeys(keyFile); err != nil {
		t.Fatal(err)
	}
	site.Close()
	site.Site.DB.Close()
	restarted := sitetest.Open(t, site.Config)
	after := restarted.NewBrowser(t)
	after.Client.Jar.SetCookies(mustParseURL(t, restarted.URL), cookies)
	sitetest.WantStatus(t, "the old cookie after rotating the keys", after.Get("/my/projects"), http.StatusOK)
	// New cookies are signed with the new key: a site that knows only the
	// old key does not accept them.
	fresh := restarted.SignIn(t, "li", sitetest.Password)
	newCookies := fresh.Client.Jar.Cookies(mustParseURL(t, restarted.URL))
	keys, err := auth.LoadKeys(keyFile, "")
	if err != nil || len(keys) != 2 {
		t.Fatalf("%d keys after one rotation (%v)", len(keys), err)
	}
	oldOnly := site.Config
	oldOnly.SessionKeys = base64.StdEncoding.EncodeToString(keys[1])
	restarted.Close()
	restarted.Site.DB.Close()
	old := sitetest.Open(t, oldOnly)
	check := old.NewBrowser(t)
	check.Client.Jar.SetCookies(mustParseURL(t, old.URL), newCookies)
	sitetest.WantStatus(t, "a new cookie on a site with only the old key", check.Get("/my/projects"), http.StatusSeeOther)
}

func TestEmailAddressForTheDigest(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "li", sitetest.Password)
	b.Get("/account")

	refused := b.Post("/account/email", url.Values{"email": {"li at example"}})
	sitetest.WantStatus(t, "a wrong address", refused, http.StatusUnprocessableEntity)
	if v, _ := refused.Doc.Find(`#email`).Attr("value"); v != "li at example" {
		t.Errorf("the refused form keeps %q", v)
	}
	if got := sitetest.Text(refused.Doc.Find(`#email-error`)); !strings.Contains(got, "name@example.gov.cn") {
		t.Errorf("the message by the field: %q", got)
	}
	if site.User(t, "li").Email != "" {
		t.Error("a refused address was saved")
	}

	sitetest.WantStatus(t, "an address", b.Post("/account/email", url.Values{"email": {" li@example.gov.cn "}}), http.StatusSeeOther)
	if got := site.User(t, "li").Email; got != "li@example.gov.cn" {
		t.Errorf("saved %q", got)
	}
	if v, _ := b.Get("/account").Doc.Find(`#email`).Attr("value"); v != "li@example.gov.cn" {
		t.Errorf("the account page shows %q", v)
	}
	events, err := site.Users.Events(t.Context(), site.User(t, "li").ID, 1)
	if err != nil || len(events) != 1 || events[0].Action != auth.ActionEmailChanged || events[0].Detail != "li@example.gov.cn" {
		t.Errorf("security log: %+v %v", events, err)
	}
	sitetest.WantStatus(t, "no address", b.Post("/account/email", url.Values{"email": {""}}), http.StatusSeeOther)
	if got := site.User(t, "li").Email; got != "" {
		t.Errorf("the address was not removed: %q", got)
	}
}
