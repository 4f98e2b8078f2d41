package projects_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

func TestSupervisoryCommentsReachTheEngineerUntilAnswered(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	// Threads show people by their names, not their usernames.
	if err := site.Site.DB.Write.Exec(`UPDATE users SET display_name = CASE username WHEN 'sup' THEN '赵督办' ELSE '李工' END
		WHERE username IN ('sup', 'li')`).Error; err != nil {
		t.Fatal(err)
	}
	// 海安路's 2023 completion target, overdue by then: find it on the
	// console's link.
	site.Clock.Advance(190 * 24 * time.Hour)
	sup := site.SignIn(t, "sup", sitetest.Password)
	link, _ := sup.Get("/overdue?engineer=" + sitetest.ID(site.User(t, "li").ID)).Doc.Find(`[data-testid="console-row"] a[href$="/comments"]`).Attr("href")
	if link == "" {
		t.Fatal("no comments link on the console")
	}
	sup.Get(link)
	empty := sup.Post(link, url.Values{"body": {"   "}})
	sitetest.WantStatus(t, "an empty comment", empty, http.StatusUnprocessableEntity)
	sitetest.WantStatus(t, "a comment", sup.Post(link, url.Values{"body": {"请于下周报送竣工验收计划。"}}), http.StatusSeeOther)

	li := site.SignIn(t, "li", sitetest.Password)
	mine := li.Get("/my/projects")
	comment := mine.Doc.Find(`[data-testid="open-comments"] [data-testid="comment"]`)
	if comment.Length() != 1 || !strings.Contains(sitetest.Text(comment), "请于下周报送竣工验收计划") || !strings.Contains(sitetest.Text(comment), "赵督办") {
		t.Fatalf("the engineer's page shows %q", sitetest.Text(mine.Doc.Find(`[data-testid="open-comments"]`)))
	}
	sitetest.WantStatus(t, "the engineer cannot add comments", li.Post(link, url.Values{"body": {"x"}}), http.StatusForbidden)
	action, _ := comment.Find("form").Attr("action")
	field, _ := comment.Find("textarea").Attr("name")
	wang := site.SignIn(t, "wang", sitetest.Password)
	wang.Get("/account")
	sitetest.WantStatus(t, "an unassigned engineer's answer", wang.Post(action, url.Values{field: {"不是我的项目"}}), http.StatusForbidden)
	sitetest.WantStatus(t, "an empty answer", li.Post(action, url.Values{field: {""}}), http.StatusUnprocessableEntity)
	sitetest.WantStatus(t, "the answer", li.Post(action, url.Values{field: {"计划已报送。"}}), http.StatusSeeOther)

	if li.Get("/my/projects").Doc.Find(`[data-testid="open-comments"]`).Length() != 0 {
		t.Error("an answered comment is still on the engineer's page")
	}
	answered := sup.Get(link).Doc.Find(`[data-testid="comment"]`)
	if got := sitetest.Text(answered.Find(`[data-testid="answer"]`)); !strings.Contains(got, "计划已报送") || !strings.Contains(got, "李工") {
		t.Errorf("the supervisor does not see the answer: %q", sitetest.Text(answered))
	}
	li.Get("/my/projects")
	if resp := li.Post(action, url.Values{field: {"再答一次"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("answering twice: %d", resp.StatusCode)
	}
}
