package projects_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"shuangshi/internal/auth"
	"shuangshi/internal/database/databasetest"
	"shuangshi/internal/site/sitetest"
)

func TestEngineerUpdatesAProject(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	edit := b.Get("/projects/3/edit")
	sitetest.WantStatus(t, "the edit page", edit, http.StatusOK)
	form := sitetest.EditForm(t, edit)
	completionTarget := ""
	edit.Doc.Find(`[data-testid^="target-"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(sitetest.Text(s.Find("h3")), "2023年 竣工") {
			id, _ := s.Attr("data-testid")
			completionTarget = "progress-" + strings.TrimPrefix(id, "target-")
		}
	})
	if completionTarget == "" {
		t.Fatal("the edit page has no field for the 2023 completion target")
	}
	form.Set("planned_completion", "2023-11-30")
	form.Set("percent", "60")
	form.Set(completionTarget, "主体工程完成60%")
	form.Set("internal_note", "SECRET-NOTE 需协调北横通道借地")
	resp := b.Post("/projects/3/edit", form)
	sitetest.WantStatus(t, "save", resp, http.StatusSeeOther)

	page := b.Get("/projects/3")
	if got := sitetest.Text(page.Doc.Find(`[data-testid="flash"]`)); got != "已保存。" {
		t.Errorf("flash %q", got)
	}
	if got := sitetest.Text(page.Doc.Find(`[data-testid="percent"]`)); !strings.Contains(got, "60%") {
		t.Errorf("percent shows %q", got)
	}
	if got := sitetest.Text(page.Doc.Find(`[data-testid="internal-note"]`)); !strings.Contains(got, "SECRET-NOTE") {
		t.Errorf("the engineer does not see the internal note: %q", got)
	}
	public := site.NewBrowser(t).Get("/years/2023")
	if got := sitetest.Text(public.Doc.Find(`tr[data-number="7"] .targets__progress`)); got != "主体工程完成60%" {
		t.Errorf("the public year page shows %q", got)
	}

	// History: each field with its old and new value, and who.
	history := b.Get("/projects/3/history")
	rows := history.Doc.Find(`[data-testid="change"]`)
	fields := map[string]string{}
	rows.Each(func(_ int, r *goquery.Selection) {
		f, _ := r.Attr("data-field")
		fields[f] = sitetest.Text(r)
	})
	for field, want := range map[string]string{
		"planned_completion": "2023年11月30日",
		"percent_complete":   "60%",
		"progress":           "主体工程完成60%",
		"internal_note":      "SECRET-NOTE",
	} {
		if !strings.Contains(fields[field], want) || !strings.Contains(fields[field], "li") {
			t.Errorf("history of %s: %q, want %q and who", field, fields[field], want)
		}
	}
}

func TestARejectedFormKeepsWhatWasTypedAndSavesNothing(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("actual_completion", "2023-05-01") // but no actual completion before the start? start is 2022: fine
	form.Set("actual_start", "")                // completion without a start
	form.Set("percent", "150")
	form.Set("internal_note", "保留这段文字")
	resp := b.Post("/projects/3/edit", form)
	sitetest.WantStatus(t, "an invalid form", resp, http.StatusUnprocessableEntity)
	for field, want := range map[string]string{"actual_start": "请同时填写实际开工日期", "percent": "0 到 100"} {
		if got := sitetest.Text(resp.Doc.Find(`[data-testid="error-` + field + `"]`)); !strings.Contains(got, want) {
			t.Errorf("message of %s = %q, want %q", field, got, want)
		}
		if resp.Doc.Find(`#`+field+`[aria-describedby~="`+field+`-error"]`).Length() != 1 {
			t.Errorf("the message of %s is not tied to its field", field)
		}
		if resp.Doc.Find(`[data-testid="error-summary"] a[href="#`+field+`"]`).Length() != 1 {
			t.Errorf("the summary does not link to %s", field)
		}
	}
	if v, _ := resp.Doc.Find("#percent").Attr("value"); v != "150" {
		t.Errorf("percent was not kept: %q", v)
	}
	if got := resp.Doc.Find("#internal_note").Text(); got != "保留这段文字" {
		t.Errorf("the note was not kept: %q", got)
	}
	if v, _ := resp.Doc.Find("#actual_completion").Attr("value"); v != "2023-05-01" {
		t.Errorf("the completion date was not kept: %q", v)
	}
	changes := site.Count(t, "changes")
	var version int64
	site.Site.DB.Read.Raw("SELECT version FROM projects WHERE id = 3").Scan(&version)
	if changes != 0 || version != 1 {
		t.Errorf("a refused form saved something: %d changes, version %d", changes, version)
	}
}

func TestAConflictingEditShowsBothAndKeepsTheFirst(t *testing.T) {
	site := sitetest.NewEditing(t)
	engineer := site.SignIn(t, "li", sitetest.Password)
	admin := site.SignIn(t, "adm", sitetest.Password)
	first := sitetest.EditForm(t, engineer.Get("/projects/3/edit"))
	second := sitetest.EditForm(t, admin.Get("/projects/3/edit"))

	first.Set("percent", "40")
	sitetest.WantStatus(t, "the first save", engineer.Post("/projects/3/edit", first), http.StatusSeeOther)

	second.Set("percent", "45")
	second.Set("internal_note", "管理员的备注")
	conflict := admin.Post("/projects/3/edit", second)
	sitetest.WantStatus(t, "the second save", conflict, http.StatusConflict)
	notice := sitetest.Text(conflict.Doc.Find(`[data-testid="conflict"]`))
	if !strings.Contains(notice, "li 于") {
		t.Errorf("the conflict does not say who saved: %q", notice)
	}
	rows := map[string]string{}
	conflict.Doc.Find(`[data-testid="conflict-row"]`).Each(func(_ int, r *goquery.Selection) {
		rows[sitetest.Text(r.Find("th"))] = sitetest.Text(r.Find(".conflict__yours")) + " | " + sitetest.Text(r.Find(".conflict__current"))
	})
	if rows["完成比例（%）"] != "45 | 40" {
		t.Errorf("the percent row shows %q, want yours 45 beside the current 40", rows["完成比例（%）"])
	}
	if v, _ := conflict.Doc.Find("#percent").Attr("value"); v != "45" {
		t.Errorf("the conflict form lost the typed percent: %q", v)
	}
	if got := conflict.Doc.Find("#internal_note").Text(); got != "管理员的备注" {
		t.Errorf("the conflict form lost the typed note: %q", got)
	}
	var percent int
	site.Site.DB.Read.Raw("SELECT percent_complete FROM projects WHERE id = 3").Scan(&percent)
	if percent != 40 {
		t.Fatalf("the first save was overwritten: percent %d", percent)
	}
	// Re-applying from the conflict page saves the second version.
	again := sitetest.EditForm(t, conflict)
	sitetest.WantStatus(t, "re-applying", admin.Post("/projects/3/edit", again), http.StatusSeeOther)
	site.Site.DB.Read.Raw("SELECT percent_complete FROM projects WHERE id = 3").Scan(&percent)
	if percent != 45 {
		t.Errorf("after re-applying percent is %d, want 45", percent)
	}
}

func TestOnlyAssignedEngineersAndAdminsMayEdit(t *testing.T) {
	site := sitetest.NewEditing(t)
	li := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, li.Get("/projects/3/edit"))
	form.Set("percent", "99")
	wang := site.SignIn(t, "wang", sitetest.Password)
	wang.Get("/account")
	resp := wang.Post("/projects/3/edit", form)
	sitetest.WantStatus(t, "an unassigned engineer's hand-made POST", resp, http.StatusForbidden)
	sitetest.WantStatus(t, "another project's edit page for li", li.Get("/projects/4/edit"), http.StatusForbidden)
	if changes := site.Count(t, "changes"); changes != 0 {
		t.Fatalf("a refused edit left %d changes", changes)
	}
	admin := site.SignIn(t, "adm", sitetest.Password)
	sitetest.WantStatus(t, "an administrator's edit page", admin.Get("/projects/4/edit"), http.StatusOK)
	if li.Get("/projects/3").Doc.Find(`[data-testid="edit-link"]`).Length() != 1 || wang.Get("/projects/3").Doc.Find(`[data-testid="edit-link"]`).Length() != 0 {
		t.Error("the edit button is shown to the wrong people")
	}
}

// TestInternalNotesStayInternal writes an internal note and a delay reason,
// then looks for them everywhere the public can look.
func TestInternalNotesStayInternal(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.Clock.Advance(365 * 24 * time.Hour) // 2024: the 2023 targets are overdue, a delay reason is needed
	zhou := site.AddUser(t, "zhou.xiaoming", auth.Engineer, sitetest.Password)
	if err := site.Users.Assign(t.Context(), zhou.ID, sitetest.Haian, "#3", auth.CommandLine); err != nil {
		t.Fatal(err)
	}
	b := site.SignIn(t, "zhou.xiaoming", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("internal_note", "INTERNAL-7f3a 不对外")
	form.Set("delay_reason", "DELAY-9c1e 征收未完成")
	sitetest.WantStatus(t, "save", b.Post("/projects/3/edit", form), http.StatusSeeOther)

	public := site.NewBrowser(t)
	for _, path := range []string{"/", "/years/2023", "/years/2022", "/projects/3", "/projects/3/history",
		"/years/2023/table.csv", "/api/v1/years/2023", "/api/v1/projects/3"} {
		resp := public.Get(path)
		sitetest.WantStatus(t, path, resp, http.StatusOK)
		for _, secret := range []string{"INTERNAL-7f3a", "DELAY-9c1e", "zhou.xiaoming"} {
			if strings.Contains(resp.Body, secret) {
				t.Errorf("the public %s shows %q", path, secret)
			}
		}
	}
	history := public.Get("/projects/3/history")
	if history.Doc.Find(`[data-testid="change"][data-field="internal_note"], [data-testid="change"][data-field="delay_reason"]`).Length() != 0 {
		t.Error("the public history lists the internal fields")
	}
	staff := b.Get("/projects/3")
	if !strings.Contains(staff.Body, "INTERNAL-7f3a") || !strings.Contains(staff.Body, "DELAY-9c1e") {
		t.Error("staff do not see the internal note and the delay reason")
	}
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	overdue := site.SignIn(t, "sup", sitetest.Password).Get("/overdue")
	if !strings.Contains(overdue.Body, "DELAY-9c1e") {
		t.Error("the supervisor's overdue list does not show the delay reason")
	}
}

func TestHistoryIsAppendOnly(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("percent", "10")
	sitetest.WantStatus(t, "save", b.Post("/projects/3/edit", form), http.StatusSeeOther)
	for _, statement := range []string{"UPDATE changes SET new_value = '99'", "DELETE FROM changes"} {
		if err := site.Site.DB.Write.Exec(statement).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", statement, err)
		}
	}
}

func TestEditPageKeepsAYearOnlyDate(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	edit := b.Get("/projects/3/edit")
	input := edit.Doc.Find("#actual_start")
	if typ, _ := input.Attr("type"); typ != "text" {
		t.Fatalf("a year-only actual start is in an input of type %q, which would lose it", typ)
	}
	if v, _ := input.Attr("value"); v != "2022" {
		t.Fatalf("actual start value %q, want 2022", v)
	}
	// Saving the form untouched changes nothing.
	resp := b.Post("/projects/3/edit", sitetest.EditForm(t, edit))
	sitetest.WantStatus(t, "save unchanged", resp, http.StatusSeeOther)
	if got := sitetest.Text(b.Get("/projects/3").Doc.Find(`[data-testid="flash"]`)); got != "没有改动，未保存。" {
		t.Errorf("flash %q", got)
	}
}

// TestReapplyingKeepsTheOtherPersonsChanges: two people edit different
// fields from the same page; the second save must not undo the first.
func TestReapplyingKeepsTheOtherPersonsChanges(t *testing.T) {
	site := sitetest.NewEditing(t)
	engineer := site.SignIn(t, "li", sitetest.Password)
	admin := site.SignIn(t, "adm", sitetest.Password)
	mine := sitetest.EditForm(t, admin.Get("/projects/3/edit"))
	theirs := sitetest.EditForm(t, engineer.Get("/projects/3/edit"))
	theirs.Set("internal_note", "ENG-NOTE 北侧管线")
	sitetest.WantStatus(t, "the engineer saves the note", engineer.Post("/projects/3/edit", theirs), http.StatusSeeOther)

	mine.Set("percent", "55")
	conflict := admin.Post("/projects/3/edit", mine)
	sitetest.WantStatus(t, "the administrator's save from the older page", conflict, http.StatusConflict)
	if got := sitetest.Text(conflict.Doc.Find(`[data-testid="conflict-taken"]`)); !strings.Contains(got, "内部备注") {
		t.Errorf("the page does not say the note was taken from the other save: %q", got)
	}
	if conflict.Doc.Find(`[data-testid="conflict-row"]`).Length() != 0 {
		t.Error("fields only one person changed are shown as clashes")
	}
	if got := conflict.Doc.Find("#internal_note").Text(); got != "ENG-NOTE 北侧管线" {
		t.Errorf("the merged form's note is %q, want the engineer's", got)
	}
	sitetest.WantStatus(t, "saving the merged form", admin.Post("/projects/3/edit", sitetest.EditForm(t, conflict)), http.StatusSeeOther)
	var row struct {
		Percent int
		Note    string
	}
	site.Site.DB.Read.Raw("SELECT percent_complete AS percent, internal_note AS note FROM projects WHERE id = 3").Scan(&row)
	if row.Percent != 55 || row.Note != "ENG-NOTE 北侧管线" {
		t.Fatalf("after both saves: percent %d, note %q; want 55 and the engineer's note", row.Percent, row.Note)
	}
}

func TestAFormWithoutItsVersionLosesNothing(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Del("version")
	form.Set("percent", "33")
	resp := b.Post("/projects/3/edit", form)
	sitetest.WantStatus(t, "no version", resp, http.StatusConflict)
	if v, _ := resp.Doc.Find("#percent").Attr("value"); v != "33" {
		t.Fatalf("the typed percent was lost: %q", v)
	}
}

func TestHistoryShowsWhoAndWhyToStaffOnly(t *testing.T) {
	site := sitetest.NewEditing(t)
	b := site.SignIn(t, "li", sitetest.Password)
	form := sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("planned_completion", "2023-10-31")
	sitetest.WantStatus(t, "set a baseline", b.Post("/projects/3/edit", form), http.StatusSeeOther)
	form = sitetest.EditForm(t, b.Get("/projects/3/edit"))
	form.Set("planned_completion", "2023-12-15")
	form.Set("rebaseline_reason", "REASON-51 雨季停工")
	form.Set("delay_reason", "雨季")
	sitetest.WantStatus(t, "re-baseline", b.Post("/projects/3/edit", form), http.StatusSeeOther)

	staff := b.Get("/projects/3/history")
	row := staff.Doc.Find(`[data-testid="change"][data-field="planned_completion"]`).First()
	cells := row.Find("td")
	if who := sitetest.Text(cells.Eq(3)); who != "li" {
		t.Errorf("who = %q, want li", who)
	}
	if why := sitetest.Text(cells.Eq(4)); why != "REASON-51 雨季停工" {
		t.Errorf("reason = %q", why)
	}
	if got := sitetest.Text(b.Get("/projects/3").Doc.Find(`[data-testid="original-baseline"]`)); !strings.Contains(got, "2023年10月31日") || !strings.Contains(got, "推迟 45 天") {
		t.Errorf("the project page shows the baseline as %q, want the original and a 45-day slip", got)
	}

	public := site.NewBrowser(t).Get("/projects/3/history")
	if strings.Contains(public.Body, "REASON-51") || public.Doc.Find("thead th").Length() != 4 {
		t.Errorf("the public history shows reasons or extra columns (%d headings)", public.Doc.Find("thead th").Length())
	}
	if public.Doc.Find(`[data-testid="change"][data-field="planned_completion"]`).Length() != 2 {
		t.Error("the public history does not show the baseline changes")
	}
}

// TestEditingOnPostgres runs the edits that write the most again on
// PostgreSQL: saving with history, a refused form, a conflict, the
// append-only history, and the administrators' project records.
func TestEditingOnPostgres(t *testing.T) {
	databasetest.OnPostgres(t, map[string]func(*testing.T){
		"EngineerUpdatesAProject":                       TestEngineerUpdatesAProject,
		"AConflictingEditShowsBothAndKeepsTheFirst":     TestAConflictingEditShowsBothAndKeepsTheFirst,
		"ARejectedFormKeepsWhatWasTypedAndSavesNothing": TestARejectedFormKeepsWhatWasTypedAndSavesNothing,
		"HistoryIsAppendOnly":                           TestHistoryIsAppendOnly,
		"AdministratorsCreateEditAndArchiveProjects":    TestAdministratorsCreateEditAndArchiveProjects,
	})
}

// TestARefusedEditListsEveryProblemAtOnce posts issue 16's form: an actual
// completion before the start and 150%, on a project whose 2023 target is
// overdue, without a delay reason. The page comes back 422 with all three
// problems in the summary, in the order of the page, the summary taking
// the focus, and every value as typed.
func TestARefusedEditListsEveryProblemAtOnce(t *testing.T) {
	site := sitetest.NewEditing(t)
	site.Clock.Set(time.Date(2024, time.January, 10, 2, 0, 0, 0, time.UTC))
	b := site.SignIn(t, "li", sitetest.Password)
	page := b.Get("/projects/3/edit")
	sitetest.WantStatus(t, "the edit page", page, http.StatusOK)
	if _, ok := page.Doc.Find("form.edit-form").Attr("novalidate"); !ok {
		t.Error("the form lets the browser's own checks stop it")
	}
	form := sitetest.EditForm(t, page)
	form.Set("actual_completion", "2021-12-31") // the start is 2022
	form.Set("percent", "150")
	form.Set("delay_reason", "")
	form.Set("internal_note", "保留这段文字")
	resp := b.Post("/projects/3/edit", form)
	sitetest.WantStatus(t, "the refused form", resp, http.StatusUnprocessableEntity)

	summary := resp.Doc.Find(`[data-testid="error-summary"]`)
	var links []string
	summary.Find("a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	if want := "#delay_reason #percent #actual_completion"; strings.Join(links, " ") != want {
		t.Errorf("the summary links to %v, want %s", links, want)
	}
	if got := sitetest.Text(summary); !strings.Contains(got, "延误原因") || !strings.Contains(got, "0 到 100") || !strings.Contains(got, "竣工日期不能早于开工日期") {
		t.Errorf("the summary says %q", got)
	}
	_, autofocus := summary.Attr("autofocus")
	if tabindex := summary.AttrOr("tabindex", ""); !autofocus || tabindex != "-1" {
		t.Errorf("the summary does not take the focus: autofocus %v, tabindex %q", autofocus, tabindex)
	}
	for field, want := range map[string]string{"percent": "150", "actual_completion": "2021-12-31"} {
		if got := resp.Doc.Find("#"+field).AttrOr("value", ""); got != want {
			t.Errorf("%s shows %q, want %q as typed", field, got, want)
		}
	}
	if got := resp.Doc.Find("#internal_note").Text(); got != "保留这段文字" {
		t.Errorf("the note shows %q, want it as typed", got)
	}
	if changes := site.Count(t, "changes"); changes != 0 {
		t.Errorf("the refused form saved %d changes", changes)
	}

	// Fixed as the summary says, it saves at once.
	form.Set("actual_completion", "")
	form.Set("percent", "50")
	form.Set("delay_reason", "管线迁改滞后")
	sitetest.WantStatus(t, "the fixed form", b.Post("/projects/3/edit", form), http.StatusSeeOther)
}

// targetKey returns the id of the target of an edit page whose heading
// names the year and list, such as "2023年 竣工".
func targetKey(t *testing.T, page sitetest.Response, heading string) string {
	t.Helper()
	key := ""
	page.Doc.Find(`.target-edit`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(sitetest.Text(s.Find("h3")), heading) {
			key = strings.TrimPrefix(s.AttrOr("data-testid", ""), "target-")
		}
	})
	if key == "" {
		t.Fatalf("no target %s on the page", heading)
	}
	return key
}

// TestAFinishedTargetIsReadOnly: once 海安路's 2023 completion target is
// achieved, the engineer's edit page shows it folded away as text, and a
// post that changes it anyway (a page loaded before, or made by hand) is
// refused by the field and saves nothing; so is a date that would undo its
// outcome. An administrator corrects it. The closed 2022's target stays
// closed to both.
func TestAFinishedTargetIsReadOnly(t *testing.T) {
	site := sitetest.NewEditing(t)
	li := site.SignIn(t, "li", sitetest.Password)
	page := li.Get("/projects/3/edit")
	completion := targetKey(t, page, "2023年 竣工")
	start := targetKey(t, page, "2022年 开工")
	if page.Doc.Find(`[name="progress-`+start+`"], [name="outcome-`+start+`"]`).Length() != 0 {
		t.Error("the closed 2022 target is an input")
	}
	if page.Doc.Find(`[data-testid="finished-targets"] [data-testid="target-`+start+`"]`).Length() != 1 {
		t.Error("the closed 2022 target is not among the finished ones")
	}
	stale := sitetest.EditForm(t, page)

	// Completed on 20 May 2023: the target is achieved.
	form := sitetest.EditForm(t, page)
	form.Set("actual_completion", "2023-05-20")
	form.Set("progress-"+completion, "已竣工")
	sitetest.WantStatus(t, "the completion", li.Post("/projects/3/edit", form), http.StatusSeeOther)

	page = li.Get("/projects/3/edit")
	if page.Doc.Find(`[name="progress-`+completion+`"], [name="outcome-`+completion+`"]`).Length() != 0 {
		t.Fatal("the achieved 2023 target is still an input")
	}
	finished := page.Doc.Find(`[data-testid="finished-targets"]`)
	if _, open := finished.Attr("open"); open || finished.Find(`[data-testid="target-`+completion+`"]`).Length() != 1 {
		t.Errorf("the achieved target is not folded away with the finished ones (open %v)", open)
	}
	if got := sitetest.Text(finished.Find(`[data-testid="target-` + completion + `"] [data-testid="finished-progress"]`)); got != "已竣工" {
		t.Errorf("the achieved target reads %q", got)
	}
	if page.Doc.Find(`[data-testid="no-pending"]`).Length() != 1 {
		t.Error("the page does not say that no target is pending")
	}

	// Values for it in the address (the quick update's link) change nothing.
	linked := li.Get("/projects/3/edit?progress-" + completion + "=%E6%94%B9%E5%86%99")
	if got := sitetest.Text(linked.Doc.Find(`[data-testid="target-` + completion + `"] [data-testid="finished-progress"]`)); got != "已竣工" {
		t.Errorf("the address changed the achieved target's text to %q", got)
	}

	// A forged post: the target's text and outcome, and a completion date
	// cleared, which would make the target pending again.
	forged := sitetest.EditForm(t, page)
	forged.Set("progress-"+completion, "改写")
	forged.Set("outcome-"+completion, "missed")
	forged.Set("actual_completion", "")
	forged.Set("percent", "90")
	resp := li.Post("/projects/3/edit", forged)
	sitetest.WantStatus(t, "the forged post", resp, http.StatusUnprocessableEntity)
	for _, field := range []string{"progress-" + completion, "outcome-" + completion, "actual_completion"} {
		if got := sitetest.Text(resp.Doc.Find(`[data-testid="error-` + field + `"]`)); !strings.Contains(got, "管理员") {
			t.Errorf("the refusal of %s says %q, want it to send the engineer to an administrator", field, got)
		}
		if resp.Doc.Find(`[data-testid="error-summary"] a[href="#`+field+`"]`).Length() != 1 {
			t.Errorf("the summary does not list %s", field)
		}
		if resp.Doc.Find("#"+field).Length() != 1 {
			t.Errorf("the summary's link to %s leads nowhere", field)
		}
	}
	if _, open := resp.Doc.Find(`[data-testid="finished-targets"]`).Attr("open"); !open {
		t.Error("the finished targets stay folded over their messages")
	}
	// The page loaded before the target was finished, posted now: merged
	// and shown again, then refused when sent as it stands.
	stale.Set("progress-"+completion, "旧页面的文字")
	sitetest.WantStatus(t, "the stale page", li.Post("/projects/3/edit", stale), http.StatusConflict)
	stale.Set("version", "2")
	stale.Set("base-version", "2")
	stale.Set("actual_completion", "2023-05-20")
	sitetest.WantStatus(t, "the stale page sent again", li.Post("/projects/3/edit", stale), http.StatusUnprocessableEntity)
	var version int64
	site.Site.DB.Read.Raw("SELECT version FROM projects WHERE id = 3").Scan(&version)
	if version != 2 {
		t.Errorf("a refused post saved: version %d, want 2", version)
	}

	// The administrator corrects it; the closed year stays closed.
	adm := site.SignIn(t, "adm", sitetest.Password)
	page = adm.Get("/projects/3/edit")
	if page.Doc.Find(`[data-testid="finished-targets"] textarea[name="progress-`+completion+`"]`).Length() != 1 {
		t.Fatal("the administrator cannot correct the achieved target")
	}
	if page.Doc.Find(`[name="progress-`+start+`"]`).Length() != 0 {
		t.Error("the closed 2022 target is an input for the administrator")
	}
	form = sitetest.EditForm(t, page)
	form.Set("progress-"+completion, "2023年5月20日竣工")
	sitetest.WantStatus(t, "the administrator's correction", adm.Post("/projects/3/edit", form), http.StatusSeeOther)
	public := site.NewBrowser(t).Get("/years/2023")
	if got := sitetest.Text(public.Doc.Find(`tr[data-number="7"] .targets__progress`)); got != "2023年5月20日竣工" {
		t.Errorf("the public page shows %q", got)
	}
}
