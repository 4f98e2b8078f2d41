package lists_test

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
	"shuangshi/internal/site/sitetest"
)

func TestYearListEditor(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)
	editor := adm.Get("/admin/years/2024/list")
	sitetest.WantStatus(t, "an empty year", editor, http.StatusOK)
	if editor.Doc.Find(`[data-testid="size-warning-start"]`).Length() != 1 {
		t.Error("an empty list carries no warning")
	}
	option := func(p sitetest.Response, name string) string {
		var id string
		p.Doc.Find("#project option").Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), name) {
				id, _ = s.Attr("value")
			}
		})
		if id == "" {
			t.Fatalf("%s is not offered", name)
		}
		return id
	}
	haian, anpu := option(editor, "海安路"), option(editor, "安浦路")

	refused := adm.Post("/admin/years/2024/targets", url.Values{"project": {haian}, "list": {""}, "deadline": {"2025-06-30"}, "listed_name": {"海安路道路整治"}})
	sitetest.WantStatus(t, "no list, a deadline in another year", refused, http.StatusUnprocessableEntity)
	if sitetest.Text(refused.Doc.Find("#list-error")) == "" || !strings.Contains(sitetest.Text(refused.Doc.Find("#deadline-error")), "2024") {
		t.Errorf("messages: list %q, deadline %q", sitetest.Text(refused.Doc.Find("#list-error")), sitetest.Text(refused.Doc.Find("#deadline-error")))
	}
	if v, _ := refused.Doc.Find("#project option[selected]").Attr("value"); v != haian {
		t.Errorf("the refused form lost the project: %q", v)
	}
	if v, _ := refused.Doc.Find("#listed_name").Attr("value"); v != "海安路道路整治" {
		t.Errorf("the refused form lost the listed name: %q", v)
	}

	for _, add := range []url.Values{
		{"project": {haian}, "list": {"complete"}},
		{"project": {anpu}, "list": {"start"}, "deadline": {"2024-06-30"}},
		{"project": {haian}, "list": {"start"}},
	} {
		sitetest.WantStatus(t, "add "+add.Get("project"), adm.Post("/admin/years/2024/targets", add), http.StatusSeeOther)
	}
	sitetest.WantStatus(t, "add twice", adm.Post("/admin/years/2024/targets", url.Values{"project": {haian}, "list": {"complete"}}), http.StatusUnprocessableEntity)

	// A draft: the public does not see it, staff do.
	sitetest.WantStatus(t, "the draft 2024 page, to the public", site.NewBrowser(t).Get("/years/2024"), http.StatusNotFound)
	if got := adm.Get("/years/2024").Doc.Find(`[data-testid="standing"]`).AttrOr("data-state", ""); got != "draft" {
		t.Errorf("the 2024 page says the list is %q to staff, want draft", got)
	}
	confirm := adm.Get("/admin/years/2024/publish")
	sitetest.WantStatus(t, "the publication's confirmation", confirm, http.StatusOK)
	version := confirm.Doc.Find(`input[name="version"]`).AttrOr("value", "")
	sitetest.WantStatus(t, "publish", adm.Post("/admin/years/2024/publish", url.Values{"version": {version}}), http.StatusSeeOther)

	public := site.NewBrowser(t).Get("/years/2024")
	sitetest.WantStatus(t, "the public 2024 page", public, http.StatusOK)
	if got := sitetest.Text(public.Doc.Find(`[data-testid="standing"]`)); !strings.Contains(got, "公布于") {
		t.Errorf("the published page says %q, want its date of publication", got)
	}
	rows := public.Doc.Find(`tr[data-number]`)
	if rows.Length() != 3 || !strings.Contains(sitetest.Text(rows.Eq(0)), "安浦路") || !strings.Contains(sitetest.Text(rows.Eq(2)), "海安路") {
		t.Errorf("public 2024 rows: %q", sitetest.Text(rows))
	}
	if !strings.Contains(sitetest.Text(rows.Eq(0)), "2024年6月30日") {
		t.Errorf("the node date is not shown: %q", sitetest.Text(rows.Eq(0)))
	}

	// Move 海安路 up the start list, then give it a node date, badly and well.
	editor = adm.Get("/admin/years/2024/list")
	start := editor.Doc.Find(`[data-testid="editor-start"] [data-testid="editor-target"]`)
	second := start.Eq(1)
	moveURL, _ := second.Find(`form.editor__move`).Attr("action")
	sitetest.WantStatus(t, "move up", adm.Post(moveURL, url.Values{"direction": {"up"}}), http.StatusSeeOther)
	editor = adm.Get("/admin/years/2024/list")
	first := editor.Doc.Find(`[data-testid="editor-start"] [data-testid="editor-target"]`).First()
	if !strings.Contains(sitetest.Text(first), "海安路") {
		t.Fatalf("after moving up, the start list begins with %q", sitetest.Text(first))
	}
	deadlineURL, _ := first.Find(`form.editor__deadline`).Attr("action")
	bad := adm.Post(deadlineURL, url.Values{"deadline": {"2023-09-30"}})
	sitetest.WantStatus(t, "a deadline in another year", bad, http.StatusUnprocessableEntity)
	if v, _ := bad.Doc.Find(`form.editor__deadline input[aria-invalid="true"]`).Attr("value"); v != "2023-09-30" {
		t.Errorf("the refused deadline is not shown again: %q", v)
	}
	sitetest.WantStatus(t, "a node date", adm.Post(deadlineURL, url.Values{"deadline": {"2024-09-30"}}), http.StatusSeeOther)

	// Off the list, with a reason.
	removeURL, _ := first.Find(`a.button--danger`).Attr("href")
	adm.Get(removeURL)
	sitetest.WantStatus(t, "remove without a reason", adm.Post(removeURL, url.Values{"reason": {"  "}}), http.StatusUnprocessableEntity)
	sitetest.WantStatus(t, "remove", adm.Post(removeURL, url.Values{"reason": {"改列竣工清单"}}), http.StatusSeeOther)
	public = site.NewBrowser(t).Get("/years/2024")
	if got := public.Doc.Find(`tr[data-number]`).Length(); got != 2 {
		t.Errorf("%d rows after the removal, want 2", got)
	}
	// The published list's numbers stay: 海安路 took No. 1 from 安浦路 by
	// the move, and its removal leaves No. 1 unused. The public history
	// says so, without the reason, which is for staff.
	if got := public.Doc.Find(`tr[data-number]`).First().AttrOr("data-number", ""); got != "2" {
		t.Errorf("after removing No. 1, the first row is No. %s, want 2", got)
	}
	var kinds []string
	public.Doc.Find(`[data-testid="list-history"] li`).Each(func(_ int, s *goquery.Selection) { kinds = append(kinds, s.AttrOr("data-kind", "")) })
	if strings.Join(kinds, " ") != "published target-moved target-removed" {
		t.Errorf("the list's public history: %q", kinds)
	}
	if strings.Contains(sitetest.Text(public.Doc.Find(`[data-testid="list-history"]`)), "改列竣工清单") {
		t.Error("the public history shows the reason for the removal")
	}
	history := adm.Get("/projects/3/history")
	removal := history.Doc.Find(`[data-testid="change"][data-field="unlisted"]`)
	if removal.Length() != 1 || !strings.Contains(sitetest.Text(removal), "改列竣工清单") {
		t.Errorf("the history of the removal: %q", sitetest.Text(removal))
	}
	if history.Doc.Find(`[data-testid="change"][data-field="deadline"]`).Length() != 1 {
		t.Error("the node date is not in the history")
	}
}

func TestCarryOverProposesNextYearsList(t *testing.T) {
	site := sitetest.New(t)
	site.AddUser(t, "adm", auth.Admin, sitetest.Password)
	adm := site.SignIn(t, "adm", sitetest.Password)

	// Every 2023 target is pending in the seed: each is proposed for 2024.
	page := adm.Get("/admin/years/2023/carry-over")
	sitetest.WantStatus(t, "carry over", page, http.StatusOK)
	proposals := page.Doc.Find(`[data-testid="proposal"]`)
	if proposals.Length() < 20 {
		t.Fatalf("%d proposals, want at least the 20 unfinished 2023 targets", proposals.Length())
	}
	// Untick one: the others go on the 2024 lists.
	form := url.Values{}
	var left string
	proposals.Each(func(i int, s *goquery.Selection) {
		v, _ := s.Find("input").Attr("value")
		if i == 0 {
			left = sitetest.Text(s.Find("label"))
			return
		}
		form.Add("carry", v)
	})
	done := adm.Post("/admin/years/2023/carry-over", form)
	sitetest.WantStatus(t, "confirm", done, http.StatusSeeOther)
	if done.Header.Get("Location") != "/admin/years/2024/list" {
		t.Errorf("after carrying over: %q", done.Header.Get("Location"))
	}
	// Carrying over makes a draft, which staff read.
	sitetest.WantStatus(t, "the 2024 draft, to the public", site.NewBrowser(t).Get("/years/2024"), http.StatusNotFound)
	listed := adm.Get("/years/2024").Doc.Find(`tr[data-number]`)
	if listed.Length() != proposals.Length()-1 {
		t.Errorf("2024 has %d targets, want %d", listed.Length(), proposals.Length()-1)
	}
	if strings.Contains(sitetest.Text(listed), strings.Fields(left)[0]) {
		t.Errorf("the unticked %q was carried over", left)
	}

	// Again: what is already listed is shown so, and nothing is added twice.
	again := adm.Get("/admin/years/2023/carry-over")
	if got := again.Doc.Find(`[data-testid="proposal"] input[disabled]`).Length(); got != proposals.Length()-1 {
		t.Errorf("%d proposals shown as listed, want %d", got, proposals.Length()-1)
	}
	sitetest.WantStatus(t, "confirm again", adm.Post("/admin/years/2023/carry-over", form), http.StatusUnprocessableEntity)
	if got := adm.Get("/years/2024").Doc.Find(`tr[data-number]`).Length(); got != proposals.Length()-1 {
		t.Errorf("carrying over twice made %d targets", got)
	}
}

// A remove clicked twice, and a supervisory comment answered after its
// target was removed, are ordinary answers, not server errors.
func TestRemovedTargetsAnswerCleanly(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Advance(190 * 24 * time.Hour)
	sup := site.SignIn(t, "sup", sitetest.Password)
	link := sup.Get("/overdue?engineer="+sitetest.ID(site.User(t, "li").ID)).Doc.Find(`[data-testid="console-row"] a[href$="/comments"]`).AttrOr("href", "")
	if link == "" {
		t.Fatal("no comment link for li's overdue target")
	}
	sup.Get(link)
	sitetest.WantStatus(t, "comment", sup.Post(link, url.Values{"body": {"请报送计划"}}), http.StatusSeeOther)
	targetID := strings.TrimSuffix(strings.TrimPrefix(link, "/targets/"), "/comments")

	li := site.SignIn(t, "li", sitetest.Password)
	comment := li.Get("/my/projects").Doc.Find(`[data-testid="open-comments"] [data-testid="comment"]`)
	action, field := comment.Find("form").AttrOr("action", ""), comment.Find("textarea").AttrOr("name", "")

	adm := site.SignIn(t, "adm", sitetest.Password)
	remove := "/admin/targets/" + targetID + "/remove"
	adm.Get(remove)
	for i := range 2 {
		sitetest.WantStatus(t, "remove, click "+strconv.Itoa(i+1), adm.Post(remove, url.Values{"reason": {"调整至次年清单"}}), http.StatusSeeOther)
	}
	sitetest.WantStatus(t, "move the removed target", adm.Post("/admin/targets/"+targetID+"/move", url.Values{"direction": {"up"}}), http.StatusNotFound)

	if r := li.Post(action, url.Values{field: {"已报送"}}); r.StatusCode >= 500 {
		t.Errorf("answering the comment of a removed target: status %d", r.StatusCode)
	}
}

// TestListEditingOnPostgres runs the editing of the year's lists again on
// PostgreSQL.
func TestListEditingOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"YearListEditor":                 TestYearListEditor,
		"CarryOverProposesNextYearsList": TestCarryOverProposesNextYearsList,
		"RemovedTargetsAnswerCleanly":    TestRemovedTargetsAnswerCleanly,
	})
}

// TestReorderingLeavesProjectsAsStaleAsTheyWere: moving a target up the
// list is list maintenance, not an update of the project, so the console
// still counts the projects nobody has touched as stale, and the targets
// keep the time they were last changed.
func TestReorderingLeavesProjectsAsStaleAsTheyWere(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	site.Clock.Advance(190 * 24 * time.Hour) // 8 December 2023
	sup, adm := site.As(t, "sup"), site.As(t, "adm")
	stale := func() string {
		page := sup.Get("/overdue")
		sitetest.WantStatus(t, "the console", page, http.StatusOK)
		return sitetest.Text(page.Doc.Find(`[data-testid="count-stale"]`))
	}
	changed := func() map[string]string {
		var rows []struct {
			ID        int64
			UpdatedAt string
		}
		if err := site.Site.DB.Read.Raw("SELECT id, CAST(updated_at AS TEXT) AS updated_at FROM targets WHERE year = 2023").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, r := range rows {
			m[strconv.FormatInt(r.ID, 10)] = r.UpdatedAt
		}
		return m
	}
	before, changedBefore := stale(), changed()

	editor := adm.Get("/admin/years/2023/list")
	second := editor.Doc.Find(`[data-testid="editor-start"] [data-testid="editor-target"]`).Eq(1)
	moveURL, _ := second.Find(`form.editor__move`).Attr("action")
	sitetest.WantStatus(t, "move up", adm.Post(moveURL, url.Values{"direction": {"up"}}), http.StatusSeeOther)
	moved := adm.Get("/admin/years/2023/list").Doc.Find(`[data-testid="editor-start"] [data-testid="editor-target"]`).First()
	if sitetest.Text(moved.Find("a").First()) != sitetest.Text(second.Find("a").First()) {
		t.Fatalf("the move did not happen: the start list begins with %q", sitetest.Text(moved))
	}

	if after := stale(); after != before || before == "0" {
		t.Errorf("stale projects: %s before moving a target, %s after", before, after)
	}
	for id, at := range changed() {
		if at != changedBefore[id] {
			t.Errorf("target %s: last changed %s before the move, %s after", id, changedBefore[id], at)
		}
	}
}
