package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestTheConsoleShowsTheYearsPaceAndTheMonthsFiling: a project whose
// investment lags the year by more than 30 points is on the console, red,
// though its deadline is far; the light filters; the month's 填报率 counts
// its report and lists who has not reported.
func TestTheConsoleShowsTheYearsPaceAndTheMonthsFiling(t *testing.T) {
	site := sitetest.NewEditing(t) // 1 June 2023; li answers for project 3
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("planned_investment-2023", "1200")
	sitetest.WantStatus(t, "the plan", li.Post("/projects/3/edit", form), http.StatusSeeOther)
	li.Get("/projects/3/monthly")
	filed := li.Post("/projects/3/monthly", url.Values{"month": {"2023-05"}, "completed": {"50"}, "progress": {"围挡完成"}})
	sitetest.WantStatus(t, "the report", filed, http.StatusSeeOther)

	sup := site.SignIn(t, "sup", sitetest.Password)
	page := sup.Get("/overdue")
	sitetest.WantStatus(t, "the console", page, http.StatusOK)
	behind := page.Doc.Find(`[data-testid="group-behind"] [data-testid="console-row"]`)
	if behind.Length() != 1 || !strings.Contains(sitetest.Text(behind), "海安路") {
		t.Fatalf("the group behind the year's investment holds %q", sitetest.Text(behind))
	}
	// 50 of 1200 (4.2%) against 41.7% of the year at the end of May.
	light := behind.Find(`[data-testid="pace-cell"] [data-light]`)
	if light.AttrOr("data-light", "") != "red" || !strings.Contains(sitetest.Text(light), "落后 37.5") {
		t.Errorf("the row's light: %q %q", light.AttrOr("data-light", ""), sitetest.Text(light))
	}
	if got := sitetest.Text(page.Doc.Find(`[data-testid="count-behind"]`)); got != "1" {
		t.Errorf("counts %q behind", got)
	}
	if n := sup.Get("/overdue?light=red").Doc.Find(`[data-testid="console-row"]`).Length(); n != 1 {
		t.Errorf("the red filter keeps %d rows, want 1", n)
	}
	if n := sup.Get("/overdue?light=green").Doc.Find(`[data-testid="console-row"]`).Length(); n != 0 {
		t.Errorf("the green filter keeps %d rows, want 0", n)
	}
	sitetest.WantStatus(t, "a light the form does not offer", sup.Get("/overdue?light=blue"), http.StatusBadRequest)

	// May: the 2023 list's projects are due; one reported.
	filing := sitetest.Text(page.Doc.Find(`[data-testid="filing"]`))
	if !strings.Contains(filing, "2023年5月月报填报率") || !strings.Contains(filing, "（1/") {
		t.Errorf("the console's filing box: %q", filing)
	}
	month := sup.Get("/monthly?month=2023-05")
	sitetest.WantStatus(t, "the month's filing", month, http.StatusOK)
	missing := sitetest.Text(month.Doc.Find(`[data-testid="filing-missing"]`))
	if strings.Contains(missing, "海安路") || missing == "" {
		t.Errorf("not reported: %q", missing)
	}
	csv := sup.Get("/overdue.csv?light=red")
	if !strings.Contains(csv.Body, "严重滞后") {
		t.Errorf("the meeting's file has no light: %q", csv.Body)
	}
}
