package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/projects"
	"shuangshi/internal/site/sitetest"
)

// axeViolation is what axe-core reports of a rule a page breaks.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// runAxe checks the page in the browser against WCAG 2.1 A and AA with
// axe-core, vendored under testdata (never served by the site).
func runAxe(t *testing.T, ctx context.Context) []axeViolation {
	t.Helper()
	// A page checked again (at another width) has axe-core already: its
	// 650 kB cost a third of a second to send and compile each time. Each
	// run starts from a clean state (axe.teardown clears its caches).
	if loaded := sitetest.Evaluate[bool](t, ctx, `typeof axe === 'object' && typeof axe.run === 'function'`); !loaded {
		script, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(script)+";true")); err != nil {
			t.Fatalf("load axe-core: %v", err)
		}
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
			.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatal(err)
	}
	return violations
}

func describe(violations []axeViolation) string {
	var b strings.Builder
	for _, v := range violations {
		fmt.Fprintf(&b, "  %s (%s): %s\n", v.ID, v.Impact, v.Help)
		for i, n := range v.Nodes {
			if i == 3 {
				fmt.Fprintf(&b, "    … and %d more\n", len(v.Nodes)-3)
				break
			}
			fmt.Fprintf(&b, "    %v\n", n.Target)
		}
	}
	return b.String()
}

// pageType is one kind of page of the site, reached as someone.
type pageType struct {
	name string
	who  string // "" for the public
	path string
	// reach, when set, gets to the page by acting in the browser (a
	// refused form, a conflict) instead of opening path.
	reach func(t *testing.T, ctx context.Context)
}

// TestAccessibilityOfEveryPageType opens every type of page, in Chinese and
// in English, at a desktop and a phone width, runs axe-core on it (zero
// violations of WCAG 2.1 A and AA) and writes a screenshot to artifacts/.
func TestAccessibilityOfEveryPageType(t *testing.T) {
	site := sitetest.NewEditing(t, sitetest.Reviewed)
	site.AddUser(t, "sup", auth.Supervisor, sitetest.Password)
	// The account pages act on an account of their own: resetting li's
	// password would sign li out of the pages that follow.
	victim := site.AddUser(t, "zhang", auth.Engineer, sitetest.Password)
	// Target 32's cases show each state: one answered and waiting for the
	// supervisor, one late, one closed with its thread.
	record := projects.NewStore(site.Site.DB, site.Clock.Now)
	today := civil.DateOf(site.Clock.Now())
	for i, steps := range [][]projects.CaseStep{{projects.StepAnswer}, nil, {projects.StepAnswer, projects.StepClose}} {
		c, err := record.AddComment(t.Context(), 32, fmt.Sprintf("请说明进度（%d）", i), today.AddDays(i-1), auth.CommandLine)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range steps {
			if _, err := record.StepCase(t.Context(), c.ID, step, "已说明。", civil.Date{}, auth.CommandLine); err != nil {
				t.Fatal(err)
			}
		}
	}
	fresh := sitetest.New(t) // no administrator yet: it offers the setup link
	submitEdit := func(path string, set map[string]string) func(t *testing.T, ctx context.Context) {
		return func(t *testing.T, ctx context.Context) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+path)); err != nil {
				t.Fatal(err)
			}
			for id, v := range set {
				sitetest.Evaluate[bool](t, ctx, fmt.Sprintf(`(document.getElementById(%q).value = %q) !== null`, id, v))
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.edit-form button[type="submit"]`))); err != nil {
				t.Fatal(err)
			}
		}
	}
	pages := []pageType{
		{name: "year", path: "/years/2022"},
		{name: "year-filtered", path: "/years/2023?category=water"},
		{name: "dashboard", path: "/years/2023/dashboard"},
		{name: "timeline", path: "/years/2023/timeline"},
		{name: "report", path: "/years/2022/report"},
		{name: "project", path: "/projects/3"},
		{name: "history", path: "/projects/3/history"},
		{name: "search", path: "/search?q=%E5%86%9B%E5%B7%A5"},
		{name: "search-none", path: "/search?q=%E4%B8%8D%E5%AD%98%E5%9C%A8"},
		{name: "search-staff", who: "adm", path: "/search?q=2024"},
		{name: "projects-index", path: "/projects?category=tunnel"},
		{name: "login", path: "/login"},
		{name: "not-found", path: "/no-such-page"},
		{name: "my-projects", who: "li", path: "/my/projects"},
		{name: "edit", who: "li", path: "/projects/3/edit"},
		{name: "edit-refused", who: "li", reach: submitEdit("/projects/3/edit", map[string]string{"percent": "150", "actual_completion": "2023-05-01", "actual_start": ""})},
		{name: "edit-conflict", who: "li", reach: func(t *testing.T, ctx context.Context) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/projects/3/edit")); err != nil {
				t.Fatal(err)
			}
			other := site.SignIn(t, "adm", sitetest.Password)
			form := sitetest.EditForm(t, other.Get("/projects/3/edit"))
			// The other save must change something, in each language's run,
			// or it raises no version and there is nothing to clash with.
			if form.Get("percent") == "30" {
				form.Set("percent", "31")
			} else {
				form.Set("percent", "30")
			}
			sitetest.WantStatus(t, "the other save", other.Post("/projects/3/edit", form), http.StatusSeeOther)
			sitetest.Evaluate[bool](t, ctx, `(document.getElementById('percent').value = '35') !== null`)
			resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.edit-form button[type="submit"]`)))
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != http.StatusConflict {
				t.Fatalf("the stale save answered %d, want the conflict page (409)", resp.Status)
			}
		}},
		{name: "account", who: "li", path: "/account"},
		{name: "digest", who: "li", path: "/digest"},
		{name: "calendar", who: "li", path: "/account/calendar"},
		{name: "calendar-new", who: "li", reach: func(t *testing.T, ctx context.Context) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/account/calendar")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`main form[action="/account/calendar"] button`))); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "forbidden", who: "li", path: "/admin/users"},
		{name: "overdue", who: "sup", path: "/overdue"},
		{name: "comments", who: "sup", path: "/targets/32/comments"},
		{name: "digest-all", who: "sup", path: "/digest"},
		{name: "users", who: "adm", path: "/admin/users"},
		{name: "new-user", who: "adm", path: "/admin/users/new"},
		{name: "user", who: "adm", path: "/admin/users/" + sitetest.ID(victim.ID)},
		{name: "confirm", who: "adm", path: "/admin/users/" + sitetest.ID(victim.ID) + "/disable"},
		{name: "temporary-password", who: "adm", reach: func(t *testing.T, ctx context.Context) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/admin/users/"+sitetest.ID(victim.ID)+"/password")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`main form button[type="submit"]`))); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "assignments", who: "adm", path: "/admin/assignments"},
		{name: "admin-projects", who: "adm", path: "/admin/projects"},
		{name: "project-new-refused", who: "adm", reach: func(t *testing.T, ctx context.Context) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/admin/projects/new")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`main form.form button[type="submit"]`))); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "project-record", who: "adm", path: "/admin/projects/3"},
		{name: "years-admin", who: "adm", path: "/admin/years"},
		{name: "list-editor", who: "adm", path: "/admin/years/2023/list"},
		{name: "remove-target", who: "adm", path: "/admin/targets/32/remove"},
		{name: "carry-over", who: "adm", path: "/admin/years/2023/carry-over"},
		{name: "import", who: "adm", path: "/admin/import"},
		{name: "import-preview", who: "adm", reach: func(t *testing.T, ctx context.Context) {
			uploader := site.SignIn(t, "adm", sitetest.Password)
			uploader.Get("/admin/import")
			file := sitetest.Workbook(t, "2024", []string{"年度目标", "项目名称"}, [][]string{
				{"开工", "长海路（国和路-嫩江路）道路新建工程"}, {"竣工", "海安路（军工路-共青路）道路整治工程"},
				{"竣工", "新江湾东排水泵站控污调蓄设施工程"}, {"竣工", ""},
			})
			uploaded := uploader.PostFile("/admin/import", "2024", "2024.xlsx", file)
			sitetest.WantStatus(t, "the upload", uploaded, http.StatusSeeOther)
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+uploaded.Header.Get("Location"))); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "security-log", who: "adm", path: "/admin/events"},
		{name: "notice-channel", who: "adm", reach: func(t *testing.T, ctx context.Context) {
			admin := site.SignIn(t, "adm", sitetest.Password)
			admin.Get("/admin/notices/new")
			sitetest.WantStatus(t, "add a channel", admin.Post("/admin/notices", map[string][]string{
				"name": {"全区督办群"}, "service": {"dingtalk"}, "scope": {"site"}, "language": {"zh-CN"}, "digest": {"on"},
				"webhook": {"https://oapi.dingtalk.com/robot/send?access_token=b2c3d4e5f60718293a4b5c6d7e8f90a1"},
				"secret":  {"SECabcdefabcdefabcdefabcdef"},
			}), http.StatusSeeOther)
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/admin/notices")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`[data-testid="channel"] a`))); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "notice-channels", who: "adm", path: "/admin/notices"},
		{name: "notice-channel-refused", who: "adm", reach: func(t *testing.T, ctx context.Context) {
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/admin/notices/new")); err != nil {
				t.Fatal(err)
			}
			sitetest.Evaluate[bool](t, ctx, `(document.getElementById('webhook').value = 'http://10.0.0.1/send') !== null`)
			if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`main form[data-testid="channel-form"] button[type="submit"]`))); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "publish", who: "adm", path: "/admin/years/2024/publish"},
		{name: "close", who: "adm", path: "/admin/years/2023/close"},
		{name: "reopen", who: "adm", path: "/admin/years/2022/reopen"},
		{name: "review", who: "sup", reach: func(t *testing.T, ctx context.Context) {
			engineer := site.SignIn(t, "li", sitetest.Password)
			form := sitetest.EditForm(t, engineer.Get("/projects/3/edit"))
			form.Set("percent", "45")
			sitetest.WantStatus(t, "a change to review", engineer.Post("/projects/3/edit", form), http.StatusSeeOther)
			if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/review")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "setup", who: "-", path: fresh.Site.SetupPath()},
	}
	for _, language := range []struct{ name, header string }{{"zh", "zh-CN,zh"}, {"en", "en-GB,en"}} {
		t.Run(language.name, func(t *testing.T) {
			browsers := map[string]context.Context{}
			var errs []*sitetest.ConsoleErrors
			browserFor := func(t *testing.T, who string) context.Context {
				if ctx, ok := browsers[who]; ok {
					return ctx
				}
				ctx, consoleErrs := sitetest.ChromiumWith(t, 1280, language.header, true)
				errs = append(errs, consoleErrs)
				if who != "" && who != "-" {
					sitetest.SignInWithChromium(t, ctx, site, who)
				}
				browsers[who] = ctx
				return ctx
			}
			for _, p := range pages {
				base := site.URL
				if p.who == "-" {
					base = fresh.URL
				}
				checkPage(t, browserFor(t, p.who), p, base, language.name)
			}
			for _, e := range errs {
				var unexpected []string
				for _, msg := range e.All() {
					// Pages that answer 403, 404, 409 or 422 on purpose.
					if !strings.Contains(msg, "the server responded with a status of 4") {
						unexpected = append(unexpected, msg)
					}
				}
				if len(unexpected) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(unexpected, "\n"))
				}
			}
		})
	}
}

// checkPage opens one page, under a deadline of its own so that a slow page
// on a busy machine fails alone, and checks it at both widths: its
// language, axe-core, nothing wider than the window; it saves a screenshot
// of each width.
func checkPage(t *testing.T, browser context.Context, p pageType, base, language string) {
	t.Helper()
	ctx, cancel := sitetest.Page(browser)
	defer cancel()
	if p.reach != nil {
		p.reach(t, ctx)
	} else if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path)); err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	if lang := sitetest.Evaluate[string](t, ctx, `document.documentElement.lang`); !strings.HasPrefix(lang, language) {
		t.Errorf("%s: lang=%q in %s", p.name, lang, language)
	}
	for _, width := range []int{1280, 360} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
			t.Fatal(err)
		}
		if v := runAxe(t, ctx); len(v) > 0 {
			t.Errorf("%s (%s, %d px): %d axe violations:\n%s", p.name, language, width, len(v), describe(v))
		}
		if w, cw := sitetest.Evaluate[int](t, ctx, `document.documentElement.scrollWidth`), sitetest.Evaluate[int](t, ctx, `document.documentElement.clientWidth`); w > cw {
			t.Errorf("%s (%s) is %d px wide in a %d px window", p.name, language, w, cw)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		sitetest.SaveArtifact(t, fmt.Sprintf("page-%s-%s-%dpx.png", p.name, language, width), shot)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
}

// TestAxeFindsViolations proves that the accessibility check can fail: a
// page given an image without a text alternative and an unlabelled field
// must be reported.
func TestAxeFindsViolations(t *testing.T) {
	site := sitetest.New(t)
	browser, _ := sitetest.Chromium(t, 1280)
	ctx, cancel := sitetest.Page(browser)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(site.URL+"/years/2022")); err != nil {
		t.Fatal(err)
	}
	sitetest.Evaluate[bool](t, ctx, `document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/static/favicon.svg"><input type="text">') === undefined`)
	found := map[string]bool{}
	for _, v := range runAxe(t, ctx) {
		found[v.ID] = true
	}
	if !found["image-alt"] || !found["label"] {
		t.Fatalf("axe-core did not report the planted image-alt and label violations: %v", found)
	}
}
