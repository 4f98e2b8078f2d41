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
	page := sup.Get(link)
	due, _ := page.Doc.Find(`input[name="due"]`).Attr("value")
	if want := site.Clock.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 7).Format(time.DateOnly); due != want {
		t.Errorf("the due date offered is %q, want a week ahead, %s", due, want)
	}
	empty := sup.Post(link, url.Values{"body": {"   "}, "due": {"2020-01-01"}})
	sitetest.WantStatus(t, "an empty comment due in the past", empty, http.StatusUnprocessableEntity)
	if got := sitetest.Text(empty.Doc.Find(`[data-testid="error-summary"]`)); !strings.Contains(got, "请填写内容") || !strings.Contains(got, "督办期限不能早于今天") {
		t.Errorf("both problems are not reported at once: %q", got)
	}
	sitetest.WantStatus(t, "a comment", sup.Post(link, url.Values{"body": {"请于下周报送竣工验收计划。"}, "due": {due}}), http.StatusSeeOther)

	li := site.SignIn(t, "li", sitetest.Password)
	if got := sitetest.Text(li.Get("/digest").Doc.Find(`[data-testid="digest-cases-waiting"]`)); !strings.Contains(got, "请于下周报送竣工验收计划") {
		t.Errorf("the engineer's digest does not list the 督办: %q", got)
	}
	mine := li.Get("/my/projects")
	comment := mine.Doc.Find(`[data-testid="open-comments"] [data-testid="comment"]`)
	if comment.Length() != 1 || !strings.Contains(sitetest.Text(comment), "请于下周报送竣工验收计划") || !strings.Contains(sitetest.Text(comment), "赵督办") ||
		!strings.Contains(sitetest.Text(comment.Find(`[data-testid="case-due"]`)), "前回复") {
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
	// The supervisor sees the answer, under the engineer's name, on the
	// console as a case to close, and on the target's page.
	row := sup.Get("/overdue?engineer=" + sitetest.ID(site.User(t, "li").ID)).Doc.Find(`[data-testid="console-cases"]`)
	if got := sitetest.Text(row); !strings.Contains(got, "1 件待办结") {
		t.Errorf("the console says %q of an answered case", got)
	}
	answered := sup.Get(link).Doc.Find(`[data-testid="comment"]`)
	if got := sitetest.Text(answered.Find(`[data-testid="case-answered"]`)); !strings.Contains(got, "计划已报送") || !strings.Contains(got, "李工") {
		t.Errorf("the supervisor does not see the answer: %q", sitetest.Text(answered))
	}
	if got := sitetest.Text(answered.Find(`[data-testid="case-state"]`)); got != "已回复，待办结" {
		t.Errorf("an answered case is %q", got)
	}
	if got := sitetest.Text(sup.Get("/digest").Doc.Find(`[data-testid="digest-cases-answered"]`)); !strings.Contains(got, "海安路") {
		t.Errorf("the supervisor's digest does not list the answer: %q", got)
	}
	li.Get("/my/projects")
	if resp := li.Post(action, url.Values{field: {"再答一次"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("answering twice: %d", resp.StatusCode)
	}

	// Not settled: the supervisor reopens it, with a note and a new date.
	decision := answered.Find(`[data-testid="case-decision"]`)
	reopen, _ := decision.Find(`button[formaction$="/reopen"]`).Attr("formaction")
	closing, _ := decision.Find(`button[formaction$="/close"]`).Attr("formaction")
	note, _ := decision.Find("textarea").Attr("name")
	dueField, _ := decision.Find(`input[type="date"]`).Attr("name")
	refused := sup.Post(reopen, url.Values{note: {""}, dueField: {"2020-01-01"}})
	sitetest.WantStatus(t, "reopening without a note", refused, http.StatusUnprocessableEntity)
	if got := sitetest.Text(refused.Doc.Find(`[data-testid="error-summary"]`)); !strings.Contains(got, "请填写说明") || !strings.Contains(got, "不能早于今天") {
		t.Errorf("the refused reopening says %q", got)
	}
	if v, _ := refused.Doc.Find(`input[name="` + dueField + `"]`).Attr("value"); v != "2020-01-01" {
		t.Errorf("the refused reopening lost the date typed: %q", v)
	}
	sitetest.WantStatus(t, "reopening", sup.Post(reopen, url.Values{note: {"计划缺少验收单位，请补充。"}, dueField: {due}}), http.StatusSeeOther)
	reopened := li.Get("/my/projects").Doc.Find(`[data-testid="open-comments"] [data-testid="comment"]`)
	if got := sitetest.Text(reopened); !strings.Contains(got, "计划缺少验收单位") || !strings.Contains(got, "计划已报送") {
		t.Fatalf("the reopened case shows the engineer %q", got)
	}
	sitetest.WantStatus(t, "the second answer", li.Post(action, url.Values{field: {"已补充验收单位。"}}), http.StatusSeeOther)

	// Settled: closed (办结) with a note; nothing waits any more.
	sitetest.WantStatus(t, "closing without a note", sup.Post(closing, url.Values{note: {" "}}), http.StatusUnprocessableEntity)
	sitetest.WantStatus(t, "closing", sup.Post(closing, url.Values{note: {"已核实，办结。"}}), http.StatusSeeOther)
	closed := sup.Get(link).Doc.Find(`[data-testid="comment"]`)
	if got := closed.AttrOr("data-state", ""); got != "closed" {
		t.Errorf("the case is %q after closing", got)
	}
	if got := closed.Find(`[data-testid="case-answered"], [data-testid="case-reopened"], [data-testid="case-closed"]`).Length(); got != 4 {
		t.Errorf("the thread has %d entries, want 4: %q", got, sitetest.Text(closed))
	}
	if closed.Find(`button[formaction$="/close"]`).Length() != 0 {
		t.Error("a closed case can be closed again")
	}
	if got := sitetest.Text(sup.Get("/overdue?engineer=" + sitetest.ID(site.User(t, "li").ID)).Doc.Find(`[data-testid="console-cases"]`)); got != "督办" {
		t.Errorf("the console says %q once the case is closed", got)
	}
	sitetest.WantStatus(t, "closing twice", sup.Post(closing, url.Values{note: {"再办结"}}), http.StatusSeeOther)
}

// A case not answered by its due date is late: marked on the console and
// on the engineer's page.
func TestACaseNotAnsweredInTimeIsLate(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Advance(190 * 24 * time.Hour)
	sup := site.SignIn(t, "sup", sitetest.Password)
	console := "/overdue?engineer=" + sitetest.ID(site.User(t, "li").ID)
	link, _ := sup.Get(console).Doc.Find(`[data-testid="console-row"] a[href$="/comments"]`).Attr("href")
	due, _ := sup.Get(link).Doc.Find(`input[name="due"]`).Attr("value")
	sitetest.WantStatus(t, "a comment", sup.Post(link, url.Values{"body": {"请说明延误原因。"}, "due": {due}}), http.StatusSeeOther)
	if got := sitetest.Text(sup.Get(console).Doc.Find(`[data-testid="console-cases"]`).First()); strings.Contains(got, "逾期") {
		t.Errorf("a case within its time is %q", got)
	}
	site.Clock.Advance(8 * 24 * time.Hour)
	sup = site.SignIn(t, "sup", sitetest.Password)
	if got := sitetest.Text(sup.Get(console).Doc.Find(`[data-testid="console-cases"]`).First()); !strings.Contains(got, "1 件逾期") {
		t.Errorf("a late case is %q on the console", got)
	}
	li := site.SignIn(t, "li", sitetest.Password)
	if got := sitetest.Text(li.Get("/my/projects").Doc.Find(`[data-testid="case-state"]`)); got != "逾期未回复" {
		t.Errorf("a late case is %q on the engineer's page", got)
	}
}
