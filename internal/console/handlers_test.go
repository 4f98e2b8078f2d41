package console_test

import (
	"net/http"
	"net/url"
	"shuangshi/internal/site/sitetest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
)

func TestConsoleListsFiltersAndSorts(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Advance(190 * 24 * time.Hour) // 8 December 2023: the 2023 targets are at risk
	sup := site.SignIn(t, "sup", sitetest.Password)

	page := sup.Get("/overdue")
	sitetest.WantStatus(t, "the console", page, http.StatusOK)
	count := func(p sitetest.Response, id string) string {
		return sitetest.Text(p.Doc.Find(`[data-testid="count-` + id + `"]`))
	}
	// 眉州路's partly achieved 2022 target is overdue; the twenty 2023 targets are within 30 days.
	if count(page, "overdue") != "1" || count(page, "at-risk") != "20" {
		t.Fatalf("counts overdue %s, at risk %s", count(page, "overdue"), count(page, "at-risk"))
	}
	// Every seeded project was last changed on 4 January 2023: stale.
	if count(page, "stale") != "21" {
		t.Errorf("stale %s, want 21", count(page, "stale"))
	}
	if page.Doc.Find(`[data-testid="group-overdue"] [data-testid="console-row"]`).Length() != 1 {
		t.Error("the overdue group does not hold the one overdue target")
	}

	filtered := sup.Get("/overdue?year=2023&list=complete&category=water")
	rows := filtered.Doc.Find(`[data-testid="console-row"]`)
	if rows.Length() != 4 || count(filtered, "at-risk") != "4" {
		t.Fatalf("2023 water completions: %d rows", rows.Length())
	}
	if v, _ := filtered.Doc.Find(`#filter-category option[selected]`).Attr("value"); v != "water" {
		t.Errorf("the filter form does not keep the chosen category: %q", v)
	}
	byEngineer := sup.Get("/overdue?engineer=" + sitetest.ID(site.User(t, "li").ID))
	if got := byEngineer.Doc.Find(`[data-testid="console-row"]`).Length(); got != 1 {
		t.Errorf("li's rows: %d, want 1 (海安路's 2023 completion)", got)
	}

	sorted := sup.Get("/overdue?year=2023&sort=project&dir=desc")
	var names []string
	sorted.Doc.Find(`[data-testid="group-at-risk"] [data-testid="console-row"] th a`).Each(func(_ int, s *goquery.Selection) {
		names = append(names, sitetest.Text(s))
	})
	for i := 1; i < len(names); i++ {
		if names[i-1] < names[i] {
			t.Fatalf("not sorted by name, descending: %q before %q", names[i-1], names[i])
		}
	}
	if sort, _ := sorted.Doc.Find(`th[aria-sort]`).Attr("aria-sort"); sort != "descending" {
		t.Errorf("aria-sort = %q", sort)
	}
	for _, bad := range []string{"/overdue?year=abc", "/overdue?list=x", "/overdue?category=x", "/overdue?engineer=-1", "/overdue?sort=password"} {
		sitetest.WantStatus(t, bad, sup.Get(bad), http.StatusBadRequest)
	}
}

func TestSupervisoryCommentsReachTheEngineerUntilAnswered(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
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
	if comment.Length() != 1 || !strings.Contains(sitetest.Text(comment), "请于下周报送竣工验收计划") || !strings.Contains(sitetest.Text(comment), "sup") {
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
	if !strings.Contains(sitetest.Text(answered.Find(`[data-testid="answer"]`)), "计划已报送") {
		t.Errorf("the supervisor does not see the answer: %q", sitetest.Text(answered))
	}
	li.Get("/my/projects")
	if resp := li.Post(action, url.Values{field: {"再答一次"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("answering twice: %d", resp.StatusCode)
	}
}
