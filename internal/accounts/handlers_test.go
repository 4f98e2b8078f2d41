package accounts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

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

// TestAssignSeveralProjectsAtOnce: an administrator ticks five projects on
// an engineer's page and assigns them with one submit; none ticked is
// refused with a message, and one unknown id assigns none of the others.
func TestAssignSeveralProjectsAtOnce(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	user := "/admin/users/" + sitetest.ID(li.ID)
	page := b.Get(user)
	boxes := page.Doc.Find(`[data-testid="assign-form"] input[type="checkbox"][name="project_id"]`)
	if boxes.Length() < 30 {
		t.Fatalf("%d projects offered to tick", boxes.Length())
	}
	none := b.Post(user+"/assignments", url.Values{})
	sitetest.WantStatus(t, "nothing ticked", none, http.StatusUnprocessableEntity)
	if !strings.Contains(sitetest.Text(none.Doc.Find("main")), "请勾选要指派的项目") {
		t.Error("no message when nothing is ticked")
	}
	sitetest.WantStatus(t, "one unknown among them", b.Post(user+"/assignments", url.Values{"project_id": {"1", "9999"}}), http.StatusUnprocessableEntity)
	if ids, _ := site.Users.AssignedProjectIDs(t.Context(), li.ID); len(ids) != 0 {
		t.Fatalf("a refused batch assigned %v", ids)
	}
	five := url.Values{"project_id": {"1", "2", "3", "4", "5"}}
	sitetest.WantStatus(t, "assign five", b.Post(user+"/assignments", five), http.StatusSeeOther)
	if ids, _ := site.Users.AssignedProjectIDs(t.Context(), li.ID); len(ids) != 5 {
		t.Errorf("li answers for %v, want the five ticked", ids)
	}
	if n := b.Get(user).Doc.Find(`[data-testid="assigned"] li`).Length(); n != 5 {
		t.Errorf("the page lists %d assigned projects", n)
	}
}

// An administrator reading a project's page assigns an engineer to it and
// takes one off it there, without going to the engineer's account.
func TestAssignFromTheProjectPage(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.AddUser(t, "li", auth.Engineer, sitetest.Password)
	b := site.SignIn(t, "adm", sitetest.Password)
	page := b.Get("/projects/3")
	section := page.Doc.Find(`section[data-testid="engineers"]`)
	if got := sitetest.Text(section.Find("li")); got != "" {
		t.Fatalf("project 3 has engineers already: %q", got)
	}
	choices := section.Find(`select[name="engineer_id"] option`)
	if choices.Length() != 1 || choices.AttrOr("value", "") != sitetest.ID(li.ID) {
		t.Fatalf("the engineers offered are %q; want li alone, no supervisor", sitetest.Text(choices))
	}
	action := section.Find("form").Last().AttrOr("action", "")
	assigned := b.Post(action, url.Values{"engineer_id": {sitetest.ID(li.ID)}})
	sitetest.WantStatus(t, "assigning", assigned, http.StatusSeeOther)
	if got := assigned.Header.Get("Location"); got != "/projects/3#engineers" {
		t.Errorf("assigning leads to %q, want back to the project", got)
	}
	if ids, _ := site.Users.AssignedProjectIDs(t.Context(), li.ID); len(ids) != 1 || ids[0] != 3 {
		t.Fatalf("li answers for %v", ids)
	}
	section = b.Get("/projects/3").Doc.Find(`section[data-testid="engineers"]`)
	if got := sitetest.Text(section.Find("li span")); got != "li" {
		t.Errorf("the project's engineers are %q", got)
	}
	if section.Find(`select[name="engineer_id"]`).Length() != 0 {
		t.Error("li is still offered once assigned")
	}
	sup := site.User(t, "sup")
	sitetest.WantStatus(t, "a supervisor is not assigned", b.Post(action, url.Values{"engineer_id": {sitetest.ID(sup.ID)}}), http.StatusSeeOther)
	if ids, _ := site.Users.AssignedProjectIDs(t.Context(), sup.ID); len(ids) != 0 {
		t.Errorf("a supervisor was assigned %v", ids)
	}
	sitetest.WantStatus(t, "nobody chosen", b.Post(action, url.Values{}), http.StatusBadRequest)
	remove := section.Find("li form").AttrOr("action", "")
	sitetest.WantStatus(t, "unassigning", b.Post(remove, url.Values{}), http.StatusSeeOther)
	if ids, _ := site.Users.AssignedProjectIDs(t.Context(), li.ID); len(ids) != 0 {
		t.Errorf("li still answers for %v", ids)
	}
	// Nobody but an administrator sees the form.
	if site.SignIn(t, "sup", sitetest.Password).Get("/projects/3").Doc.Find(`select[name="engineer_id"]`).Length() != 0 {
		t.Error("a supervisor is offered to assign")
	}
}
