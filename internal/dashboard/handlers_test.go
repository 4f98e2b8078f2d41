package dashboard_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/site/sitetest"
)

func TestDashboardCountsPlannedAgainstAchieved(t *testing.T) {
	site := sitetest.New(t) // 1 June 2023
	b := site.NewBrowser(t)
	page := b.Get("/years/2022/dashboard")
	sitetest.WantStatus(t, "the 2022 dashboard", page, http.StatusOK)
	figure := func(list string) string {
		return sitetest.Text(page.Doc.Find(`[data-testid="glance-` + list + `"] .summary__figure`))
	}
	// Table 5: ten started; nine completed and 眉州路 partly.
	if figure("start") != "10/10" || figure("complete") != "9/10" {
		t.Errorf("2022: start %q, complete %q; want 10/10 and 9/10", figure("start"), figure("complete"))
	}
	if !strings.Contains(sitetest.Text(page.Doc.Find(`[data-testid="glance-complete"]`)), "部分达成 1 项") {
		t.Errorf("the partly achieved target is not noted: %q", sitetest.Text(page.Doc.Find(`[data-testid="glance-complete"]`)))
	}

	// The category table adds up to the lists, and each chart is described.
	started, planned := 0, 0
	page.Doc.Find(`[data-testid="table-by-category"] tbody tr`).Each(func(_ int, row *goquery.Selection) {
		var a, n int
		if _, err := fmt.Sscanf(sitetest.Text(row.Find("td").Eq(0)), "%d/%d", &a, &n); err != nil {
			t.Fatalf("cell %q: %v", sitetest.Text(row.Find("td").Eq(0)), err)
		}
		started, planned = started+a, planned+n
	})
	if started != 10 || planned != 10 {
		t.Errorf("the categories add up to %d/%d started", started, planned)
	}
	for _, id := range []string{"by-category", "by-year"} {
		svg := page.Doc.Find(`[data-testid="chart-` + id + `"] svg[role="img"]`)
		if sitetest.Text(svg.Find("title").First()) == "" || sitetest.Text(svg.Find("desc").First()) == "" {
			t.Errorf("the %s chart has no title or description", id)
		}
	}
	// 2022 has no earlier year; 2023 has 2022 beside it.
	if n := page.Doc.Find(`[data-testid="table-by-year"] tbody tr`).Length(); n != 1 {
		t.Errorf("the 2022 dashboard compares %d years", n)
	}
	years := b.Get("/years/2023/dashboard").Doc.Find(`[data-testid="table-by-year"] tbody tr th`)
	if years.Length() != 2 || !strings.Contains(sitetest.Text(years.Eq(0)), "2022") || !strings.Contains(sitetest.Text(years.Eq(1)), "2023") {
		t.Errorf("the year-over-year table has %q", sitetest.Text(years))
	}
}

func TestTimelineShowsBaselinesActualsAndToday(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("planned_start", "2022-09-01")
	form.Set("planned_completion", "2023-10-31")
	sitetest.WantStatus(t, "set a baseline", b.Post("/projects/3/edit", form), http.StatusSeeOther)
	form = sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("planned_completion", "2023-12-15")
	form.Set("rebaseline_reason", "雨季停工")
	form.Set("delay_reason", "雨季")
	sitetest.WantStatus(t, "re-baseline", b.Post("/projects/3/edit", form), http.StatusSeeOther)

	page := site.NewBrowser(t).Get("/years/2023/timeline")
	sitetest.WantStatus(t, "the timeline", page, http.StatusOK)
	rows := page.Doc.Find(`[data-testid="timeline-row"]`)
	if rows.Length() != page.Doc.Find(`[data-testid="timeline-table"] tbody tr`).Length() || rows.Length() == 0 {
		t.Fatalf("%d rows drawn, %d in the table", rows.Length(), page.Doc.Find(`[data-testid="timeline-table"] tbody tr`).Length())
	}
	var haianRow *goquery.Selection
	rows.Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(sitetest.Text(row.Find("title")), "海安路") {
			haianRow = row
		}
	})
	if haianRow == nil {
		t.Fatal("海安路 is not on the 2023 timeline")
	}
	if haianRow.Find("rect.gantt__planned").Length() != 1 || haianRow.Find("rect.gantt__original").Length() != 1 || haianRow.Find("path.gantt__deadline").Length() != 1 {
		t.Errorf("海安路's row: %d planned, %d original bars, %d deadline markers; want 1, 1, 1",
			haianRow.Find("rect.gantt__planned").Length(), haianRow.Find("rect.gantt__original").Length(), haianRow.Find("path.gantt__deadline").Length())
	}
	width := func(selector string) int {
		w, _ := haianRow.Find(selector).Attr("width")
		n, err := strconv.Atoi(w)
		if err != nil {
			t.Fatalf("%s width %q", selector, w)
		}
		return n
	}
	if planned, original := width("rect.gantt__planned"), width("rect.gantt__original"); planned <= original {
		t.Errorf("the re-baselined bar (%d) is not longer than the original (%d)", planned, original)
	}
	if page.Doc.Find(`svg.gantt line.gantt__today`).Length() != 1 {
		t.Error("no today line on the current year's timeline")
	}
	if page.Doc.Find(`svg.gantt title`).First().Text() == "" || page.Doc.Find(`svg.gantt desc`).Text() == "" {
		t.Error("the timeline has no title or description")
	}
}
