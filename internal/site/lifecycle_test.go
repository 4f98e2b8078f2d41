package site_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/projects"
	"shuangshi/internal/site/sitetest"
)

// publish publishes a year's list through its confirmation page.
func publish(t *testing.T, adm *sitetest.Browser, year int) {
	t.Helper()
	path := "/admin/years/" + strconv.Itoa(year) + "/publish"
	version := adm.Get(path).Doc.Find(`input[name="version"]`).AttrOr("value", "")
	sitetest.WantStatus(t, "publish "+strconv.Itoa(year), adm.Post(path, url.Values{"version": {version}}), http.StatusSeeOther)
}

// targetID returns the id of a project's target on a year's list.
func targetID(t *testing.T, site *sitetest.Site, year int, project int64) string {
	t.Helper()
	y, err := projects.NewStore(site.Site.DB, site.Clock.Now).Year(t.Context(), year, projects.Staff)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range y.Targets {
		if tg.ProjectID == project {
			return strconv.FormatInt(tg.ID, 10)
		}
	}
	t.Fatalf("project %d is not on the %d list", project, year)
	return ""
}

// TestADraftIsInvisibleToThePublicOnEveryRoute asks every public route of
// the router, as the authorization matrix names them, for a draft year and
// for a project only that draft lists: the public gets 404 from each, and
// the pages without an address of their own (the home page, the feed) do
// not mention them. Staff read them all. Once published, the public does.
func TestADraftIsInvisibleToThePublicOnEveryRoute(t *testing.T) {
	site := sitetest.NewEditing(t)
	store := projects.NewStore(site.Site.DB, site.Clock.Now)
	secret, err := store.CreateProject(t.Context(), projects.Project{Name: "丁路（规划）新建工程", Category: projects.Road}, auth.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	adm, li := site.As(t, "adm"), site.As(t, "li")
	adm.Get("/admin/years/2027/list")
	for _, id := range []int64{secret.ID, sitetest.Haian} {
		add := adm.Post("/admin/years/2027/targets", url.Values{"project": {sitetest.ID(id)}, "list": {"start"}})
		sitetest.WantStatus(t, "add to the 2027 draft", add, http.StatusSeeOther)
	}
	// Put on the draft and taken off again: its history stays staff's.
	sitetest.WantStatus(t, "add 通北路 to the draft", adm.Post("/admin/years/2027/targets", url.Values{"project": {"5"}, "list": {"complete"}}), http.StatusSeeOther)
	remove := "/admin/targets/" + targetID(t, site, 2027, 5) + "/remove"
	adm.Get(remove)
	sitetest.WantStatus(t, "take it off", adm.Post(remove, url.Values{"reason": {"重复列入"}}), http.StatusSeeOther)
	if body := site.NewBrowser(t).Get("/projects/5/history").Body; strings.Contains(body, "2027") {
		t.Error("the public history of 通北路 shows its removed target of the 2027 draft")
	}
	if !strings.Contains(adm.Get("/projects/5/history").Body, "2027") {
		t.Error("staff do not see the 2027 listing in the history")
	}
	// Progress reported on the draft's target: the feed's kind of change.
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("progress-"+targetID(t, site, 2027, sitetest.Haian), "草稿目标的前期工作")
	sitetest.WantStatus(t, "report on the draft's target", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	fill := strings.NewReplacer(":year", "2027", ":id", sitetest.ID(secret.ID))
	var public []string // the public routes with an address of the draft
	check := func(reader *sitetest.Browser, published bool) {
		t.Helper()
		for _, route := range site.Site.Routes() {
			key := route.Method + " " + route.Path
			want, listed := authorizationMatrix[key]
			if route.Method != http.MethodGet || !listed || want[anonymous] != http.StatusOK ||
				route.Path == "/healthz" || route.Path == "/static/:name" {
				continue
			}
			path := fill.Replace(route.Path)
			resp := reader.Get(path)
			switch {
			case strings.Contains(route.Path, ":") && !published:
				public = append(public, path)
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("the public reads the draft at %s: status %d", path, resp.StatusCode)
				}
				if staff := adm.Get(path); staff.StatusCode != http.StatusOK {
					t.Errorf("staff read %s: status %d, want 200", path, staff.StatusCode)
				}
			case strings.Contains(route.Path, ":"):
				if resp.StatusCode != http.StatusOK {
					t.Errorf("published, %s: status %d, want 200", path, resp.StatusCode)
				}
			default:
				mentions := strings.Contains(resp.Body, "丁路") || strings.Contains(resp.Body, "/years/2027") || strings.Contains(resp.Body, "草稿目标的前期工作")
				if route.Path == "/feed.atom" && published {
					if !strings.Contains(resp.Body, "草稿目标的前期工作") {
						t.Errorf("published, the feed does not have the progress of its target")
					}
				} else if mentions && !published {
					t.Errorf("%s mentions the draft", path)
				}
			}
		}
	}
	check(site.NewBrowser(t), false)
	if got := sitetest.Text(adm.Get("/years/2027").Doc.Find(`[data-testid="list-complete"]`)); !strings.Contains(got, "这份清单没有项目") {
		t.Errorf("the draft's empty completion list says %q", got)
	}
	if h1 := sitetest.Text(adm.Get("/").Doc.Find("h1")); !strings.Contains(h1, "2023") {
		t.Errorf("staff's home page is %q, want the newest published year", h1)
	}
	if len(public) < 10 {
		t.Fatalf("only %d public routes name a year or a project: %v", len(public), public)
	}
	// A project on a published list as well shows the public only that.
	for _, path := range []string{"/projects/3", "/projects/3/history", "/api/v1/projects/3", "/api/v1/oc4ids/projects/3", "/api/v1/oc4ids/years/2023"} {
		resp := site.NewBrowser(t).Get(path)
		sitetest.WantStatus(t, path, resp, http.StatusOK)
		if strings.Contains(resp.Body, "2027") || strings.Contains(resp.Body, "草稿目标的前期工作") {
			t.Errorf("%s shows the public the 2027 draft", path)
		}
	}

	publish(t, adm, 2027)
	check(site.NewBrowser(t), true)
	if !strings.Contains(site.NewBrowser(t).Get("/projects/3").Body, "2027") {
		t.Error("published, 海安路's page does not show its 2027 target")
	}
}

// TestPublishingIsConfirmedAndRecordedOnce: an empty list is refused, and
// of two administrators publishing at once one does, and the other sees
// what happened.
func TestPublishingIsConfirmedAndRecordedOnce(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "adm2", auth.Admin, sitetest.Password)
	adm, adm2 := site.As(t, "adm"), site.As(t, "adm2")

	empty := adm.Get("/admin/years/2028/publish")
	sitetest.WantStatus(t, "the confirmation of an empty list", empty, http.StatusOK)
	refused := adm.Post("/admin/years/2028/publish", url.Values{"version": {"0"}})
	sitetest.WantStatus(t, "publish an empty list", refused, http.StatusUnprocessableEntity)
	if got := sitetest.Text(refused.Doc.Find(`[data-testid="problem"]`)); !strings.Contains(got, "没有项目") {
		t.Errorf("publishing an empty list: %q", got)
	}
	if strings.Contains(adm.Get("/admin/years").Body, "/admin/years/2028/list") {
		t.Error("the refused publication made a 2028 list")
	}

	adm.Get("/admin/years/2027/list")
	sitetest.WantStatus(t, "add", adm.Post("/admin/years/2027/targets", url.Values{"project": {"3"}, "list": {"complete"}}), http.StatusSeeOther)
	first, second := adm.Get("/admin/years/2027/publish"), adm2.Get("/admin/years/2027/publish")
	if got := sitetest.Text(first.Doc.Find("main")); !strings.Contains(got, "开工 0 项、竣工 1 项") {
		t.Errorf("the confirmation does not say what is published: %q", got)
	}
	v1 := first.Doc.Find(`input[name="version"]`).AttrOr("value", "")
	v2 := second.Doc.Find(`input[name="version"]`).AttrOr("value", "")
	if v1 == "" || v1 != v2 {
		t.Fatalf("the two confirmations carry versions %q and %q", v1, v2)
	}
	done := adm.Post("/admin/years/2027/publish", url.Values{"version": {v1}})
	sitetest.WantStatus(t, "the first publishes", done, http.StatusSeeOther)
	late := adm2.Post("/admin/years/2027/publish", url.Values{"version": {v2}})
	sitetest.WantStatus(t, "the second is told", late, http.StatusConflict)
	if got := sitetest.Text(late.Doc.Find("main")); !strings.Contains(got, "其他人已改动") || !strings.Contains(got, "公布于 2023年6月1日") {
		t.Errorf("the second administrator sees %q", got)
	}
	if late.Doc.Find(`[data-testid="confirm"]`).Length() != 0 {
		t.Error("the late confirmation still offers to publish")
	}

	years := adm.Get("/admin/years").Doc.Find(`[data-testid="years"] tr:has([data-testid="state-2027"])`)
	var cells []string
	years.Find("th, td").Each(func(_ int, s *goquery.Selection) { cells = append(cells, sitetest.Text(s)) })
	if got := strings.Join(cells, " "); got != "2027年 已公布 0 1" {
		t.Errorf("the administrators' row of 2027 reads %q", got)
	}
	page := site.NewBrowser(t).Get("/years/2027")
	sitetest.WantStatus(t, "the published 2027 page", page, http.StatusOK)
	if n := page.Doc.Find(`[data-testid="list-history"] li[data-kind="published"]`).Length(); n != 1 {
		t.Errorf("the list's history has %d publications, want 1", n)
	}
	events, err := site.Users.SearchEvents(t.Context(), auth.EventFilter{Action: auth.ActionListPublished}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Actor != "adm" || events[0].Detail != "2027" {
		t.Errorf("the security log has %+v, want one publication of 2027 by adm", events)
	}
}

// TestClosingAYearFreezesItsTable: closing needs a final outcome and a
// progress text on every target; then the year-end table is served as it
// was at the close, byte for byte, whatever happens to the projects; its
// targets are not edited; reopening needs a reason.
func TestClosingAYearFreezesItsTable(t *testing.T) {
	site := sitetest.NewEditing(t)
	adm, li := site.As(t, "adm"), site.As(t, "li")

	confirm := adm.Get("/admin/years/2023/close")
	sitetest.WantStatus(t, "the close's confirmation", confirm, http.StatusOK)
	if n := confirm.Doc.Find(`[data-testid="blocking-target"]`).Length(); n != 20 || confirm.Doc.Find(`[data-testid="confirm"]`).Length() != 0 {
		t.Errorf("every 2023 target is pending: %d blocking rows, and a confirm button %d", n, confirm.Doc.Find(`[data-testid="confirm"]`).Length())
	}
	// Blocked, the page has no form: the version is read from the store.
	list, err := projects.NewStore(site.Site.DB, site.Clock.Now).YearList(t.Context(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	version := strconv.FormatInt(list.Version, 10)
	if err := site.Site.DB.Write.Exec(`UPDATE targets SET outcome = 'achieved', outcome_by_hand = TRUE, progress = '已完成'
		WHERE year = 2023 AND project_id <> 3`).Error; err != nil {
		t.Fatal(err)
	}
	refused := adm.Post("/admin/years/2023/close", url.Values{"version": {version}})
	sitetest.WantStatus(t, "close with 海安路 pending", refused, http.StatusUnprocessableEntity)
	blocking := refused.Doc.Find(`[data-testid="blocking-target"]`)
	if blocking.Length() != 1 || !strings.Contains(sitetest.Text(blocking), "海安路") || !strings.Contains(sitetest.Text(blocking), "进行中") {
		t.Errorf("the refusal names %q, want 海安路 and its pending outcome", sitetest.Text(blocking))
	}
	if got := site.NewBrowser(t).Get("/years/2023").Doc.Find(`[data-testid="standing"]`).AttrOr("data-state", ""); got != "published" {
		t.Errorf("after the refusal 2023 is %q", got)
	}

	haian := targetID(t, site, 2023, sitetest.Haian)
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("outcome-"+haian, "missed")
	form.Set("progress-"+haian, "因管线搬迁未能开工")
	sitetest.WantStatus(t, "record 海安路's outcome", li.Post("/projects/3/edit", form), http.StatusSeeOther)
	sitetest.WantStatus(t, "close", adm.Post("/admin/years/2023/close", url.Values{"version": {version}}), http.StatusSeeOther)

	year := site.NewBrowser(t).Get("/years/2023")
	if got := sitetest.Text(year.Doc.Find(`[data-testid="standing"]`)); got != "2023年6月1日 关闭：年度最终结果" {
		t.Errorf("the closed year says %q", got)
	}
	read := func() (xlsx, csv, page string) {
		b := site.NewBrowser(t)
		x, c, p := b.Get("/years/2023/report.xlsx"), b.Get("/years/2023/report.csv"), b.Get("/years/2023/report")
		for _, r := range []sitetest.Response{x, c, p} {
			sitetest.WantStatus(t, "the closed year's table", r, http.StatusOK)
		}
		return x.Body, c.Body, sitetest.Text(p.Doc.Find(`[data-testid="report"]`)) + sitetest.Text(p.Doc.Find(`[data-testid="as-of"]`))
	}
	xlsx, csv, page := read()
	if !strings.Contains(csv, "因管线搬迁未能开工") || !strings.Contains(page, "数据截至 2023年6月1日") {
		t.Errorf("the closed table: %q / %q", csv, page)
	}

	// Later: the projects change, by the application and behind its back.
	site.Clock.Advance(40 * 24 * time.Hour)
	adm, li = site.As(t, "adm"), site.As(t, "li") // signed in again after a month away
	form = sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("actual_start", "2023-07-05")
	sitetest.WantStatus(t, "a later milestone", li.Post("/projects/3/edit", form), http.StatusSeeOther)
	if err := site.Site.DB.Write.Exec(`UPDATE projects SET category = 'bridge', name = '改名的工程' WHERE id IN
		(SELECT project_id FROM targets WHERE year = 2023)`).Error; err != nil {
		t.Fatal(err)
	}
	if x, c, p := read(); x != xlsx || c != csv || p != page {
		t.Errorf("the closed year's table changed with its projects: workbook same %v, CSV same %v, page same %v", x == xlsx, c == csv, p == page)
	}

	// A target of the closed year is not edited, from a stale form either.
	stale := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	stale.Set("progress-"+haian, "改写年终结果")
	refusedEdit := li.Post("/projects/3/edit", stale)
	sitetest.WantStatus(t, "edit a closed year's target", refusedEdit, http.StatusUnprocessableEntity)
	if got := sitetest.Text(refusedEdit.Doc.Find(`[data-testid="error-progress-` + haian + `"]`)); !strings.Contains(got, "2023 年已关闭") {
		t.Errorf("the refusal says %q", got)
	}
	if c := site.NewBrowser(t).Get("/years/2023/table.csv").Body; strings.Contains(c, "改写年终结果") {
		t.Error("the closed year's target was changed")
	}

	// Reopening needs a reason.
	reopen := adm.Get("/admin/years/2023/reopen")
	version = reopen.Doc.Find(`input[name="version"]`).AttrOr("value", "")
	noReason := adm.Post("/admin/years/2023/reopen", url.Values{"version": {version}, "reason": {" "}})
	sitetest.WantStatus(t, "reopen without a reason", noReason, http.StatusUnprocessableEntity)
	if noReason.Doc.Find(`#reason-error`).Length() != 1 {
		t.Error("no message by the reason field")
	}
	sitetest.WantStatus(t, "reopen", adm.Post("/admin/years/2023/reopen", url.Values{"version": {version}, "reason": {"更正海安路的年终结果"}}), http.StatusSeeOther)
	history := site.NewBrowser(t).Get("/years/2023").Doc.Find(`[data-testid="list-history"] li`)
	var kinds []string
	history.Each(func(_ int, s *goquery.Selection) { kinds = append(kinds, s.AttrOr("data-kind", "")) })
	if strings.Join(kinds, " ") != "closed reopened" {
		t.Errorf("the 2023 history: %v", kinds)
	}
	events, err := site.Users.SearchEvents(t.Context(), auth.EventFilter{Action: auth.ActionListReopened}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || !strings.Contains(events[0].Detail, "更正海安路的年终结果") {
		t.Errorf("the security log has %+v, want the reopening with its reason", events)
	}
	if x, _, _ := read(); x == xlsx {
		t.Error("reopened, the year still serves the table kept at the close")
	}
}

// TestCarryingOverTakesTheOldTargetOffTheOverdueList: the 2023 targets
// carried into 2024 leave the overdue list and the digests; both years'
// pages link to each other once both are public.
func TestCarryingOverTakesTheOldTargetOffTheOverdueList(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Set(time.Date(2024, time.January, 15, 2, 0, 0, 0, time.UTC))
	sup, adm, li := site.As(t, "sup"), site.As(t, "adm"), site.As(t, "li")
	overdue := func() int {
		return sup.Get("/overdue").Doc.Find(`[data-testid="console-row"][data-status="overdue"]`).Length()
	}
	haianOverdue := func() bool {
		return strings.Contains(sitetest.Text(li.Get("/digest").Doc.Find(`[data-testid="digest-overdue"]`)), "海安路")
	}
	// The twenty 2023 targets, and 2022's partly achieved 眉州路, which
	// stays open.
	before := overdue()
	if before != 21 || !haianOverdue() {
		t.Fatalf("before carrying over: %d overdue, 海安路 in li's digest %v", before, haianOverdue())
	}

	carry := adm.Get("/admin/years/2023/carry-over")
	form := url.Values{}
	carry.Doc.Find(`[data-testid="proposal"] input:not([disabled])`).Each(func(_ int, s *goquery.Selection) { form.Add("carry", s.AttrOr("value", "")) })
	sitetest.WantStatus(t, "carry over", adm.Post("/admin/years/2023/carry-over", form), http.StatusSeeOther)

	if n := overdue(); n != before-20 || haianOverdue() {
		t.Errorf("after carrying over: %d overdue, 海安路 in li's digest %v", n, haianOverdue())
	}
	row := func(b *sitetest.Browser, year int) *goquery.Selection {
		return b.Get("/years/" + strconv.Itoa(year)).Doc.Find(`tr[data-testid="target"]:has(a[href="/projects/3"])`)
	}
	if got := row(adm, 2023).Find(`[data-testid="carried-to"]`).AttrOr("href", ""); got != "/years/2024#list-complete" {
		t.Errorf("to staff, 海安路's 2023 row links to %q", got)
	}
	if row(site.NewBrowser(t), 2023).Find(`[data-testid="carried-to"]`).Length() != 0 {
		t.Error("the public 2023 page links to the 2024 draft")
	}
	if got := row(site.NewBrowser(t), 2023).AttrOr("data-status", ""); got != "carried-over" {
		t.Errorf("海安路's 2023 target is %q to the public, want carried-over", got)
	}
	publish(t, adm, 2024)
	public := site.NewBrowser(t)
	if got := row(public, 2023).Find(`[data-testid="carried-to"]`).Text(); got != "转入2024年竣工清单" {
		t.Errorf("the 2023 row says %q", got)
	}
	if got := row(public, 2024).Find(`[data-testid="carried-from"]`).AttrOr("href", ""); got != "/years/2023#list-complete" {
		t.Errorf("the 2024 row links back to %q", got)
	}

	// Taken off the 2024 list, the target it carried counts again.
	remove := "/admin/targets/" + targetID(t, site, 2024, sitetest.Haian) + "/remove"
	adm.Get(remove)
	sitetest.WantStatus(t, "remove 海安路 from 2024", adm.Post(remove, url.Values{"reason": {"并入其他项目"}}), http.StatusSeeOther)
	if n := overdue(); n != before-19 || !haianOverdue() {
		t.Errorf("after removing the 2024 target: %d overdue, 海安路 in li's digest %v", n, haianOverdue())
	}
}

// TestLifeCycleOnPostgres runs the life cycle of a year's list again on
// PostgreSQL.
func TestLifeCycleOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"ADraftIsInvisibleToThePublicOnEveryRoute":       TestADraftIsInvisibleToThePublicOnEveryRoute,
		"PublishingIsConfirmedAndRecordedOnce":           TestPublishingIsConfirmedAndRecordedOnce,
		"ClosingAYearFreezesItsTable":                    TestClosingAYearFreezesItsTable,
		"CarryingOverTakesTheOldTargetOffTheOverdueList": TestCarryingOverTakesTheOldTargetOffTheOverdueList,
	})
}
