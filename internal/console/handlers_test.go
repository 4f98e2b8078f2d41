package console_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
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
