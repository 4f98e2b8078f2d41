package projects_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shuangshi/internal/auth"
	"shuangshi/internal/site/sitetest"
)

// TestAnEngineerFilesAMonthlyReport: the plan is set on the edit page, the
// month's report filed on its form; refused figures keep what was typed
// and store nothing; the project's page shows the months and the light to
// staff and to the public.
func TestAnEngineerFilesAMonthlyReport(t *testing.T) {
	site := sitetest.NewEditing(t) // 1 June 2023; li answers for project 3
	li := site.SignIn(t, "li", sitetest.Password)

	before := site.NewBrowser(t).Get("/projects/3")
	if got := sitetest.Text(before.Doc.Find(`[data-testid="total-investment"]`)); got != "未填报" {
		t.Errorf("the seeded project's total investment reads %q: the report gives none", got)
	}

	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("total_investment", "5,000")
	form.Set("planned_investment-2023", "1200")
	sitetest.WantStatus(t, "the plan saved", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	due := sitetest.Text(li.Get("/my/projects").Doc.Find(`[data-testid="monthly-due"]`))
	if !strings.Contains(due, "2023年5月月报待报") || !strings.Contains(due, "2023年6月5日") {
		t.Errorf("My projects says %q of the report due", due)
	}

	owed := li.Get("/digest").Doc.Find(`[data-testid="digest-reports"]`)
	if !strings.Contains(sitetest.Text(owed), "2023年5月月报未报（1）") || owed.Find(`a[href="/projects/3/monthly?month=2023-05"]`).Length() != 1 {
		t.Errorf("the engineer's digest says %q of the report owed", sitetest.Text(owed))
	}

	page := li.Get("/projects/3/monthly")
	sitetest.WantStatus(t, "the monthly form", page, http.StatusOK)
	if got := page.Doc.Find(`select[name="month"] option[selected]`).AttrOr("value", ""); got != "2023-05" {
		t.Errorf("the form offers %q first, want May, the month just ended", got)
	}
	if got := sitetest.Text(page.Doc.Find(`[data-testid="monthly-deadline"]`)); !strings.Contains(got, "2023年6月5日") {
		t.Errorf("the deadline reads %q", got)
	}

	bad := li.Post("/projects/3/monthly", url.Values{"month": {"2023-05"}, "completed": {"300.125"}, "progress": {""}})
	sitetest.WantStatus(t, "three decimals", bad, http.StatusUnprocessableEntity)
	if got := sitetest.Text(bad.Doc.Find(`[data-testid="error-completed"]`)); !strings.Contains(got, "两位小数") {
		t.Errorf("the amount's message: %q", got)
	}
	if got := sitetest.Text(bad.Doc.Find(`[data-testid="error-progress"]`)); got == "" {
		t.Error("no message by the empty 形象进度")
	}
	if got := bad.Doc.Find(`input[name="completed"]`).AttrOr("value", ""); got != "300.125" {
		t.Errorf("the refused form lost the figure: %q", got)
	}
	if n := bad.Doc.Find(`[data-testid="series-2023"] tbody tr`).Length(); n != 0 {
		t.Fatalf("a refused report was stored: %d months", n)
	}

	ok := li.Post("/projects/3/monthly", url.Values{"month": {"2023-05"}, "completed": {"300"}, "progress": {"桩基完成，承台施工中"}})
	sitetest.WantStatus(t, "filed", ok, http.StatusSeeOther)

	if n := li.Get("/my/projects").Doc.Find(`[data-testid="monthly-due"]`).Length(); n != 0 {
		t.Errorf("My projects still asks for May's report after it was filed")
	}

	if n := li.Get("/digest").Doc.Find(`[data-testid="digest-reports"]`).Length(); n != 0 {
		t.Errorf("the digest still asks for May's report after it was filed")
	}
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	rate := sitetest.Text(site.SignIn(t, "sup", sitetest.Password).Get("/digest").Doc.Find(`[data-testid="digest-reports"]`))
	if !strings.Contains(rate, "2023年5月月报填报率") || !strings.Contains(rate, "（1/") {
		t.Errorf("the supervisor's digest says %q of the month's reports", rate)
	}

	lower := li.Post("/projects/3/monthly", url.Values{"month": {"2023-06"}, "completed": {"250"}, "progress": {"承台施工中"}})
	sitetest.WantStatus(t, "lower than May's", lower, http.StatusUnprocessableEntity)
	if got := sitetest.Text(lower.Doc.Find(`[data-testid="error-lower_reason"]`)); !strings.Contains(got, "更正原因") {
		t.Errorf("a lower figure's message: %q", got)
	}

	for _, reader := range []struct {
		name string
		b    *sitetest.Browser
	}{{"the engineer", li}, {"the public", site.NewBrowser(t)}} {
		p := reader.b.Get("/projects/3")
		row := sitetest.Text(p.Doc.Find(`[data-testid="series-2023"] tbody tr`))
		for _, want := range []string{"2023年5月", "300 万元", "25.0%", "桩基完成"} {
			if !strings.Contains(row, want) {
				t.Errorf("%s reads the month as %q, want %q", reader.name, row, want)
			}
		}
		if got := sitetest.Text(p.Doc.Find(`[data-testid="total-investment"]`)); got != "5,000 万元" {
			t.Errorf("%s reads the total as %q", reader.name, got)
		}
		// As of May (reported, after April due): 25.0% done against
		// 41.7% of the year gone by, 16.7 points behind: yellow.
		light := p.Doc.Find(`[data-testid="pace"]`)
		if got := light.AttrOr("data-light", ""); got != "yellow" || !strings.Contains(sitetest.Text(light), "落后 16.7 个百分点") {
			t.Errorf("%s sees the light %q: %q", reader.name, got, sitetest.Text(light))
		}
	}
	history := sitetest.Text(li.Get("/projects/3/history").Doc.Find(`[data-field="monthly_report"]`))
	if !strings.Contains(history, "2023年5月：300 万元") {
		t.Errorf("the history of the report: %q", history)
	}
	en := site.NewBrowser(t)
	en.Header.Set("Accept-Language", "en")
	if got := sitetest.Text(en.Get("/projects/3").Doc.Find(`[data-testid="total-investment"]`)); got != "¥50,000,000" {
		t.Errorf("in English the total reads %q", got)
	}
}

// TestAMonthlyReportWaitsForReview: with review before publication the
// public reads a month only once it is approved.
func TestAMonthlyReportWaitsForReview(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li, sup := site.As(t, "li"), site.As(t, "sup")
	li.Get("/projects/3/monthly")
	ok := li.Post("/projects/3/monthly", url.Values{"month": {"2023-05"}, "completed": {"300"}, "progress": {"桩基完成"}})
	sitetest.WantStatus(t, "filed", ok, http.StatusSeeOther)
	public := func() int {
		return site.NewBrowser(t).Get("/projects/3").Doc.Find(`[data-testid="series-2023"] tbody tr`).Length()
	}
	if n := public(); n != 0 {
		t.Fatalf("before review the public reads %d months", n)
	}
	if n := li.Get("/projects/3").Doc.Find(`[data-testid="series-2023"] tbody tr`).Length(); n != 1 {
		t.Errorf("staff read %d months before review, want 1", n)
	}
	queue := sup.Get("/review")
	if queue.StatusCode != http.StatusOK {
		t.Log(site.Logs.String())
	}
	sitetest.WantStatus(t, "the queue", queue, http.StatusOK)
	item := queue.Doc.Find(`[data-testid="review-item"]`)
	if !strings.Contains(sitetest.Text(item), "300 万元") {
		t.Fatalf("the queue shows %q", sitetest.Text(item))
	}
	approve := item.Find(`input[name="approve"]`).AttrOr("value", "")
	sitetest.WantStatus(t, "approve", sup.Post("/review/approve", url.Values{"approve": {approve}}), http.StatusSeeOther)
	if n := public(); n != 1 {
		t.Fatalf("after approval the public reads %d months", n)
	}
}
