package review_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/site/sitetest"
)

// haianRow is 海安路's 2023 row of the year page (No. 7).
func haianRow(b *sitetest.Browser) *goquery.Selection {
	return b.Get("/years/2023").Doc.Find(`tr[data-number="7"]`)
}

// save sets fields of 海安路's edit form as li and saves it.
func save(t *testing.T, li *sitetest.Browser, fields map[string]string) {
	t.Helper()
	page := li.Get("/projects/3/edit")
	form := sitetest.EditForm(t, page)
	key := ""
	page.Doc.Find(`.target-edit`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find("h3").Text(), "2023") {
			key = strings.TrimPrefix(s.AttrOr("data-testid", ""), "target-")
		}
	})
	for field, value := range fields {
		form.Set(strings.ReplaceAll(field, "{2023}", key), value)
	}
	sitetest.WantStatus(t, "save 海安路", li.Post("/projects/3/edit", form), http.StatusSeeOther)
}

func queue(t *testing.T, sup *sitetest.Browser) *goquery.Selection {
	t.Helper()
	page := sup.Get("/review")
	sitetest.WantStatus(t, "the queue", page, http.StatusOK)
	return page.Doc.Find(`[data-testid="review-item"]`)
}

// TestReviewBeforePublication: an engineer's change reaches the public
// only once a reviewer approves it; a version changed since the reviewer
// looked is not published over the newer one; a returned change reaches
// the engineer with the comment; internal fields need no review.
func TestReviewBeforePublication(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	li, sup := site.As(t, "li"), site.As(t, "sup")
	public := func() string { return sitetest.Text(haianRow(site.NewBrowser(t)).Find(".targets__progress")) }
	asOf := func() string {
		return sitetest.Text(site.NewBrowser(t).Get("/projects/3").Doc.Find(`[data-testid="as-of"]`))
	}
	before := public()

	// A delay reason is internal: nothing to review.
	save(t, li, map[string]string{"delay_reason": "管线搬迁"})
	if n := queue(t, sup).Length(); n != 0 {
		t.Fatalf("an internal change waits for review: %d items", n)
	}
	asOfBefore := asOf()
	site.Clock.Advance(48 * time.Hour) // the public change comes two days later
	li, sup = site.As(t, "li"), site.As(t, "sup")

	save(t, li, map[string]string{"progress-{2023}": "路面施工中", "percent": "40"})
	if got := public(); got != before {
		t.Errorf("before review the public reads %q, want %q", got, before)
	}
	if got := asOf(); got != asOfBefore {
		t.Errorf("before review the project's page says %q, want %q as before", got, asOfBefore)
	}
	for _, path := range []string{"/api/v1/projects/3", "/api/v1/years/2023", "/feed.atom", "/years/2023/table.csv", "/projects/3/history"} {
		if body := site.NewBrowser(t).Get(path).Body; strings.Contains(body, "路面施工中") {
			t.Errorf("before review %s has the unreviewed text", path)
		}
	}
	staff := haianRow(li)
	if !strings.Contains(sitetest.Text(staff), "路面施工中") || sitetest.Text(staff.Find(`[data-testid="review-mark"]`)) != "待审核" {
		t.Errorf("staff read %q", sitetest.Text(staff))
	}
	if got := sitetest.Text(sup.Get("/account").Doc.Find(`a[href="/review"] [data-testid="nav-count"]`)); got != "1" {
		t.Errorf("the header counts %q waiting", got)
	}
	items := queue(t, sup)
	if items.Length() != 1 || !strings.Contains(sitetest.Text(items), "路面施工中") || !strings.Contains(sitetest.Text(items), "40%") || !strings.Contains(sitetest.Text(items), "li") {
		t.Fatalf("the queue shows %q", sitetest.Text(items))
	}
	shown := items.Find(`input[name="approve"]`).AttrOr("value", "")

	// Changed again after the reviewer looked: the approval of the older
	// version publishes nothing, and the reviewer sees the newer one.
	save(t, li, map[string]string{"progress-{2023}": "路面施工中，已完成六成"})
	stale := sup.Post("/review/approve", url.Values{"approve": {shown}})
	sitetest.WantStatus(t, "approve what changed since", stale, http.StatusConflict)
	if got := sitetest.Text(stale.Doc.Find(`[data-testid="review-item"]`)); !strings.Contains(got, "已完成六成") || stale.Doc.Find(`[data-testid="review-newer"]`).Length() != 1 {
		t.Errorf("after a stale approval the reviewer sees %q", got)
	}
	if got := public(); got != before {
		t.Errorf("a stale approval published %q", got)
	}

	newer := stale.Doc.Find(`input[name="approve"]`).AttrOr("value", "")
	sitetest.WantStatus(t, "approve", sup.Post("/review/approve", url.Values{"approve": {newer}}), http.StatusSeeOther)
	if got := public(); got != "路面施工中，已完成六成" {
		t.Errorf("after the approval the public reads %q", got)
	}
	if got := asOf(); got != "数据截至 2023年6月3日" {
		t.Errorf("after the approval the project's page says %q", got)
	}
	if feed := site.NewBrowser(t).Get("/feed.atom").Body; !strings.Contains(feed, "路面施工中，已完成六成") || strings.Contains(feed, ">路面施工中<") {
		t.Errorf("the feed after the approval: %s", feed)
	}
	history := site.NewBrowser(t).Get("/projects/3/history").Doc.Find(`[data-testid="change"][data-field="progress"]`)
	if history.Length() != 1 || strings.Contains(sitetest.Text(history), "路面施工中 ") {
		t.Errorf("the public history of the progress: %q", sitetest.Text(history))
	}
	approvals := li.Get("/projects/3/history").Doc.Find(`[data-testid="change"][data-field="review_approved"]`)
	if approvals.Length() != 1 || !strings.Contains(sitetest.Text(approvals), "sup") {
		t.Errorf("the staff history of the approval: %q", sitetest.Text(approvals))
	}
	if n := queue(t, sup).Length(); n != 0 {
		t.Errorf("%d items wait after the approval", n)
	}

	// Returned: the comment is required, then reaches the engineer.
	save(t, li, map[string]string{"progress-{2023}": "路面施工基本完成"})
	item := queue(t, sup)
	action := item.Find(`form[action$="/return"]`).AttrOr("action", "")
	version := item.Find(`input[name="version"]`).AttrOr("value", "")
	field := item.Find(`textarea`).AttrOr("name", "")
	empty := sup.Post(action, url.Values{"version": {version}, field: {" "}})
	sitetest.WantStatus(t, "return without a comment", empty, http.StatusUnprocessableEntity)
	if empty.Doc.Find("#"+field+"-error").Length() != 1 {
		t.Error("no message by the comment field")
	}
	sitetest.WantStatus(t, "return", sup.Post(action, url.Values{"version": {version}, field: {"请写明完成比例"}}), http.StatusSeeOther)
	if n := queue(t, sup).Length(); n != 0 {
		t.Errorf("a returned item stays in the queue: %d", n)
	}
	returned := li.Get("/my/projects").Doc.Find(`[data-testid="returned"]`)
	if !strings.Contains(sitetest.Text(returned), "请写明完成比例") || !strings.Contains(sitetest.Text(returned), "sup") {
		t.Errorf("li's list shows %q", sitetest.Text(returned))
	}
	if got := public(); got != "路面施工中，已完成六成" {
		t.Errorf("a returned change reached the public: %q", got)
	}
	save(t, li, map[string]string{"progress-{2023}": "路面施工基本完成，完成比例85%"})
	if n := queue(t, sup).Length(); n != 1 {
		t.Errorf("changed again, the project is back in the queue %d times", n)
	}
	if li.Get("/my/projects").Doc.Find(`[data-testid="returned"]`).Length() != 0 {
		t.Error("the comment stays after the engineer changed the project")
	}
}

// TestReviewOnPostgres runs the review again on PostgreSQL.
func TestReviewOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"ReviewBeforePublication": TestReviewBeforePublication,
	})
}
