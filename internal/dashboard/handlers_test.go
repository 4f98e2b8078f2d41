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
		chart := page.Doc.Find(`[data-testid="chart-` + id + `"] [role="img"]`)
		label, _ := chart.Attr("aria-label")
		described, _ := chart.Attr("aria-describedby")
		if label == "" || described == "" || sitetest.Text(page.Doc.Find("#"+described)) == "" {
			t.Errorf("the %s chart has no name or description: aria-label %q, aria-describedby %q", id, label, described)
		}
		// Its labels are text, which keeps its size at any width, not SVG
		// text in a viewBox that shrinks with the box.
		if n := chart.Find(".bars__label").Length(); n != chart.Find(".bars__row").Length() || n == 0 {
			t.Errorf("the %s chart has %d labels for %d rows", id, n, chart.Find(".bars__row").Length())
		}
		if chart.Find("svg[viewBox], text").Length() > 0 {
			t.Errorf("the %s chart draws text in SVG or scales a viewBox", id)
		}
	}
	// 2022's bars: started 10 of 10, the largest value, fills the bar's room.
	first := page.Doc.Find(`[data-testid="chart-by-category"] .bars__row`).First()
	if w, _ := first.Find("rect.chart__planned").First().Attr("width"); !strings.HasSuffix(w, "%") {
		t.Errorf("a bar is %q wide; want a share of its room", w)
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
	haian := timelineRow(t, page, "海安路")
	if haian.Find("rect.gantt__planned").Length() != 1 || haian.Find("rect.gantt__original").Length() != 1 || haian.Find("path.gantt__deadline").Length() != 1 {
		t.Errorf("海安路's row: %d planned, %d original bars, %d deadline markers; want 1, 1, 1",
			haian.Find("rect.gantt__planned").Length(), haian.Find("rect.gantt__original").Length(), haian.Find("path.gantt__deadline").Length())
	}
	if planned, original := percent(t, haian.Find("rect.gantt__planned"), "width"), percent(t, haian.Find("rect.gantt__original"), "width"); planned <= original {
		t.Errorf("the re-baselined bar (%.2f%%) is not longer than the original (%.2f%%)", planned, original)
	}
	if haian.Find(`[data-testid="timeline-moved"]`).Length() != 1 {
		t.Error("海安路's moved completion is not drawn")
	}
	if n := page.Doc.Find(`[data-testid="timeline"] line.gantt__today`).Length(); n != rows.Length() {
		t.Errorf("today's line is drawn in %d of %d rows", n, rows.Length())
	}
	chart := page.Doc.Find(`[data-testid="timeline"] [role="img"]`)
	label, _ := chart.Attr("aria-label")
	described, _ := chart.Attr("aria-describedby")
	if label == "" || sitetest.Text(page.Doc.Find("#"+described)) == "" {
		t.Errorf("the timeline has no name (%q) or description (%q)", label, described)
	}
}

// TestTimelineSpansLongWorksAndDrawsAMoveWithoutAStart gives 海安路 works
// from 2021 and a planned completion in 2026 that moved, with no planned
// start: the axis reaches both years, no bar is cut, today's line is on
// the chart and the move is drawn.
func TestTimelineSpansLongWorksAndDrawsAMoveWithoutAStart(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("planned_start", "")
	form.Set("planned_completion", "2025-06-30")
	sitetest.WantStatus(t, "set a planned completion", b.Post("/projects/3/edit", form), http.StatusSeeOther)
	form = sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("actual_start", "2021-03-01")
	form.Set("planned_completion", "2026-10-31")
	form.Set("rebaseline_reason", "管线迁改")
	form.Set("delay_reason", "管线迁改")
	sitetest.WantStatus(t, "move the planned completion", b.Post("/projects/3/edit", form), http.StatusSeeOther)

	page := site.NewBrowser(t).Get("/years/2023/timeline")
	sitetest.WantStatus(t, "the timeline", page, http.StatusOK)
	years := sitetest.Text(page.Doc.Find(`[data-testid="timeline"] .gantt__tick--year`))
	if !strings.HasPrefix(years, "2021年") || !strings.HasSuffix(years, "2026年") {
		t.Errorf("the axis is labelled %q; want 2021年 to 2026年", years)
	}
	haian := timelineRow(t, page, "海安路")
	actual := haian.Find("rect.gantt__actual")
	if x, w := percent(t, actual, "x"), percent(t, actual, "width"); x <= 0 || x+w >= 100 {
		t.Errorf("the works since March 2021 are drawn from %.2f%% to %.2f%%: cut at an end", x, x+w)
	}
	if haian.Find("rect.gantt__planned, rect.gantt__original").Length() != 0 {
		t.Error("a planned bar is drawn without a planned start")
	}
	moved := haian.Find(`[data-testid="timeline-moved"]`)
	if moved.Length() != 1 {
		t.Fatal("the moved completion is not drawn when there is no planned start")
	}
	first, now := percent(t, moved.Find("line.gantt__first-end"), "x1"), percent(t, haian.Find("line.gantt__planned-end"), "x1")
	if arrow := percent(t, moved.Find("line.gantt__moved"), "x2"); !(0 < first && first < now && now < 100) || arrow != now {
		t.Errorf("the move is drawn from %.2f%% to %.2f%%, its arrow to %.2f%%; want the first completion before the current one, both on the chart", first, now, arrow)
	}
	today := percent(t, haian.Find("line.gantt__today"), "x1")
	if !(0 < today && today < first) {
		t.Errorf("today (1 June 2023) is at %.2f%%; want it on the chart, before June 2025 at %.2f%%", today, first)
	}
	var cells []string
	page.Doc.Find(`[data-testid="timeline-table"] tbody tr`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(sitetest.Text(row.Find("th")), "海安路") {
			row.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, sitetest.Text(td)) })
		}
	})
	if len(cells) < 3 || cells[1] != "2026年10月31日 竣工" || cells[2] != "2025年6月30日 竣工" {
		t.Errorf("海安路's schedule reads %q; want the planned and first completions", cells)
	}
}

// timelineRow is the row of the timeline whose name has name in it.
func timelineRow(t *testing.T, page sitetest.Response, name string) *goquery.Selection {
	t.Helper()
	var found *goquery.Selection
	page.Doc.Find(`[data-testid="timeline-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(sitetest.Text(row.Find(".gantt__name")), name) {
			found = row
		}
	})
	if found == nil {
		t.Fatalf("%s is not on the timeline", name)
	}
	return found
}

// percent reads an attribute drawn as a percentage of the plot.
func percent(t *testing.T, s *goquery.Selection, attr string) float64 {
	t.Helper()
	v, _ := s.First().Attr(attr)
	n, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil || !strings.HasSuffix(v, "%") {
		t.Fatalf("%s=%q of %s: want a percentage", attr, v, goquery.NodeName(s))
	}
	return n
}
