package auth_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
	sitepkg "shuangshi/internal/site"
	"shuangshi/internal/site/sitetest"
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
	trusted := loopback(t)
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
			hash := sitetest.Hash(t, sitetest.Password)
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
	second := site.NewBrowser(t).Get(path)
	sitetest.WantStatus(t, "the link a second time", second, http.StatusNotFound)
	if got := sitetest.Text(second.Doc.Find("main")); !strings.Contains(got, "设置链接已用过") {
		t.Errorf("the used link says %q, want that it was used", got)
	}
	// The new administrator's account page tells what the e-mail address
	// is for on a site that sends none.
	if got := sitetest.Text(b.Get("/account").Doc.Find(`#email-hint`)); !strings.Contains(got, "本站目前不发送电子邮件") {
		t.Errorf("the e-mail hint says %q on a site without mail", got)
	}
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

func TestSignOutEndsTheSessionForGood(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "li", sitetest.Password)
	stolen := b.Cookies()
	b.Get("/account")
	sitetest.WantStatus(t, "sign out", b.Post("/logout", nil), http.StatusSeeOther)

	thief := site.NewBrowser(t)
	thief.SetCookies(stolen)
	sitetest.WantStatus(t, "a copy of the cookie after sign-out", thief.Get("/my/projects"), http.StatusSeeOther)
	if sessions := site.Count(t, "sessions"); sessions != 0 {
		t.Errorf("%d sessions remain after signing out", sessions)
	}
	// An ended session's sign-out button still signs out, without an error.
	sitetest.WantStatus(t, "signing out again", thief.Post("/logout", url.Values{"_csrf": {"whatever"}}), http.StatusSeeOther)
}

func TestRotatedKeysSignNobodyOut(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "li", sitetest.Password)
	cookies := b.Cookies()
	keyFile := sitepkg.SessionKeyFile(site.Config.Source)
	if err := auth.RotateKeys(keyFile); err != nil {
		t.Fatal(err)
	}
	restarted := site.Restart(t)
	after := restarted.NewBrowser(t)
	after.SetCookies(cookies)
	sitetest.WantStatus(t, "the old cookie after rotating the keys", after.Get("/my/projects"), http.StatusOK)
	// New cookies are signed with the new key: a site that knows only the
	// old key does not accept them.
	fresh := restarted.SignIn(t, "li", sitetest.Password)
	newCookies := fresh.Cookies()
	keys, err := auth.LoadKeys(keyFile, "")
	if err != nil || len(keys) != 2 {
		t.Fatalf("%d keys after one rotation (%v)", len(keys), err)
	}
	oldOnly := site.Config
	oldOnly.SessionKeys = base64.StdEncoding.EncodeToString(keys[1])
	restarted.Stop()
	old := sitetest.Open(t, oldOnly)
	check := old.NewBrowser(t)
	check.SetCookies(newCookies)
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
